"""The Altair picture of a control chart: points, centre line and limits per stage, stage starts, signals.

One chart per metric (`chart(control_chart, lang)`); the page, the report and `diagnosis spc`
draw the same spec. A point some rule fired on is red, with the rules in its tooltip.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from diagnosis.spc import ControlChart


def chart_rows(chart: ControlChart, lang: str) -> list[dict[str, Any]]:
    """One row per point: what the chart's layers and tooltips read."""
    fired: dict[int, list[str]] = {}
    for signal in chart.signals:
        for i in signal.indices:
            fired.setdefault(i, [])
            if signal.rule_label(lang) not in fired[i]:
                fired[i].append(signal.rule_label(lang))
    stage_labels = {s.index: s.label(lang) for s in chart.stages}
    none = "无" if lang == "zh" else "none"
    return [
        {"day": p.day.isoformat(), "value": p.value, "n": p.n, "center": c, "lcl": lo, "ucl": hi,
         "stage": stage_labels[s], "segment": f"{s}-{p.period}-{p.months}", "signal": i in fired,
         "rules": "；".join(fired[i]) if lang == "zh" and i in fired else "; ".join(fired.get(i, [])) or none}
        for i, (p, s, c, lo, hi) in enumerate(zip(chart.points, chart.stage_of, chart.center, chart.lcl, chart.ucl))
    ]  # fmt: skip


def chart(control: ControlChart, lang: str, width: int | str = "container", height: int = 260) -> alt.LayerChart:
    t = (lambda zh, en: zh if lang == "zh" else en)  # noqa: E731
    signal_label, normal_label = t("异常信号", "Signal"), t("正常", "In control")
    # one DataFrame for every layer: Altair stores it once (a named dataset) instead of deep-copying
    # a list of row dicts into each layer and each copy of the layer (seconds for a report's grid)
    data = pd.DataFrame([{**r, "kind": signal_label if r["signal"] else normal_label} for r in chart_rows(control, lang)])
    unit = control.unit(lang)
    x = alt.X("day:T", title=t("日期", "Date") if control.interval == "day" else t("周（首日）", "Week (first day)"),
              axis=alt.Axis(labelAngle=0, format="%m-%d"))
    y_title = f"{control.label(lang)} ({unit})" if unit else control.label(lang)
    y = alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False))
    base = alt.Chart().encode(x=x)
    step = "step-after" if control.kind == "p" else "linear"
    line = base.mark_line(color="#9e9e9e", strokeWidth=1).encode(y=y, detail="segment:N")
    center = base.mark_line(color="#43a047", interpolate=step).encode(y="center:Q", detail="segment:N")
    limits = [base.mark_line(color="#e53935", strokeDash=[5, 3], interpolate=step).encode(y=f"{col}:Q", detail="segment:N")
              for col in ("ucl", "lcl")]
    dots = base.mark_point(
        filled=True, size=36).encode(
        x=x, y=y,
        color=alt.Color("kind:N", title=None, scale=alt.Scale(domain=[normal_label, signal_label], range=["#3949ab", "#e53935"])),
        tooltip=[alt.Tooltip("day:T", title=t("日期", "Date"), format="%Y-%m-%d"),
                 alt.Tooltip("value:Q", title=t("数值", "Value"), format=".4g"), alt.Tooltip("n:Q", title="n"),
                 alt.Tooltip("center:Q", title=t("中心线", "Centre line"), format=".4g"),
                 alt.Tooltip("lcl:Q", title=t("下控制限", "LCL"), format=".4g"),
                 alt.Tooltip("ucl:Q", title=t("上控制限", "UCL"), format=".4g"),
                 alt.Tooltip("stage:N", title=t("阶段", "Stage")), alt.Tooltip("rules:N", title=t("判异规则", "Rules fired"))],
    )  # fmt: skip
    starts = [{"day": control.points[s.points[0]].day.isoformat(), "label": s.label(lang)} for s in control.stages if s.index > 0]
    layers: list[Any] = [line, center, *limits, dots]
    if starts:
        marks = alt.Chart(pd.DataFrame(starts)).encode(x="day:T")
        layers += [marks.mark_rule(color="#616161", strokeDash=[2, 2]),
                   marks.mark_text(align="left", dx=3, dy=-4, color="#616161", baseline="bottom").encode(text="label:N", y=alt.value(0))]
    title = t(f"{control.label(lang)}：控制图", f"{control.label(lang)}: control chart")
    return alt.layer(*layers, data=data, title=title).properties(width=width, height=height)
