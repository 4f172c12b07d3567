"""Step 6: results against baseline and target by direction, alert runs, adjustments, the next cycle."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis import catalog
from diagnosis import evaluation as ev
from diagnosis.demo import demo_project
from diagnosis.project import dumps, load_project
from diagnosis.project.model import MetricValue
from diagnosis.questionnaire.model import AlertRule
from tests.conftest import checkpoint_import


@pytest.fixture
def questionnaire():
    return catalog.get("customer_service_diagnosis").questionnaire


@pytest.mark.parametrize(
    ("value", "target", "direction", "met"),
    [(3.4, 3.5, "lower", True), (3.5, 3.5, "lower", True), (3.6, 3.5, "lower", False),
     (4.8, 4.8, "higher", True), (4.6, 4.8, "higher", False), (4.9, 4.8, "higher", True)],
)
def test_a_target_is_met_according_to_the_metrics_direction(value, target, direction, met):
    assert ev.target_met(value, target, direction) is met


@pytest.mark.parametrize(
    ("metric", "expected"),
    [("frt", "lower"), ("resolution_time", "lower"), ("complaint_rate", "lower"), ("transfer_rate", "lower"),
     ("reopen_rate", "lower"), ("aht", "lower"), ("csat", "higher"), ("fcr", "higher"), ("sla_rate", "higher")],
)
def test_a_missing_direction_is_inferred_from_the_kind_of_metric(metric, expected):
    goal = ev.metric_goals({"metrics": [{"metric": metric, "baseline": 1, "target": 2}]})[0]
    assert goal.direction == expected and not goal.direction_given


def test_the_rows_direction_wins_and_an_unknown_metric_follows_its_target():
    goals = ev.metric_goals({"metrics": [
        {"metric": "csat", "baseline": 5, "target": 4, "direction": "lower"},
        {"metric": "other", "baseline": 10, "target": 4},
        {"metric": "other", "baseline": 10},  # no target: not a goal
    ]})
    assert [(g.direction, g.direction_given) for g in goals] == [("lower", True), ("lower", False)]


def test_each_metric_is_compared_with_its_baseline_at_every_checkpoint(questionnaire):
    results = {(r.goal.key, r.checkpoint): r for r in ev.evaluate(demo_project("en"), questionnaire)}
    # all-channel FRT mean: 3.2 min in August, 2.3 in month 3 (the demo exports' facts)
    frt = results[("frt_mean", 3)]
    assert (frt.value, frt.change, frt.change_pct, frt.target_met, frt.improved) == (2.3, -0.9, -28.13, True, True)
    # the phone-peak FRT is a row of its own with values of its own
    assert results[("phone_peak_frt", 3)].value != frt.value and results[("phone_peak_frt", 3)].target_met
    assert results[("csat_mean", 3)].target_met is False
    assert results[("csat_mean", 6)].value is None and results[("csat_mean", 6)].target_met is None
    assert {cp for _, cp in results} == {1, 3, 6}


def test_the_demo_misses_only_its_csat_and_fcr_targets_at_3_months(questionnaire):
    assert [g.key for g in ev.missed_metrics(demo_project("en"), questionnaire)] == ["csat_mean", "fcr"]


def values(metric, *series):
    return [MetricValue(metric=metric, checkpoint=cp, value=v) for cp, v in series]


def test_an_alert_fires_only_after_the_required_consecutive_run():
    rule = AlertRule(id="csat_low", metric="csat", below=3.8, consecutive=3, action="task force")
    assert ev.alert_runs(rule, values("csat", (1, 3.7), (3, 3.6))) == []
    assert ev.alert_runs(rule, values("csat", (1, 3.7), (3, 3.9), (6, 3.6), (9, 3.5))) == []
    fired = ev.alert_runs(rule, values("csat", (1, 3.7), (3, 3.6), (6, 3.5)))
    assert [(a.checkpoints, a.values, a.active) for a in fired] == [((1, 3, 6), (3.7, 3.6, 3.5), True)]


def test_a_fired_alert_names_its_row_in_the_readers_language_and_says_its_rule_in_words(questionnaire):
    project = demo_project("zh")
    project.evaluation.values = values("csat_mean", (1, 75.0), (3, 74.0), (6, 70.0))
    fired = ev.fired_alerts(project, questionnaire)
    assert fired[0].row_label("zh") == "客户满意度（百分制）"
    assert fired[0].condition("zh") == "客户满意度（百分制） 连续 3 次低于 76"
    once = AlertRule(id="x", metric="complaint_rate", above=3.0, action="recheck")
    assert ev.rule_condition(once, "投诉率", "zh") == "投诉率 高于 3" and ev.rule_condition(once, "Complaint rate", "en") == "Complaint rate above 3"


def test_an_alert_run_is_strictly_beyond_its_bound_and_can_be_over():
    rule = AlertRule(id="complaints", metric="complaint_rate", above=3.0, consecutive=2, action="recheck")
    series = values("complaint_rate", (1, 3.2), (3, 3.1), (6, 3.0), (9, 3.5))
    assert [(a.checkpoints, a.active) for a in ev.alert_runs(rule, series)] == [((1, 3), False)]


def test_fired_alerts_use_the_rule_of_the_rows_rating_scale(questionnaire):
    project = demo_project("en")  # CSAT on a 100-point scale
    project.evaluation.values = values("csat_mean", (1, 75.0), (3, 74.0), (6, 70.0))
    fired = ev.fired_alerts(project, questionnaire)
    assert [a.rule.id for a in fired] == ["csat_low_100"]
    assert "task force" in fired[0].action("en")
    assert fired[0].condition("en") == "Customer satisfaction (of 100) below 76, 3 times in a row"
    # a 5-point row typed in by hand gets the 5-point rule only
    project.answers["metrics"] = [{"metric": "csat", "name": "CSAT", "baseline": 4.4, "target": 4.8, "direction": "higher"}]
    project.evaluation.values = values("manual:CSAT", (1, 3.7), (3, 3.6), (6, 3.5))
    assert [a.rule.id for a in ev.fired_alerts(project, questionnaire)] == ["csat_low"]


def test_measures_are_tied_to_rows_by_their_text_or_else_their_root_cause(questionnaire):
    project = demo_project("zh")
    links = ev.measure_metrics(project, questionnaire)
    assert links["m04"] == {"refund_resolution_mean"} and links["m03"] == {"fcr"} and links["m01"] == set()
    project.measures[5].metric = "满意度 (分)"  # m06 on root cause c01
    links = ev.measure_metrics(project, questionnaire)
    assert links["m06"] == {"csat_mean"} and links["m07"] == {"csat_mean"}


def test_measures_of_a_missed_metric_are_marked_for_adjustment(questionnaire):
    project = demo_project("en")
    assert [g.key for g in ev.missed_without_measure(project, questionnaire)] == ["csat_mean"]
    # the training measure aims at FCR 85 %, which has not moved
    assert [(a.measure.id, a.metrics) for a in ev.measures_to_adjust(project, questionnaire)] == [("m03", ("fcr",))]
    ev.set_value(project.evaluation, "refund_resolution_mean", 3, 3.0)  # above its 2.5 target
    adjust = ev.measures_to_adjust(project, questionnaire)
    assert [(a.measure.id, a.metrics) for a in adjust] == [("m03", ("fcr",)), ("m04", ("refund_resolution_mean",))]


def test_setting_a_value_replaces_the_earlier_one_and_dates_it_from_the_launch():
    project = demo_project("en")
    ev.set_value(project.evaluation, "csat", 6, 4.9)
    ev.set_value(project.evaluation, "csat", 6, 4.85)
    found = [v for v in project.evaluation.values if v.metric == "csat" and v.checkpoint == 6]
    assert [(v.value, v.date) for v in found] == [(4.85, dt.date(2026, 3, 15))]
    ev.set_value(project.evaluation, "csat", 6, None)
    assert ev.value_at(project.evaluation, "csat", 6) is None


def test_a_checkpoint_date_keeps_the_day_or_falls_back_to_the_months_end():
    assert ev.checkpoint_date(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert ev.checkpoint_date(dt.date(2025, 9, 15), 6) == dt.date(2026, 3, 15)


def test_the_chart_of_a_metric_shows_baseline_checkpoints_and_target(questionnaire):
    project = demo_project("en")
    goal = ev.metric_goals(project.answers)[3]
    spec = ev.metric_chart(goal, ev.evaluate(project, questionnaire), "en", questionnaire).to_dict()
    points = spec["layer"][1]["data"]["values"]
    assert [(p["point"], round(p["value"], 1)) for p in points] == [("Baseline", 88.5), ("1 mo", 91.0), ("3 mo", 93.0)]
    assert spec["layer"][2]["mark"]["type"] == "rule" and spec["layer"][2]["data"]["values"][0]["value"] == 96


def test_starting_the_next_cycle_archives_this_one_and_keeps_the_goals_with_new_baselines(questionnaire):
    project = demo_project("en")
    project.answers["metrics"][0].pop("direction")
    measures = [m.id for m in project.measures]
    closed = ev.start_next_cycle(project, questionnaire)
    assert project.cycle == 2 and project.history == [closed] and closed.number == 1
    assert [m.id for m in closed.measures] == measures and closed.answers["plan_start"] == "2025-09-01"
    assert closed.answers["metrics"][3]["baseline"] == 88.5
    metrics = {row["definition"]: row for row in project.answers["metrics"]}
    assert (round(metrics["csat_mean"]["baseline"], 1), metrics["csat_mean"]["target"]) == (93.0, 96.0)
    assert metrics["frt_mean"]["direction"] == "lower"
    assert project.measures == [] and project.checkins == [] and project.evaluation.values == []
    assert project.fishbone.causes == [] and project.fishbone.problem
    assert "plan_start" not in project.answers and "launch_date" not in project.answers
    assert project.answers["team"] and project.answers["problem_statement"]


def test_a_project_with_an_earlier_cycle_saves_and_loads(questionnaire):
    project = demo_project("en")
    ev.start_next_cycle(project, questionnaire)
    loaded = load_project(dumps(project).encode(), "two-cycles.yaml")
    assert loaded.project.cycle == 2 and loaded.project.history[0].measures[0].id == "m01"
    view = ev.cycle_view(loaded.project, loaded.project.history[0])
    assert [g.key for g in ev.missed_metrics(view, questionnaire)] == ["csat_mean", "fcr"]


def test_the_next_cycle_measures_from_the_last_checkpoint_export_and_keeps_the_old_baseline_as_reference(questionnaire):
    from diagnosis.tickets import flow

    project = demo_project("en")
    names = {e["period"] + str(e.get("months") or ""): e["source"]["name"] for e in flow.imports(project)}
    ev.start_next_cycle(project, questionnaire)
    base = flow.baseline_import(project)
    # the month-3 export is the new baseline period: the step-1 baselines and its n agree
    assert base["source"]["name"] == names["checkpoint3"] and base["was"] == {"period": "checkpoint", "months": 3, "cycle": 1}
    assert checkpoint_import(project, 1) is None and checkpoint_import(project, 3) is None
    periods = {e["source"]["name"]: e["period"] for e in flow.imports(project)}
    assert periods == {names["reference"]: "reference", names["baseline"]: "reference",
                       names["checkpoint1"]: "closed", names["checkpoint3"]: "baseline"}
    csat = next(r for r in flow.row_view(project, questionnaire, "en") if r["definition"] == "csat_mean")
    assert csat["baseline"] == csat["baseline_computed"] == 93.0 and csat["baseline_n"] == 3314
    # month on month: July and August whole, the new baseline's two half months said to be partial
    months = flow.month_on_month(project, "volume")
    assert [(m["month"], m["complete"]) for m in months] == [
        ("2025-07", True), ("2025-08", True), ("2025-11", False), ("2025-12", False)]


@pytest.mark.parametrize(("months", "zh", "en"), [([1, 3, 6], "第 1、3、6 个月", "are 1, 3 and 6 months after launch"),
                                                  ([2, 4], "第 2、4 个月", "are 2 and 4 months after launch"),
                                                  ([1], "第 1 个月", "are 1 month after launch")])
def test_the_checkpoints_rule_says_the_questionnaires_own_months(months, zh, en):
    from diagnosis.questionnaire import load_questionnaire

    source = catalog.get("customer_service_diagnosis").source
    assert source.count("checkpoints_months: [1, 3, 6]") == 1
    q = load_questionnaire(source.replace("checkpoints_months: [1, 3, 6]", f"checkpoints_months: {months}").encode(), "custom.yaml")
    assert zh in ev.checkpoints_rule("zh", q) and en in ev.checkpoints_rule("en", q)


@pytest.mark.parametrize("questionnaire_id", sorted(catalog.shipped()))
def test_no_text_of_a_shipped_questionnaire_repeats_the_checkpoint_months(questionnaire_id):
    # the months are the questionnaire's `evaluation.checkpoints_months` (Evaluation), worded by
    # evaluation.checkpoints_rule at the top of step 6: a help text stating them would go stale when
    # a consultant changes them (test_plan checks the same of the horizon months)
    import re

    source = catalog.get(questionnaire_id).source
    months = re.compile(r"\d+\s*(、\s*\d+\s*)+个月|(上线后|评估节点)[^。；\n]*?\d+\s*个月|\d+\s*个月[^。；\n]*?评估节点"
                        r"|\d+-?(,\s*\d+-?)*,?\s+(and|or)\s+\d+-?\s*months?|\d+-?\s*months?\s+after\s+launch"
                        r"|checkpoints?\W[^.;\n]*?\d+-?\s*months?|\d+-?\s*months?[^.;\n]*?checkpoint", re.IGNORECASE)
    assert [m.group(0) for m in months.finditer(source)] == []
