"""Step 4: priority scores from the questionnaire, horizons from the plan start, the plan's order and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from diagnosis import catalog, plan
from diagnosis.demo import demo_project
from diagnosis.project.model import CheckIn, Measure
from diagnosis.questionnaire import load_questionnaire
from diagnosis.questionnaire.model import Priority

START = dt.date(2025, 9, 1)


@pytest.fixture
def questionnaire():
    return catalog.get("customer_service_diagnosis").questionnaire


def questionnaire_with_priority(block: str):
    entry = catalog.get("customer_service_diagnosis")
    head, tail = entry.source.split("\npriority:\n", 1)
    rest = tail.split("\nevaluation:\n", 1)[1]
    return load_questionnaire((head + "\npriority:\n" + block + "\nevaluation:\n" + rest).encode(), "custom.yaml")


@pytest.mark.parametrize(
    ("start", "due", "expected"),
    [
        # the two cases: exactly 3 months is mid, not long; over a month is mid, not short
        ("2025-09-01", "2025-12-01", "mid"),
        ("2026-02-01", "2026-03-03", "mid"),
        # exactly 1 month is short, one day more is mid
        ("2025-09-01", "2025-10-01", "short"),
        ("2025-09-01", "2025-10-02", "mid"),
        # exactly 3 months is mid, one day more is long
        ("2025-09-01", "2025-12-02", "long"),
        # end of February: a month after January 31 is February's last day
        ("2026-01-31", "2026-02-28", "short"),
        ("2026-01-31", "2026-03-01", "mid"),
        ("2024-01-31", "2024-02-29", "short"),
        ("2024-01-31", "2024-03-01", "mid"),
        # 3 months after November 30 is the end of February
        ("2025-11-30", "2026-02-28", "mid"),
        ("2025-11-30", "2026-03-01", "long"),
        # a due date on or before the start is short
        ("2025-09-01", "2025-08-20", "short"),
        ("2025-09-01", "2025-09-01", "short"),
    ],
)
def test_the_horizon_counts_calendar_months_from_the_plan_start(start, due, expected):
    measure = Measure(title="x", due=dt.date.fromisoformat(due), cost=5)
    assert plan.horizon(measure, dt.date.fromisoformat(start), Priority()) == (expected, False)


@pytest.mark.parametrize(("cost", "expected"), [(1, "short"), (2, "short"), (3, "mid"), (4, "long"), (5, "long")])
def test_without_a_due_date_the_horizon_follows_the_resource_cost(cost, expected):
    assert plan.horizon(Measure(title="x", cost=cost), START, Priority()) == (expected, False)


def test_an_override_wins_and_is_reported_as_overridden():
    measure = Measure(title="x", due=START + dt.timedelta(days=10), horizon_override="long")
    assert plan.horizon(measure, START, Priority()) == ("long", True)
    assert plan.planned_horizon(measure, START, Priority()) == "short"


def test_the_horizon_months_come_from_the_questionnaire_and_name_the_labels():
    q = questionnaire_with_priority("  short_term_months: 2\n  mid_term_months: 6\n")
    start = dt.date(2025, 9, 1)
    assert plan.horizon(Measure(title="x", due=dt.date(2025, 11, 1)), start, q.priority) == ("short", False)
    assert plan.horizon(Measure(title="x", due=dt.date(2025, 11, 2)), start, q.priority) == ("mid", False)
    assert plan.horizon(Measure(title="x", due=dt.date(2026, 3, 2)), start, q.priority) == ("long", False)
    assert [plan.horizon_label(h, "en", q.priority) for h in plan.HORIZONS] == [
        "Short-term quick wins (within 2 months)", "Mid-term (2-6 months)", "Long-term (over 6 months)"]
    assert plan.horizon_label("mid", "zh", q.priority) == "中期（2-6 个月）"
    assert "6 months" in plan.horizon_rule("en", q.priority)


@pytest.mark.parametrize("questionnaire_id", sorted(catalog.shipped()))
def test_no_text_of_a_shipped_questionnaire_repeats_the_horizon_months(questionnaire_id):
    # the months are the questionnaire's `priority` (Priority), worded by plan.horizon_label / horizon_rule
    # under the action plan: a help text stating them would go stale when a consultant changes them
    import re

    source = catalog.get(questionnaire_id).source
    months = re.compile(r"(速赢|短期|中期|长期)[^。；，\n]*?\d+\s*(-\s*\d+\s*)?个月|(quick win|short-term|mid-term|long-term)s?\W[^.;\n]*?\d+(-\d+)? months?",
                        re.IGNORECASE)  # fmt: skip
    assert [m.group(0) for m in months.finditer(source)] == []


def test_a_questionnaire_with_day_counts_gets_a_located_error_naming_the_month_keys():
    from diagnosis.errors import QuestionnaireError

    with pytest.raises(QuestionnaireError) as info:
        questionnaire_with_priority("  short_term_days: 30\n")
    message = str(info.value)
    assert "custom.yaml" in message and "short_term_months" in message and "\n" not in message


def test_the_plan_start_is_the_answer_else_the_earliest_measure_start():
    project = demo_project("en")
    assert plan.plan_start(project) == dt.date(2025, 9, 1)
    del project.answers["plan_start"]
    project.measures[0].start = dt.date(2025, 8, 20)
    assert plan.plan_start(project) == dt.date(2025, 8, 20)


def test_the_default_score_weighs_urgency_importance_and_the_inverse_of_cost():
    measure = Measure(title="x", urgency=5, importance=4, cost=2)
    assert plan.priority_score(measure, Priority()) == pytest.approx(0.4 * 5 + 0.4 * 4 + 0.2 * 4)


def test_the_score_formula_and_weights_come_from_the_questionnaire_yaml():
    q = questionnaire_with_priority("  formula: weighted_sum\n  urgency: 1\n  importance: 0\n  cost: 0\n")
    assert plan.priority_score(Measure(title="x", urgency=2, importance=5, cost=1), q.priority) == 2
    geometric = questionnaire_with_priority("  formula: weighted_geometric\n  urgency: 0.5\n  importance: 0.5\n  cost: 0\n")
    assert plan.priority_score(Measure(title="x", urgency=4, importance=1, cost=3), geometric.priority) == 2.0


def test_the_plan_is_ordered_by_horizon_then_by_score_highest_first(questionnaire):
    rows = plan.plan_rows(demo_project("en"), questionnaire)
    keys = [(plan.HORIZONS.index(r.horizon), -r.score) for r in rows]
    assert keys == sorted(keys)
    assert {r.horizon for r in rows} == {"short", "mid", "long"}


def test_a_measures_status_is_its_latest_check_in_or_not_started(questionnaire):
    project = demo_project("en")
    project.checkins.append(CheckIn(measure="m04", date=dt.date(2025, 9, 1), status="on_track"))
    project.checkins.append(CheckIn(measure="m04", date=dt.date(2025, 9, 20), status="at_risk"))
    status = {r.measure.id: r.status for r in plan.plan_rows(project, questionnaire)}
    assert status["m04"] == "at_risk"
    assert status["m05"] == "not_started"
    assert status["m07"] == "late"


def test_a_confirmed_root_cause_without_a_measure_is_flagged(questionnaire):
    project = demo_project("en")
    assert plan.root_causes_without_measure(project, questionnaire) == []
    project.fishbone.confirmed.append("c08")
    assert [c.id for c in plan.root_causes_without_measure(project, questionnaire)] == ["c08"]


def test_a_confirmed_sub_cause_counts_as_a_root_cause(questionnaire):
    project = demo_project("en")
    project.fishbone.confirmed = ["c01_1_1"]
    assert [c.text for c in plan.root_causes_without_measure(project, questionnaire)] == ["No single customer ID"]


def test_an_unconfirmed_fishbone_proposes_the_vital_few_as_root_causes(questionnaire):
    project = demo_project("en")
    project.fishbone.confirmed = None
    proposed = [c.id for c in plan.root_causes(project, questionnaire)]
    assert proposed and proposed[:6] == ["c01", "c02", "c03", "c04", "c05", "c06"]
    assert [c.id for c in plan.root_causes_without_measure(project, questionnaire)] == proposed[6:]


def test_the_plan_json_has_exactly_the_documented_keys(questionnaire):
    data = plan.plan_json(demo_project("en"), questionnaire)
    assert list(data) == ["plan_start", "measures"] and data["plan_start"] == "2025-09-01"
    assert list(data["measures"][0]) == ["measure", "root_cause", "owner", "start", "due", "score", "horizon", "horizon_overridden", "status"]


def test_the_csv_export_neutralizes_formulas_and_opens_in_excel(questionnaire):
    project = demo_project("en")
    project.measures[0].title = "=HYPERLINK(\"http://x\")"
    project.measures[1].owner = "@boss"
    text = plan.plan_csv(plan.plan_rows(project, questionnaire), "en").decode("utf-8")
    assert text.startswith("\ufeffHorizon,")
    assert "'=HYPERLINK" in text and "'@boss" in text
    assert ",=" not in text and ",@" not in text


def test_the_excel_export_has_typed_cells_a_frozen_header_and_a_filter(questionnaire):
    project = demo_project("zh")
    project.measures[0].risk = "-1 天"
    rows = plan.plan_rows(project, questionnaire)
    ws = load_workbook(io.BytesIO(plan.plan_xlsx(rows, "zh"))).active
    headers = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.max_row == len(rows) + 1
    due = ws.cell(2, headers.index("完成日期") + 1).value
    assert isinstance(due, dt.datetime) and due.date() == rows[0].measure.due
    assert isinstance(ws.cell(2, headers.index("优先级得分") + 1).value, (int, float))
    assert ws.cell(2, headers.index("期限已手动调整") + 1).value is False
    risks = [ws.cell(n, headers.index("风险") + 1).value for n in range(2, ws.max_row + 1)]
    assert "'-1 天" in risks


def test_the_gantt_chart_draws_one_bar_per_dated_measure_by_owner(questionnaire):
    project = demo_project("en")
    project.measures[0].due = None
    spec = plan.gantt_chart(plan.plan_rows(project, questionnaire), "en").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "row" and spec["encoding"]["x2"]["field"] == "due"
    assert len(spec["data"]["values"]) == len(project.measures) - 1


def test_the_gantt_chart_has_one_row_per_measure_labelled_with_its_title_and_grows_with_the_plan(questionnaire):
    project = demo_project("zh")
    assert len(project.measures) == 7
    spec = plan.gantt_chart(plan.plan_rows(project, questionnaire), "zh").to_dict()
    assert spec["height"] == 7 * 28  # 28 px per measure, the axis and legend outside
    labels = [d["row"] for d in spec["data"]["values"]]
    assert len(set(labels)) == 7 and spec["encoding"]["y"]["sort"] == labels
    for m in project.measures:  # every measure's title (and its owner) labels its own row
        assert f"{m.owner} · {m.title}" in labels
    assert [d["owner"] for d in spec["data"]["values"]][:2] == sorted(m.owner for m in project.measures)[:2]
    project.measures[0].due = project.measures[1].due = None
    assert plan.gantt_chart(plan.plan_rows(project, questionnaire), "zh").to_dict()["height"] == 5 * 28


def test_two_measures_with_the_same_title_and_owner_get_two_rows(questionnaire):
    project = demo_project("en")
    project.measures[1].title, project.measures[1].owner = project.measures[0].title, project.measures[0].owner
    project.measures[1].start, project.measures[1].due = project.measures[0].start, project.measures[0].due
    labels = [d["row"] for d in plan.gantt_chart(plan.plan_rows(project, questionnaire), "en").to_dict()["data"]["values"]]
    assert len(labels) == len(set(labels)) == 7
