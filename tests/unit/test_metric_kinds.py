"""The kinds of metric (`diagnosis.metric_kinds`): one fact sheet read by definitions, step 6 and step 2."""

from __future__ import annotations

import pytest

from diagnosis import catalog, metric_kinds
from diagnosis import evaluation as ev
from diagnosis.errors import DiagnosisError
from diagnosis.metric_definitions import BUILDABLE, CONDITIONS, build_definition, definitions
from diagnosis.tickets.metrics import METRICS

SHIPPED = sorted(catalog.shipped())


@pytest.mark.parametrize(("metric", "baseline", "target", "expected"), [
    # the target lies on the other side each time: the kind decides, not the numbers
    ("queue_time", 60, 90, "lower"), ("abandon_rate", 5, 8, "lower"), ("productivity", 65, 60, "higher"),
    ("connect_rate", 90, 85, "higher"),
])  # fmt: skip
def test_a_row_without_a_direction_takes_its_kinds_direction(metric, baseline, target, expected):
    goal = ev.metric_goals({"metrics": [{"metric": metric, "baseline": baseline, "target": target}]})[0]
    assert (goal.direction, goal.direction_given) == (expected, False)


def test_a_volume_row_without_a_direction_follows_its_target():
    # fewer tickets (their causes removed) or more (customers moved to a channel): the target says which
    rows = [{"metric": "volume", "baseline": 9872, "target": 8000}, {"metric": "volume", "baseline": 3900, "target": 6000}]
    assert [g.direction for g in ev.metric_goals({"metrics": rows})] == ["lower", "higher"]


def test_a_teams_volume_definition_must_say_which_way_is_better():
    known = definitions(catalog.get("customer_service_diagnosis").questionnaire)
    with pytest.raises(DiagnosisError) as refused:
        build_definition(known, "微信工单量", "WeChat tickets", "count", "volume", channel=["微信"])
    assert "越低越好还是越高越好" in refused.value.text("zh") and "lower or higher" in refused.value.text("en")
    made = build_definition(known, "微信工单量", "WeChat tickets", "count", "volume", channel=["微信"], direction="higher")
    assert (made.kind, made.direction, made.unit) == ("volume", "higher", {"zh": "件", "en": "tickets"})


@pytest.mark.parametrize(("statistic", "field"), [pair for pair in BUILDABLE if pair[1] != "volume"])
def test_a_teams_definition_takes_unit_direction_and_family_from_its_kind(statistic, field):
    made = build_definition({}, "x", "x", statistic, field, sla_minutes=5)
    kind = metric_kinds.BY_KEY[made.kind]
    unit = metric_kinds.UNITS["rate" if field in CONDITIONS else kind.unit]
    assert (made.direction, made.family, made.unit) == (kind.better, kind.family, {"zh": unit[0], "en": unit[1]})


@pytest.mark.parametrize("questionnaire_id", SHIPPED)
def test_the_shipped_definitions_agree_with_the_facts_of_their_kind(questionnaire_id):
    questionnaire = catalog.get(questionnaire_id).questionnaire
    checked = 0
    for definition in definitions(questionnaire).values():
        kind = metric_kinds.BY_KEY.get(definition.kind)
        if kind is None:  # a kind of the questionnaire's own
            continue
        unit = metric_kinds.UNITS["rate" if definition.statistic == "rate" else kind.unit]
        assert definition.direction == (kind.better or definition.direction), definition.id
        assert definition.unit == {"zh": unit[0], "en": unit[1]}, definition.id
        checked += 1
    assert checked >= 7


def test_every_service_metric_offered_in_step_1_and_every_kpi_has_its_facts():
    offered = {o.id for o in ev.metric_options(catalog.get("customer_service_diagnosis").questionnaire)} - {"other"}
    assert offered and offered <= set(metric_kinds.BY_KEY)
    assert {m.kind for m in METRICS} <= set(metric_kinds.BY_KEY)
    assert all(k.unit in metric_kinds.UNITS for k in metric_kinds.KINDS)
