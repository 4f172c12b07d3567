"""The Pareto table: properties over any values, the bad-value cases, folding, the chart."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest
import vl_convert as vlc
from hypothesis import given, settings
from hypothesis import strategies as st

from diagnosis import catalog
from diagnosis.cjk import display_width
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.pareto import pareto_before_after, pareto_chart, pareto_table, proposed_root_causes, rank_fishbone, root_causes
from diagnosis.pareto_chart import COLUMN_PX, bars_that_fit, fold_to_fit
from diagnosis.project.model import Cause, Cycle, Fishbone
from diagnosis.report.figures import WIDE_WIDTH_PX, svg_size_pt

Q = catalog.get("customer_service_diagnosis").questionnaire
SVG = "{http://www.w3.org/2000/svg}"
CATS = ["people", "machine", "material", "method", "environment"]


def bone(values, categories=None):
    return Fishbone(causes=[Cause(id=f"k{n}", category=(categories or CATS)[n % len(categories or CATS)], text=f"原因 {n}", value=v)
                            for n, v in enumerate(values)])


positive = st.one_of(st.integers(1, 10_000).map(float), st.floats(0.001, 1e6, allow_nan=False, allow_infinity=False))


@settings(max_examples=200, deadline=None)
@given(values=st.lists(positive, min_size=1, max_size=60), threshold=st.floats(1, 100))
def test_percents_sum_to_100_cumulative_rises_and_the_vital_few_are_the_shortest_prefix_with_its_ties(values, threshold):
    result = rank_fishbone(bone(values), Q, threshold=threshold)
    rows = result.rows
    assert len(rows) == len(values) and not result.excluded
    assert math.isclose(sum(r.percent for r in rows), 100, abs_tol=1e-6)
    assert all(0 <= r.percent <= 100 and 0 <= r.cumulative_percent <= 100 for r in rows)
    assert all(a.cumulative_percent <= b.cumulative_percent for a, b in zip(rows, rows[1:]))
    assert rows[-1].cumulative_percent == 100
    assert all(a.value >= b.value for a, b in zip(rows, rows[1:]))
    vital = [r for r in rows if r.vital_few]
    k = len(vital)
    assert vital == rows[:k] and k >= 1
    assert rows[k - 1].cumulative_percent >= threshold - 1e-9
    # the shortest prefix reaching the threshold, then every cause equal to its last one
    m = next(i for i, r in enumerate(rows, start=1) if r.cumulative * 100 >= threshold * result.total * (1 - 1e-12) or i == len(rows))
    assert all(math.isclose(r.value, rows[m - 1].value) for r in rows[m:k])
    assert k == len(rows) or not math.isclose(rows[k].value, rows[m - 1].value)
    assert [r.tied_at_cut for r in rows[:m]] == [k > m and math.isclose(r.value, rows[m - 1].value) for r in rows[:m]]
    assert all(r.tied_at_cut for r in rows[m:k]) and bool(result.cut_note("en")) == (k > m)


def test_causes_tied_with_the_last_vital_one_are_vital_too_and_the_table_says_so():
    # 50 + 30 = 80 of 100 reach 80% at the second cause; the third equals it
    result = rank_fishbone(bone([50.0, 10.0, 10.0, 10.0, 10.0, 10.0]), Q)
    assert [r.value for r in result.rows] == [50, 10, 10, 10, 10, 10]
    # the cut falls at 80% after the 4th cause (50+10+10+10); the 5th and 6th are tied with it
    assert [r.vital_few for r in result.rows] == [True] * 6
    assert [r.tied_at_cut for r in result.rows] == [False, True, True, True, True, True]
    assert result.cut_note("en") == ("5 items are tied at the 80% cut (value 10): 原因 1, 原因 2, 原因 3, 原因 4, 原因 5; "
                                     "all count as vital few rather than letting entry order decide.")
    assert result.cut_note("zh").startswith("在 80% 分界处有 5 项数值相同（10）")
    # by entry order alone the table would have kept 原因 1-3 and dropped 原因 4 and 5
    result = rank_fishbone(bone([40.0, 40.0, 10.0, 10.0]), Q)
    assert [r.vital_few for r in result.rows] == [True, True, False, False] and result.cut_note("en") == ""
    result = rank_fishbone(bone([60.0, 15.0, 15.0, 10.0]), Q)  # 75% after two, 90% after three; 15 = 15
    assert [r.vital_few for r in result.rows] == [True, True, True, False] and result.cut_note("en") == ""
    result = rank_fishbone(bone([70.0, 10.0, 10.0, 10.0]), Q)  # 80% reached at the 2nd; the 3rd and 4th tie
    assert [(r.vital_few, r.tied_at_cut) for r in result.rows] == [(True, False), (True, True), (True, True), (True, True)]
    assert result.to_dict()["rows"][3]["tied_at_cut"] is True


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.integers(1, 4), min_size=2, max_size=30))
def test_equal_values_keep_the_order_in_which_the_causes_were_entered(values):
    rows = rank_fishbone(bone([float(v) for v in values]), Q).rows
    for a, b in zip(rows, rows[1:]):
        if a.value == b.value:
            assert int(a.cause_id[1:]) < int(b.cause_id[1:])


@settings(max_examples=100, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.just(0.0), st.floats(-100, -0.01), positive,
                                 st.just(float("nan")), st.just(float("inf"))), max_size=30))
def test_bad_values_are_excluded_with_a_reason_never_counted(values):
    result = rank_fishbone(bone(values), Q)
    good = [v for v in values if v is not None and math.isfinite(v) and v > 0]
    assert math.isclose(result.total, math.fsum(good), rel_tol=1e-9)
    assert len(result.rows) + len(result.excluded) == len(values)
    assert {e.reason for e in result.excluded} <= {"zero", "negative", "missing", "invalid"}


def test_each_bad_value_has_its_own_reason():
    result = rank_fishbone(bone([10, 0, -3, None, float("nan")]), Q)
    assert [(e.cause, e.reason) for e in result.excluded] == [("原因 1", "zero"), ("原因 2", "negative"), ("原因 3", "missing"), ("原因 4", "invalid")]
    assert result.excluded[0].reason_text("zh") == "值为 0"
    assert result.to_dict()["excluded"][3] == {"cause": "原因 4", "category": "环", "value": None, "reason": "invalid"}


def test_nothing_to_rank_gives_an_empty_table_not_a_crash():
    result = rank_fishbone(bone([None, 0]), Q)
    assert result.rows == [] and result.total == 0 and len(result.excluded) == 2
    assert rank_fishbone(Fishbone(), Q).rows == []


def test_a_rib_without_a_value_takes_the_sum_of_its_sub_causes():
    rib = Cause(id="r", category="machine", text="rib", children=[
        Cause(category="machine", text="a", value=30), Cause(category="machine", text="b", children=[Cause(category="machine", text="c", value=12)]),
        Cause(category="machine", text="d")])
    own = Cause(id="o", category="people", text="own", value=5, children=[Cause(category="people", text="x", value=500)])
    result = rank_fishbone(Fishbone(causes=[own, rib]), Q)
    assert [(r.cause_id, r.value) for r in result.rows] == [("r", 42), ("o", 5)]


def test_votes_count_the_dots_on_a_rib_and_its_sub_causes():
    rib = Cause(id="r", category="machine", text="rib", votes={"a": 1}, children=[Cause(category="machine", text="s", votes={"b": 2, "c": 1})])
    other = Cause(id="o", category="people", text="o", votes={"a": 3})
    assert [(r.cause_id, r.value) for r in rank_fishbone(Fishbone(causes=[other, rib]), Q, by="votes").rows] == [("r", 4), ("o", 3)]


def test_score_is_frequency_weight_times_impact_weight():
    causes = [Cause(id="hh", category="people", text="hh", frequency="high", impact="high"),
              Cause(id="ml", category="people", text="ml", frequency="medium", impact="low"),
              Cause(id="none", category="people", text="none", frequency="high")]
    result = rank_fishbone(Fishbone(causes=causes), Q, by="score")
    assert [(r.cause_id, r.value) for r in result.rows] == [("hh", 9), ("ml", 2)]
    assert [(e.cause_id, e.reason) for e in result.excluded] == [("none", "missing")]


def test_the_category_level_adds_the_ribs_of_each_bone():
    result = rank_fishbone(bone([10, 20, 30, 40, 50, 5], CATS), Q, level="category", lang="en")
    assert [(r.cause, r.value) for r in result.rows] == [("Environment", 50), ("Method", 40), ("Material", 30), ("Machine", 20), ("People", 15)]


def test_the_long_tail_folds_into_other_but_never_the_vital_few():
    values = [100, 90, 80, 5, 4, 3, 2, 1]
    result = rank_fishbone(bone(values), Q, top_n=2)
    kept = len(result.rows)
    assert kept == sum(1 for r in result.rows + result.other.rows if r.vital_few) == 3
    assert [r.value for r in result.other.rows] == [5, 4, 3, 2, 1] and result.other.value == 15
    assert math.isclose(sum(r.percent for r in result.rows) + result.other.percent, 100)
    below = rank_fishbone(bone(values), Q, other_below_percent=1.5)  # 5 of 285 is 1.75 %
    assert [r.value for r in below.other.rows] == [4, 3, 2, 1]
    assert rank_fishbone(bone(values), Q, top_n=7).other is None  # one bar is never folded alone
    assert len(result.to_dict()["rows"]) == len(values)


@pytest.mark.parametrize("kwargs", [{"by": "cost"}, {"level": "bone"}, {"threshold": 0}, {"threshold": 101}, {"top_n": 0}])
def test_nonsense_requests_are_refused_with_a_clear_error(kwargs):
    with pytest.raises(DiagnosisError):
        rank_fishbone(bone([1, 2]), Q, **kwargs)


def test_the_demo_ranks_history_not_synced_first_and_proposes_the_vital_few():
    project = demo_project("zh")
    result = pareto_table(project, Q)
    assert result.rows[0].cause.startswith("客户历史记录未同步") and result.rows[0].vital_few
    assert result.threshold == 80
    assert [e.reason for e in result.excluded] == ["missing"]
    assert proposed_root_causes(project, Q) == [r.cause_id for r in result.rows if r.vital_few]
    project.fishbone.confirmed = None
    assert [c.id for c in root_causes(project, Q)] == proposed_root_causes(project, Q)
    project.fishbone.confirmed = ["c03", "gone"]
    assert [c.id for c in root_causes(project, Q)] == ["c03"]


def test_the_chart_has_descending_bars_a_cumulative_line_on_a_second_axis_and_the_threshold():
    project = demo_project("en")
    spec = pareto_chart(pareto_table(project, Q, top_n=6), "en").to_dict()
    bars, (line, rule, _text) = spec["layer"][0], spec["layer"][1]["layer"]
    assert bars["mark"]["type"] == "bar" and line["mark"]["type"] == "line" and rule["mark"]["type"] == "rule"
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert bars["encoding"]["x"]["axis"]["labelAngle"] == 0
    data = next(rows for rows in spec["datasets"].values() if rows and "cause" in rows[0])
    assert data[-1]["cause"].startswith("Other") and data[0]["group"] == "Vital few"


def test_before_and_after_share_one_scale_when_an_earlier_cycle_exists():
    project = demo_project("zh")
    assert pareto_before_after(project, Q, "zh") is None
    project.history = [Cycle(number=1, fishbone=project.fishbone.model_copy(deep=True))]
    project.cycle = 2
    project.fishbone.causes[0].value = 100
    spec = pareto_before_after(project, Q, "zh").to_dict()
    left, right = spec["hconcat"]
    domain = left["layer"][0]["encoding"]["y"]["scale"]["domain"]
    assert domain == right["layer"][0]["encoding"]["y"]["scale"]["domain"] == [0, 1450]


def axis_labels(svg: str) -> list[tuple[float, list[str]]]:
    """The chart's multi-line labels: (x of the centre, lines), read from the SVG's text elements."""
    root = ET.fromstring(svg)
    out = []
    for text in root.iter(f"{SVG}text"):
        lines = [t.text or "" for t in text.iter(f"{SVG}tspan")]
        match = re.search(r"translate\(([-\d.]+)", text.get("transform", ""))
        if lines and match and text.get("text-anchor") == "middle":
            out.append((float(match.group(1)), lines))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fit_width", [None, WIDE_WIDTH_PX])
def test_every_bar_name_is_wrapped_into_lines_under_its_bar_and_no_two_names_touch(lang, fit_width):
    project = demo_project(lang)
    result = pareto_table(project, Q, lang=lang)
    labels = axis_labels(vlc.vegalite_to_svg(pareto_chart(result, lang, fit_width=fit_width).to_dict()))
    assert len(labels) == len(result.rows)
    assert sum(len(lines) > 1 for _x, lines in labels) >= len(labels) // 2  # long names take several lines
    flat = "".join("".join(lines) for _x, lines in labels).replace("…", "")
    assert ("Unclear" in flat and "transfers"[:3] in flat) if lang == "en" else "跨部门" in flat
    for (x1, left), (x2, right) in zip(labels, labels[1:]):
        half = [max(display_width(line) for line in lines) * COLUMN_PX / 2 for lines in (left, right)]
        assert sum(half) + 4 <= x2 - x1, (left, right)  # "Promotion" and "responsibilities" ran together
    if fit_width:
        assert svg_size_pt(vlc.vegalite_to_svg(pareto_chart(result, lang, fit_width=fit_width).to_dict()))[0] <= fit_width * 0.75


def test_the_legend_names_only_the_kinds_of_bar_drawn():
    project = demo_project("en")
    colors = lambda result: pareto_chart(result, "en").to_dict()["layer"][0]["encoding"]["color"]["scale"]["domain"]  # noqa: E731
    assert colors(pareto_table(project, Q)) == ["Vital few", "Trivial many"]  # no Other bar, no Other entry
    assert colors(pareto_table(project, Q, top_n=10)) == ["Vital few", "Trivial many", "Other"]
    assert colors(pareto_table(project, Q, top_n=6)) == ["Vital few", "Other"]  # the 8 vital few stay bars
    svg = vlc.vegalite_to_svg(pareto_chart(pareto_table(project, Q), "en").to_dict())
    assert ">Other<" not in svg and ">Vital few<" in svg
    everything_vital = pareto_table(project, Q, threshold=100)
    assert colors(everything_vital) == ["Vital few"]


def test_a_chart_for_a_page_folds_the_bars_that_do_not_fit_into_other():
    result = rank_fishbone(bone([float(300 - n) for n in range(60)]), Q)
    drawn = fold_to_fit(result, WIDE_WIDTH_PX)
    assert len(drawn.rows) + 1 == bars_that_fit(WIDE_WIDTH_PX) and len(drawn.other.rows) == 60 - len(drawn.rows)
    assert math.isclose(drawn.other.value + sum(r.value for r in drawn.rows), result.total)
    assert fold_to_fit(pareto_table(demo_project("zh"), Q), WIDE_WIDTH_PX).other is None  # the demo's 15 fit


def _bars_and_points(svg: str) -> tuple[list[tuple[str, float]], list[float], list[str]]:
    """(name, height px) of each bar drawn, the cumulative line's points (%) and the texts written on bars."""
    bars = [(re.search(r"Cause: ([^;]*)", label).group(1) if "Cause: " in label else label, float(h))
            for label, h in re.findall(r'<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="bar" d="M[-\d.]+,[-\d.]+h[-\d.]+v([-\d.]+)', svg)]
    # a point's height on the 320 px plot, read on the right-hand 0-100% axis
    points = [round((320 - float(y)) / 320 * 100, 1) for y in re.findall(r'aria-roledescription="point" transform="translate\([-\d.]+,([-\d.]+)\)', svg)]
    group = re.search(r'class="mark-text role-mark layer_0_layer_2_marks".*?</g>', svg, re.S)
    texts = re.findall(r">([^<>]+)</text>", group.group(0)) if group else []
    return bars, points, texts


def test_a_long_folded_tail_is_a_cut_other_bar_that_does_not_flatten_the_ranked_bars():
    from diagnosis.pareto_chart import OTHER_CAP, cut_note
    from tests.factories import fishbone_of

    project = demo_project("en")
    project.fishbone = fishbone_of(300, seed=11)  # a flat tail: 183 causes fold into "Other", 78.6% of the total
    drawn = fold_to_fit(pareto_table(project, Q, lang="en"), WIDE_WIDTH_PX)
    assert drawn.other is not None and drawn.other.percent > 70
    bars, points, texts = _bars_and_points(vlc.vegalite_to_svg(pareto_chart(drawn, "en", fit_width=WIDE_WIDTH_PX).to_dict()))
    ranked, other = [h for name, h in bars[:-1]], bars[-1][1]
    assert len(ranked) == len(drawn.rows) and "Other" in bars[-1][0]
    # before: the Other bar 77 times the first, every ranked bar about 4 px of a 320 px chart
    assert max(ranked) < other <= OTHER_CAP * max(ranked) + 0.5 and max(ranked) > 150
    assert f"{drawn.other.percent:.1f}%" in texts  # its true share is written on it
    # the cumulative line is the table's, up to 100% at the Other bar
    assert points == pytest.approx([round(r.cumulative_percent, 1) for r in drawn.rows] + [100.0], abs=0.051)
    assert cut_note(drawn, "en") == "the “Other” bar (183 causes, 78.6%) is cut, not to scale"
    # the demo's chart, without a long tail, is drawn to scale as before
    demo = pareto_table(demo_project("en"), Q, top_n=6)
    assert demo.other is not None and cut_note(demo, "en") == ""
    _bars, _points, demo_texts = _bars_and_points(vlc.vegalite_to_svg(pareto_chart(demo, "en").to_dict()))
    assert demo_texts == []
