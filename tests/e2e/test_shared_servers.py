"""Two app servers on two ports sharing one PostgreSQL: a change through one shows through the other."""

from __future__ import annotations

import contextlib

import pytest
from playwright.sync_api import expect

from diagnosis.demo import demo_project
from diagnosis.store import Store
from tests.e2e.conftest import PATIENCE_MS, eventually, idle, running_app, widget

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_a_change_made_through_one_server_appears_through_the_other_without_a_reload(postgres, tmp_path, new_page):
    url = postgres.new_database()
    store = Store(url)
    store.save(demo_project("zh"), "facilitator", "seeded")
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    with contextlib.ExitStack() as stack:
        one = stack.enter_context(running_app(tmp_path / "one", url, DIAGNOSIS_REFRESH_SECONDS="1"))
        two = stack.enter_context(running_app(tmp_path / "two", url, DIAGNOSIS_REFRESH_SECONDS="1"))
        assert one != two
        first, second = new_page(), new_page()
        first.goto(f"{one}/goals?project=demo")
        second.goto(f"{two}/goals?project=demo")
        idle(first)
        idle(second)
        widget(first, "goals.project_name").locator("input").fill("两台服务器共享的项目")
        first.keyboard.press("Tab")
        eventually(lambda: store.load("demo").project.answers["project_name"] == "两台服务器共享的项目")
        idle(first)
        # no reload on the second page: its periodic check of the head revision picks it up
        expect(widget(second, "goals.project_name").locator("input")).to_have_value("两台服务器共享的项目", timeout=PATIENCE_MS)
        # and back the other way
        widget(second, "goals.problem_statement").locator("textarea").fill("第二台服务器写的问题描述")
        second.keyboard.press("Tab")
        idle(second)
        expect(widget(first, "goals.problem_statement").locator("textarea")).to_have_value("第二台服务器写的问题描述", timeout=PATIENCE_MS)
        assert store.load("demo").project.answers["project_name"] == "两台服务器共享的项目"
    store.close()
