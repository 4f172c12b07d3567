"""Issue 13 item 3 on a real server: an upload past the import's memory budget is one error on the
step-2 page; the server goes on serving (the next upload reads) and the project is unchanged."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, idle, new_project, running_app, store, widget

pytestmark = pytest.mark.e2e


def test_an_upload_past_the_budget_is_refused_and_the_server_goes_on(tmp_path, new_page):
    from tests.ticket_samples import csv_bytes, large_csv_bytes

    large = tmp_path / "大导出.csv"
    large.write_bytes(large_csv_bytes())
    small = tmp_path / "导出.csv"
    small.write_bytes(csv_bytes())
    data = tmp_path / "data"
    data.mkdir()
    with running_app(data, DIAGNOSIS_IMPORT_MEMORY_MB="64") as url:
        page = new_page()
        project_id = new_project(page, url, "预算测试")
        page.goto(f"{url}/data?project={project_id}")
        idle(page)
        revision = store(data).head(project_id)
        widget(page, "data.upload").locator('input[type="file"]').set_input_files(str(large))
        refusal = page.get_by_text("读取该文件需要的内存超过了导入的内存上限 64 MB")
        expect(refusal).to_be_visible()
        idle(page)
        refusal.scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "import_budget_refused.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as health:
            assert health.status == 200
        assert store(data).head(project_id) == revision and not store(data).load(project_id).project.data
        # the same session, a file within the budget: read, its mapping offered
        widget(page, "data.upload").locator('input[type="file"]').set_input_files(str(small))
        expect(widget(page, "data.map.created_at")).to_contain_text("创建时间")
        expect(refusal).to_have_count(0)
        idle(page)
        widget(page, "data.map.created_at").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "import_budget_next_upload.png"))
