"""Import results flow on: project data, step-1 baselines, cause values, step-6 checkpoints, charts."""

from __future__ import annotations

import pytest

from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.project.model import Cause, Project, QuestionnaireRef
from diagnosis.tickets import analyze, read_export, resolve_mapping
from diagnosis.tickets import charts, flow
from tests.ticket_samples import csv_bytes


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


def test_the_three_charts_are_vega_lite_specs_and_absent_without_their_columns():
    _, _, result = imported()
    for build in (charts.heatmap, charts.monthly_trends, charts.channel_comparison):
        spec = build(result, "zh").to_dict()
        assert "$schema" in spec
    assert charts.heatmap(result, "en").to_dict()["mark"]["type"] == "rect"
    export = read_export("工单号,满意度\nA,5\n".encode(), "x.csv")
    bare = analyze(export, resolve_mapping(export.headers), 15)
    assert charts.heatmap(bare) is None and charts.monthly_trends(bare) is None and charts.channel_comparison(bare) is None


def test_the_sla_of_a_project_is_its_own_or_the_one_default_never_a_bad_value():
    from diagnosis.project.model import Project, QuestionnaireRef
    from diagnosis.tickets.metrics import DEFAULT_SLA_MINUTES

    project = Project(questionnaire=QuestionnaireRef(id="customer_service_diagnosis", version="1"))
    assert flow.sla_minutes(project) == DEFAULT_SLA_MINUTES == 15.0
    project.data["sla_minutes"] = 20
    assert flow.sla_minutes(project) == 20.0
    for bad in ("20", -5, 0, True, None):
        project.data["sla_minutes"] = bad
        assert flow.sla_minutes(project) == 15.0
