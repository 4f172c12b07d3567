"""Control charts: rules on hand-made series, limits by hand, stages, Anhøj's critical values, the demo."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from scipy.stats import binom

from diagnosis import catalog, spc
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.metric_definitions import MetricDefinition
from diagnosis.project.model import Measure
from diagnosis.spc_rules import RULES, anhoej_crossings_limit, anhoej_longest_run_limit, expand
from tests.factories import day, entry, project_with

RATE = MetricDefinition(id="complaint_rate", name="complaints", kind="complaint_rate", statistic="rate", field="complaint",
                        direction="lower", family="quality")  # fmt: skip
MEAN = MetricDefinition(id="frt_mean", name="FRT", kind="frt", statistic="mean", field="frt_min", unit="min",
                        direction="lower", family="efficiency")  # fmt: skip
DAY0 = dt.date(2025, 8, 1)


def find(rule: str, z, x=None):
    return RULES[rule].find(list(z), list(x if x is not None else z))


def points(values, period="baseline", start=DAY0, n=None, k=None):
    return [spc.Point(start + dt.timedelta(days=i), float(v), None if n is None else n[i], None if k is None else k[i], period)
            for i, v in enumerate(values)]


# --- each rule where the firing points are known ---------------------------------------------


def test_rule_1_marks_each_stretch_of_points_beyond_three_sigma_on_one_side():
    assert find("we1", [0.5, -0.2, 3.5, 0.1, -3.2, -3.4, 3.0, 1]) == [(2,), (4, 5)]  # 3.0 is on the limit, not beyond
    assert find("nelson1", [0.5, 3.1, -3.1]) == [(1,), (2,)]


def test_rule_2_needs_two_of_three_beyond_two_sigma_on_the_same_side():
    assert find("we2", [2.5, 0.3, 2.1, 0.0, -2.5, 1.0, -2.2]) == [(0, 2), (4, 6)]
    assert find("we2", [2.5, 0.0, 0.0, 2.1]) == []  # three apart: never two in one window of three
    assert find("we2", [2.5, -2.5, 0.1]) == []  # opposite sides
    assert find("nelson5", [2.5, 2.1, 2.2]) == [(0, 1, 2)]  # overlapping windows are one signal


def test_rule_3_needs_four_of_five_beyond_one_sigma_on_the_same_side():
    assert find("we3", [1.5, 1.2, 0.3, 1.1, 1.4, 0.0, -0.5]) == [(0, 1, 3, 4)]
    assert find("we3", [1.5, 1.2, 0.3, 0.2, 1.4, 1.1]) == []
    assert find("nelson6", [-1.5, -1.2, -1.3, -1.1]) == [(0, 1, 2, 3)]


def test_rule_4_is_eight_in_a_row_on_one_side_and_a_point_on_the_centre_line_breaks_it():
    assert find("we4", [0.1] * 8 + [-0.5] + [0.2] * 7) == [tuple(range(8))]
    assert find("we4", [0.1] * 4 + [0.0] + [0.1] * 4) == []
    assert find("we4", [-0.3] * 10) == [tuple(range(10))]


def test_nelson_2_is_nine_in_a_row_on_one_side():
    assert find("nelson2", [0.4] * 8 + [-1]) == []
    assert find("nelson2", [-1] + [0.4] * 9) == [tuple(range(1, 10))]


def test_nelson_3_is_six_points_steadily_rising_or_falling_and_a_tie_breaks_it():
    assert find("nelson3", [0] * 7, [1, 2, 3, 4, 5, 6, 5]) == [(0, 1, 2, 3, 4, 5)]
    assert find("nelson3", [0] * 7, [1, 2, 3, 4, 5, 5, 6]) == []
    assert find("nelson3", [0] * 7, [9, 8, 7, 6, 5, 4, 3]) == [tuple(range(7))]


def test_nelson_4_is_fourteen_points_alternating_up_and_down():
    assert find("nelson4", [0] * 14, [0, 1] * 7) == [tuple(range(14))]
    assert find("nelson4", [0] * 13, ([0, 1] * 7)[:13]) == []


def test_nelson_7_is_fifteen_points_hugging_the_centre_line():
    assert find("nelson7", [0.5, -0.5] * 7 + [0.2]) == [tuple(range(15))]
    assert find("nelson7", [0.5] * 7 + [1.2] + [0.5] * 7) == []


def test_nelson_8_is_eight_points_beyond_one_sigma_on_either_side():
    assert find("nelson8", [1.5, -1.5] * 4) == [tuple(range(8))]
    assert find("nelson8", [1.5, -1.5] * 3 + [0.5, 1.5]) == []


def test_anhoej_critical_values_match_the_published_table_and_the_binomial_quantile():
    # Anhøj & Olesen (2014), table 1: n -> (longest run allowed, fewest crossings allowed)
    table = {10: (6, 2), 12: (7, 3), 20: (7, 6), 22: (7, 7), 23: (8, 7), 24: (8, 8), 30: (8, 10)}
    for n, (run, crossings) in table.items():
        assert (anhoej_longest_run_limit(n), anhoej_crossings_limit(n)) == (run, crossings)
    for n in range(10, 101):
        assert anhoej_crossings_limit(n) == int(binom.ppf(0.05, n - 1, 0.5))
        assert anhoej_longest_run_limit(n) == round(math.log2(n) + 3)


def test_anhoej_run_rule_fires_on_a_run_longer_than_its_limit_and_ignores_points_on_the_centre_line():
    # 24 points: a run of 9 is a signal (limit 8), a run of 8 is not
    alternating = [1, -1] * 8
    assert find("anhoej_run", [1] * 9 + [-1] + alternating[:14]) == [tuple(range(9))]
    assert find("anhoej_run", [1] * 8 + [-1] + alternating[:15]) == []
    # a point on the centre line neither breaks nor counts: 9 useful points on one side of 25 with one zero
    assert find("anhoej_run", [1] * 4 + [0] + [1] * 5 + [-1] + alternating[:14]) == [(0, 1, 2, 3, 5, 6, 7, 8, 9)]


def test_anhoej_crossings_rule_fires_when_the_series_crosses_its_centre_line_too_rarely():
    # 20 points, 1 crossing (< 6): every useful point is part of the signal
    assert find("anhoej_crossings", [1] * 10 + [-1] * 10) == [tuple(range(20))]
    assert find("anhoej_crossings", [1, 1, -1] * 6 + [1, -1]) == []  # 13 crossings
    assert find("anhoej_crossings", [1] * 9) == []  # under 10 useful points: no verdict


def test_rule_groups_expand_in_order_without_repeats():
    assert expand(["western_electric"]) == ("we1", "we2", "we3", "we4")
    assert expand(["we1", "anhoej", "we1"]) == ("we1", "anhoej_run", "anhoej_crossings")
    assert len(expand(["nelson"])) == 8


# --- limits by hand --------------------------------------------------------------------------


def test_a_p_chart_has_limits_from_the_pooled_rate_and_each_days_own_n():
    chart = spc.control_chart(points([10, 10, 10], n=[100, 200, 400], k=[10, 20, 40]), RATE)
    assert chart.kind == "p" and chart.stages[0].center == pytest.approx(10.0)  # 70 / 700
    # sigma = sqrt(0.1 * 0.9 / n): 3.0 % at n=100, 2.1213 % at 200, 1.5 % at 400
    assert chart.lcl == pytest.approx([1.0, 10 - 3 * 2.1213203, 5.5])
    assert chart.ucl == pytest.approx([19.0, 10 + 3 * 2.1213203, 14.5])


def test_a_p_chart_limit_is_clipped_at_zero_percent():
    chart = spc.control_chart(points([2, 2], n=[50, 50], k=[1, 1]), RATE)
    assert chart.lcl == [0.0, 0.0] and chart.ucl[0] == pytest.approx(2 + 3 * 100 * math.sqrt(0.02 * 0.98 / 50))


def test_an_individuals_chart_takes_sigma_from_the_mean_moving_range():
    chart = spc.control_chart(points([10, 12, 11, 15, 12]), MEAN)
    stage = chart.stages[0]
    # mean 12; moving ranges 2, 1, 4, 3 -> 2.5; sigma 2.5 / 1.128
    assert chart.kind == "xmr" and stage.center == pytest.approx(12.0) and stage.sigma == pytest.approx(2.5 / 1.128)
    assert chart.ucl[0] == pytest.approx(12 + 3 * 2.5 / 1.128) and chart.lcl[0] == pytest.approx(12 - 3 * 2.5 / 1.128)


def test_a_stable_series_raises_no_signal():
    values = [10, 11, 10.5, 9, 9.5, 10.8, 9.2, 10.2, 9.9, 10.4, 9.6, 10.1, 9.4, 10.6, 9.8, 10.3]
    chart = spc.control_chart(points(values), MEAN, rules=expand(["western_electric", "anhoej"]))
    assert chart.signals == []


def test_a_signal_names_its_rule_and_points_in_both_languages():
    chart = spc.control_chart(points([10, 12, 11, 15, 12]) + points([40], "checkpoint", DAY0 + dt.timedelta(days=5)), MEAN)
    [signal] = chart.signals
    assert signal.rule == "we1" and signal.days == (DAY0 + dt.timedelta(days=5),) and signal.indices == (5,)
    assert signal.text("zh") == "西电规则 1：1 点超出 3σ 控制限：2025-08-06"
    assert signal.text("en") == "Western Electric 1: 1 point beyond the 3σ limits: 2025-08-06"


# --- stages ----------------------------------------------------------------------------------

LAUNCH = spc.Boundary(DAY0 + dt.timedelta(days=5), "launch")


def test_limits_are_frozen_from_the_baseline_and_recomputed_after_the_launch():
    series = points([5, 7, 6, 8, 6], "reference", DAY0 - dt.timedelta(days=5)) + points([10, 12, 11, 15, 12]) + \
        points([4, 5, 4, 6, 5, 4], "checkpoint", LAUNCH.day)
    chart = spc.control_chart(series, MEAN, cuts=[LAUNCH])
    first, after = chart.stages
    # the reference days sit in the first stage but do not move its limits: those come from the baseline
    assert first.calibration == "baseline" and first.center == pytest.approx(12.0) and first.sigma == pytest.approx(2.5 / 1.128)
    assert chart.stage_of == [0] * 10 + [1] * 6
    # after launch: mean 4.667, moving ranges 1, 1, 2, 1, 1 -> 1.2
    assert after.calibration == "own" and after.center == pytest.approx(28 / 6) and after.sigma == pytest.approx(1.2 / 1.128)
    assert after.label("en") == "after launch" and first.label("zh") == "基线阶段"
    # the reference days, 5-8 against 12 +- 6.6 (z -3.2, -2.3, -2.7, -1.8, -2.7), are special causes
    # against the frozen baseline; the stage after launch, judged on its own limits, is stable
    assert [(s.rule, s.indices) for s in chart.signals] == [("we1", (0,)), ("we2", (0, 1, 2, 4)), ("we3", (0, 1, 2, 3, 4))]


def test_a_stage_with_too_few_points_keeps_the_limits_before_it_and_stages_without_points_fold_into_the_next():
    idle = spc.Boundary(DAY0 + dt.timedelta(days=3), "measure", "bot")  # no point between it and the launch
    late = spc.Boundary(DAY0 + dt.timedelta(days=10), "measure", "training")
    series = points([10, 12, 11]) + points([4, 5, 4, 6, 5], "checkpoint", LAUNCH.day) + points([5, 5], "checkpoint", late.day)
    chart = spc.control_chart(series, MEAN, cuts=[idle, LAUNCH, late])
    assert [len(s.points) for s in chart.stages] == [3, 5, 2]
    assert chart.stages[1].boundaries == (idle, LAUNCH) and chart.stages[1].label("en") == "after launch (and 1 measure(s) live)"
    assert chart.stages[1].calibration == "own" and chart.stages[1].center == pytest.approx(4.8)
    assert chart.stages[2].calibration == "previous" and chart.stages[2].center == pytest.approx(4.8)
    assert chart.stages[2].label("en") == "after measure “training” live (2025-08-11)"
    assert chart.stages[2].label("zh") == "措施“training”上线（2025-08-11）后"


def test_without_stages_a_lasting_improvement_shows_as_a_signal_against_the_baseline():
    series = points([10, 12, 11, 15, 12, 11, 13, 12]) + points([9, 9.5, 8.5, 9, 9.2, 8.8, 9.1, 9.4], "checkpoint", DAY0 + dt.timedelta(days=8))
    frozen = spc.control_chart(series, MEAN)
    assert not frozen.staged and len(frozen.stages) == 1
    assert [(s.rule, s.indices) for s in frozen.signals if s.rule == "we4"] == [("we4", tuple(range(8, 16)))]


# --- a project's series ----------------------------------------------------------------------


def test_a_weekly_rate_adds_up_the_tickets_of_its_days_and_never_mixes_periods():
    base = entry("baseline", [day("2025-08-04", 100, 3), day("2025-08-05", 300, 15), day("2025-08-11", 200, 4)])
    after = entry("checkpoint", [day("2025-08-12", 100, 1)], months=1)
    project, q = project_with(base, after)
    chart = spc.project_chart(project, q, "complaint_rate", interval="week")
    got = [(p.day.isoformat(), p.n, p.k, p.period) for p in chart.points]
    assert got == [("2025-08-04", 400, 18, "baseline"), ("2025-08-11", 200, 4, "baseline"), ("2025-08-12", 100, 1, "checkpoint")]
    assert chart.points[0].value == pytest.approx(4.5)
    assert chart.stages[0].center == pytest.approx(100 * 22 / 600)


def test_a_weekly_mean_is_the_weeks_sum_over_its_tickets_and_a_day_two_imports_cover_comes_from_the_baseline():
    rows = [{"metric": "frt", "definition": "frt_mean", "name": "FRT", "baseline": 3, "target": 2, "direction": "lower"}]
    base = entry("baseline", [day("2025-08-04", 10, value=2.0, total=20.0), day("2025-08-05", 30, value=4.0, total=120.0)], "frt_mean")
    ref = entry("reference", [day("2025-08-05", 99, value=9.0, total=891.0)], "frt_mean")
    project, q = project_with(ref, base, rows=rows)
    daily = spc.project_chart(project, q, "frt_mean")
    assert [p.value for p in daily.points] == [2.0, 4.0]
    weekly = spc.project_chart(project, q, "frt_mean", interval="week")
    assert [(p.value, p.n) for p in weekly.points] == [(3.5, 40)]  # 140 / 40, not the mean of the two days


def test_a_project_chart_starts_stages_at_the_launch_and_at_each_measures_go_live():
    base = entry("baseline", [day(f"2025-08-{d:02d}", 100, 3) for d in range(1, 11)])
    after = entry("checkpoint", [day(f"2025-09-{d:02d}", 100, 2) for d in range(1, 21)], months=1)
    measure = Measure(title="bot", start=dt.date(2025, 9, 11))
    project, q = project_with(base, after, launch=dt.date(2025, 9, 1), measures=[measure])
    chart = spc.project_chart(project, q, "complaint_rate")
    assert [(s.label("en"), len(s.points)) for s in chart.stages] == [
        ("baseline stage", 10), ("after launch", 10), ("after measure “bot” live (2025-09-11)", 10)]
    assert "recomputed per stage" in chart.method("en") and "分阶段重新计算" in chart.method("zh")


def test_rows_without_a_daily_series_are_refused_with_a_clear_message():
    project, q = project_with(entry("baseline", [day("2025-08-04", 100, 3)]))
    with pytest.raises(DiagnosisError, match="no step-1 row or metric definition 'nope'"):
        spc.project_chart(project, q, "nope")
    project.answers["metrics"].append({"metric": "csat", "name": "CSAT", "baseline": 4, "target": 5})
    with pytest.raises(DiagnosisError, match="typed in by hand"):
        spc.project_chart(project, q, "manual:CSAT")
    with pytest.raises(DiagnosisError, match="has no daily values"):
        spc.project_chart(project, q, "frt_mean")
    with pytest.raises(DiagnosisError, match="interval is day or week"):
        spc.project_chart(project, q, "complaint_rate", interval="month")  # type: ignore[arg-type]


def test_csat_days_on_another_scale_are_left_out_with_a_note():
    rows = [{"metric": "csat", "definition": "csat_mean", "name": "CSAT", "baseline": 4, "target": 5, "direction": "higher"}]
    base = entry("baseline", [day("2025-08-04", 10, value=4.2, total=42.0)], "csat_mean", scale="1-5")
    other = entry("checkpoint", [day("2025-09-04", 10, value=88.0, total=880.0)], "csat_mean", months=1, scale="0-100", name="sep.csv")
    project, q = project_with(base, other, rows=rows)
    chart = spc.project_chart(project, q, "csat_mean")
    assert [p.value for p in chart.points] == [4.2]
    assert any("sep.csv rates on 0-100, not 1-5" in en for _, en in chart.notes)


def test_the_demo_shows_special_causes_on_its_control_charts():
    project = demo_project("en")
    q = catalog.get(project.questionnaire.id).questionnaire
    charts = spc.project_charts(project, q)
    assert {c.row for c in charts} == set(spc.bound_rows(project)) and len(charts) == 7
    signalled = {c.row for c in charts if c.signals}
    assert signalled, "the demo's charts show no signal"
    complaint = next(c for c in charts if c.row == "complaint_rate")
    assert complaint.kind == "p" and complaint.stages[0].calibration == "baseline"
    assert complaint.stages[0].center == pytest.approx(3.2010, abs=1e-3)  # the August rate, 316 / 9872


def test_the_chart_draws_limits_per_stage_the_stage_start_and_the_signals_with_their_rule():
    from diagnosis.spc_chart import chart, chart_rows

    series = points([10, 12, 11, 15, 12]) + points([40, 4, 5, 4, 6, 5], "checkpoint", LAUNCH.day)
    control = spc.control_chart(series, MEAN, cuts=[LAUNCH])
    rows = chart_rows(control, "en")
    assert [r["signal"] for r in rows] == [False] * 5 + [True] + [False] * 5
    assert rows[5]["rules"] == "Western Electric 1: 1 point beyond the 3σ limits" and rows[0]["rules"] == "none"
    assert rows[0]["stage"] == "baseline stage" and rows[6]["stage"] == "after launch"
    spec = chart(control, "zh", width=600).to_dict()
    text = str(spec)
    assert "控制图" in spec["title"] and "判异规则" in text and "上线后" in text and "中心线" in text
    assert len(spec["layer"]) == 7  # points line, centre, UCL, LCL, dots, stage rule, stage label


# --- what the charts say, in words -----------------------------------------------------------


def test_the_reading_names_signals_after_the_launch_and_an_unstable_baseline_and_says_so_when_there_is_none():
    stable = [10, 11, 10.5, 9, 9.5, 10.8, 9.2, 10.2, 9.9, 10.4, 9.6, 10.1, 9.4, 10.6, 9.8, 10.3]
    quiet = spc.control_chart(points(stable) + points(stable[:8], "checkpoint", DAY0 + dt.timedelta(days=16)), MEAN)
    assert quiet.signals == []
    assert spc.reading([quiet], "zh") == ["上线后没有特殊原因信号：过程仍在原控制限内波动。"]
    assert spc.reading([quiet], "en") == ["No special-cause signal since the launch: the process still varies within its old limits."]
    # a lasting drop after the launch against the frozen baseline (centre 12, sigma 2 / 1.128 = 1.77): all eight
    # points below 12 - 1.77 = 10.23, so rule 3 (4 of 5 beyond 1 sigma) and rule 4 (8 on one side) fire from day 8
    series = points([10, 12, 11, 15, 12, 11, 13, 12]) + points([9, 9.5, 8.5, 9, 9.2, 8.8, 9.1, 9.4], "checkpoint", DAY0 + dt.timedelta(days=8))
    moved = spc.control_chart(series, MEAN)
    [zh] = spc.reading([moved], "zh")
    assert zh.startswith("上线后出现特殊原因信号：FRT（2 个信号，最早 2025-08-09，西电规则 3")
    [en] = spc.reading([moved], "en")
    assert "FRT (2 signals, first on 2025-08-09, Western Electric 3" in en
    # a jump inside the baseline itself: its limits are not to be trusted
    jumpy = spc.control_chart(points([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 11, 10, 30, 10, 10]), MEAN)
    assert any(s.rule == "we1" for s in jumpy.signals)
    assert spc.reading([jumpy], "en")[-1].startswith("The baseline itself has signals (")
