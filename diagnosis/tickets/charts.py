"""The three step-2 charts, as Altair specs built from a `KpiResult` (pages only draw them).

- `heatmap`: ticket volume by hour of day x weekday (when do the tickets come?);
- `monthly_trends`: volume, FRT mean, CSAT mean and complaint rate per month;
- `channel_comparison`: the same four metrics side by side per channel.
Each returns None when the export lacks the columns the chart needs.
"""

from __future__ import annotations

from typing import Optional

import altair as alt
import pandas as pd

from diagnosis.tickets.analyze import KpiResult
from diagnosis.tickets.metrics import label
from diagnosis.i18n import pick as _t

TREND_METRICS = ("volume", "frt_mean_min", "csat_mean", "complaint_rate")
WEEKDAYS = {"zh": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"], "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]}


def heatmap(result: KpiResult, lang: str = "zh") -> Optional[alt.Chart]:
    if not result.heatmap:
        return None
    names = WEEKDAYS["zh" if lang == "zh" else "en"]
    frame = pd.DataFrame(result.heatmap)
    frame["day"] = [names[w - 1] for w in frame["weekday"]]
    volume = _t(lang, "工单量", "Tickets")
    return (
        alt.Chart(frame, title=_t(lang, "工单量：小时 × 星期", "Ticket volume by hour and weekday"))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=_t(lang, "小时", "Hour"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("day:O", title=_t(lang, "星期", "Weekday"), sort=names),
            color=alt.Color("volume:Q", title=volume, scale=alt.Scale(scheme="orangered")),
            tooltip=[alt.Tooltip("day:O", title=_t(lang, "星期", "Weekday")), alt.Tooltip("hour:O", title=_t(lang, "小时", "Hour")),
                     alt.Tooltip("volume:Q", title=volume, format=",")],
        )
        .properties(height=220)
    )  # fmt: skip


def _long(groups: dict[str, dict[str, Optional[float]]], key: str, lang: str) -> pd.DataFrame:
    rows = []
    for value, metrics in groups.items():
        for name in TREND_METRICS:
            v = metrics.get(name)
            if v is None:
                continue
            shown = v * 100 if name.endswith("_rate") else v
            rows.append({key: value, "metric": label(name, lang) + (" (%)" if name.endswith("_rate") else ""), "value": shown})
    return pd.DataFrame(rows, columns=[key, "metric", "value"])


def monthly_trends(result: KpiResult, lang: str = "zh") -> Optional[alt.FacetChart]:
    frame = _long(result.groups.get("month", {}), "month", lang)
    if frame.empty:
        return None
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=_t(lang, "月份", "Month"), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=None),
            tooltip=["month:O", "metric:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width=180, height=140)
        .facet(facet=alt.Facet("metric:N", title=None), columns=4, title=_t(lang, "月度趋势", "Monthly trends"))
        .resolve_scale(y="independent")
    )


def channel_comparison(result: KpiResult, lang: str = "zh") -> Optional[alt.FacetChart]:
    frame = _long(result.groups.get("channel", {}), "channel", lang)
    if frame.empty:
        return None
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("channel:N", title=None, axis=alt.Axis(labelAngle=0), sort=list(result.groups["channel"])),
            y=alt.Y("value:Q", title=None),
            color=alt.Color("channel:N", legend=None),
            tooltip=["channel:N", "metric:N", alt.Tooltip("value:Q", format=",.2f")],
        )
        .properties(width=180, height=160)
        .facet(facet=alt.Facet("metric:N", title=None), columns=4, title=_t(lang, "渠道对比", "Channel comparison"))
        .resolve_scale(y="independent")
    )
