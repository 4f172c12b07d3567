"""Every page, in each language, shows no interface text of the other language (issue 12 item 14).

The demo project (Chinese user data) is opened on every page (projects, steps 1-6, report,
history, share, a participant's page, the suggestion form), one test per page and language; what a person sees or a screen reader reads (the
body's text, aria-labels, placeholders, titles) is collected. On English pages every run of
Chinese characters must come from the project's own user text (its answers, causes, measures,
check-ins, imports: data, not our chrome; the project's metric definitions are bilingual and so
not allowed). On Chinese pages none of the English interface words Streamlit or we are known to
have shown may appear. A raw `:red[` (markdown read aloud) is wrong in both. Screenshots of
every page land in test-output/screenshots/language/.

Not seen by the scan: text drawn on a canvas (the cells of st.dataframe / st.data_editor, Vega
charts), the report preview's frame (in the report's own language, chosen on the page) and popups
that open only on a click (the date picker's calendar).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, idle, store, widget

pytestmark = pytest.mark.e2e

PROJECT = "lang_scan_demo"
DEMO_DATA = ROOT / "diagnosis" / "demo_data"
OWN_NAME = "中文"  # the language switch names each language in itself
PAGES = ["projects", "goals", "data", "causes", "solutions", "tracking", "evaluation", "report", "history", "share"]
GUESTS = {"join": "participant", "suggest": "suggest"}  # a participant's page and the suggestion form: ?<param>=<token>
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+")
# English interface words that were seen on Chinese pages (Streamlit's own and ours)
ENGLISH_UI = [
    "Upload", "Browse files", "Drag and drop", "per file", "Select all", "Press Ctrl+Enter", "Press ⌘+Enter",
    "to apply", "Help for", "Remove", "Add row", "Delete row", "Download as CSV", "Search", "Fullscreen",
    "Clear all", "Close", "No results", "Show password", "Choose an option", "Show/hide columns",
    "Previous", "Next", "Projects", "Report", "History", "Share", "Language", "Your name",
    "saved", "not saved yet", "required", "Step ",
]
COLLECT = """() => {
  const out = [document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [placeholder], [title]')) {
    for (const name of ['aria-label', 'placeholder', 'title']) {
      const value = el.getAttribute(name);
      if (value) out.push(value);
    }
  }
  return out.join('\\n');
}"""


def _strings(value, out: list[str]) -> list[str]:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    return out


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


@pytest.fixture(scope="module")
def user_text(app_data) -> str:
    """The demo stored under its own id; returns all of its user text, one blob."""
    from diagnosis.demo import demo_project

    project = demo_project("zh")
    project.meta.id = PROJECT
    if store(app_data).head(PROJECT) is None:
        store(app_data).create(project, "demo", "demo project")
    data = project.model_dump(mode="json")
    data.pop("metric_definitions", None)  # bilingual: the English page must show the English
    exports = [_decoded(path.read_bytes()) for path in sorted(DEMO_DATA.glob("*.csv"))]  # the imports' rows
    return "\n".join([*_strings(data, []), *exports])


@pytest.fixture(scope="module")
def addresses(app_data, app_url, user_text) -> dict[str, str]:
    """Every page's address: the facilitator's pages with the project, then the guest links' pages."""
    from diagnosis import sharing

    # Projects is the default page: "/"
    out = {name: f"{app_url}/{'' if name == 'projects' else name}?project={PROJECT}" for name in PAGES}
    for param, kind in GUESTS.items():
        token, _link = sharing.create_link(store(app_data), PROJECT, kind, "scan", "language scan")
        out[param] = f"{app_url}/?{param}={token}"
    return out


def _visible(page, url: str, lang: str, name: str, address: str) -> str:
    """Open a page in `lang` (a fresh browser: a guest link's session stays a guest), screenshot it, collect its text.

    The walk over every page also checks what any page must do (test_workshop's tidy walk left
    it here, since a page load costs seconds): draw without an exception and ask nothing of any
    host but this one (no web fonts, no usage statistics)."""
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None)
            and not r.url.startswith(("data:", "blob:")) else None)
    page.context.add_cookies([{"name": "diagnosis_lang", "value": lang, "url": url}])
    page.goto(address)
    page.wait_for_selector("h1")
    idle(page)
    SCREENSHOTS.joinpath("language").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "language" / f"{name}-{lang}.png"))
    assert page.locator('[data-testid="stException"]').count() == 0, name
    assert outside == [], outside
    return page.evaluate(COLLECT)


@pytest.mark.parametrize("name", [*PAGES, *GUESTS])
def test_an_english_page_shows_chinese_only_in_the_projects_own_text(new_page, app_url, addresses, user_text, name):
    text = _visible(new_page(), app_url, "en", name, addresses[name])
    runs = sorted({run for run in CJK.findall(text) if run.strip("　、。，：；（）！？") and run != OWN_NAME and run not in user_text})
    assert ":red[" not in text
    assert not runs, runs


@pytest.mark.parametrize("name", [*PAGES, *GUESTS])
def test_a_chinese_page_shows_no_english_interface_words(new_page, app_url, addresses, user_text, name):
    text = _visible(new_page(), app_url, "zh", name, addresses[name])
    found = [word for word in ENGLISH_UI if re.search(rf"(?<![A-Za-z]){re.escape(word)}", text) and word not in user_text]
    assert ":red[" not in text
    assert not found, found


def test_streamlits_typing_hint_is_chinese_on_a_chinese_page(new_page, app_url, addresses):
    """What Streamlit shows only while one types: "Press Enter to apply" under a text field."""
    page = new_page()
    _visible(page, app_url, "zh", "typing", addresses["goals"])
    name_field = widget(page, "sidebar.author").locator("input")
    name_field.click()
    name_field.type("x")
    instructions = widget(page, "sidebar.author").get_by_test_id("InputInstructions")
    expect(instructions).to_contain_text("Enter")
    assert "Press" not in instructions.inner_text() and "apply" not in instructions.inner_text()
