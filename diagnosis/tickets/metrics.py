"""The service metrics of PRODUCT.md, computed overall and per group, as one registry.

Each metric is one entry of `METRICS`: its name (as in the JSON of `diagnosis kpi`), labels,
unit, the canonical fields it needs (a missing field makes it `None`, not 0) and its SQL
aggregate over the cleaned tickets (see `clean.py`). The engine is DuckDB over the Arrow
table the reader produced (zero copy); see README "Ticket data: engine" for the measurement.

Definitions (issue 6): first-response statistics use the tickets that have a valid first
response; `sla_rate` counts tickets answered within the SLA over all valid tickets (no answer
is a miss); FCR is resolved tickets with no transfer and no reopen over resolved tickets;
reopen rate is reopened over tickets resolved at least once (resolved now, or reopened), so
never over 100%; CSAT top-2-box is the top two points of the scale over rated tickets; rates
are fractions 0-1; CSAT figures are on the export's own scale (`KpiResult.csat_scale`); p90 and medians interpolate linearly (numpy's default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from diagnosis import cells, metric_kinds
from diagnosis.cells import Cell

# minutes within which a first response counts as on time, when a project or a command sets none
DEFAULT_SLA_MINUTES = 15.0


@dataclass(frozen=True)
class Metric:
    name: str
    zh: str
    en: str
    unit: str  # count | min | h | s | rate | score (a key of `metric_kinds.UNITS`)
    needs: tuple[str, ...]
    sql: str
    definition_zh: str
    definition_en: str
    # the kind of metric it is a statistic of (`diagnosis.metric_kinds`: its better direction, words, family)
    kind: str


# fmt: off
METRICS: tuple[Metric, ...] = (
    Metric("volume", "工单量", "Volume", "count", (), "count(*)",
           "工单数（全部行）", "number of tickets (all rows)", "volume"),
    Metric("frt_mean_min", "首次响应时间均值", "FRT mean", "min", ("created_at", "first_response_at"),
           "avg(frt)", "首次响应时间 - 创建时间（分钟），有首次响应的工单的平均值",
           "first response - created (minutes), mean over tickets with a first response", "frt"),
    Metric("frt_median_min", "首次响应时间中位数", "FRT median", "min", ("created_at", "first_response_at"),
           "quantile_cont(frt, 0.5)", "同上，中位数", "as above, median", "frt"),
    Metric("frt_p90_min", "首次响应时间 P90", "FRT p90", "min", ("created_at", "first_response_at"),
           "quantile_cont(frt, 0.9)", "同上，第 90 百分位（线性插值）", "as above, 90th percentile (linear interpolation)", "frt"),
    Metric("sla_rate", "时限内响应率", "Within-SLA rate", "rate", ("created_at", "first_response_at"),
           "avg(CASE WHEN sla_valid THEN (frt IS NOT NULL AND frt <= $sla)::INT END)",
           "SLA 时限内首次响应的工单 / 全部有效工单（未响应算未达标）",
           "tickets answered within the SLA / all valid tickets (no answer counts as a miss)", "sla_rate"),
    Metric("resolution_mean_h", "解决时长均值", "Resolution time mean", "h", ("created_at", "resolved_at"),
           "avg(res_h)", "解决时间 - 创建时间（小时），已解决工单的平均值",
           "resolved - created (hours), mean over resolved tickets", "resolution_time"),
    Metric("resolution_median_h", "解决时长中位数", "Resolution time median", "h", ("created_at", "resolved_at"),
           "quantile_cont(res_h, 0.5)", "同上，中位数", "as above, median", "resolution_time"),
    Metric("aht_mean_s", "平均处理时长", "AHT", "s", ("handle_seconds",),
           "avg(handle_s)", "处理时长（秒）的平均值", "mean handle seconds", "aht"),
    Metric("fcr", "一次解决率", "FCR", "rate", ("resolved_at", "transfers", "reopened"),
           "avg(CASE WHEN is_resolved AND transfers IS NOT NULL AND reopened IS NOT NULL THEN (transfers = 0 AND NOT reopened)::INT END)",
           "无转接且未重开的已解决工单 / 已解决工单", "resolved tickets with no transfer and no reopen / resolved tickets", "fcr"),
    Metric("transfer_rate", "转接率", "Transfer rate", "rate", ("transfers",),
           "avg((transfers >= 1)::INT)", "转接 ≥1 次的工单 / 工单", "tickets with >= 1 transfer / tickets", "transfer_rate"),
    Metric("reopen_rate", "重开率", "Reopen rate", "rate", ("resolved_at", "reopened"),
           "avg(CASE WHEN resolved_known AND reopened IS NOT NULL AND (is_resolved OR reopened) THEN reopened::INT END)",
           "重开工单 / 至少解决过一次的工单（已解决或已重开）", "reopened tickets / tickets resolved at least once (resolved or reopened)",
           "reopen_rate"),
    Metric("csat_mean", "满意度均值", "CSAT mean", "score", ("csat",),
           "avg(csat)", "有评分工单的满意度平均分（按导出的评分量表）", "mean score over rated tickets (on the export's scale)", "csat"),
    Metric("csat_pct", "满意度最高两档占比", "CSAT top-2-box", "rate", ("csat",),
           "avg((csat >= $top2)::INT)", "最高两档评分（4-5/5、9-10/10、80-100/100）/ 有评分工单",
           "top-two-box ratings (4-5 of 5, 9-10 of 10, 80-100 of 100) / rated tickets", "csat"),
    Metric("complaint_rate", "投诉率", "Complaint rate", "rate", ("complaint",),
           "avg(complaint::INT)", "投诉工单 / 工单", "complaint tickets / tickets", "complaint_rate"),
)
# fmt: on

METRIC_NAMES: tuple[str, ...] = tuple(m.name for m in METRICS)
BY_NAME: dict[str, Metric] = {m.name: m for m in METRICS}

# groupings: name -> (zh, en, the canonical field it needs)
GROUPINGS: dict[str, tuple[str, str, str]] = {
    "channel": ("渠道", "Channel", "channel"),
    "region": ("地区", "Region", "region"),
    "category": ("问题类型", "Category", "category"),
    "agent": ("客服", "Agent", "agent"),
    "hour": ("小时", "Hour of day", "created_at"),
    "weekday": ("星期", "Weekday", "created_at"),
    "month": ("月份", "Month", "created_at"),
    "day": ("日期", "Day", "created_at"),
}
BLANK = "(blank)"  # the group of tickets whose channel/region/... cell is empty


def label(name: str, lang: str = "zh") -> str:
    metric = BY_NAME[name]
    return metric.zh if lang == "zh" else metric.en


def label_with_unit(name: str, lang: str = "zh") -> str:
    """The metric's name with its unit, e.g. "首次响应时间均值（分钟）" / "FRT mean (min)" (a count or a rate: the name alone)."""
    unit = BY_NAME[name].unit
    if unit in ("count", "rate"):
        return label(name, lang)
    words = metric_kinds.unit_text(unit, lang)
    return f"{label(name, lang)}（{words}）" if lang == "zh" else f"{label(name, lang)} ({words})"


def format_value(name: str, value: Optional[float], lang: str = "zh") -> str:
    """A value for people: rates as percentages, times with one or two decimals, None as n/a."""
    return str(value_cell(name, value, lang))


def value_cell(name: str, value: Optional[float], lang: str = "zh") -> Cell:
    """`format_value` as a typed cell (a report's table; its spreadsheet keeps the number)."""
    blank = "不可用" if lang == "zh" else "n/a"
    unit = BY_NAME[name].unit if name in BY_NAME else "count"
    if unit == "count":
        return cells.number(None if value is None else int(value), 0, blank=blank)
    if unit == "rate":
        return cells.percent(value, 1, thousands=False, blank=blank)
    return cells.fixed(value, 0 if unit == "s" else 2, blank=blank)
