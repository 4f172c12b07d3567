"""Import results flow on: project data, step-1 baselines, cause values, step-6 checkpoints, charts."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.project.model import Cause, MetricValue, Project, QuestionnaireRef
from diagnosis.tickets import analyze, read_export, resolve_mapping
from diagnosis.tickets import charts, flow
from tests.unit.test_tickets import TRUTH, csv_bytes, expected


def imported():
    export = read_export(csv_bytes(), "tickets.csv")
    mapping = resolve_mapping(export.headers)
    return export, mapping, analyze(export, mapping, 15)


def empty_project() -> Project:
    return Project(questionnaire=QuestionnaireRef(id="customer_service_diagnosis", version="1.0"))


def test_an_import_stores_mapping_results_and_source_facts_but_no_rows():
    export, mapping, result = imported()
    project = empty_project()
    flow.store_import(project, export.facts, mapping, result)
    assert project.data["source"]["rows"] == 10 and project.data["source"]["sha256"] == export.facts.sha256
    assert project.data["mapping"]["created_at"] == "创建时间"
    assert flow.stored_result(project).overall == result.overall
    assert "T01" not in repr(project.data["results"]["groups"])  # ticket ids are never stored


def test_the_stored_project_data_survives_a_save_and_load(tmp_path):
    from diagnosis.project import load_project, save_project

    export, mapping, result = imported()
    project = demo_project("zh")
    flow.store_import(project, export.facts, mapping, result)
    save_project(project, tmp_path / "p.diagnosis.yaml")
    loaded = load_project(tmp_path / "p.diagnosis.yaml").project
    assert flow.stored_result(loaded).overall == pytest.approx(result.overall)
    assert loaded.data["mapping"] == mapping


def test_a_rate_becomes_a_step1_baseline_in_percent_and_updates_the_existing_row():
    _, _, result = imported()
    answers = {"metrics": [{"metric": "fcr", "name": "", "baseline": 65.0, "target": 85.0, "unit": "%", "direction": "higher"}]}
    row = flow.use_as_baseline(answers, flow.baseline_row(result, "fcr", "zh"))
    assert len(answers["metrics"]) == 1 and row["baseline"] == pytest.approx(round(6 / 9 * 100, 2))
    assert row["target"] == 85.0 and row["name"] == "一次解决率"
    flow.use_as_baseline(answers, flow.baseline_row(result, "frt_median_min", "en", group=("channel", "微信")))
    added = answers["metrics"][-1]
    assert added["metric"] == "frt" and added["unit"] == "min" and added["direction"] == "lower"
    wechat = [t for t in TRUTH if t["channel"] == "微信"]
    assert added["baseline"] == pytest.approx(round(expected(wechat)["frt_median_min"], 2))


def test_a_missing_metric_cannot_become_a_baseline():
    export = read_export(b"\xe5\xb7\xa5\xe5\x8d\x95\xe5\x8f\xb7\nA\n", "ids.csv")  # 工单号 only
    result = analyze(export, resolve_mapping(export.headers), 15)
    with pytest.raises(DiagnosisError, match="not available"):
        flow.baseline_row(result, "csat_mean")


def test_category_counts_become_cause_values_for_the_pareto():
    _, _, result = imported()
    project = empty_project()
    project.fishbone.causes = [Cause(id="c1", category="method", text="退款需三级审批", children=[
        Cause(id="c1a", category="method", text="物流 查询慢")]), Cause(id="c2", category="people", text="培训不足")]
    counts = flow.category_counts(result)
    assert counts == {"退款": 4, "促销": 3, "物流": 3}
    assert flow.suggest_causes(project, counts) == {"退款": "c1", "物流": "c1a"}
    changed = flow.attach_counts(project, {"退款": "c1", "物流": "c1a", "促销": "c1a"}, counts, "zh")
    assert {c.id: c.value for c in changed} == {"c1": 4.0, "c1a": 6.0}
    assert project.fishbone.causes[0].unit == "工单" and "退款" in project.fishbone.causes[0].evidence
    with pytest.raises(DiagnosisError, match="no cause"):
        flow.attach_counts(project, {"退款": "nope"}, counts)


def test_a_later_export_fills_a_checkpoint_for_the_step1_metrics():
    _, _, result = imported()
    project = demo_project("en")  # frt, sla_rate, csat, complaint_rate, resolution_time, fcr
    project.evaluation.values.append(MetricValue(metric="fcr", checkpoint=6, value=1.0))
    values = flow.fill_checkpoint(project, result, 6, date=dt.date(2026, 3, 15))
    got = {v.metric: v.value for v in values}
    want = expected(TRUTH)
    assert got == pytest.approx({
        "frt": round(want["frt_mean_min"], 2), "sla_rate": round(want["sla_rate"] * 100, 2), "csat": round(want["csat_mean"], 2),
        "complaint_rate": round(want["complaint_rate"] * 100, 2), "resolution_time": round(want["resolution_mean_h"], 2),
        "fcr": round(want["fcr"] * 100, 2)})
    at6 = [v for v in project.evaluation.values if v.checkpoint == 6 and v.metric == "fcr"]
    assert len(at6) == 1 and at6[0].value == pytest.approx(round(want["fcr"] * 100, 2))
    assert project.data["checkpoints"]["6"]["overall"]["volume"] == 10


def test_the_three_charts_are_vega_lite_specs_and_absent_without_their_columns():
    _, _, result = imported()
    for build in (charts.heatmap, charts.monthly_trends, charts.channel_comparison):
        spec = build(result, "zh").to_dict()
        assert "$schema" in spec
    assert charts.heatmap(result, "en").to_dict()["mark"]["type"] == "rect"
    export = read_export("工单号,满意度\nA,5\n".encode(), "x.csv")
    bare = analyze(export, resolve_mapping(export.headers), 15)
    assert charts.heatmap(bare) is None and charts.monthly_trends(bare) is None and charts.channel_comparison(bare) is None
