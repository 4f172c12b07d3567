"""In a real browser: a consultant's questionnaire upload is checked with line-numbered errors
before a project starts on it (that no page fetches anything from outside: test_workshop's walk)."""

from __future__ import annotations

import pytest

from tests.conftest import DATA
from tests.e2e.conftest import idle, widget

pytestmark = pytest.mark.e2e


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
