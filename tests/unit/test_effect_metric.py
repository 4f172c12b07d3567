"""A measure's expected effect on a step-1 metric row: stored by the row's key, read by its wording now."""

from __future__ import annotations

from diagnosis import catalog
from diagnosis import evaluation as ev
from diagnosis import plan
from diagnosis.demo import demo_project
from diagnosis.report.build import build_report


def _project():
    project = demo_project("en")
    measure = next(m for m in project.measures if m.id == "m02")
    measure.metric_row, measure.metric = "phone_peak_frt", "Phone peak (10:00-12:00) first response time"
    row = next(r for r in project.answers["metrics"] if r.get("definition") == "phone_peak_frt")
    row["name"] = "Peak-hour phone first response"  # renamed in step 1 after the measure was planned
    return project, catalog.get(project.questionnaire.id).questionnaire


def test_the_plan_and_the_report_name_the_row_as_it_is_worded_now():
    project, questionnaire = _project()
    row = next(r for r in plan.plan_rows(project, questionnaire) if r.measure.id == "m02")
    assert row.effect_metric("en") == "Peak-hour phone first response"
    report = build_report(project, questionnaire, lang="en")
    cells = [cell for table in report.tables() if "Expected effect" in table.columns for r in table.rows for cell in r]
    assert "Peak-hour phone first response: 5.5 → 2.5" in cells


def test_a_picked_row_links_the_measure_to_that_metric_whatever_its_text():
    project, questionnaire = _project()
    assert ev.measure_metrics(project, questionnaire)["m02"] == {"phone_peak_frt"}


def test_a_free_text_effect_and_a_row_that_is_gone_read_their_own_text():
    project, questionnaire = _project()
    measure = next(m for m in project.measures if m.id == "m02")
    measure.metric_row = "gone"
    row = next(r for r in plan.plan_rows(project, questionnaire) if r.measure.id == "m02")
    assert row.effect_metric("zh") == "Phone peak (10:00-12:00) first response time"
    first = next(r for r in plan.plan_rows(project, questionnaire) if r.measure.id == "m01")
    assert first.effect_metric("en") == "Knowledge-base hit rate"
