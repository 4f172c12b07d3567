"""Friction in the room, in a real browser: the dot-voting view stays chosen after each vote, and
the add-cause form is empty after an add (Chromium keeps a widget's value while its id stays)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDLE, eventually, idle, store, stored, widget

pytestmark = pytest.mark.e2e


def _field(page, key: str):
    return widget(page, key).locator("input")


def _open_add_form(page, n: int) -> None:
    idle(page)
    expander = page.locator('[data-testid="stExpander"]').filter(has_text="添加一条原因").locator("details")
    if expander.get_attribute("open") is None:
        page.get_by_text("添加一条原因", exact=True).click()
    expect(_field(page, f"causes.new.{n}.text")).to_be_visible()


def test_votes_keep_the_voting_view_and_the_next_cause_takes_nothing_from_the_previous_one(app_url, app_data, new_page):
    from diagnosis import fishbone as fb
    from diagnosis.demo import demo_project

    project = demo_project("zh")
    project.meta.id = "demo-room"
    for cause in fb.iter_causes(project.fishbone):
        cause.votes.pop("张伟", None)  # all 5 of the demo's dots back
    store(app_data).save(project, "seed", "seed")
    first = project.fishbone.causes[0]
    page = new_page()
    page.goto(f"{app_url}/causes?project=demo-room")
    idle(page)
    widget(page, "causes.view").get_by_text("点投票", exact=True).click()
    idle(page)
    widget(page, "causes.vote.who").click()
    page.get_by_role("option", name="张伟", exact=True).click()
    expect(widget(page, "causes.vote.add")).to_be_visible()
    idle(page)
    for n in range(1, 4):
        widget(page, "causes.vote.add").locator("button").click()
        eventually(lambda n=n: fb.find_cause(stored(app_data, "demo-room").fishbone, first.id).votes.get("张伟", 0) == n)
        expect(page.get_by_text(f"张伟 还剩 {5 - n} / 5 个点")).to_be_visible()  # the rerun after the vote is drawn
        page.wait_for_selector(IDLE)
        # still on the voting view: no click on the view again (a tab strip went back to its first tab)
        expect(widget(page, "causes.vote.add")).to_have_count(1)
        expect(widget(page, "causes.vote.add")).to_be_visible()
        expect(widget(page, "causes.view").get_by_text("点投票", exact=True)).to_be_visible()

    widget(page, "causes.view").get_by_text("原因", exact=True).click()
    idle(page)
    _open_add_form(page, 0)
    _field(page, "causes.new.0.text").fill("转接流程不清")
    _field(page, "causes.new.0.evidence").fill("转接率 30.8%")
    page.get_by_role("button", name="添加", exact=True).click()
    eventually(lambda: any(c.text == "转接流程不清" for c in fb.iter_causes(stored(app_data, "demo-room").fishbone)))
    expect(page.get_by_text("添加原因：转接流程不清", exact=True)).to_be_visible()  # the rerun after the add is drawn
    _open_add_form(page, 1)
    expect(_field(page, "causes.new.1.evidence")).to_have_value("")
    _field(page, "causes.new.1.text").fill("没有统一的转接话术")
    page.get_by_role("button", name="添加", exact=True).click()
    eventually(lambda: any(c.text == "没有统一的转接话术" for c in fb.iter_causes(stored(app_data, "demo-room").fishbone)))
    causes = {c.text: c for c in fb.iter_causes(stored(app_data, "demo-room").fishbone)}
    assert causes["转接流程不清"].evidence == "转接率 30.8%"
    assert causes["没有统一的转接话术"].evidence == ""  # before: it silently took "转接率 30.8%"
