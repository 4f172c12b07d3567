"""Step 4: cost and benefit per measure, the plan's totals, payback and ROI, and the effort-impact matrix."""

from __future__ import annotations

import pytest

from diagnosis import catalog, economics, plan
from diagnosis.demo import demo_project
from diagnosis.project.model import Measure
from diagnosis.questionnaire.model import Priority


def test_a_measure_without_cost_or_benefit_is_left_out_of_the_totals():
    assert economics.of_measure(Measure(title="x")) is None
    assert economics.of_plan([Measure(title="x")]) is None
    assert economics.of_plan([Measure(title="x"), Measure(title="y", benefit_yearly=5)]).benefit == 5


def test_one_measure_pays_back_in_months_of_its_net_yearly_benefit():
    # 12,000 once, 3,000 a year to run, 27,000 a year saved: net 24,000 a year
    e = economics.of_measure(Measure(title="x", invest_once=12_000, invest_yearly=3_000, benefit_yearly=27_000))
    assert e.net_yearly == 24_000
    assert e.payback_months == 6.0  # 12 * 12,000 / 24,000
    assert e.roi_first_year == 80.0  # (27,000 - 3,000 - 12,000) / (12,000 + 3,000) = 12,000 / 15,000
    assert e.roi_three_years == 285.7  # (81,000 - 9,000 - 12,000) / (12,000 + 9,000) = 60,000 / 21,000


def test_a_benefit_not_above_the_running_cost_never_pays_back():
    e = economics.of_measure(Measure(title="x", invest_once=1_000, invest_yearly=500, benefit_yearly=500))
    assert e.payback_months is None
    assert "无法回本" in economics.payback_text(e, "zh")
    assert e.roi_first_year == -66.7  # (500 - 500 - 1,000) / 1,500


def test_a_payback_of_one_month_reads_in_the_singular():
    # 1,000 once, 12,000 a year saved: 12 * 1,000 / 12,000 = 1 month (it read "1 months" before)
    e = economics.of_measure(Measure(title="x", invest_once=1_000, benefit_yearly=12_000))
    assert e.payback_months == 1.0
    assert economics.payback_text(e, "en") == "1 month" and economics.payback_text(e, "zh") == "1 个月"
    six = economics.of_measure(Measure(title="x", invest_once=12_000, invest_yearly=3_000, benefit_yearly=27_000))
    assert economics.payback_text(six, "en") == "6 months"


def test_without_an_investment_there_is_no_roi_and_payback_is_immediate():
    e = economics.of_measure(Measure(title="x", benefit_yearly=9_000))
    assert e.payback_months == 0.0
    assert e.roi_first_year is None and economics.roi_text(e.roi_first_year) == "—"


def test_the_demo_plan_totals_payback_and_roi_match_the_hand_computed_numbers():
    total = economics.of_plan(demo_project("zh").measures)
    # one-off 8,000 + 0 + 15,000 + 5,000 + 30,000 + 200,000 + 20,000
    assert total.one_off == 278_000
    assert total.running == 124_000  # 2,000 + 96,000 + 6,000 + 20,000
    assert total.benefit == 546_000
    assert total.payback_months == 7.9  # 12 * 278,000 / 422,000 = 7.905
    assert total.roi_first_year == 35.8  # 144,000 / 402,000
    assert total.roi_three_years == 152.0  # (1,638,000 - 372,000 - 278,000) / 650,000
    assert economics.money(total.one_off, "zh", "CNY") == "278,000 元"


def test_the_plans_currency_is_the_step_4_answer_cny_by_default_and_names_every_amount():
    project = demo_project("zh")
    assert economics.plan_currency(project) == "CNY" and economics.money(12_000.5, "en", "CNY") == "12,000.5 yuan"
    project.answers["currency"] = "EUR"
    assert economics.plan_currency(project) == "EUR"
    assert (economics.money(12_000, "zh", "EUR"), economics.money(12_000, "en", "EUR")) == ("12,000 欧元", "12,000 EUR")
    assert economics.money(5, "en", "CHF") == "5 CHF"  # a code a custom questionnaire adds is written as it is
    for questionnaire in ("customer_service_diagnosis", "generic_process_diagnosis"):
        question = catalog.get(questionnaire).questionnaire.question("currency")
        assert [o.id for o in question.options] == list(economics.CURRENCIES) and question.default == "CNY"


@pytest.mark.parametrize(
    ("urgency", "importance", "cost", "expected"),
    [(5, 5, 1, "quick_win"), (4, 5, 5, "major_project"), (2, 2, 2, "fill_in"), (1, 2, 4, "reconsider"),
     # the midpoint 3 counts as high on both axes
     (3, 3, 3, "major_project"), (2, 4, 2, "quick_win")],
)
def test_a_measure_sits_in_the_quadrant_of_its_weighted_impact_and_its_cost(urgency, importance, cost, expected):
    m = Measure(title="x", urgency=urgency, importance=importance, cost=cost)
    assert economics.quadrant(m, Priority()) == expected


def test_impact_follows_the_questionnaires_urgency_and_importance_weights():
    m = Measure(title="x", urgency=1, importance=5, cost=2)
    assert economics.impact(m, Priority(urgency=0.4, importance=0.4, cost=0.2)) == 3.0
    assert economics.impact(m, Priority(urgency=0.6, importance=0.2, cost=0.2)) == 2.0  # (0.6 + 1.0) / 0.8
    assert economics.quadrant(m, Priority(urgency=0.6, importance=0.2, cost=0.2)) == "fill_in"


def test_the_matrix_chart_draws_one_numbered_point_per_measure_in_plan_order():
    project = demo_project("en")
    rows = plan.plan_rows(project, catalog.get(project.questionnaire.id).questionnaire)
    spec = economics.matrix_chart(rows, "en").to_dict()
    points = next(layer["data"]["values"] for layer in spec["layer"] if layer.get("mark", {}).get("type") == "circle")
    assert [p["n"] for p in points] == [str(i) for i in range(1, len(rows) + 1)]
    assert points[0]["measure"] == rows[0].measure.title
    assert points[0]["quadrant"] == "Quick wins: high impact, low effort"
