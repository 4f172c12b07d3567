"""A participant link in a real browser: the identity cookie keeps the dots across a new name and a reload (issue 13 item 11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import IDLE, eventually, widget

pytestmark = pytest.mark.e2e


def test_a_participant_keeps_the_same_dots_after_a_new_name_and_a_reload(app_url, app_data, new_page):
    from diagnosis import sharing
    from diagnosis.demo import demo_project
    from diagnosis.store import Store

    store = Store(f"sqlite:///{app_data / 'diagnosis.sqlite'}")
    project = demo_project("zh")
    project.meta.id = "demo-guest-identity"
    store.save(project, "王经理", "demo")
    token, link = sharing.create_link(store, project.meta.id, "participant")
    cid = project.fishbone.causes[0].id

    def guest_dots() -> list[int]:
        votes = store.load(project.meta.id).project.fishbone.causes[0].votes
        return [n for k, n in votes.items() if k.startswith("guest:")]

    page = new_page()
    page.goto(f"{app_url}/?join={token}")
    page.wait_for_selector(IDLE)
    for n in range(1, 6):
        widget(page, f"join.vote.{cid}").locator("button").click()
        eventually(lambda n=n: guest_dots() == [n])
    eventually(lambda: any(c["name"] == f"diagnosis_guest_{link.id}" for c in page.context.cookies()))
    field = widget(page, "join.name").locator("input")
    field.fill("另一个名字")
    page.keyboard.press("Tab")
    page.reload()
    expect(page.get_by_text("您还有 0 票（共 5 票）")).to_be_visible()
    expect(widget(page, f"join.vote.{cid}").locator("button")).to_be_disabled()
    assert guest_dots() == [5]
