"""Answers against questions: show_if, validation of every type, completeness."""

from __future__ import annotations

import pytest

from diagnosis.i18n import tr
from diagnosis.questionnaire.model import Condition
from diagnosis.questionnaire.rules import (
    condition_holds,
    default_answers,
    is_visible,
    step_completeness,
    validate_answer,
)
from tests.conftest import validate_answers


def messages(question, value, lang="en"):
    return [tr(m, lang) for m in validate_answer(question, value)]


@pytest.mark.parametrize(
    "cond, answers, expected",
    [
        ({"question": "a", "equals": "x"}, {"a": "x"}, True),
        ({"question": "a", "equals": "x"}, {"a": "y"}, False),
        ({"question": "a", "equals": "x"}, {"a": ["y", "x"]}, True),
        ({"question": "a", "not_equals": "x"}, {"a": "y"}, True),
        ({"question": "a", "one_of": ["x", "z"]}, {"a": "z"}, True),
        ({"question": "a", "one_of": ["x", "z"]}, {"a": ["q"]}, False),
        ({"question": "a", "answered": True}, {"a": ""}, False),
        ({"question": "a", "answered": True}, {"a": "  hi"}, True),
        ({"question": "a", "answered": False}, {}, True),
        ({"question": "a", "greater_than": 5}, {"a": 6}, True),
        ({"question": "a", "greater_than": 5}, {"a": 5}, False),
        ({"question": "a", "less_than": 5}, {"a": "4.5"}, True),
        ({"question": "a", "less_than": 5}, {"a": "abc"}, False),
        ({"question": "a", "equals": True}, {"a": True}, True),
        ({"all": [{"question": "a", "equals": 1}, {"question": "b", "answered": True}]}, {"a": 1, "b": "x"}, True),
        ({"all": [{"question": "a", "equals": 1}, {"question": "b", "answered": True}]}, {"a": 1}, False),
        ({"any": [{"question": "a", "equals": 1}, {"question": "b", "answered": True}]}, {"b": "x"}, True),
        ({"any": [{"question": "a", "equals": 1}, {"question": "b", "answered": True}]}, {}, False),
    ],
)
def test_show_if_conditions(cond, answers, expected):
    assert condition_holds(Condition.model_validate(cond), answers) is expected


@pytest.mark.parametrize(
    "cond",
    [{"question": "a"}, {"question": "a", "equals": 1, "answered": True}, {"all": []}, {"all": [{"question": "a", "equals": 1}], "question": "b"}],
)
def test_a_condition_needs_exactly_one_test(cond):
    with pytest.raises(ValueError):
        Condition.model_validate(cond)


def test_a_question_is_hidden_when_the_question_it_depends_on_is_hidden(all_types):
    period = all_types.question("period_start")
    assert not is_visible(period, {"has_export": True, "agents": 3}, all_types)
    assert is_visible(period, {"has_export": True, "agents": 30}, all_types)


def test_required_text_and_length_and_pattern(all_types):
    name, code = all_types.question("name"), all_types.question("code")
    assert messages(name, "") == ["Required"]
    assert messages(name, "x") == ["At least 2 characters"]
    assert messages(name, "x" * 21) == ["At most 20 characters"]
    assert messages(code, "ab-12") == ["Format: AB-123"]
    assert messages(code, "AB-123") == []
    assert messages(code, "ab-12", "zh") == ["格式应为 AB-123"]


def test_number_and_integer_bounds(all_types):
    frt, agents = all_types.question("frt"), all_types.question("agents")
    assert messages(frt, -1) == ["Must be at least 0"]
    assert messages(frt, 121) == ["Must be at most 120"]
    assert messages(frt, "abc") == ["Enter a number"]
    assert messages(frt, 3.2) == []
    assert messages(agents, 2.5) == ["Enter a whole number"]
    assert messages(agents, 0) == ["Must be at least 1"]


def test_choices(all_types):
    channel, triggers = all_types.question("channel"), all_types.question("triggers")
    assert messages(channel, "fax") == ["Not one of the options"]
    assert messages(channel, "phone") == []
    assert messages(triggers, ["complaints", "handoffs", "system"]) == ["Choose at most 2"]
    assert messages(triggers, ["nope"])[0].startswith("Not among the options")
    assert messages(triggers, ["complaints"]) == []


def test_scale_yesno_and_date(all_types):
    assert messages(all_types.question("satisfaction"), 6) == ["Must be at most 5"]
    assert messages(all_types.question("has_export"), "yes") == ["Choose yes or no"]
    assert messages(all_types.question("has_export"), False) == []
    period = all_types.question("period_start")
    assert messages(period, "2019-12-31") == ["Must be on or after 2020-01-01"]
    assert messages(period, "31/12/2020") == ["Enter a date (YYYY-MM-DD)"]
    assert messages(period, "2025-08-01") == []


def test_table_rows_and_typed_columns(all_types):
    table = all_types.question("metrics")
    assert messages(table, []) == ["Required"]
    assert messages(table, [{"metric": "frt", "baseline": 5, "target": 3}]) == []
    assert messages(table, [{"metric": "frt", "baseline": None}]) == ["Row 1: 'Baseline' is required"]
    assert messages(table, [{"metric": "fax", "baseline": "x", "target": -1}]) == [
        "Row 1 'Metric': Not one of the options",
        "Row 1 'Baseline': Enter a number",
        "Row 1 'Target': Must be at least 0",
    ]
    six = [{"metric": "frt", "baseline": 1}] * 6
    assert "At most 5 rows" in messages(table, six)
    # blank rows (a freshly added row in the editor) do not count
    assert messages(table, [{"metric": None, "baseline": None}]) == ["Required"]


def test_completeness_counts_required_visible_questions(all_types):
    goals = all_types.steps[0]
    empty = step_completeness(goals, {}, all_types)
    assert (empty.answered, empty.total) == (0, 3)  # name, channel, metrics; channel_other hidden
    answers = {"name": "Shop", "channel": "other"}
    c = step_completeness(goals, answers, all_types)
    assert (c.answered, c.total) == (2, 4)  # channel_other now shows and is required
    answers["channel_other"] = "Email"
    answers["metrics"] = [{"metric": "frt", "baseline": 5}]
    assert step_completeness(goals, answers, all_types).ratio == 1.0


def test_validate_answers_skips_hidden_questions(all_types):
    problems = validate_answers(all_types, {"channel": "phone", "channel_other": ""})
    assert "channel_other" not in problems
    assert "name" in problems


def test_defaults_fill_a_new_project(all_types):
    assert default_answers(all_types) == {"agents": 10}
