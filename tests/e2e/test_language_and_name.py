"""The interface language and the name belong to the person at this browser, not to the project.

Issue 12, items 1, 2 and 6: a language switch writes nothing to the project (it used to add a
revision, and the switch back re-saved a table as it was when the page loaded); another tab or
another person keeps its own language; the name survives reloads and new tabs.
"""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDLE, PATIENCE_MS, cell_editor, eventually, open_cell, shows, store, switch_language, widget
from tests.e2e.conftest import cell as table_cell

pytestmark = pytest.mark.e2e

ZH_TITLE, EN_TITLE = "第一步：明确优化目标与范围", "Step 1: Goals and scope"
SEEN = PATIENCE_MS  # how long another tab may take to pick up a revision (it polls every 3 s)


def cell(page, column: int, row: int = 0):
    """A cell of the metrics table."""
    return table_cell(page, "goals.metrics", column, row)


def seed(data_dir, title: str) -> str:
    """A project with one step-1 metric row (CSAT 4.2 -> 4.9); returns its id."""
    from diagnosis.project.files import new_project

    project = new_project("customer_service_diagnosis", title=title)
    project.answers["metrics"] = [{"metric": "csat", "name": "满意度", "baseline": 4.2, "target": 4.9, "unit": "分", "direction": "higher"}]
    store(data_dir).save(project, "seed", "seed")
    return project.meta.id


def open_step1(page, url: str, project_id: str, title: str = ZH_TITLE) -> None:
    page.goto(f"{url}/goals?project={project_id}")
    shows(page, title)
    expect(cell(page, 4)).to_be_attached()


def edit_target(page, text: str) -> None:
    """Open the first row's target cell, type the value, Enter."""
    open_cell(page, "goals.metrics", 4)
    editor = cell_editor(page)
    page.keyboard.type(text, delay=30)
    expect(editor).to_have_value(text)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def remembered(page, name: str) -> str | None:
    values = [c["value"] for c in page.context.cookies() if c["name"] == name]
    return unquote(values[0]) if values else None


def test_switching_the_language_after_table_edits_writes_nothing_and_keeps_the_last_value(app_url, app_data, new_page):
    project_id = seed(app_data, "语言切换不写入")
    page = new_page()
    open_step1(page, app_url, project_id)
    expect(cell(page, 4)).to_have_text("4.9")
    for value in ("4.5", "4.6"):
        edit_target(page, value)
        page.screenshot(path="/tmp/lang-edit.png")
        eventually(lambda v=float(value): store(app_data).load(project_id).project.answers["metrics"][0]["target"] == v)
        page.wait_for_selector(IDLE)
        expect(cell(page, 4)).to_have_text(value)
    revisions = [r.number for r in store(app_data).revisions(project_id)]

    switch_language(page, "English", EN_TITLE)
    expect(cell(page, 4)).to_have_text("4.6")  # the English table shows the value just typed
    switch_language(page, "中文", ZH_TITLE)
    expect(cell(page, 4)).to_have_text("4.6")
    page.screenshot(path="/tmp/lang-switch-back.png")

    assert store(app_data).load(project_id).project.answers["metrics"][0]["target"] == 4.6
    assert [r.number for r in store(app_data).revisions(project_id)] == revisions  # not even a language revision
    assert store(app_data).load(project_id).project.meta.language == "zh"


def test_the_language_is_this_browsers_another_tab_or_colleague_keeps_its_own(app_url, app_data, new_page):
    project_id = seed(app_data, "每人自己的语言")
    mine = new_page()
    open_step1(mine, app_url, project_id)
    second_tab = mine.context.new_page()  # same browser, opened before the switch
    second_tab.set_default_timeout(PATIENCE_MS)
    open_step1(second_tab, app_url, project_id)
    colleague = new_page()  # another browser
    open_step1(colleague, app_url, project_id)

    switch_language(mine, "English", EN_TITLE)
    eventually(lambda: remembered(mine, "diagnosis_lang") == "en")
    # a real edit in my tab: the other tabs pick it up (they rerun) and stay in Chinese
    widget(mine, "goals.project_name").locator("input").fill("Shared edit")
    mine.keyboard.press("Tab")
    eventually(lambda: store(app_data).load(project_id).project.answers.get("project_name") == "Shared edit")
    for other in (second_tab, colleague):
        expect(widget(other, "goals.project_name").locator("input")).to_have_value("Shared edit", timeout=SEEN)
        shows(other, ZH_TITLE)
        expect(widget(other, "goals.project_name")).to_contain_text("项目名称")
    colleague.screenshot(path="/tmp/lang-colleague-stays-zh.png")
    mine.screenshot(path="/tmp/lang-mine-en.png")
    assert store(app_data).load(project_id).project.meta.language == "zh"
    assert not [r for r in store(app_data).revisions(project_id) if "language" in r.description]

    # this browser remembers: a reload and a new tab open in English; the colleague's reload stays Chinese
    mine.reload()
    shows(mine, EN_TITLE)
    new_tab = mine.context.new_page()
    open_step1(new_tab, app_url, project_id, EN_TITLE)
    colleague.reload()
    shows(colleague, ZH_TITLE)


def test_the_name_is_remembered_by_the_browser_and_signs_edits_after_a_reload(app_url, app_data, new_page):
    from diagnosis import sharing

    project_id = seed(app_data, "记住姓名")
    page = new_page()
    open_step1(page, app_url, project_id)
    name = widget(page, "sidebar.author").locator("input")
    name.fill("王丽")
    page.keyboard.press("Tab")
    eventually(lambda: remembered(page, "diagnosis_name") == "王丽")

    page.reload()
    shows(page, ZH_TITLE)
    expect(name).to_have_value("王丽")
    widget(page, "goals.project_name").locator("input").fill("重新载入后的修改")
    page.keyboard.press("Tab")
    eventually(lambda: store(app_data).load(project_id).project.answers.get("project_name") == "重新载入后的修改")
    assert store(app_data).revisions(project_id)[0].author == "王丽"

    new_tab = page.context.new_page()
    new_tab.set_default_timeout(PATIENCE_MS)
    open_step1(new_tab, app_url, project_id)
    expect(widget(new_tab, "sidebar.author").locator("input")).to_have_value("王丽")

    # a participant link: the same browser knows the name; a participant's own name survives a reload
    token, _link = sharing.create_link(store(app_data), project_id, "participant", "王丽", "e2e")
    participant_tab = page.context.new_page()
    participant_tab.goto(f"{app_url}/?join={token}")
    expect(widget(participant_tab, "join.name").locator("input")).to_have_value("王丽", timeout=SEEN)
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        participant = phone.new_page()
        participant.set_default_timeout(PATIENCE_MS)
        participant.goto(f"{app_url}/?join={token}")
        field = widget(participant, "join.name").locator("input")
        expect(field).to_have_value("")
        field.fill("张伟")
        participant.keyboard.press("Tab")
        eventually(lambda: remembered(participant, "diagnosis_name") == "张伟")
        participant.reload()
        expect(field).to_have_value("张伟")
        participant.wait_for_selector(IDLE)
        participant.screenshot(path="/tmp/name-participant.png", full_page=True)
    finally:
        phone.close()


STEP_TITLES = {"goals": ("第一步", "Step 1"), "data": ("第二步", "Step 2"), "causes": ("第三步", "Step 3"),
               "solutions": ("第四步", "Step 4"), "tracking": ("第五步", "Step 5"), "evaluation": ("第六步", "Step 6")}


def test_switching_the_language_on_every_step_of_the_demo_writes_nothing(app_url, app_data, new_page):
    from diagnosis.demo import demo_project

    project = demo_project("zh")
    project.meta.id = "demo-languages"
    store(app_data).save(project, "seed", "seed")
    revisions = [r.number for r in store(app_data).revisions(project.meta.id)]
    page = new_page()
    for kind, (zh, en) in STEP_TITLES.items():
        page.goto(f"{app_url}/{kind}?project={project.meta.id}")
        expect(page.locator("h1").first).to_contain_text(zh)
        page.wait_for_selector(IDLE)
        for button, title in (("English", en), ("中文", zh)):
            widget(page, "sidebar.lang").get_by_text(button, exact=True).click()
            expect(page.locator("h1").first).to_contain_text(title)
            page.wait_for_selector(IDLE)
        written = [r.description for r in store(app_data).revisions(project.meta.id)][: -len(revisions)]
        now = store(app_data).load(project.meta.id).project.answers
        assert not written, (kind, written, {k: (v, now.get(k)) for k, v in project.answers.items() if now.get(k) != v})


def test_after_a_switch_a_chosen_definition_shows_in_the_new_language(app_url, app_data, new_page):
    from diagnosis.demo import demo_project

    project = demo_project("zh")
    project.meta.id = "demo-relabel"
    store(app_data).save(project, "seed", "seed")
    page = new_page()
    page.goto(f"{app_url}/data?project={project.meta.id}")
    page.wait_for_selector(IDLE)
    expect(widget(page, "data.mom").locator("input")).to_have_value("工单量", timeout=SEEN)
    widget(page, "sidebar.lang").get_by_text("English", exact=True).click()
    expect(page.locator("h1").first).to_contain_text("Step 2", timeout=SEEN)
    page.wait_for_selector(IDLE)
    # Streamlit kept showing a keyed selectbox's old label after its format_func changed
    expect(widget(page, "data.mom").locator("input")).to_have_value("Ticket volume", timeout=SEEN)
    expect(widget(page, "data.by").locator("input")).to_have_value("Channel", timeout=SEEN)
