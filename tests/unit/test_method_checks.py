"""Step 2 against the method: a representative survey sample, interviews with repeat complainers."""

from __future__ import annotations

from diagnosis.demo import demo_project
from diagnosis.method_checks import interview_targets, survey_sample


def test_a_sample_of_at_least_30_percent_is_representative():
    finding = survey_sample({"customers_with_problem": 1200, "survey_sample": 360})
    assert finding.level == "ok" and "30%" in finding.text("en")


def test_a_smaller_sample_says_how_many_to_survey():
    finding = survey_sample({"customers_with_problem": 1201, "survey_sample": 200})
    assert finding.level == "warning"
    assert "at least 361" in finding.text("en") and "至少需要 361 人" in finding.text("zh")


def test_no_finding_without_the_numbers():
    assert survey_sample({"survey_sample": 10}) is None
    assert survey_sample({"customers_with_problem": 0, "survey_sample": 10}) is None
    assert interview_targets({"interviews": [{"customer": "A", "complaints_30d": None}]}) is None


def test_interviews_should_go_to_customers_who_complained_twice_or_more():
    rows = [{"customer": "A", "complaints_30d": 3}, {"customer": "B", "complaints_30d": 1}, {"customer": None, "complaints_30d": None}]
    finding = interview_targets({"interviews": rows})
    assert finding.level == "warning" and "(B)" in finding.text("en")
    assert interview_targets({"interviews": rows[:1]}).level == "ok"


def test_the_demo_passes_both_checks():
    project = demo_project("zh")
    assert survey_sample(project.answers).level == "ok"
    assert interview_targets(project.answers).level == "ok"
