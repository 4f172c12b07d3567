"""Step-6 alert rules on the daily / weekly series: runs, unit conversion or refusal, check-in values."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis import catalog
from diagnosis import series_alerts as sa
from diagnosis.demo import demo_project
from diagnosis.evaluation import fired_alerts
from diagnosis.project.model import CheckIn, Measure
from diagnosis.questionnaire.model import AlertRule, Evaluation
from tests.factories import day, entry, project_with

CSAT_ROW = [{"metric": "csat", "definition": "csat_mean", "name": "CSAT", "baseline": 88, "target": 96, "direction": "higher"}]


def with_rules(q, *rules):
    return q.model_copy(update={"evaluation": Evaluation(alerts=list(rules))})


def rule(**kw):
    return AlertRule(**{"id": "r", "metric": "csat", "consecutive": 3, "action": {"zh": "专项小组", "en": "task force"}, **kw})


def csat_days(values, scale="0-100", start=dt.date(2025, 9, 1)):
    days = [day((start + dt.timedelta(days=i)).isoformat(), 10, value=v, total=10 * v) for i, v in enumerate(values)]
    return entry("checkpoint", days, "csat_mean", months=1, scale=scale)


def test_a_rule_fires_on_three_days_in_a_row_in_the_first_weeks_not_only_at_a_checkpoint():
    project, q = project_with(csat_days([80, 74, 73, 72, 90, 70, 71]), rows=CSAT_ROW)
    found = sa.series_alerts(project, with_rules(q, rule(below=76, scale="0-100")), interval="day")
    assert [(a.days[0].isoformat(), a.values, a.active) for a in found.fired] == [("2025-09-02", (74.0, 73.0, 72.0), False)]
    assert found.notes == []
    assert "task force" in found.fired[0].text("en") and "连续 3 次低于 76" in found.fired[0].text("zh")


def test_a_rule_on_the_five_point_scale_is_converted_for_a_hundred_point_row():
    # 3.8 of 1-5 is (3.8 - 1) / 4 = 70 of 0-100
    project, q = project_with(csat_days([72, 69, 68, 65, 75]), rows=CSAT_ROW)
    found = sa.series_alerts(project, with_rules(q, rule(id="csat_low", below=3.8, scale="1-5")), interval="day")
    assert [a.values for a in found.fired] == [(69.0, 68.0, 65.0)] and found.fired[0].bound == 70.0
    [note] = found.notes
    assert note.kind == "converted" and note.rule == "csat_low"
    assert note.text("en") == "alert rule csat_low (CSAT): 3.8 on 1-5 is 70 on 0-100."  # the row by its wording
    assert note.text("zh") == "预警规则 csat_low（CSAT）：3.8（1-5）换算为 70（0-100）。"
    assert found.fired[0].row_label("en") == "CSAT" and "CSAT 3 in a row below 70" in found.fired[0].text("en")


def test_a_rule_declared_for_the_rows_own_scale_supersedes_the_converted_one():
    project = demo_project("en")  # the shipped questionnaire has CSAT rules for 1-5 and 0-100
    q = catalog.get(project.questionnaire.id).questionnaire
    found = sa.series_alerts(project, q, interval="day")
    notes = [(n.rule, n.kind) for n in found.notes]
    assert ("csat_low", "superseded") in notes and not any(a.rule.id == "csat_low" for a in found.fired)


def test_a_bound_that_cannot_be_on_the_rows_scale_is_refused_with_a_message_naming_the_rule():
    project, q = project_with(csat_days([3.0, 3.1, 3.2], scale="1-5"), rows=CSAT_ROW)
    found = sa.series_alerts(project, with_rules(q, rule(id="csat_76", below=76)), interval="day")
    assert found.fired == []
    [note] = found.notes
    assert note.kind == "refused"
    assert note.text("en") == "alert rule csat_76 (CSAT): 76 lies outside the row's 1-5 scale: declare the rule's `scale`; not applied."


def test_a_rating_scale_rule_on_a_share_and_a_time_rule_on_a_rate_are_refused():
    project, q = project_with(entry("baseline", [day("2025-08-04", 100, 5)]))
    rules = [rule(id="scaled", metric="complaint_rate", above=3.8, scale="1-5"), rule(id="timed", metric="complaint_rate", above=3, unit="min")]
    found = sa.series_alerts(project, with_rules(q, *rules), interval="day")
    assert [(n.rule, n.kind) for n in found.notes] == [("scaled", "refused"), ("timed", "refused")]
    assert "the row is a share in %" in found.notes[0].text("en") and "the rule is in min" in found.notes[1].text("en")


def test_a_rate_rule_written_as_a_fraction_and_a_time_rule_in_hours_are_converted():
    project, q = project_with(entry("baseline", [day(f"2025-08-0{d}", 100, k) for d, k in ((4, 2), (5, 4), (6, 5))]))
    found = sa.series_alerts(project, with_rules(q, rule(metric="complaint_rate", above=0.03, unit="fraction", consecutive=2)), interval="day")
    assert [(a.bound, a.values) for a in found.fired] == [(3.0, (4.0, 5.0))]
    rows = [{"metric": "frt", "definition": "frt_mean", "name": "FRT", "baseline": 5, "target": 3, "direction": "lower"}]
    frt = entry("baseline", [day(f"2025-08-0{d}", 10, value=v, total=10 * v) for d, v in ((4, 5.0), (5, 7.0), (6, 6.5))], "frt_mean")
    project, q = project_with(frt, rows=rows)
    found = sa.series_alerts(project, with_rules(q, rule(metric="frt", above=0.1, unit="h", consecutive=2)), interval="day")
    assert [(a.bound, a.values) for a in found.fired] == [(6.0, (7.0, 6.5))]
    assert found.notes[0].text("en") == "alert rule r (FRT): 0.1 h is 6 min."


def test_check_in_values_join_the_series_of_the_row_their_measure_works_on():
    rows = [{"metric": "csat", "name": "CSAT", "baseline": 4.4, "target": 4.8, "direction": "higher"}]  # typed in by hand
    measure = Measure(id="m1", title="training", metric="CSAT 4.4 -> 4.8")
    project, q = project_with(rows=rows, measures=[measure])
    project.checkins = [CheckIn(measure="m1", date=dt.date(2025, 9, d), status="on_track", value=v)
                        for d, v in ((1, 4.0), (8, 3.7), (15, 3.6), (22, 3.5), (29, 4.1))]  # fmt: skip
    found = sa.series_alerts(project, with_rules(q, rule(id="csat_low", below=3.8, scale="1-5")), interval="week")
    [alert] = found.fired
    assert alert.row == "manual:CSAT" and alert.values == (3.7, 3.6, 3.5) and alert.days[-1] == dt.date(2025, 9, 22)


def test_the_checkpoint_alerts_still_fire_on_checkpoint_values_only():
    project = demo_project("en")
    q = catalog.get(project.questionnaire.id).questionnaire
    before = [(a.rule.id, a.checkpoints) for a in fired_alerts(project, q)]
    project.checkins = [CheckIn(measure=project.measures[0].id, date=dt.date(2025, 10, 1), status="on_track", value=1.0)]
    assert [(a.rule.id, a.checkpoints) for a in fired_alerts(project, q)] == before


@pytest.mark.parametrize("interval", ["day", "week"])
def test_the_demo_alerts_fire_on_its_series(interval):
    project = demo_project("en")
    q = catalog.get(project.questionnaire.id).questionnaire
    found = sa.series_alerts(project, q, interval=interval)
    assert {a.rule.id for a in found.fired} >= {"complaint_rate_high", "frt_slow"}
