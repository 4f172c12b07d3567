"""Metric definitions: how a number of steps 1, 2 and 6 is computed from a ticket export.

A metric is only meaningful with its definition (PRODUCT.md): the statistic, the quantity it
reads, the tickets it counts (a segment: one channel, category, hour range ...), the SLA where
one applies, the scale and the unit. One `MetricDefinition` gives the baseline, the target's
meaning and every checkpoint of a step-1 row bound to it.

Where definitions come from: the questionnaire declares them (`metric_definitions:` in its
YAML; the shipped ones declare the standard service metrics) and a team adds its own to the
project (`Project.metric_definitions`); `definitions(questionnaire, project)` is the one place
that merges both (the project's win on an id clash).

Quantities and conditions (what `field` names; see `diagnosis.tickets.measure` for the SQL):

    statistic mean | median | p90:  frt_min, resolution_h, handle_s, queue_s, csat
    statistic rate (a condition over its population, in %):
        within_sla      FRT <= sla_minutes           over tickets whose FRT can be judged
        fcr             resolved, no transfer, no reopen (and, with `repeat_days` and a
                        customer column, no new ticket of the same customer and category
                        within that many days)   over resolved tickets
        transferred     >= 1 transfer                over tickets
        reopened        reopened                     over tickets resolved at least once
                                                     (resolved now or reopened): never > 100 %
        complaint       complaint ticket             over tickets
        csat_top2       the top two points of the scale (4-5 of 5, 9-10 of 10, 80-100 of 100)
                                                     over rated tickets
        abandoned       abandoned while queued       over offered calls (rows with the field)
        answered        not abandoned                over offered calls (the connect rate)
    statistic count:    volume (tickets), per_agent_day (tickets / agent-days worked)
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diagnosis import metric_kinds
from diagnosis.metric_kinds import Direction, Family
from diagnosis.i18n import tr
from diagnosis.scales import SCALE_MAX, SCALE_MIN, TOP2  # noqa: F401 (the scales, re-exported)

Statistic = Literal["count", "mean", "median", "p90", "rate"]
Scale = Literal["1-5", "1-10", "0-100"]

QUANTITIES = ("frt_min", "resolution_h", "handle_s", "queue_s", "csat")
CONDITIONS = ("within_sla", "fcr", "transferred", "reopened", "complaint", "csat_top2", "abandoned", "answered")
COUNTS = ("volume", "per_agent_day")
SEGMENT_FIELDS = ("channel", "region", "category", "agent")

# the canonical ticket fields each quantity / condition reads
NEEDS: dict[str, tuple[str, ...]] = {
    "frt_min": ("created_at", "first_response_at"), "resolution_h": ("created_at", "resolved_at"),
    "handle_s": ("handle_seconds",), "queue_s": ("queue_seconds",), "csat": ("csat",),
    "within_sla": ("created_at", "first_response_at"), "fcr": ("resolved_at", "transfers", "reopened"),
    "transferred": ("transfers",), "reopened": ("resolved_at", "reopened"), "complaint": ("complaint",),
    "csat_top2": ("csat",), "abandoned": ("abandoned",), "answered": ("abandoned",),
    "volume": (), "per_agent_day": ("agent", "created_at"),
}  # fmt: skip

Text = Union[str, dict[str, str]]


class Segment(BaseModel):
    """Which tickets a definition counts: every listed field must hold one of its values."""

    model_config = ConfigDict(extra="forbid")
    channel: Optional[list[str]] = None
    region: Optional[list[str]] = None
    category: Optional[list[str]] = None
    agent: Optional[list[str]] = None
    # creation hour range [from, to): 10-12 is 10:00 to 11:59
    hours: Optional[tuple[int, int]] = None

    @model_validator(mode="after")
    def _hours_in_a_day(self) -> "Segment":
        if self.hours is not None:
            start, end = self.hours
            if not (0 <= start < end <= 24):
                raise ValueError("hours is [from, to) with 0 <= from < to <= 24, e.g. [10, 12]")
        for name in SEGMENT_FIELDS:
            values = getattr(self, name)
            if values is not None and not values:
                raise ValueError(f"segment {name}: give at least one value")
        return self

    def is_empty(self) -> bool:
        return self.hours is None and all(getattr(self, f) is None for f in SEGMENT_FIELDS)

    def describe(self, lang: str) -> str:
        names = {"channel": ("渠道", "channel"), "region": ("地区", "region"), "category": ("问题类型", "category"),
                 "agent": ("客服", "agent")}  # fmt: skip
        parts = []
        for name in SEGMENT_FIELDS:
            values = getattr(self, name)
            if values:
                zh, en = names[name]
                joined = "、".join(values) if lang == "zh" else ", ".join(values)
                parts.append(f"{zh} = {joined}" if lang == "zh" else f"{en} = {joined}")
        if self.hours is not None:
            start, end = self.hours
            parts.append(f"{start}:00-{end}:00 创建" if lang == "zh" else f"created {start}:00-{end}:00")
        return ("；" if lang == "zh" else "; ").join(parts)


class MetricDefinition(BaseModel):
    """One metric, precisely: what is counted, over which tickets, on which scale, which way is better."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    name: Text
    # the metric of the method this is a variant of (frt, csat, fcr ...): alert rules and
    # the words of a measure's expected effect refer to it
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    statistic: Statistic
    field: str
    segment: Segment = Field(default_factory=Segment)
    sla_minutes: Optional[float] = Field(None, gt=0, le=10080)
    # FCR: a new ticket of the same customer and category within this many days is a repeat
    repeat_days: Optional[int] = Field(None, ge=1, le=90)
    scale: Optional[Scale] = None  # CSAT: None = detected from the export
    unit: Text = ""
    direction: Direction
    family: Family

    @model_validator(mode="after")
    def _field_fits_statistic(self) -> "MetricDefinition":
        allowed = {"mean": QUANTITIES, "median": QUANTITIES, "p90": QUANTITIES, "rate": CONDITIONS, "count": COUNTS}[self.statistic]
        if self.field not in allowed:
            raise ValueError(f"statistic {self.statistic} reads one of {', '.join(allowed)}, not '{self.field}'")
        if self.field == "within_sla" and self.sla_minutes is None:
            raise ValueError("a within-SLA rate needs sla_minutes")
        if self.repeat_days is not None and self.field != "fcr":
            raise ValueError("repeat_days applies to fcr only")
        return self

    def label(self, lang: str) -> str:
        return tr(self.name, lang)

    def unit_text(self, lang: str) -> str:
        return tr(self.unit, lang) if self.unit else ""

    def needs(self) -> tuple[str, ...]:
        extra = tuple(f for f in SEGMENT_FIELDS if getattr(self.segment, f)) + (("created_at",) if self.segment.hours else ())
        if self.repeat_days:  # a repeat is the same customer and category again
            extra += ("customer_id", "category", "created_at")
        return tuple(dict.fromkeys(NEEDS[self.field] + extra))

    def describe(self, lang: str) -> str:
        """The definition in words, e.g. "首次响应时间 - 创建时间（分钟）的平均值；渠道 = 电话"."""
        zh = lang == "zh"
        what = {
            "frt_min": ("首次响应时间 - 创建时间（分钟）", "first response - created (minutes)"),
            "resolution_h": ("解决时间 - 创建时间（小时）", "resolved - created (hours)"),
            "handle_s": ("处理时长（秒）", "handle time (seconds)"),
            "queue_s": ("排队时长（秒）", "queue time (seconds)"),
            "csat": ("满意度评分", "satisfaction score"),
        }
        stat = {"mean": ("平均值", "mean"), "median": ("中位数", "median"), "p90": ("第 90 百分位", "90th percentile")}
        sla = self.sla_minutes or 0
        rate = {
            "within_sla": (f"{sla:g} 分钟内首次响应的工单 / 可判断的工单（未响应算未达标）",
                           f"tickets first answered within {sla:g} min / tickets that can be judged (no answer is a miss)"),
            "fcr": ("无转接、未重开的已解决工单 / 已解决工单", "resolved tickets with no transfer and no reopen / resolved tickets"),
            "transferred": ("转接 ≥1 次的工单 / 工单", "tickets with >= 1 transfer / tickets"),
            "reopened": ("重开工单 / 至少解决过一次的工单（已解决或已重开）", "reopened tickets / tickets resolved at least once (resolved or reopened)"),
            "complaint": ("投诉工单 / 工单", "complaint tickets / tickets"),
            "csat_top2": ("最高两档评分 / 有评分工单", "top-two-box ratings / rated tickets"),
            "abandoned": ("排队中放弃的来电 / 呼入来电", "calls abandoned while queued / offered calls"),
            "answered": ("接通的来电 / 呼入来电", "answered calls / offered calls"),
        }  # fmt: skip
        counts = {"volume": ("工单数", "number of tickets"), "per_agent_day": ("工单数 / 客服出勤人天", "tickets / agent-days worked")}
        if self.statistic == "rate":
            text = rate[self.field][0 if zh else 1]
        elif self.statistic == "count":
            text = counts[self.field][0 if zh else 1]
        else:
            name, name_en = what[self.field]
            text = f"{name}的{stat[self.statistic][0]}" if zh else f"{stat[self.statistic][1]} of {name_en}"
        if self.repeat_days:
            text += (f"（同一客户同一问题 {self.repeat_days} 天内再次来访也不算一次解决）" if zh
                     else f" (a new ticket of the same customer and category within {self.repeat_days} days is not a first-contact resolution)")
        if self.scale:
            text += f"；量表 {self.scale}" if zh else f"; scale {self.scale}"
        if not self.segment.is_empty():
            text += ("；范围：" if zh else "; only ") + self.segment.describe(lang)
        return text


MANUAL = "manual"  # a step-1 row typed in by hand, bound to no definition


def definitions(questionnaire, project=None) -> dict[str, MetricDefinition]:
    """The definitions a project can use, by id: the questionnaire's, then the project's own."""
    out = {d.id: d for d in getattr(questionnaire, "metric_definitions", None) or []}
    if project is not None:
        out.update({d.id: d for d in project.metric_definitions})
    return out


def row_key(row: dict) -> str:
    """Which step-1 row a stored value belongs to: its definition, or for a hand-typed row its wording."""
    definition = row.get("definition")
    if definition and definition != MANUAL:
        return str(definition)
    return f"{MANUAL}:{row.get('name') or row.get('metric') or ''}"


def bound_definition(row: dict, known: dict[str, MetricDefinition]) -> Optional[MetricDefinition]:
    definition = row.get("definition")
    return known.get(str(definition)) if definition and definition != MANUAL else None


# --- a team's own definition ------------------------------------------------------------------

# the kind of metric each field measures (its unit, better direction and family: `metric_kinds`)
FIELD_KINDS: dict[str, str] = {
    "frt_min": "frt", "resolution_h": "resolution_time", "handle_s": "aht", "queue_s": "queue_time", "csat": "csat",
    "within_sla": "sla_rate", "fcr": "fcr", "transferred": "transfer_rate", "reopened": "reopen_rate",
    "complaint": "complaint_rate", "csat_top2": "csat", "abandoned": "abandon_rate", "answered": "connect_rate",
    "volume": "volume", "per_agent_day": "productivity",
}  # fmt: skip
# (statistic, field) pairs a team can build on, in the order a form offers them
BUILDABLE: tuple[tuple[str, str], ...] = (
    *((s, f) for f in QUANTITIES for s in ("mean", "median", "p90")),
    *(("rate", f) for f in CONDITIONS),
    *(("count", f) for f in COUNTS),
)


def build_definition(known: dict[str, MetricDefinition], name_zh: str, name_en: str, statistic: str, field: str, *,
                     channel: Optional[list[str]] = None, category: Optional[list[str]] = None,
                     hours: Optional[tuple[int, int]] = None, sla_minutes: Optional[float] = None,
                     repeat_days: Optional[int] = None, direction: Optional[str] = None) -> MetricDefinition:
    """A team's own definition from a form, with a fresh id; a clear one-line error when it cannot be one."""
    from pydantic import ValidationError

    from diagnosis.errors import DiagnosisError

    name_zh, name_en = " ".join(name_zh.split()), " ".join(name_en.split())
    if not (name_zh or name_en):
        raise DiagnosisError("指标定义需要名称（中文或英文）", "a metric definition needs a name (Chinese or English)")
    names = {tr(d.name, lang).casefold() for d in known.values() for lang in ("zh", "en")}
    for name in (name_zh, name_en):
        if name and name.casefold() in names:
            raise DiagnosisError(f"已有名为“{name}”的指标定义", f"a metric definition named '{name}' exists already")
    if (statistic, field) not in BUILDABLE:
        raise DiagnosisError(f"“{field}”的“{statistic}”不是指标定义能计算的统计量", f"'{statistic}' of '{field}' is not a statistic a definition can compute")
    kind = metric_kinds.BY_KEY[FIELD_KINDS[field]]
    unit_zh, unit_en = metric_kinds.UNITS["rate" if field in CONDITIONS else kind.unit]  # a rate is a %, whatever it counts
    better = direction or kind.better
    if better is None:
        raise DiagnosisError(f"“{kind.zh}”本身没有好坏方向：请选择越低越好还是越高越好",
                             f"{kind.en} has no better direction of its own: choose whether lower or higher is better")
    number = 1 + sum(1 for d in known if d.startswith("team_"))
    while f"team_{number}" in known:
        number += 1
    segment = {"channel": [v for v in channel or [] if v.strip()] or None,
               "category": [v for v in category or [] if v.strip()] or None, "hours": hours}  # fmt: skip
    try:
        return MetricDefinition(
            id=f"team_{number}", name={"zh": name_zh or name_en, "en": name_en or name_zh}, kind=kind.key, statistic=statistic,
            field=field, segment=Segment(**segment), sla_minutes=sla_minutes if field == "within_sla" else None,
            repeat_days=repeat_days if field == "fcr" else None, unit={"zh": unit_zh, "en": unit_en},
            direction=better, family=kind.family,
        )  # fmt: skip
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DiagnosisError(f"指标定义：{first['msg'].removeprefix('Value error, ')}", f"metric definition: {first['msg'].removeprefix('Value error, ')}") from None
