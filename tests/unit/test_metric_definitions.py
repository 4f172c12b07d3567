"""Metric definitions on small hand-made exports whose answers are worked out by hand.

Each expected number is derived in a comment from the rows above it; the code under test is
`diagnosis.tickets.measure` (DuckDB) and `diagnosis.tickets.flow` (baseline / checkpoints).
"""

from __future__ import annotations

import re

import pytest

from diagnosis import catalog, evaluation
from diagnosis.errors import DiagnosisError
from diagnosis.metric_definitions import MetricDefinition, Segment, definitions
from diagnosis.project.model import Project, QuestionnaireRef
from diagnosis.tickets import read_export, resolve_mapping
from diagnosis.tickets import flow
from diagnosis.tickets.measure import measure_export

Q = catalog.get("customer_service_diagnosis").questionnaire
STANDARD = definitions(Q)

# fmt: off
HEADER = "工单号,客户ID,创建时间,首次响应时间,解决时间,渠道,问题类型,客服,处理时长(秒),排队时长(秒),是否放弃,转接次数,是否重开,满意度,是否投诉"
ROWS = [
    # id  customer created            first response      resolved            channel  category  agent  handle queue aband tr reopen csat complaint
    "T1,C1,2025-08-01 10:00,2025-08-01 10:02,2025-08-01 12:00,微信,退款,A1,300,,,0,否,5,否",
    "T2,C2,2025-08-01 10:30,2025-08-01 10:50,2025-08-01 16:30,电话,退款,A2,600,120,否,1,否,4,是",
    "T3,C1,2025-08-03 11:00,2025-08-03 11:04,2025-08-03 12:00,微信,退款,A1,200,,,0,否,3,否",
    "T4,C3,2025-08-03 15:00,2025-08-03 15:40,,电话,物流,A2,400,300,否,0,是,,是",
    "T5,C4,2025-08-20 10:15,,,电话,物流,,,600,是,0,否,,否",
    "T6,C5,2025-08-21 09:00,2025-08-21 09:01,2025-08-21 09:31,网页,促销,A1,100,,,0,否,2,否",
]
# fmt: on


def export_of(rows=ROWS, header=HEADER, name="t.csv"):
    export = read_export(("\n".join([header, *rows]) + "\n").encode("utf-8"), name)
    return export, resolve_mapping(export.headers)


def value(definition, rows=ROWS, header=HEADER):
    export, mapping = export_of(rows, header)
    d = STANDARD[definition] if isinstance(definition, str) else definition
    return measure_export(export, mapping, [d]).values[d.id]


def test_every_standard_definition_gives_the_hand_computed_value_and_n():
    # FRT minutes where a response exists: T1 2, T2 20, T3 4, T4 40, T6 1 -> mean 67/5, median 4
    assert (value("frt_mean").value, value("frt_mean").n) == (pytest.approx(13.4), 5)
    assert value("frt_median").value == pytest.approx(4)
    # p90 with linear interpolation over [1, 2, 4, 20, 40]: position 0.9 * 4 = 3.6 -> 20 + 0.6 * 20 = 32
    assert value("frt_p90").value == pytest.approx(32)
    # within 3 min: T1 (2), T6 (1) of the 6 that can be judged (T5 has no answer: a miss)
    sla = value("sla_3min")
    assert (sla.value, sla.n, sla.k) == (pytest.approx(200 / 6), 6, 2)
    # resolution hours: T1 2, T2 6, T3 1, T6 31 min -> mean (9 + 31 / 60) / 4
    assert value("resolution_mean").value == pytest.approx((9 + 31 / 60) / 4) and value("resolution_mean").n == 4
    # FCR over the 4 resolved: T1, T3, T6 with no transfer and no reopen -> 75 %
    assert (value("fcr").value, value("fcr").n) == (pytest.approx(75), 4)
    # with a 7-day repeat window: T1 (C1, 退款) has T3 of C1, 退款 two days later -> 2 of 4
    assert value("fcr_7d").value == pytest.approx(50)
    # transfer: T2 of 6; complaint: T2, T4 of 6
    assert value("transfer_rate").value == pytest.approx(100 / 6)
    assert value("complaint_rate").value == pytest.approx(200 / 6)
    # reopen: T4 reopened and open again; resolved at least once = T1 T2 T3 T6 + T4 = 5
    assert (value("reopen_rate").value, value("reopen_rate").n) == (pytest.approx(20), 5)
    # CSAT 5, 4, 3, 2 on 1-5: mean 3.5, top-2-box (4-5) 2 of 4
    assert (value("csat_mean").value, value("csat_mean").n) == (pytest.approx(3.5), 4)
    assert value("csat_top2").value == pytest.approx(50)
    # AHT over the 5 handle times: 1600 / 5; queue over 120, 300, 600
    assert value("aht_mean").value == pytest.approx(320)
    assert value("queue_mean").value == pytest.approx(340)
    # phone calls offered T2, T4, T5: one abandoned
    assert (value("abandon_rate").value, value("abandon_rate").n) == (pytest.approx(100 / 3), 3)
    assert value("connect_rate").value == pytest.approx(200 / 3)
    # tickets per agent-day: A1 on 08-01, 08-03, 08-21 and A2 on 08-01, 08-03 = 5 agent-days, 5 tickets with an agent
    assert (value("tickets_per_agent_day").value, value("tickets_per_agent_day").n) == (pytest.approx(1.0), 5)
    assert value("volume").value == 6


def test_a_segment_counts_only_its_tickets():
    refund_time = MetricDefinition(id="refund_res", name="退款解决时长", kind="resolution_time", statistic="mean",
                                   field="resolution_h", segment=Segment(category=["退款"]), unit="h", direction="lower",
                                   family="efficiency")  # fmt: skip
    # refunds resolved: T1 2 h, T2 6 h, T3 1 h -> 3 h
    assert (value(refund_time).value, value(refund_time).n) == (pytest.approx(3), 3)
    phone_morning = MetricDefinition(id="phone_am", name="电话上午 FRT", kind="frt", statistic="mean", field="frt_min",
                                     segment=Segment(channel=["电话"], hours=(10, 12)), unit="min", direction="lower",
                                     family="efficiency")  # fmt: skip
    # phone tickets created 10:00-11:59: T2 (20 min) and T5 (no answer) -> mean 20 over n = 1
    assert (value(phone_morning).value, value(phone_morning).n) == (pytest.approx(20), 1)


def test_one_resolved_and_two_reopened_open_tickets_give_a_reopen_rate_of_two_thirds_not_200_percent():
    header = "工单号,创建时间,解决时间,是否重开"
    rows = ["1,2025-08-01 10:00,2025-08-01 11:00,否", "2,2025-08-01 10:00,,是", "3,2025-08-01 10:00,,是"]
    found = value("reopen_rate", rows, header)
    assert found.value == pytest.approx(200 / 3) and (found.n, found.k) == (3, 2)


def test_csat_on_a_100_point_scale_is_detected_and_its_top_two_box_is_80_and_above():
    header = "工单号,创建时间,满意度"
    rows = [f"{i},2025-08-01 10:00,{score}" for i, score in enumerate([100, 90, 85, 70, 60, 80, 95, 150])]
    export, mapping = export_of(rows, header)
    measured = measure_export(export, mapping, [STANDARD["csat_mean"], STANDARD["csat_top2"]])
    assert measured.csat_scale == "0-100"
    # 150 is off the scale and left out: (100 + 90 + 85 + 70 + 60 + 80 + 95) / 7 = 580 / 7
    assert measured.values["csat_mean"].value == pytest.approx(580 / 7) and measured.values["csat_mean"].n == 7
    # 80 and above: 100, 90, 85, 80, 95 = 5 of 7
    assert measured.values["csat_top2"].value == pytest.approx(500 / 7)


def test_a_definition_on_another_scale_is_not_computed_silently():
    five = STANDARD["csat_mean"].model_copy(update={"id": "csat5", "scale": "1-5"})
    header = "工单号,创建时间,满意度"
    found = value(five, [f"{i},2025-08-01 10:00,{s}" for i, s in enumerate([90, 80, 100])], header)
    assert found.value is None and "0-100" in found.note


def test_daily_and_monthly_aggregates_keep_counts_and_sums_but_no_rows():
    found = value("frt_mean")
    days = {d["day"]: d for d in found.daily}
    assert days["2025-08-01"]["n"] == 2 and days["2025-08-01"]["sum"] == pytest.approx(22)
    assert days["2025-08-01"]["sumsq"] == pytest.approx(4 + 400)
    assert found.monthly == {"2025-08": {"value": pytest.approx(13.4), "n": 5}}
    assert "T1" not in repr(found.to_dict())


def test_the_period_facts_give_the_peak_day_and_the_repeat_complainers():
    rows = ROWS + ["T7,C3,2025-08-25 10:00,2025-08-25 10:05,,微信,物流,A1,100,,,0,否,,是"]
    export, mapping = export_of(rows)
    measured = measure_export(export, mapping, [])
    assert measured.period.peak_day in ("2025-08-01", "2025-08-03") and measured.period.peak_volume == 2
    assert measured.period.start == "2025-08-01" and measured.period.end == "2025-08-25"
    # C3 complained on 08-03 (T4) and 08-25 (T7), both within the last 30 days of the export
    assert measured.repeat_complainers == [{"customer": "C3", "complaints": 2, "last": "2025-08-25"}]


def project_with_rows(rows) -> Project:
    return Project(questionnaire=QuestionnaireRef(id=Q.id, version=Q.version), answers={"metrics": rows})


def test_use_as_baseline_binds_the_row_to_the_definition_it_applies():
    project = project_with_rows([
        {"metric": "frt", "definition": "frt_mean", "name": "平均首响", "baseline": 9.0, "target": 3.5, "unit": "分钟", "direction": "lower"}])
    export, mapping = export_of()
    flow.measure_and_store(project, Q, export, mapping, "baseline")
    # p90 goes to a new row of its own: it never overwrites the mean's row
    row = flow.use_as_baseline(project, Q, STANDARD["frt_p90"])
    assert len(project.answers["metrics"]) == 2 and row["definition"] == "frt_p90" and row["baseline"] == 32.0
    mean_row = flow.use_as_baseline(project, Q, STANDARD["frt_mean"])
    assert mean_row["baseline"] == 13.4 and mean_row["target"] == 3.5 and mean_row["name"] == "平均首响"
    view = {r["row"]: r for r in flow.row_view(project, Q, "en")}
    assert view["frt_mean"]["baseline_n"] == 5 and view["frt_p90"]["name"] == "First response time (p90)"
    # a definition the export lacks a column for cannot be a baseline
    export, mapping = export_of([",".join(f for i, f in enumerate(r.split(",")) if i not in (9, 10)) for r in ROWS],
                                HEADER.replace(",是否放弃", "").replace(",排队时长(秒)", ""))
    flow.measure_and_store(project, Q, export, mapping, "baseline")
    with pytest.raises(DiagnosisError, match="no column for abandoned"):
        flow.use_as_baseline(project, Q, STANDARD["abandon_rate"])


def test_the_same_export_as_baseline_and_month_1_changes_nothing_in_any_row():
    rows = [{"metric": m.kind if m.kind in ("frt", "fcr", "csat") else "other", "definition": m.id, "name": "",
             "baseline": None, "target": 1.0, "unit": "", "direction": m.direction}
            for m in STANDARD.values() if m.id not in ("queue_mean",)]  # fmt: skip
    rows.append({"metric": "csat", "definition": "manual", "name": "手填满意度", "baseline": 4.0, "target": 4.5, "unit": "", "direction": "higher"})
    project = project_with_rows(rows)
    export, mapping = export_of()
    base = flow.measure_and_store(project, Q, export, mapping, "baseline")
    for definition in STANDARD.values():
        if definition.id != "queue_mean" and (flow.period_value(base, definition.id).value is not None):
            flow.use_as_baseline(project, Q, definition)
    month1 = flow.measure_and_store(project, Q, export, mapping, "checkpoint", months=1)
    filled = flow.fill_checkpoint(project, STANDARD, month1, 1)
    assert ("manual:手填满意度", "typed in by hand") in filled.skipped
    results = [r for r in evaluation.evaluate(project, Q) if r.checkpoint == 1 and r.value is not None]
    assert len(results) >= 18
    assert all(r.change == 0 for r in results), [(r.goal.key, r.change) for r in results if r.change]


def test_two_rows_of_kind_other_keep_their_own_values():
    project = project_with_rows([
        {"metric": "other", "definition": "manual", "name": "退款时长", "baseline": 5.0, "target": 2.0, "unit": "h", "direction": "lower"},
        {"metric": "other", "definition": "manual", "name": "回访率", "baseline": 40.0, "target": 80.0, "unit": "%", "direction": "higher"},
    ])
    goals = evaluation.metric_goals(project.answers)
    evaluation.set_value(project.evaluation, goals[0].key, 1, 4.0)
    evaluation.set_value(project.evaluation, goals[1].key, 1, 60.0)
    got = {r.goal.name: r.value for r in evaluation.evaluate(project, Q) if r.checkpoint == 1}
    assert got == {"退款时长": 4.0, "回访率": 60.0}


def test_an_export_spanning_two_months_shows_the_month_on_month_change():
    rows = ROWS + ["T8,C9,2025-07-15 10:00,2025-07-15 10:10,2025-07-15 11:00,微信,退款,A1,100,,,0,否,5,否"]
    export, mapping = export_of(rows)
    project = project_with_rows([])
    flow.measure_and_store(project, Q, export, mapping, "baseline")
    months = flow.month_on_month(project, "volume")
    # July 1 ticket, August 6: +500 %
    assert [(m["month"], m["value"], m["change_pct"]) for m in months] == [("2025-07", 1.0, None), ("2025-08", 6.0, 500.0)]


def test_a_format_2_project_keeps_its_values_on_the_first_row_of_each_metric():
    from diagnosis.project.files import migrate

    data = {"format_version": 2, "answers": {"metrics": [{"metric": "csat", "name": "满意度"}, {"metric": "fcr", "name": ""}]},
            "evaluation": {"values": [{"metric": "csat", "checkpoint": 1, "value": 4.5}, {"metric": "fcr", "checkpoint": 1, "value": 80}]}}
    out = migrate(data, "old.yaml")
    assert [v["metric"] for v in out["evaluation"]["values"]] == ["manual:满意度", "manual:fcr"]


def test_a_teams_own_definition_gets_a_fresh_id_the_fields_facts_and_one_line_errors():
    from diagnosis.metric_definitions import build_definition

    known = definitions(catalog.get("customer_service_diagnosis").questionnaire)
    made = build_definition(known, "电话排队时长中位数", "", "median", "queue_s", channel=["电话", " "])
    assert (made.id, made.kind, made.direction, made.family, made.segment.channel) == ("team_1", "queue_time", "lower", "efficiency", ["电话"])
    assert made.name == {"zh": "电话排队时长中位数", "en": "电话排队时长中位数"} and made.sla_minutes is None
    known[made.id] = made
    assert build_definition(known, "", "Night FCR", "rate", "fcr", hours=(0, 8), repeat_days=7, direction="higher").id == "team_2"
    for kwargs, message in (
        ({"name_zh": "", "name_en": " "}, "needs a name"),
        ({"name_zh": "首次响应时间（均值）", "name_en": ""}, "exists already"),
        ({"name_zh": "x", "name_en": "", "statistic": "mean", "field": "complaint"}, "not a statistic"),
        ({"name_zh": "x", "name_en": "", "hours": (12, 10)}, "hours is [from, to)"),
    ):
        args = {"statistic": "rate", "field": "complaint", **kwargs}
        with pytest.raises(DiagnosisError, match=re.escape(message)) as info:
            build_definition(known, args.pop("name_zh"), args.pop("name_en"), args.pop("statistic"), args.pop("field"), **args)
        assert "\n" not in str(info.value)


def test_use_as_baseline_on_a_chinese_page_writes_no_chinese_wording_into_the_row():
    """Issue 12 item 14: the row keeps the definition's id, each reader sees its name and unit in their language."""
    from diagnosis.demo import demo_project

    project = demo_project("zh")
    known = flow.definitions(Q, project)
    row = flow.use_as_baseline(project, Q, known["frt_p90"])
    assert (row["definition"], row["name"], row["unit"]) == ("frt_p90", "", "")
    view = {r["row"]: r for r in flow.row_view(project, Q, "en")}["frt_p90"]
    assert view["name"] == "First response time (p90)" and view["unit"] == "min"
    assert {r["row"]: r for r in flow.row_view(project, Q, "zh")}["frt_p90"]["unit"] == "分钟"
