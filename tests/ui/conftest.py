"""AppTest runs of the whole app (from the entry point) against a store in a temporary folder, and the
helpers several UI test modules share (a browser's cookie jar, the step editors around the demo)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")  # absolute: AppTest resolves relative paths against the test file
STEP_PAGES = ["app_pages/goals.py", "app_pages/data.py", "app_pages/causes.py", "app_pages/solutions.py", "app_pages/tracking.py", "app_pages/evaluation.py"]
ALL_PAGES = ["app_pages/projects.py", *STEP_PAGES, "app_pages/report.py"]
# how long one run of a page may take: a run is seconds when idle, but CI's two cores may be busy
# with another job (the report page draws charts and the fishbone); wait for the run, not a guess
PATIENCE = 180


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_DATABASE_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    return AppTest.from_file(APP, default_timeout=PATIENCE)


@pytest.fixture
def store(data_dir):
    from diagnosis.store import Store

    return Store()


def open_demo(at: AppTest) -> AppTest:
    at.run()
    at.button(key="projects.demo").click().run()
    at.run()  # AppTest drops the sidebar of a run that switched pages; a browser does not
    assert not at.exception
    return at


def open_new(at: AppTest, title: str = "新项目") -> AppTest:
    at.run()
    at.text_input(key="projects.new_title").input(title).run()
    at.button(key="projects.create").click().run()
    at.run()  # AppTest drops the sidebar of a run that switched pages; a browser does not
    assert not at.exception
    return at


def open_id(at: AppTest) -> str:
    return at.session_state["state.open"].project.meta.id


FIELDS = ("text_input", "text_area", "number_input", "selectbox", "slider", "date_input")


def shown(at: AppTest, prefix: str) -> dict[str, object]:
    """What the page shows in the widgets whose key starts with `prefix`: widget id -> value (but for
    the widgets of a `clear_on_submit` form, which the browser itself empties on submit)."""
    cleared = {node.proto.form.form_id for node in at._tree if getattr(node, "type", None) == "form" and node.proto.form.clear_on_submit}
    return {w.id: w.value for kind in FIELDS for w in getattr(at, kind)
            if (w.key or "").startswith(prefix) and (getattr(w.proto, "form_id", "") or "") not in cleared}


def as_a_browser_keeps(at: AppTest, before: dict[str, object]) -> None:
    """Do what Chromium does after a rerun: a widget whose id stayed and whose value the server did
    not set (`proto.set_value`) keeps showing, and later sends, what it showed before. (AppTest
    alone reads the value back from the server, so it misses a form the browser does not clear.)"""
    for kind in FIELDS:
        for widget in getattr(at, kind):
            if widget.id in before and not widget.proto.set_value:
                widget.set_value(before[widget.id])


def keyed(widgets, pattern: str):
    """The one widget whose key matches `pattern` (a regular expression, e.g. r"causes\\.new\\.\\d+\\.text")."""
    import re

    found = [w for w in widgets if w.key and re.fullmatch(pattern, w.key)]
    assert len(found) == 1, [w.key for w in widgets]
    return found[0]


# --- helpers several test modules use --------------------------------------------------------


SETTER = re.compile(r'document\.cookie = "([A-Za-z0-9_]+)=([^;"]*)')


class Browser:
    """A browser's cookie jar: what a page wrote with `document.cookie`, sent with the next visit."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def visit(self, monkeypatch, token: str) -> AppTest:
        from ui import browser

        monkeypatch.setattr(browser, "_jar", lambda: self.cookies)  # read once, when the session starts
        at = AppTest.from_file(APP, default_timeout=PATIENCE)
        at.query_params["join"] = token
        at.run()
        assert not at.exception
        self.keep(at)
        return at

    def keep(self, at: AppTest) -> None:
        for element in at.get("html"):
            self.cookies.update(SETTER.findall(element.proto.body))


def step_editor_app(kind: str, lang: str, read_only: bool, setup: str) -> None:
    import streamlit as st

    from diagnosis import catalog
    from diagnosis.demo import demo_project
    from ui.context import StepContext
    from ui.editors import draw_editor

    if "project" not in st.session_state:
        project = demo_project(lang)
        if setup == "unmeasured_cause":
            project.fishbone.confirmed.append("c08")
        if setup == "usd":
            project.answers["currency"] = "USD"  # step 4's currency question
        if setup == "csat_alert":
            from diagnosis.project.model import MetricValue

            project.evaluation.values += [MetricValue(metric="csat_mean", checkpoint=6, value=70.0)]
            for value in project.evaluation.values:
                if value.metric == "csat_mean":
                    value.value = 72.0
        st.session_state.project = project
        st.session_state.saves = []
    project = st.session_state.project
    ctx = StepContext(
        project=project, questionnaire=catalog.get(project.questionnaire.id).questionnaire, lang=lang,
        save=st.session_state.saves.append, author="tester", read_only=read_only,
    )
    draw_editor(kind, ctx)


def start_step(kind: str, lang: str = "en", read_only: bool = False, setup: str = "") -> AppTest:
    at = AppTest.from_function(step_editor_app, args=(kind, lang, read_only, setup), default_timeout=PATIENCE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart") + at.get("arrow_vega_lite_chart")


def tables_with(at: AppTest, column: str) -> list:
    """Display tables (st.dataframe carries no key in AppTest) found by one of their columns."""
    return [df.value for df in at.dataframe if column in df.value.columns]


def causes_editor_app(lang: str = "zh", read_only: bool = False, empty: bool = False, author: str = "王经理", values: tuple = ()) -> None:
    import streamlit as st

    from diagnosis import catalog
    from diagnosis.demo import demo_project
    from diagnosis.project.model import Fishbone
    from ui.context import StepContext
    from ui.editors import draw_editor

    if "project" not in st.session_state:
        project = demo_project(lang)
        if empty:
            project.fishbone = Fishbone()
        for n, rib in enumerate(project.fishbone.causes if values else []):
            rib.value = values[n] if n < len(values) else 0
            for child in rib.children:
                child.value = None
        st.session_state.project = project
        st.session_state.saves = []
    project = st.session_state.project
    ctx = StepContext(project=project, questionnaire=catalog.get(project.questionnaire.id).questionnaire, lang=lang,
                      save=st.session_state.saves.append, author=author, read_only=read_only)
    draw_editor("causes", ctx)


def start_causes(view: str = "causes", **kwargs) -> AppTest:
    at = AppTest.from_function(causes_editor_app, kwargs=kwargs, default_timeout=PATIENCE)
    at.run()
    assert not at.exception, at.exception
    if view != "causes":
        show_view(at, view)
    return at


def show_view(at: AppTest, view: str) -> AppTest:
    """Click one of the step's views (causes, diagram, voting, pareto, confirm)."""
    at.segmented_control(key="causes.view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def submit(at, label: str = "") -> None:
    """Press a form's submit button (the one labelled `label`, or the first), and the run must not fail."""
    next(b for b in at.button if b.proto.is_form_submitter and (not label or b.label == label)).click().run()
    assert not at.exception, [e.value for e in at.exception]
