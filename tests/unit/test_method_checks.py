"""Step 2 against the method: a representative survey sample, interviews with repeat complainers."""

from __future__ import annotations

import pytest

from diagnosis import catalog
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


def test_a_process_both_in_and_out_of_scope_is_named_in_both_languages():
    from diagnosis import catalog
    from diagnosis.method_checks import scope_overlap

    questionnaire = catalog.get("customer_service_diagnosis").questionnaire
    finding = scope_overlap({"scope_in": ["billing", "after_sales_complaints"], "scope_out": ["billing"]}, questionnaire)
    assert finding.level == "warning"
    assert "“账单与退款”同时在纳入和排除" in finding.text("zh") and "'Billing and refunds' is both in scope and out" in finding.text("en")
    assert scope_overlap({"scope_in": ["billing"], "scope_out": ["returns_exchanges"]}, questionnaire) is None
    assert scope_overlap({"scope_in": ["billing"]}, questionnaire) is None


def test_check_project_warns_where_a_process_is_both_in_and_out_of_scope(tmp_path, monkeypatch):
    from diagnosis.project import load_project
    from diagnosis.project.files import save_project

    project = demo_project("en")
    project.answers["scope_out"] = ["billing", "after_sales_complaints"]  # the demo has the second in scope
    save_project(project, tmp_path / "p.diagnosis.yaml")
    monkeypatch.chdir(tmp_path)
    warnings = [str(w) for w in load_project("p.diagnosis.yaml").warnings]
    line = next(w for w in warnings if "scope" in w)
    assert line.startswith("p.diagnosis.yaml:") and line.split(":")[1].isdigit()
    assert "process 'after_sales_complaints' is both in scope (scope_in) and out of scope (scope_out)" in line
    assert len([w for w in warnings if "scope" in w]) == 1


def test_the_messages_state_the_rules_own_numbers(monkeypatch):
    # a rule of thumb changed in one place changes its check and its words together
    from diagnosis import method_checks

    monkeypatch.setattr(method_checks, "MIN_SAMPLE_SHARE", 0.5)
    monkeypatch.setattr(method_checks, "MIN_COMPLAINTS", 3)
    monkeypatch.setattr(method_checks, "COMPLAINT_WINDOW_DAYS", 14)
    finding = survey_sample({"customers_with_problem": 1000, "survey_sample": 400})
    assert finding.level == "warning" and "under 50%" in finding.text("en") and "低于 50%" in finding.text("zh")
    assert "at least 500" in finding.text("en")
    finding = interview_targets({"interviews": [{"customer": "A", "complaints_30d": 2}]})
    assert finding.level == "warning"
    assert "fewer than 3 times in the last 14 days" in finding.text("en") and "近 14 天投诉少于 3 次" in finding.text("zh")


def test_the_imports_interview_candidates_pass_the_interview_check():
    from diagnosis.method_checks import COMPLAINT_WINDOW_DAYS, MIN_COMPLAINTS
    from diagnosis.tickets import read_export, resolve_mapping
    from diagnosis.tickets.measure import measure_export

    # the window is the 30 days up to the last ticket (08-31 18:00): C1 complains a minute inside its start, on 08-20
    # and on the last day (3); C2 twice, once an hour before the window (1 inside); C3 once
    last = "2025-08-31 18:00"
    rows = ["T1,C1,2025-08-01 18:01,是", "T2,C1,2025-08-20 09:00,是", f"T3,C1,{last},是", "T4,C2,2025-08-01 17:00,是",
            "T5,C2,2025-08-25 09:00,是", "T6,C3,2025-08-30 09:00,是", "T7,C3,2025-08-30 10:00,否"]
    export = read_export(("工单号,客户ID,创建时间,是否投诉\n" + "\n".join(rows)).encode("utf-8"), "x.csv")
    measured = measure_export(export, resolve_mapping(export.headers), [])
    assert (COMPLAINT_WINDOW_DAYS, MIN_COMPLAINTS) == (30, 2)
    assert [(c["customer"], c["complaints"]) for c in measured.repeat_complainers] == [("C1", 3)]
    interviews = [{"customer": c["customer"], "complaints_30d": c["complaints"]} for c in measured.repeat_complainers]
    assert interview_targets({"interviews": interviews}).level == "ok"


@pytest.mark.parametrize("questionnaire_id", sorted(catalog.shipped()))
def test_the_interview_column_and_the_help_texts_say_the_rules_own_numbers(questionnaire_id, monkeypatch):
    # the shipped YAML names them ({complaint_window_days} ...): changed in method_checks, the
    # questionnaire a user reads changes with them, in both languages
    from diagnosis import method_checks
    from diagnosis.i18n import tr
    from diagnosis.questionnaire import load_questionnaire

    raw = catalog.get(questionnaire_id).source.encode()
    column = next(c for c in load_questionnaire(raw, "q.yaml").question("interviews").columns if c.id == "complaints_30d")
    assert (tr(column.label, "zh"), tr(column.label, "en")) == ("近 30 天投诉次数", "Complaints in last 30 days")
    monkeypatch.setattr(method_checks, "COMPLAINT_WINDOW_DAYS", 14)
    monkeypatch.setattr(method_checks, "MIN_COMPLAINTS", 3)
    monkeypatch.setattr(method_checks, "MIN_SAMPLE_SHARE", 0.5)
    q = load_questionnaire(raw, "q.yaml")
    column = next(c for c in q.question("interviews").columns if c.id == "complaints_30d")
    assert (tr(column.label, "zh"), tr(column.label, "en")) == ("近 14 天投诉次数", "Complaints in last 14 days")
    interviews = next(s for step in q.steps for s in step.sections if any(x.id == "interviews" for x in s.questions))
    assert "14 天内投诉" in tr(interviews.help, "zh") and "3 次及以上" in tr(interviews.help, "zh")
    assert "3 times or more in the last 14 days" in tr(interviews.help, "en")
    sample = q.question("survey_sample")
    assert "50%" in tr(sample.help, "zh") and "At least 50% of" in tr(sample.help, "en")


@pytest.mark.parametrize("questionnaire_id", sorted(catalog.shipped()))
def test_no_text_of_a_shipped_questionnaire_writes_the_rules_numbers_itself(questionnaire_id):
    # the survey and interview sections as written in the YAML (before the loader fills the numbers in)
    import re

    import yaml

    def strings(value):
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        return [s for v in value for s in strings(v)] if isinstance(value, list) else [value] if isinstance(value, str) else []

    document = yaml.safe_load(catalog.get(questionnaire_id).source)
    sections = [c for step in document["steps"] for c in step["sections"]
                if {q["id"] for q in c["questions"]} & {"survey_sample", "interviews"}]
    copies = re.compile(r"\d+\s*天|\d+\s*days?|\d+\s*%|\d+\s*次|twice|once|\d+ times")
    texts = strings(sections)
    assert len(sections) == 2 and any("{complaint_window_days}" in t for t in texts)
    assert [m.group(0) for text in texts for m in copies.finditer(text)] == []


def test_a_text_naming_an_unknown_number_gets_a_located_error():
    from diagnosis.errors import QuestionnaireError
    from diagnosis.questionnaire import load_questionnaire

    source = catalog.get("customer_service_diagnosis").source
    broken = source.replace("Complaints in last {complaint_window_days} days", "Complaints in last {complaint_window} days")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(broken.encode(), "custom.yaml")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if "{complaint_window}" in text)
    assert str(info.value).startswith(f"custom.yaml:{line}:") and "did you mean {complaint_window_days}?" in str(info.value)
    assert "\n" not in str(info.value)
