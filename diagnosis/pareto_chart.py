"""The Pareto chart as Altair data: bars in descending order, the cumulative-percent line on
a second axis, the threshold rule, the vital few highlighted, a folded "Other" bar last (cut to
`OTHER_CAP` times the tallest bar when a long tail would dwarf the ranked bars, its share written on it).

`before_after` draws an earlier cycle's chart beside the current one on the same value scale,
so the team sees the vital few shrink.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Optional

import altair as alt
import pandas as pd

from diagnosis.cjk import wrap
from diagnosis.pareto import MEASURE_TITLES, Other, ParetoResult, rank_fishbone, records
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.i18n import pick as _t

VITAL = "#c0392b"
TRIVIAL = "#95a5a6"
OTHER_COLOR = "#d5d8dc"
LINE = "#2c3e50"
FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


# axis labels: the font size (11 px prints at 8.25 pt when the chart is not shrunk), the width of
# one display column at that size (a CJK character is two), the room beside the bars for the two
# value axes, and the narrowest bar a name is wrapped under
LABEL_PX = 11
COLUMN_PX = LABEL_PX * 0.5
AXES_PX = 100
MIN_STEP = 40
LABEL_LINES = 4
# a folded "Other" bar taller than this many times the tallest ranked bar is drawn cut to that
# height (a white break across it, its true share written on it, `cut_note` under the chart), so
# a long tail folded into one bar does not flatten the bars the reader came for; the cumulative
# line is unchanged
OTHER_CAP = 1.5


def label_lines(text: str, step: float) -> list[str]:
    """A bar's name wrapped to the bar's width (Chinese between characters, English at spaces)."""
    return wrap(text, max(4, int((step - 12) / COLUMN_PX)), LABEL_LINES)


def _step(bars: int, fit_width: Optional[float]) -> float:
    """The width of one bar: 12 columns of label and a gap (the app), or what `fit_width` leaves per bar."""
    if fit_width is None:
        return 12 * COLUMN_PX + 12
    return max(MIN_STEP, (fit_width - AXES_PX) / max(bars, 1))


def bars_that_fit(fit_width: float) -> int:
    """How many bars a chart `fit_width` px wide holds with a name wrapped under each."""
    return max(2, int((fit_width - AXES_PX) // MIN_STEP))


def fold_to_fit(result: ParetoResult, fit_width: float) -> ParetoResult:
    """The result as a chart of that width draws it: the bars after the first ones that fit fold
    into one "Other" bar (the table keeps every cause; folded vital few stay vital there)."""
    keep = bars_that_fit(fit_width) - 1
    if len(result.rows) + (1 if result.other else 0) <= keep + 1:
        return result
    tail = result.rows[keep:] + (result.other.rows if result.other else [])
    other = Other(value=math.fsum(r.value for r in tail), percent=math.fsum(r.percent for r in tail), rows=tail)
    return dataclasses.replace(result, rows=result.rows[:keep], other=other)


def other_cap(result: ParetoResult) -> Optional[float]:
    """The height the "Other" bar is drawn at when it is cut (`OTHER_CAP`), else None."""
    if result.other is None or not result.rows:
        return None
    cap = OTHER_CAP * max(r.value for r in result.rows)
    return cap if cap > 0 and result.other.value > cap else None


def cut_note(result: ParetoResult, lang: str) -> str:
    """The caption's words for a cut "Other" bar ("" when it is drawn to scale)."""
    if other_cap(result) is None:
        return ""
    o = result.other
    return _t(lang, f"“其他”（{len(o.rows)} 项，占 {o.percent:.1f}%）的柱高已截断，未按比例",
              f"the “Other” bar ({len(o.rows)} causes, {o.percent:.1f}%) is cut, not to scale")


def _frame(result: ParetoResult, lang: str, step: float) -> pd.DataFrame:
    rows = records(result, lang)
    groups = {True: _t(lang, "关键少数", "Vital few"), False: _t(lang, "次要多数", "Trivial many")}
    cap = other_cap(result)
    for n, row in enumerate(rows):
        rank = f"{row['rank']}. " if row["rank"] is not None else ""
        other = row["cause_id"] == "__other__"
        row["drawn"] = min(row["value"], cap) if other and cap is not None else row["value"]
        row["bar_text"] = f"{row['percent']:.1f}%" if other and cap is not None else ""
        # unique key per bar (two causes may share a text); the axis shows its wrapped lines
        row["key"] = f"{n:03d}|" + "\n".join(label_lines(rank + row["cause"], step))
        row["group"] = groups[row["vital_few"]] if row["cause_id"] != "__other__" else _t(lang, "其他", "Other")
        row["percent_text"] = f"{row['percent']:.1f}%"
        row["cumulative_text"] = f"{row['cumulative_percent']:.1f}%"
    return pd.DataFrame(rows, columns=["key", "cause", "category", "value", "drawn", "bar_text", "percent", "cumulative_percent", "group",
                                       "percent_text", "cumulative_text"])


def _groups(lang: str) -> list[str]:
    return [_t(lang, "关键少数", "Vital few"), _t(lang, "次要多数", "Trivial many"), _t(lang, "其他", "Other")]


def present_groups(results: list[ParetoResult], lang: str) -> list[str]:
    """The legend's entries: only the kinds of bar drawn (no "Other" without an Other bar)."""
    vital, trivial, other = _groups(lang)
    drawn = {vital if row.vital_few else trivial for result in results for row in result.rows}
    drawn |= {other for result in results if result.other}
    return [g for g in (vital, trivial, other) if g in drawn]


def chart(
    result: ParetoResult,
    lang: str = "zh",
    *,
    title: Optional[str] = None,
    value_max: Optional[float] = None,
    width: Any = None,
    height: int = 320,
    top_level: bool = True,
    fit_width: Optional[float] = None,
    groups: Optional[list[str]] = None,
) -> alt.LayerChart:
    """The chart of one Pareto result; `value_max` fixes the bar scale (for side-by-side charts);
    `top_level=False` leaves out the fonts configuration so it can be concatenated.

    Each bar's name is wrapped into lines under it, as wide as the bar (`label_lines`), so no two
    names run together; `fit_width` (px) sizes the bars so the whole chart is that wide (a page),
    else a bar is 12 columns of label wide. The legend names only the kinds of bar drawn
    (`groups`, by default those of this result)."""
    step = _step(len(result.rows) + (1 if result.other else 0), fit_width)
    frame = _frame(result, lang, step)
    groups = groups or present_groups([result], lang)
    colors = dict(zip(_groups(lang), [VITAL, TRIVIAL, OTHER_COLOR]))
    measure = MEASURE_TITLES[result.by]["zh" if lang == "zh" else "en"] + (f" ({result.unit})" if result.unit else "")
    x = alt.X(
        "key:N",
        sort=list(frame["key"]),
        title=None,
        axis=alt.Axis(labelAngle=0, labelExpr="split(slice(datum.label, 4), '\\n')", labelLimit=0, labelFontSize=LABEL_PX,
                      labelOverlap=False, labelPadding=4),
    )
    tooltip = [
        alt.Tooltip("cause:N", title=_t(lang, "原因", "Cause")),
        alt.Tooltip("category:N", title=_t(lang, "类别", "Category")),
        alt.Tooltip("value:Q", title=measure, format=",.4~g"),
        alt.Tooltip("percent_text:N", title=_t(lang, "占比", "Percent")),
        alt.Tooltip("cumulative_text:N", title=_t(lang, "累计占比", "Cumulative percent")),
    ]
    scale = alt.Scale(domain=[0, value_max]) if value_max else alt.Undefined
    base = alt.Chart(frame).encode(x=x, tooltip=tooltip)
    bars = base.mark_bar().encode(
        y=alt.Y("drawn:Q", title=measure, scale=scale),
        color=alt.Color("group:N", scale=alt.Scale(domain=groups, range=[colors[g] for g in groups]),
                        legend=alt.Legend(title=None, orient="top")),
    )
    if other_cap(result) is not None:  # the cut "Other" bar: a white break across it, its true share written inside
        cut = base.transform_filter("datum.bar_text != ''").transform_calculate(gap="datum.drawn * 0.9", inside="datum.drawn * 0.45")
        bars = alt.layer(
            bars,
            cut.mark_tick(color="white", thickness=3, size=max(8, step)).encode(y=alt.Y("gap:Q", scale=scale)),
            cut.mark_text(baseline="top", fontSize=LABEL_PX, fontWeight="bold", color=LINE).encode(y=alt.Y("inside:Q", scale=scale), text="bar_text:N"),
        )
    percent_title = _t(lang, "累计占比 (%)", "Cumulative percent (%)")
    percent_axis = alt.Y(
        "cumulative_percent:Q", title=percent_title,
        scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(orient="right"),
    )
    line = base.mark_line(color=LINE, point=alt.OverlayMarkDef(color=LINE)).encode(y=percent_axis)
    rule_frame = pd.DataFrame({"threshold": [result.threshold], "label": [f"{result.threshold:g}%"]})
    # the rule and its label share the line's percent axis (same title and orientation, so
    # Vega-Lite merges them into the one right-hand axis)
    threshold_y = alt.Y("threshold:Q", title=percent_title, scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(orient="right"))
    rule = alt.Chart(rule_frame).mark_rule(color=VITAL, strokeDash=[6, 4]).encode(y=threshold_y)
    rule_text = alt.Chart(rule_frame).mark_text(align="left", dx=4, dy=-6, color=VITAL).encode(x=alt.value(0), y=threshold_y, text="label:N")
    layered = alt.layer(bars, alt.layer(line, rule, rule_text)).resolve_scale(y="independent")
    props: dict[str, Any] = {"height": height, "width": width if width is not None else alt.Step(round(step))}
    if title:
        props["title"] = title
    layered = layered.properties(**props)
    return _fonts(layered) if top_level else layered


def _fonts(chart: Any) -> Any:
    return chart.configure_axis(labelFont=FONT, titleFont=FONT).configure_legend(labelFont=FONT).configure_title(font=FONT)


def before_after(project: Project, questionnaire: Questionnaire, lang: str = "zh", fit_width: Optional[float] = None,
                 **options: Any) -> Optional[alt.HConcatChart]:
    """The latest earlier cycle's chart and the current one, side by side on one scale
    (`fit_width`: the two together that wide, each half of it)."""
    if not project.history:
        return None
    earlier = project.history[-1]
    before = rank_fishbone(earlier.fishbone, questionnaire, lang=lang, **options)
    after = rank_fishbone(project.fishbone, questionnaire, lang=lang, **options)
    drawn_other = [min(r.other.value, other_cap(r) or r.other.value) for r in (before, after) if r.other]
    peak = max([r.value for r in before.rows + after.rows] + drawn_other + [1])
    groups = present_groups([before, after], lang)
    left = chart(before, lang, title=_t(lang, f"第 {earlier.number} 轮", f"Cycle {earlier.number}"), value_max=peak, top_level=False, groups=groups,
                 fit_width=fit_width / 2 if fit_width else None)
    right = chart(after, lang, title=_t(lang, f"第 {project.cycle} 轮（本轮）", f"Cycle {project.cycle} (current)"), value_max=peak, top_level=False, groups=groups,
                 fit_width=fit_width / 2 if fit_width else None)
    return _fonts(alt.hconcat(left, right).resolve_scale(color="shared"))
