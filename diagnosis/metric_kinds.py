"""The kinds of service metric the method knows (PRODUCT.md's table), each one's facts written once.

A kind is what a step-1 row's `metric` choice, a definition's `kind`, an alert rule's `metric` and a
KPI of step 2 name (frt, csat, fcr ...). Its facts: its words in both languages, the unit its values
are read in, which way is better, its family in step 6 (efficiency, quality, process) and the words
a measure's expected effect may use for it. `metric_definitions` (a team's own definition),
`evaluation` (a row without a direction, the measures of a metric) and `tickets.metrics` (the KPIs
of step 2) read them here.

A volume has no better direction of its own: fewer tickets is the goal of a centre that removes
their causes, more is the goal on a channel customers are moved to. A row of it without a direction
follows its target, and a team's own volume definition must say which way is better.

A questionnaire may offer kinds of its own (a factory's `first_pass_yield`): they have no facts
here, and a row of one without a direction follows its target too.

A leaf: the ticket metrics path reads it, and imports neither pandas nor pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Optional

from diagnosis.i18n import pick

Direction = Literal["lower", "higher"]  # is better
Family = Literal["efficiency", "quality", "process"]

# the units a kind's values are read in: code -> (zh, en)
UNITS: dict[str, tuple[str, str]] = {
    "count": ("件", "tickets"), "min": ("分钟", "min"), "h": ("小时", "h"), "s": ("秒", "s"), "score": ("分", "points"),
    "rate": ("%", "%"), "per_agent_day": ("件/人天", "tickets/agent-day"),
}  # fmt: skip


@dataclass(frozen=True)
class MetricKind:
    key: str
    zh: str
    en: str
    unit: str  # a key of UNITS
    better: Optional[Direction]  # None: no direction of its own (the row's target says)
    family: Family
    # words a measure's expected effect may use for it (compared without spaces, case-insensitively, as substrings)
    aliases: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


# fmt: off
KINDS: tuple[MetricKind, ...] = (
    MetricKind("volume", "咨询量 / 工单量", "Inquiry / ticket volume", "count", None, "efficiency",
               ("咨询量", "工单量", "volume", "inquiries", "tickets")),
    MetricKind("frt", "首次响应时间", "First response time", "min", "lower", "efficiency",
               ("frt", "首次响应", "首响", "响应时间", "响应时长", "firstresponse", "responsetime")),
    MetricKind("sla_rate", "时限内响应率", "Response-within-SLA rate", "rate", "higher", "efficiency",
               ("sla", "响应率", "及时响应", "达标率", "withinsla")),
    MetricKind("resolution_time", "解决时长", "Resolution time", "h", "lower", "efficiency",
               ("解决时长", "解决时间", "处理时效", "resolutiontime", "timetoresolve")),
    MetricKind("aht", "平均处理时长", "Average handle time", "s", "lower", "efficiency",
               ("aht", "处理时长", "handletime", "handlingtime")),
    MetricKind("queue_time", "排队时长", "Queue time", "s", "lower", "efficiency",
               ("排队时长", "排队时间", "queuetime")),
    MetricKind("fcr", "一次解决率", "First-contact resolution", "rate", "higher", "quality",
               ("fcr", "一次解决", "首次解决", "firstcontactresolution", "firstcallresolution")),
    MetricKind("transfer_rate", "转接率", "Transfer rate", "rate", "lower", "process",
               ("转接率", "转接", "transfer")),
    MetricKind("reopen_rate", "重开率", "Reopen rate", "rate", "lower", "quality",
               ("复访率", "重开率", "重复来电", "reopen", "repeatcontact")),
    MetricKind("csat", "客户满意度", "Customer satisfaction", "score", "higher", "quality",
               ("csat", "满意度", "satisfaction")),
    MetricKind("complaint_rate", "投诉率", "Complaint rate", "rate", "lower", "quality",
               ("投诉率", "投诉", "complaint")),
    MetricKind("connect_rate", "接通率", "Connect rate", "rate", "higher", "efficiency",
               ("接通率", "connectrate", "answeredcalls")),
    MetricKind("abandon_rate", "放弃率", "Abandon rate", "rate", "lower", "efficiency",
               ("放弃率", "abandon")),
    MetricKind("productivity", "人均日处理工单数", "Tickets per agent per day", "per_agent_day", "higher", "efficiency",
               ("人均日处理", "ticketsperagent", "productivity")),
)
# fmt: on
BY_KEY: dict[str, MetricKind] = {k.key: k for k in KINDS}


def better(key: str) -> Optional[str]:
    """"lower" or "higher" (is better) for a known kind that has a direction, else None."""
    kind = BY_KEY.get(key)
    return kind.better if kind else None


def aliases(key: str) -> tuple[str, ...]:
    kind = BY_KEY.get(key)
    return kind.aliases if kind else ()


def unit_text(unit: str, lang: str) -> str:
    """A unit code's words, e.g. "分钟" / "min"."""
    zh, en = UNITS[unit]
    return zh if lang == "zh" else en
