"""The step-2 data editor in AppTest, hosted by a stand-in page with an in-memory save."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from tests.ui.conftest import PATIENCE


def host(read_only: bool = False, lang: str = "zh", with_results: bool = True, demo_data: bool = False) -> None:
    import streamlit as st

    from diagnosis.demo import demo_project
    from diagnosis.tickets import analyze, read_export, resolve_mapping
    from diagnosis.tickets import flow
    from tests.ticket_samples import csv_bytes
    from ui.context import StepContext
    from ui.editors import draw_editor

    def project_questionnaire(project):
        from diagnosis.project.files import resolve_questionnaire

        return resolve_questionnaire(project)

    if "project" not in st.session_state:
        project = demo_project(lang)
        if not demo_data:
            project.data = {}
        if with_results and not demo_data:
            export = read_export(csv_bytes(), "tickets.csv")
            mapping = resolve_mapping(export.headers)
            flow.store_import(project, export.facts, mapping, analyze(export, mapping, 15))
            flow.measure_and_store(project, project_questionnaire(project), export, mapping, "baseline")
        st.session_state.project = project
        st.session_state.saves = []
    ctx = StepContext(
        project=st.session_state.project,
        questionnaire=project_questionnaire(st.session_state.project),
        lang=lang,
        save=st.session_state.saves.append,
        read_only=read_only,
    )
    draw_editor("data", ctx)


def app(**kwargs) -> AppTest:
    return AppTest.from_function(host, kwargs=kwargs, default_timeout=PATIENCE).run()


def test_the_editor_shows_metrics_groups_bad_rows_and_the_three_charts():
    at = app()
    assert not at.exception
    assert at.get("file_uploader")  # upload offered, with its size limit said
    assert any("单个文件最大 100 MB" in c.value for c in at.caption)
    assert at.number_input(key="data.sla").value == 15.0
    assert len(at.dataframe) >= 2  # overall, by group (+ bad-row examples)
    assert at.selectbox(key="data.by").value == "channel"
    at.selectbox(key="data.by").set_value("weekday").run()
    assert not at.exception
    assert any("满意度超出评分量表" in e.label for e in at.expander)
    charts = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    assert len(charts) == 3


def test_use_as_baseline_updates_the_step1_metric_and_saves():
    at = app()
    at.selectbox(key="data.baseline_metric").set_value("fcr").run()
    at.button(key="data.use_baseline").click().run()
    assert not at.exception
    project = at.session_state.project
    fcr = [r for r in project.answers["metrics"] if r.get("definition") == "fcr"]
    assert len(fcr) == 1 and fcr[0]["baseline"] == pytest.approx(66.67)
    assert len(at.session_state.saves) == 1 and "基线" in at.session_state.saves[0]


def test_category_counts_attach_to_the_chosen_causes():
    at = app()
    causes = at.session_state.project.fishbone.causes
    first = at.selectbox(key="data.cause.0")
    first.set_value(causes[0].id).run()
    at.button(key="data.attach_causes").click().run()
    assert not at.exception
    assert at.session_state.project.fishbone.causes[0].value == 4.0  # 退款: 4 tickets
    assert len(at.session_state.saves) == 1


def test_a_read_only_project_offers_no_upload_and_disabled_buttons():
    at = app(read_only=True)
    assert not at.exception
    assert not at.get("file_uploader")
    assert at.button(key="data.use_baseline").disabled
    assert at.number_input(key="data.sla").disabled


def test_without_an_import_the_editor_says_so_in_english():
    at = app(lang="en", with_results=False)
    assert not at.exception
    assert any("No ticket data yet" in c.value for c in at.caption)


def upload(at: AppTest, key: str, name: str, content: bytes) -> AppTest:
    uploader = next(u for u in at.get("file_uploader") if u.key == key)
    return uploader.set_value((name, content, "text/csv")).run()


def test_an_upload_shows_encoding_and_mapping_then_computes_and_saves():
    from tests.ticket_samples import csv_bytes

    at = app(with_results=False)
    at = upload(at, "data.upload", "导出.csv", csv_bytes(delimiter=";", encoding="gb18030"))
    assert not at.exception
    assert any("gb18030" in i.value and "';'" in i.value for i in at.info)
    assert at.selectbox(key="data.map.created_at").value == "创建时间"
    at.selectbox(key="data.map.region").set_value("—").run()  # the user unmaps a column
    at.number_input(key="data.sla").set_value(5.0).run()
    at.button(key="data.compute").click().run()
    assert not at.exception
    data = at.session_state.project.data
    assert data["source"]["name"] == "导出.csv" and data["source"]["rows"] == 10 and data["source"]["encoding"] == "gb18030"
    assert data["mapping"]["region"] is None and data["sla_minutes"] == 5.0
    assert data["results"]["overall"]["sla_rate"] == pytest.approx(2 / 7)
    assert "region" not in data["results"]["groups"]
    assert at.session_state.saves and "导出.csv" in at.session_state.saves[-1]


def test_the_import_preview_names_each_mapped_field_by_its_label_not_its_id():
    from tests.ticket_samples import csv_bytes

    at = upload(app(with_results=False), "data.upload", "导出.csv", csv_bytes())
    assert not at.exception
    headings = list(at.dataframe[0].value.columns)
    assert "创建时间 → 创建时间" in headings and not any("→ created_at" in h or "→ ticket_id" in h for h in headings)
    assert not any(h.split(" → ")[-1].split("（")[0] in ("ticket_id", "created_at", "channel") for h in headings if " → " in h)


def flow_checkpoint(project, months):
    from tests.conftest import checkpoint_import

    return checkpoint_import(project, months)


def test_a_later_export_fills_the_chosen_checkpoint():
    from tests.ticket_samples import csv_bytes

    at = app()
    at.selectbox(key="data.checkpoint").set_value(3).run()
    at = upload(at, "data.checkpoint_upload", "九月.csv", csv_bytes())
    at.button(key="data.fill_checkpoint").click().run()
    assert not at.exception
    project = at.session_state.project
    at3 = {v.metric: v for v in project.evaluation.values if v.checkpoint == 3}
    # each demo row by its own definition on the small export: 3 complaints of 10 tickets
    assert at3["complaint_rate"].value == pytest.approx(30.0) and at3["complaint_rate"].n == 10
    assert flow_checkpoint(project, 3)["source"]["name"] == "九月.csv"
    assert project.data["source"]["name"] == "tickets.csv"  # the baseline import is kept


def test_an_unreadable_upload_shows_one_error_and_no_exception():
    at = app(with_results=False)
    at = upload(at, "data.upload", "bad.csv", b"a,b\n1,2,3,4\n")
    assert not at.exception
    assert any("CSV 格式有误" in e.value for e in at.error)  # in the page's language (issue 12 item 14)


def test_the_data_step_checks_the_survey_sample_against_the_30_percent_rule(app, store):
    from tests.ui.conftest import open_demo

    open_demo(app)

    def sample(project):
        project.answers["survey_sample"] = 100
    store.apply("demo", sample, "王经理", "survey sample")
    app.session_state["state.lang"] = "en"
    app.switch_page("app_pages/data.py").run()
    assert not app.exception
    # shown by the step page next to the questions they are about (tests/ui/test_smaller_items.py)
    assert any("under 30%" in w.value and "at least 360" in w.value for w in app.warning)
    assert any("complained twice or more" in s.value for s in app.success)


def test_the_demo_lists_its_four_periods_and_the_month_on_month_volume():
    at = app(lang="en", demo_data=True)
    assert not at.exception
    periods = next(d.value for d in at.dataframe if "Period" in d.value.columns)
    assert list(periods["Period"]) == ["reference", "baseline", "checkpoint (1 month)", "checkpoint (3 months)"]
    assert list(periods["Tickets"]) == [8814, 9872, 9318, 9146]
    assert at.selectbox(key="data.mom").value == "volume"
    mom = next(d.value for d in at.dataframe if "Month" in d.value.columns)
    # July 8,814 -> August 9,872 rows, each with one row whose creation time cannot be read (it
    # belongs to no month): 8,813 -> 9,871 tickets by month, +12.0% (the seed case's "+12% on July")
    assert list(mom["Month"]) == ["2025-07", "2025-08"] and list(mom["Value"]) == [8813, 9871]
    assert round((9871 - 8813) / 8813 * 100, 1) == 12.0
    assert list(mom["Change on the month before"]) == ["—", "+12.0%"]


def test_a_new_baseline_file_replaces_the_old_only_once_the_user_ticks_replace():
    from tests.ticket_samples import csv_bytes

    at = app()
    at = upload(at, "data.upload", "新导出.csv", csv_bytes(delimiter=";"))
    assert at.button(key="data.compute").disabled  # nothing replaced without asking
    assert at.session_state.project.data["source"]["name"] == "tickets.csv" and not at.session_state.saves
    at.checkbox(key="data.replace_baseline").check().run()
    at.button(key="data.compute").click().run()
    assert not at.exception and at.session_state.project.data["source"]["name"] == "新导出.csv"


def test_an_earlier_export_saved_as_reference_keeps_the_baseline():
    from tests.ticket_samples import csv_bytes

    at = app()
    at = upload(at, "data.upload", "七月.csv", csv_bytes(delimiter=";"))
    at.radio(key="data.period").set_value("reference").run()
    at.button(key="data.compute_reference").click().run()
    assert not at.exception
    project = at.session_state.project
    assert project.data["source"]["name"] == "tickets.csv"
    assert [e["period"] for e in project.data["imports"] if e["source"]["name"] == "七月.csv"] == ["reference"]
    assert "七月.csv" in at.session_state.saves[-1]


def test_a_team_adds_its_own_definition_and_step_1_offers_it():
    at = app(lang="en")
    before = list(at.session_state.project.metric_definitions)  # the demo's own two
    at.text_input(key="definitions.name_zh").input("微信高峰 2 分钟响应率")
    at.text_input(key="definitions.name_en").input("WeChat peak response within 2 min")
    at.selectbox(key="definitions.what").set_value("rate:within_sla")
    at.multiselect(key="definitions.channel").set_value(["微信"])
    at.slider(key="definitions.hours").set_value((10, 12))
    at.number_input(key="definitions.sla").set_value(2.0)
    next(b for b in at.button if "Add the definition" in b.label).click().run()
    assert not at.exception and not at.error
    *kept, definition = at.session_state.project.metric_definitions
    assert kept == before
    assert definition.id == "team_1" and definition.statistic == "rate" and definition.sla_minutes == 2.0
    assert definition.segment.channel == ["微信"] and definition.segment.hours == (10, 12)
    assert "WeChat peak response within 2 min" in at.session_state.saves[-1]
    from diagnosis.project.files import resolve_questionnaire

    table = next(q for q in resolve_questionnaire(at.session_state.project).questions() if q.id == "metrics")
    column = next(c for c in table.columns if c.id == "definition")
    assert "team_1" in [o.id for o in column.options]


def test_a_definition_with_a_taken_name_is_refused_in_one_line_and_nothing_is_added():
    at = app(lang="en")
    before = list(at.session_state.project.metric_definitions)
    at.text_input(key="definitions.name_en").input("Ticket volume")
    next(b for b in at.button if "Add the definition" in b.label).click().run()
    assert not at.exception and at.session_state.project.metric_definitions == before
    assert [e.value for e in at.error] == ["a metric definition named 'Ticket volume' exists already"]


ZONES_AND_UNITS = ("工单号,创建时间,首次响应时间,处理时长（分钟）\n"
                   "T1,2025-08-01 10:00:00+08:00,2025-08-01 10:10:00,6\n"
                   "T2,2025-08-01 11:00:00+08:00,2025-08-01 11:20:00,4\n").encode("utf-8")  # fmt: skip


def unescaped(text: str) -> str:
    return text.replace("\\", "")


def test_the_mapping_preview_shows_a_duration_column_s_unit_and_the_import_converts_it():
    at = app(with_results=False)
    at = upload(at, "data.upload", "分钟.csv", ZONES_AND_UNITS)
    assert not at.exception
    unit = at.selectbox(key="data.unit.handle_seconds.处理时长（分钟）")
    assert unit.value == "min"  # read from the header
    assert "处理时长（分钟） → 处理时长（秒）（分钟 → 秒）" in list(at.dataframe[0].value.columns)  # the field's label, not handle_seconds
    at.button(key="data.compute").click().run()
    data = at.session_state.project.data
    # (6 + 4) / 2 = 5 min = 300 s; FRT 10 and 20 min (the naive responses read as Shanghai time)
    assert data["results"]["overall"]["aht_mean_s"] == pytest.approx(300.0) and data["units"] == {"handle_seconds": "min"}
    assert data["results"]["overall"]["frt_mean_min"] == pytest.approx(15.0) and data["time_zone"] == "Asia/Shanghai"
    warnings = [unescaped(w.value) for w in at.warning]
    assert any(w.startswith("列「创建时间」的时间带时区、「首次响应时间」不带：前者已换算为 Asia/Shanghai") for w in warnings)
    assert any("处理时长（秒） 按分钟读取，换算为秒" in c.value for c in at.caption)


def test_the_user_declares_another_unit_and_time_zone_and_the_numbers_follow():
    at = app(with_results=False, lang="en")
    at = upload(at, "data.upload", "minutes.csv", ZONES_AND_UNITS)
    at.selectbox(key="data.unit.handle_seconds.处理时长（分钟）").set_value("h").run()
    assert "处理时长（分钟） → Handle time (s) (h → s)" in list(at.dataframe[0].value.columns)
    at.selectbox(key="data.time_zone").set_value("UTC").run()
    at.button(key="data.compute").click().run()
    assert not at.exception
    data = at.session_state.project.data
    assert data["results"]["overall"]["aht_mean_s"] == pytest.approx(5 * 3600.0) and data["units"] == {"handle_seconds": "h"}
    # in UTC, 10:00+08:00 is 02:00 and the naive 10:10 is UTC: 490 and 500 min
    assert data["results"]["overall"]["frt_mean_min"] == pytest.approx(495.0) and data["time_zone"] == "UTC"
    assert at.selectbox(key="data.time_zone").value == "UTC"


def test_a_header_with_an_unknown_unit_asks_for_the_unit_and_refuses_to_guess():
    at = app(with_results=False, lang="en")
    at = upload(at, "data.upload", "odd.csv", "工单号,处理时长（次）\nT1,6\n".encode("utf-8"))
    unit = at.selectbox(key="data.unit.handle_seconds.处理时长（次）")
    assert unit.value is None
    assert any("is not known: choose the column's unit" in unescaped(w.value) for w in at.warning)
    at.button(key="data.compute").click().run()
    assert not at.exception and "results" not in at.session_state.project.data
    assert any("names the unit '次'" in e.value for e in at.error)
    at.selectbox(key="data.unit.handle_seconds.处理时长（次）").set_value("min").run()
    at.button(key="data.compute").click().run()
    assert at.session_state.project.data["results"]["overall"]["aht_mean_s"] == pytest.approx(360.0)


def test_an_upload_past_the_memory_budget_is_one_error_and_the_project_is_unchanged(monkeypatch):
    # issue 13 item 3: the export is read in a child process under DIAGNOSIS_IMPORT_MEMORY_MB
    from tests.ticket_samples import large_csv_bytes

    monkeypatch.setenv("DIAGNOSIS_IMPORT_MEMORY_MB", "64")
    at = app()
    before = at.session_state.project.model_dump(mode="json")
    at = upload(at, "data.upload", "大导出.csv", large_csv_bytes())
    assert not at.exception
    from ui.texts import md  # (shown escaped, as every refusal)

    assert [e.value for e in at.error] == [
        md("大导出.csv：读取该文件需要的内存超过了导入的内存上限 64 MB（DIAGNOSIS_IMPORT_MEMORY_MB）；请导出较短的时期或较少的列，或请管理员调高上限")
    ]
    assert at.session_state.project.model_dump(mode="json") == before and at.session_state.saves == []
    # the same page then reads an export within the budget
    from tests.ticket_samples import csv_bytes

    at = upload(at, "data.upload", "导出.csv", csv_bytes())
    assert not at.exception and not at.error
    assert at.selectbox(key="data.map.created_at").value == "创建时间"
