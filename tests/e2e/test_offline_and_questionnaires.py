"""In a real browser: the app fetches nothing from the internet, and a consultant's
questionnaire upload is checked with line-numbered errors before a project starts on it."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.conftest import DATA
from tests.e2e.conftest import idle, widget

pytestmark = pytest.mark.e2e


def test_no_page_fetches_anything_from_outside_this_machine(app_url, new_page):
    page = new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) and not r.url.startswith(("data:", "blob:")) else None)
    page.goto(app_url)
    idle(page)
    page.get_by_role("button", name="打开示例项目").click()
    page.wait_for_url("**/goals?project=demo")
    idle(page)
    for kind in ("data", "causes", "solutions", "tracking", "evaluation", "report"):
        page.goto(f"{app_url}/{kind}?project=demo")
        idle(page)
    assert outside == []


def _upload_questionnaire(page, app_url, path):
    page.goto(app_url)
    idle(page)
    page.get_by_text("使用自己的问卷（YAML）").click()
    widget(page, "projects.questionnaire_upload").locator('input[type="file"]').set_input_files(str(path))
    idle(page)


def test_a_broken_questionnaire_upload_lists_every_problem_with_its_line(app_url, new_page):
    page = new_page()
    _upload_questionnaire(page, app_url, DATA / "broken" / "many_problems.yaml")
    text = page.locator('[data-testid="stCode"]').inner_text()
    for line in (DATA / "broken" / "many_problems.expected").read_text(encoding="utf-8").splitlines():
        assert line in text
    assert page.get_by_role("button", name="用上传的问卷创建项目").count() == 0


def test_a_valid_questionnaire_upload_starts_a_project_on_it(app_url, new_page):
    page = new_page()
    _upload_questionnaire(page, app_url, DATA / "questionnaires" / "all_types.yaml")
    page.locator('.st-key-projects-create_custom button').click()
    page.wait_for_url("**/goals?project=*")
    idle(page)
    assert page.get_by_text("部门代码").count() >= 1  # a question of the uploaded file
