"""Edits typed at a person's speed in a real browser are all stored (issue 12, items 3, 4 and 8).

Item 3: table cells typed one after the other with Tab and Enter, no pause between cells.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import eventually

pytestmark = pytest.mark.e2e

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TITLE = "第一步：明确优化目标与范围"
KEY_DELAY_MS = 40  # a quick typist


def widget(page, key: str):
    return page.locator(f'.st-key-{key.replace(".", "-")}')


def store(data_dir):
    from diagnosis.store import Store

    return Store(f"sqlite:///{data_dir / 'diagnosis.sqlite'}")


def answers(data_dir, project_id: str) -> dict:
    return store(data_dir).load(project_id).project.answers


def seed(data_dir, title: str) -> str:
    """A project with three step-1 metric rows; returns its id."""
    from diagnosis.project.files import new_project

    project = new_project("customer_service_diagnosis", title=title)
    project.answers["metrics"] = [
        {"metric": "frt", "name": "首次响应", "baseline": 15.0, "target": 8.0, "unit": "分钟", "direction": "lower"},
        {"metric": "fcr", "name": "一次解决", "baseline": 65.0, "target": 85.0, "unit": "%", "direction": "higher"},
        {"metric": "csat", "name": "满意度", "baseline": 4.2, "target": 4.9, "unit": "分", "direction": "higher"},
    ]
    store(data_dir).save(project, "seed", "seed")
    return project.meta.id


def open_step1(page, url: str, project_id: str) -> None:
    page.goto(f"{url}/goals?project={project_id}")
    expect(page.locator("h1").first).to_have_text(TITLE)
    page.wait_for_selector(IDLE)
    expect(page.locator('[class*="st-key-goals-metrics-v"]').get_by_test_id("glide-cell-4-2")).to_be_attached()


def test_a_sidebar_click_while_a_field_has_unsaved_text_saves_it_and_changes_the_page(app_url, app_data, new_page):
    """Item 8: the click used to save the text and leave the page where it was."""
    project_id = seed(app_data, "侧栏点击不被吞掉")
    page = new_page()
    open_step1(page, app_url, project_id)
    field = widget(page, "goals.project_name").locator("input")
    field.click()
    page.keyboard.type("售后投诉流程优化", delay=KEY_DELAY_MS)  # still focused: not saved yet
    page.locator('[data-testid="stSidebar"]').get_by_text("第二步：多维度数据与信息收集", exact=True).click()
    page.wait_for_url(f"**/data?project={project_id}")
    expect(page.locator("h1").first).to_have_text("第二步：多维度数据与信息收集")
    eventually(lambda: answers(app_data, project_id).get("project_name") == "售后投诉流程优化")


def test_text_typed_but_not_yet_saved_survives_a_reload_and_is_saved(app_url, app_data, new_page):
    """Item 4: a textarea sends its text only when it loses focus; F5 used to lose it."""
    project_id = seed(app_data, "草稿不丢")
    page = new_page()
    open_step1(page, app_url, project_id)
    expect(page.get_by_text("重新载入页面后自动恢复").first).to_be_visible()  # the caption under the field says so
    field = widget(page, "goals.problem_statement").locator("textarea")
    field.click()
    page.keyboard.type("8月投诉率 3.2%，环比上升", delay=KEY_DELAY_MS)
    assert answers(app_data, project_id).get("problem_statement") is None  # still a draft
    page.reload()
    expect(page.locator("h1").first).to_have_text(TITLE)
    expect(field).to_have_value("8月投诉率 3.2%，环比上升")
    eventually(lambda: answers(app_data, project_id).get("problem_statement") == "8月投诉率 3.2%，环比上升")
    # once saved the draft is gone: another reload shows the stored text, nothing is written again
    page.wait_for_selector(IDLE)
    revisions = len(store(app_data).revisions(project_id))
    page.reload()
    expect(page.locator("h1").first).to_have_text(TITLE)
    page.wait_for_selector(IDLE)
    expect(field).to_have_value("8月投诉率 3.2%，环比上升")
    assert len(store(app_data).revisions(project_id)) == revisions


def test_a_draft_never_overwrites_a_text_someone_else_saved_meanwhile(app_url, app_data, new_page):
    project_id = seed(app_data, "旧草稿不覆盖")
    page = new_page()
    open_step1(page, app_url, project_id)
    field = widget(page, "goals.problem_statement").locator("textarea")
    field.click()
    page.keyboard.type("我的草稿", delay=KEY_DELAY_MS)
    stored = store(app_data).load(project_id)  # a colleague saves the answer before this reload
    stored.project.answers["problem_statement"] = "同事的文字"
    store(app_data).commit(stored.project, "李娜", "answer problem_statement", base_revision=stored.revision)
    page.reload()
    expect(page.locator("h1").first).to_have_text(TITLE)
    page.wait_for_selector(IDLE)
    expect(field).to_have_value("同事的文字")
    assert answers(app_data, project_id)["problem_statement"] == "同事的文字"
