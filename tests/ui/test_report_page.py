"""The Report page: a preview of the HTML report and a download per format."""

from __future__ import annotations

from tests.ui.conftest import PATIENCE, open_demo


def test_the_report_page_previews_the_report_and_offers_html_at_once(app):
    open_demo(app)
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    assert not app.exception
    assert app.title[0].value == "诊断报告"
    labels = [b.label for b in app.button]
    # PDF, Word, slides, Excel and Markdown are made on request; HTML is ready
    assert {"生成 PDF", "生成 Word 文档", "生成 演示文稿 PPT", "生成 Excel 数据", "生成 Markdown"} <= set(labels)
    html = app.get("iframe")[0].proto.srcdoc if app.get("iframe") else ""
    assert "执行摘要" in html and "客户历史记录未同步" in html


def test_asking_for_a_format_turns_its_button_into_a_download(app):
    open_demo(app)
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    app.button(key="report.make.xlsx").click().run(timeout=PATIENCE)
    assert not app.exception
    assert "report.make.xlsx" not in [b.key for b in app.button]


def test_the_report_follows_the_chosen_language(app):
    open_demo(app)
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    app.segmented_control(key="report.lang.demo").set_value("en").run(timeout=PATIENCE)
    html = app.get("iframe")[0].proto.srcdoc
    assert "Executive summary" in html


def test_the_report_opens_in_the_projects_report_language_whatever_the_readers_language(app):
    open_demo(app)
    app.segmented_control(key="sidebar.lang").set_value("en").run()
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    assert app.title[0].value == "Diagnosis report"
    assert "执行摘要" in app.get("iframe")[0].proto.srcdoc


def test_another_report_language_can_be_made_the_projects_default_with_one_revision(app, store):
    open_demo(app)
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    assert "report.set_default" not in [b.key for b in app.button]
    before = len(store.revisions("demo"))
    app.segmented_control(key="report.lang.demo").set_value("en").run(timeout=PATIENCE)
    app.button(key="report.set_default").click().run(timeout=PATIENCE)
    assert not app.exception
    assert store.load("demo").project.meta.language == "en"
    assert [r.description for r in store.revisions("demo")][0] == "report language en"
    assert len(store.revisions("demo")) == before + 1
    assert "report.set_default" not in [b.key for b in app.button]


def test_the_report_page_judges_late_measures_as_of_the_chosen_day(app):
    import datetime as dt

    open_demo(app)
    app.switch_page("app_pages/report.py").run(timeout=PATIENCE)
    assert app.date_input(key="report.as_of").value == dt.date.today()
    app.date_input(key="report.as_of").set_value(dt.date(2025, 10, 10)).run(timeout=PATIENCE)
    assert not app.exception
    html = app.get("iframe")[0].proto.srcdoc
    assert "截至日期" in html and "2025-10-10" in html
    tracking = html.split('id="tracking"')[1].split("<section")[0]
    assert tracking.count("逾期") == 1
