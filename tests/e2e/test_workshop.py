"""A workshop in a real browser: answers survive reloads, files travel, the demo opens and the
language switch redraws it (every page's tidiness and offline check: test_language_scan.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, eventually, idle, new_project, running_app, store, stored, widget

pytestmark = pytest.mark.e2e

def answer(page, data_dir, project_id: str, key: str, field: str, text: str) -> None:
    """Type a question's answer, leave the field, and wait until the store has it and the run is over."""
    widget(page, f"goals.{key}").locator(field).fill(text)
    page.keyboard.press("Tab")
    eventually(lambda: stored(data_dir, project_id).answers.get(key) == text)
    idle(page)


def test_answers_survive_a_reload_and_travel_in_the_project_file(app_url, app_data, new_page, tmp_path):
    page = new_page()
    project_id = new_project(page, app_url, "E2E 工作坊")

    answer(page, app_data, project_id, "project_name", "input", "售后投诉流程优化")
    answer(page, app_data, project_id, "problem_statement", "textarea", "8月投诉率 3.2%，环比上升；首次响应慢")
    # a table row: click the empty last row to add it, then edit two cells (one of them twice)
    grid = widget(page, "goals.metrics.v1").locator('[data-testid="stDataFrame"]')
    box = grid.bounding_box()
    row_y = box["y"] + 35 + 17
    page.mouse.click(box["x"] + 200, row_y)
    idle(page)
    columns = {"name": 2, "baseline": 3}  # the grid's accessible cells count the row marker as column 0
    for x, text, column, expected in ((200, "微信渠道首次响应", "name", "微信渠道首次响应"), (330, "15", "baseline", 15.0), (330, "16", "baseline", 16.0)):
        target = grid.get_by_test_id(f"glide-cell-{columns[column]}-0")
        expect(target).to_be_attached()  # the grid has drawn the row after the rerun
        if column == "name":  # a text cell: double-click opens its editor
            page.mouse.dblclick(box["x"] + x, row_y)
        else:  # a number cell: select it, Enter opens its editor
            page.mouse.click(box["x"] + x, row_y)
            expect(target).to_have_attribute("aria-selected", "true")
            page.keyboard.press("Enter")
        expect(page.locator("#portal input, #portal textarea").first).to_be_focused()  # the cell's editor is open
        page.keyboard.press("Control+A")
        page.keyboard.type(text, delay=30)
        page.keyboard.press("Enter")  # commits the cell (and moves the selection down)
        page.keyboard.press("Escape")
        try:
            eventually(lambda c=column, e=expected: stored(app_data, project_id).answers["metrics"][0][c] == e)
        except AssertionError as missing:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "workshop-cell-not-stored.png"))
            raise AssertionError(f"{column}={expected!r} not stored: {stored(app_data, project_id).answers['metrics']}") from missing
        idle(page)
        expect(target).to_have_text(text)  # the rerun's grid shows what was typed
    rows = stored(app_data, project_id).answers["metrics"]
    assert rows == [{"metric": None, "name": "微信渠道首次响应", "baseline": 16.0, "target": None, "unit": None, "direction": None,
                     "definition": None}]

    page.reload()
    idle(page)
    expect(widget(page, "goals.project_name").locator("input")).to_have_value("售后投诉流程优化")
    expect(widget(page, "goals.problem_statement").locator("textarea")).to_have_value("8月投诉率 3.2%，环比上升；首次响应慢")
    assert stored(app_data, project_id).answers["metrics"] == rows

    # download the file from the Projects page
    page.goto(f"{app_url}/?project={project_id}")
    idle(page)
    with page.expect_download() as download:
        widget(page, "projects.download").locator("button").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    assert "售后投诉流程优化" in text and "微信渠道首次响应" in text

    # a fresh session (no shared browser state) uploads it: its id is stored, so the page asks
    # before anything changes; opened as a new project it has the same answers
    fresh = new_page()
    fresh.goto(app_url)
    idle(fresh)
    revisions_before = len(store(app_data).revisions(project_id))
    widget(fresh, "projects.upload").locator('input[type="file"]').set_input_files(str(path))
    expect(fresh.get_by_text("编号与已保存的项目").first).to_be_visible()
    idle(fresh)
    assert len(store(app_data).revisions(project_id)) == revisions_before
    widget(fresh, "projects.upload_as_new").locator("button").click()
    expect(fresh.get_by_text("原项目未改动").first).to_be_visible()
    idle(fresh)
    widget(fresh, "projects.continue").locator("button").click()
    fresh.wait_for_url("**/goals?project=*")
    idle(fresh)
    assert fresh.url.split("project=")[1] != project_id
    expect(widget(fresh, "goals.project_name").locator("input")).to_have_value("售后投诉流程优化")
    assert len(store(app_data).revisions(project_id)) == revisions_before

    # a broken file shows a clear error and leaves the open project as it was
    fresh.goto(f"{app_url}/?project={project_id}")
    idle(fresh)
    revisions_before = len(store(app_data).revisions(project_id))
    broken = tmp_path / "broken.diagnosis.yaml"
    broken.write_text("format: process-diagnosis-project\nformat_version: 2\nmeta: [oops\n", encoding="utf-8")
    widget(fresh, "projects.upload").locator('input[type="file"]').set_input_files(str(broken))
    idle(fresh)
    expect(fresh.get_by_text("无法打开“broken.diagnosis.yaml”，当前项目保持不变")).to_be_visible()
    expect(fresh.get_by_text("broken.diagnosis.yaml:4").first).to_be_visible()  # the line-numbered problem
    assert "project=" + project_id in fresh.url
    expect(fresh.get_by_text("E2E 工作坊").first).to_be_visible()
    assert len(store(app_data).revisions(project_id)) == revisions_before


def test_the_demo_button_opens_step_1_and_the_language_switch_redraws_it_in_english(app_url, new_page):
    """The demo from the Projects page, then English by the sidebar's switch. Every page in both
    languages (no exception, no request to another host, a screenshot) is walked by
    tests/e2e/test_language_scan.py, which loads each page anyway."""
    page = new_page()
    page.goto(app_url)
    idle(page)
    page.get_by_role("button", name="打开示例项目").first.click()
    page.wait_for_url("**/goals?project=demo")
    idle(page)
    expect(page.locator("h1").first).to_have_text("第一步：明确优化目标与范围")
    widget(page, "sidebar.lang").get_by_text("English", exact=True).click()
    # the page is redrawn in that language (and the browser remembers it for the next pages)
    expect(page.locator("h1").first).to_have_text(re.compile(r"^[^\u4e00-\u9fff]+$"))
    idle(page)
    page.goto(f"{app_url}/evaluation?project=demo")
    expect(page.locator("h1").first).to_contain_text("Step 6")


def test_after_a_server_restart_a_step_url_opens_its_project(tmp_path, new_page):
    """The first request of a fresh server must go through streamlit_app.py (no pages/ folder)."""
    from diagnosis.demo import demo_project

    store(tmp_path).save(demo_project("zh"), description="seeded")
    with running_app(tmp_path) as url:
        page = new_page()
        page.goto(f"{url}/goals?project=demo")
        idle(page)
        expect(page.locator("h1").first).to_have_text("第一步：明确优化目标与范围")
        expect(widget(page, "goals.project_name").locator("input")).to_have_value("在线商城客服中心流程诊断")
