"""The demo project is the case of PRODUCT.md and passes every check of its questionnaire."""

from __future__ import annotations

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.project import dumps, load_project
from diagnosis.questionnaire.rules import validate_answers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demo_answers_every_required_question_validly(lang):
    project = demo_project(lang)
    questionnaire = catalog.get(project.questionnaire.id).questionnaire
    assert validate_answers(questionnaire, project.answers) == {}
    assert load_project(dumps(project).encode(), "demo.yaml").warnings == []


def test_the_demo_tells_the_august_2025_case():
    project = demo_project("zh")
    assert "9,872" in project.answers["problem_statement"]
    metrics = {row["metric"]: row for row in project.answers["metrics"]}
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
    assert result.bad_rows == {"created_at_unparseable": 1, "csat_out_of_range": 1}
