"""The demo project is the case of PRODUCT.md and passes every check of its questionnaire."""

from __future__ import annotations

import pytest

from diagnosis.demo import demo_project
from diagnosis.project import dumps, load_project
from diagnosis.project.files import resolve_questionnaire
from tests.conftest import validate_answers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_answers_every_required_question_validly(lang):
    project = demo_project(lang)
    questionnaire = resolve_questionnaire(project)  # with the demo's own definitions
    assert validate_answers(questionnaire, project.answers) == {}
    assert load_project(dumps(project).encode(), "demo.yaml").warnings == []


def test_the_demo_tells_the_august_2025_case():
    project = demo_project("zh")
    assert "9,872" in project.answers["problem_statement"]
    metrics = {row["definition"]: row for row in project.answers["metrics"]}
    assert metrics["complaint_rate"]["baseline"] == 3.2 and metrics["complaint_rate"]["direction"] == "lower"
    assert len(project.answers["team"]) >= 4


def test_the_demo_carries_an_imported_august_export_matching_the_case():
    from diagnosis.tickets.flow import stored_result

    result = stored_result(demo_project("zh"))
    assert result.rows == 9872 and result.overall["volume"] == 9872
    shares = {channel: values["volume"] / result.rows for channel, values in result.groups["channel"].items()}
    assert abs(shares["微信"] - 0.40) < 0.02 and abs(shares["电话"] - 0.32) < 0.02
    assert result.groups["channel"]["电话"]["frt_mean_min"] > result.groups["channel"]["微信"]["frt_mean_min"]
    assert 0.028 < result.overall["complaint_rate"] < 0.038
    assert result.csat_scale == "0-100"
    assert result.bad_rows == {"created_at_unparseable": 1, "response_before_creation": 1, "csat_out_of_range": 1}


# the facts of the shipped exports, recomputed with pandas in test_demo_exports
BASELINE = {"frt_mean": 3.2, "csat_mean": 88.5, "complaint_rate": 3.2, "refund_resolution_mean": 5.4, "phone_peak_frt": 7.0}
MONTHS = {1: {"frt_mean": 2.6, "csat_mean": 91.0, "complaint_rate": 2.6, "refund_resolution_mean": 3.5},
          3: {"frt_mean": 2.3, "csat_mean": 93.0, "complaint_rate": 2.1, "refund_resolution_mean": 2.4}}


def test_every_demo_baseline_and_checkpoint_is_what_its_definition_gives_on_the_demo_exports():
    project = demo_project("en")
    rows = {row["definition"]: row for row in project.answers["metrics"]}
    assert {d: round(rows[d]["baseline"], 1) for d in BASELINE} == BASELINE
    for months, expected in MONTHS.items():
        values = {v.definition: round(v.value, 1) for v in project.evaluation.values if v.checkpoint == months}
        assert {d: values[d] for d in expected} == expected
    # every stored value names its row, its definition and the tickets behind it
    assert all(v.metric == v.definition and v.n and v.n > 1000 for v in project.evaluation.values if v.definition != "phone_peak_frt")


def test_the_demo_text_states_what_its_data_shows():
    project = demo_project("zh")
    assert "89.7 降至 88.5" in project.answers["problem_statement"]
    july, august = (e for e in project.data["imports"] if e["period"] in ("reference", "baseline"))
    assert (july["values"]["volume"]["value"], august["values"]["volume"]["value"]) == (8814, 9872)
    assert round(100 * (9872 / 8814 - 1)) == 12
    assert (august["facts"]["peak_day"], august["facts"]["peak_volume"]) == ("2025-08-12", 1256)
    assert project.answers["months_covered"] == len({m for e in project.data["imports"] if e["period"] != "checkpoint"
                                                      for m in e["facts"]["months"]})


def test_the_demo_exports_show_a_significant_improvement_and_no_detectable_change_at_each_checkpoint():
    from diagnosis.evaluation_stats import row_tests

    project = demo_project("en")
    verdicts = {(t.checkpoint, t.definition.id): t.verdict for t in row_tests(project, resolve_questionnaire(project), "en")}
    for months in (1, 3):
        assert verdicts[(months, "frt_mean")] == "improvement"
        assert verdicts[(months, "fcr")] == "no_change"  # the training measure has not moved FCR (76 %)
    assert "worsening" not in verdicts.values()
