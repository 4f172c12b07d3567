"""Edits typed at a person's speed in a real browser are all stored (issue 12, items 3, 4 and 8).

Item 3: table cells typed one after the other with Tab and Enter, no pause between cells.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, eventually

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


def test_table_cells_typed_quickly_one_after_the_other_are_all_stored(app_url, app_data, new_page):
    project_id = seed(app_data, "快速连续编辑表格")
    page = new_page()
    open_step1(page, app_url, project_id)
    box = page.locator('[class*="st-key-goals-metrics-v"] [data-testid="stDataFrame"]').bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 17)  # row 1, column "metric"
    for key in ("ArrowRight", "ArrowRight", "Enter"):  # row 1, "baseline": Enter opens its editor
        page.keyboard.press(key, delay=KEY_DELAY_MS)
    # Tab commits and moves right, Enter commits and moves down; typing on a selected cell opens its editor
    for text, key in (("16", "Tab"), ("7", "Enter"), ("80", "Enter"), ("4.8", "Enter")):
        page.keyboard.type(text, delay=KEY_DELAY_MS)  # each key held KEY_DELAY_MS: a quick typist
        page.keyboard.press(key, delay=KEY_DELAY_MS)
    page.keyboard.press("Escape", delay=KEY_DELAY_MS)
    wanted = [(15.0 + 1, 7.0), (65.0, 80.0), (4.2, 4.8)]

    def got() -> list:
        return [(r["baseline"], r["target"]) for r in answers(app_data, project_id)["metrics"]]

    try:
        eventually(lambda: got() == wanted, seconds=20)
        page.wait_for_selector(IDLE)
        eventually(lambda: got() == wanted, seconds=3)  # and nothing later undoes one of them
    except AssertionError as missing:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "quick-edits-lost.png"))
        raise AssertionError(f"stored {got()}, typed {wanted}") from missing
