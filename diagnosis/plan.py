"""Step 4: the prioritized action plan, its timeline and its export.

Each measure gets a priority score from urgency, importance and resource cost (formula and
weights from the questionnaire's `priority` section, see `Priority`) and a horizon counted
from the plan's start date:

- short (quick win): due within `short_term_months` (1) calendar months of the plan start,
  that is on or before the same day of the next month (2025-09-01 -> 2025-10-01; a start on
  January 31 ends on the last day of February),
- mid: due after that and within `mid_term_months` (3) calendar months (2025-09-01 -> 2025-12-01),
- long: due later than that.

A due date before the plan start counts as short. Without a due date (or without any plan
start) the horizon follows the resource cost: cost 1-2 short, 3 mid, 4-5 long, since cheap
measures are the quick wins and the expensive ones need budgets, IT slots and time. A
measure's `horizon_override` wins over both rules and is reported as overridden.

The plan start is the step-4 answer `plan_start`; without it, the earliest measure start.
The root causes are step 3's confirmed causes, or the Pareto vital few while none are confirmed.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from dateutil.relativedelta import relativedelta

from diagnosis import tracking
from diagnosis.fishbone import iter_causes
from diagnosis.i18n import months_text, pick
from diagnosis.project.model import Cause, Measure, Project
from diagnosis.questionnaire.model import Priority, Questionnaire
from diagnosis.questionnaire.rules import parse_date
from diagnosis.spreadsheet import to_csv, to_xlsx

if TYPE_CHECKING:  # Altair loads when the chart is drawn, not for `diagnosis plan`
    import altair as alt

HORIZONS = ("short", "mid", "long")


def horizon_label(horizon: str, lang: str, priority: Optional[Priority] = None) -> str:
    """"短期速赢（1 个月内）" / "Mid-term (1-3 months)": built from the questionnaire's month counts."""
    p = priority or Priority()
    s, m = p.short_term_months, p.mid_term_months
    labels = {
        "short": (f"短期速赢（{s} 个月内）", f"Short-term quick wins (within {months_text(s, 'en')})"),
        "mid": (f"中期（{s}-{m} 个月）", f"Mid-term ({s}-{months_text(m, 'en')})"),
        "long": (f"长期（{m} 个月以上）", f"Long-term (over {months_text(m, 'en')})"),
    }
    return pick(lang, *labels[horizon])


def horizon_rule(lang: str, priority: Optional[Priority] = None) -> str:
    """The one-sentence rule shown under the plan, from the same month counts."""
    p = priority or Priority()
    s, m = p.short_term_months, p.mid_term_months
    costs = {h: [c for c in range(1, 6) if horizon_by_cost(c) == h] for h in HORIZONS}
    by_cost = {h: f"{c[0]}-{c[-1]}" if len(c) > 1 else f"{c[0]}" for h, c in costs.items()}
    return pick(lang, f"期限按自然月从方案开始日期起算：{s} 个月内到期为短期，{s}-{m} 个月为中期，超过 {m} 个月为长期；"
                f"没有完成日期时按资源成本（{by_cost['short']} 短期、{by_cost['mid']} 中期、{by_cost['long']} 长期）。",
                f"Horizons count calendar months from the plan start: due within {months_text(s, 'en')} short, "
                f"{s}-{months_text(m, 'en')} mid, over {months_text(m, 'en')} long; without a due date by resource cost "
                f"({by_cost['short']} short, {by_cost['mid']} mid, {by_cost['long']} long).")


# --- score and horizon ---------------------------------------------------------------------


def _weighted_sum(m: Measure, p: Priority) -> float:
    return m.urgency * p.urgency + m.importance * p.importance + (6 - m.cost) * p.cost


def _weighted_geometric(m: Measure, p: Priority) -> float:
    return m.urgency**p.urgency * m.importance**p.importance * (6 - m.cost) ** p.cost


FORMULAS = {"weighted_sum": _weighted_sum, "weighted_geometric": _weighted_geometric}


def priority_score(measure: Measure, priority: Priority) -> float:
    """The measure's priority, rounded to 2 decimals (higher first)."""
    score = FORMULAS[priority.formula](measure, priority)
    return round(score + 0.0, 2) if math.isfinite(score) else 0.0


def horizon_by_cost(cost: int) -> str:
    return "short" if cost <= 2 else "mid" if cost == 3 else "long"


def planned_horizon(measure: Measure, plan_start: Optional[dt.date], priority: Priority) -> str:
    """The horizon from the due date (or the cost), ignoring any override."""
    if measure.due is None or plan_start is None:
        return horizon_by_cost(measure.cost)
    if measure.due <= plan_start + relativedelta(months=priority.short_term_months):
        return "short"
    if measure.due <= plan_start + relativedelta(months=priority.mid_term_months):
        return "mid"
    return "long"


def horizon(measure: Measure, plan_start: Optional[dt.date], priority: Priority) -> tuple[str, bool]:
    """(horizon, overridden): the user's override wins."""
    if measure.horizon_override is not None:
        return measure.horizon_override, True
    return planned_horizon(measure, plan_start, priority), False


def plan_start(project: Project) -> Optional[dt.date]:
    start = parse_date(project.answers.get("plan_start"))
    if start is not None:
        return start
    starts = [m.start for m in project.measures if m.start is not None]
    return min(starts) if starts else None


# --- root causes ---------------------------------------------------------------------------


def root_causes(project: Project, questionnaire: Questionnaire) -> list[Cause]:
    """The causes the measures must answer: the confirmed ones, in the order confirmed, or,
    while step 3 has confirmed none, the vital few the Pareto ranking proposes."""
    from diagnosis.pareto import root_causes as confirmed_or_proposed

    return confirmed_or_proposed(project, questionnaire)


def root_causes_without_measure(project: Project, questionnaire: Questionnaire) -> list[Cause]:
    """Root causes no measure answers yet: flagged in the plan."""
    covered = {m.root_cause for m in project.measures}
    return [c for c in root_causes(project, questionnaire) if c.id not in covered]


def cause_text(project: Project, cause_id: str) -> str:
    for cause in iter_causes(project.fishbone):
        if cause.id == cause_id:
            return cause.text
    return cause_id


# --- the plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanRow:
    measure: Measure
    root_cause: str  # the cause's text ("" when the measure names no cause)
    score: float
    horizon: str
    horizon_overridden: bool
    planned_horizon: str  # what the dates / cost say, shown next to an override
    status: str
    progress: int
    priority: Priority = Priority()  # the questionnaire's month counts, for the horizon's label
    effect: tuple[str, str] = ("", "")  # the step-1 row of the expected effect, its wording now (zh, en)

    def horizon_label(self, lang: str, horizon: Optional[str] = None) -> str:
        return horizon_label(horizon or self.horizon, lang, self.priority)

    def effect_metric(self, lang: str) -> str:
        """What the measure's expected effect is on: its step-1 row as worded now, else its own text."""
        return (self.effect[0] if lang == "zh" else self.effect[1]) or self.measure.metric

    @property
    def owner(self) -> str:
        return self.measure.owner

    def as_json(self) -> dict[str, Any]:
        m = self.measure
        return {
            "measure": m.title,
            "root_cause": self.root_cause,
            "owner": m.owner,
            "start": m.start.isoformat() if m.start else None,
            "due": m.due.isoformat() if m.due else None,
            "score": self.score,
            "horizon": self.horizon,
            "horizon_overridden": self.horizon_overridden,
            "status": self.status,
        }


def plan_rows(project: Project, questionnaire: Questionnaire) -> list[PlanRow]:
    """Every measure, ordered by horizon (short, mid, long), then score (highest first)."""
    start = plan_start(project)
    priority = questionnaire.priority
    effects = effect_metrics(project, questionnaire)
    rows = []
    for m in project.measures:
        hz, overridden = horizon(m, start, priority)
        latest = tracking.latest_checkin(project, m.id)
        rows.append(
            PlanRow(
                measure=m,
                root_cause=cause_text(project, m.root_cause) if m.root_cause else "",
                score=priority_score(m, priority),
                horizon=hz,
                horizon_overridden=overridden,
                planned_horizon=planned_horizon(m, start, priority),
                status=latest.status if latest else "not_started",
                progress=latest.progress if latest else 0,
                priority=priority,
                effect=effects.get(m.id, ("", "")),
            )
        )
    far = dt.date.max
    rows.sort(key=lambda r: (HORIZONS.index(r.horizon), -r.score, r.measure.due or far, r.measure.title))
    return rows


def effect_metrics(project: Project, questionnaire: Optional[Questionnaire]) -> dict[str, tuple[str, str]]:
    """Measure id -> the wording (zh, en) of the step-1 metrics row its expected effect is on, for
    the measures that picked a row that is still there (the others read their own text)."""
    if not any(m.metric_row for m in project.measures):
        return {}
    from diagnosis.evaluation import metric_goals  # Altair: only for a plan that needs it

    goals = {g.key: g for g in metric_goals(project.answers)}
    return {m.id: (goals[m.metric_row].label(questionnaire, "zh"), goals[m.metric_row].label(questionnaire, "en"))
            for m in project.measures if m.metric_row in goals}


def plan_json(project: Project, questionnaire: Questionnaire) -> dict[str, Any]:
    """The plan as `diagnosis plan --format json` prints it."""
    start = plan_start(project)
    return {
        "plan_start": start.isoformat() if start else None,
        "measures": [r.as_json() for r in plan_rows(project, questionnaire)],
    }


# --- export --------------------------------------------------------------------------------

# (key, zh header, en header, value of a row)
COLUMNS: list[tuple[str, str, str, Any]] = [
    ("horizon", "期限", "Horizon", lambda r, lang: r.horizon_label(lang)),
    ("horizon_overridden", "期限已手动调整", "Horizon overridden", lambda r, lang: r.horizon_overridden),
    ("score", "优先级得分", "Priority score", lambda r, lang: r.score),
    ("measure", "措施", "Measure", lambda r, lang: r.measure.title),
    ("root_cause", "根因", "Root cause", lambda r, lang: r.root_cause),
    ("problem", "解决的问题", "Problem solved", lambda r, lang: r.measure.problem),
    ("steps", "具体步骤", "Steps", lambda r, lang: r.measure.steps),
    ("owner", "负责人", "Owner", lambda r, lang: r.measure.owner),
    ("department", "配合部门", "Supporting department", lambda r, lang: r.measure.department),
    ("start", "开始日期", "Start", lambda r, lang: r.measure.start),
    ("due", "完成日期", "Due", lambda r, lang: r.measure.due),
    ("urgency", "紧急度", "Urgency", lambda r, lang: r.measure.urgency),
    ("importance", "重要度", "Importance", lambda r, lang: r.measure.importance),
    ("cost", "资源成本", "Resource cost", lambda r, lang: r.measure.cost),
    ("budget", "预算", "Budget", lambda r, lang: r.measure.budget),
    ("people", "人员", "People", lambda r, lang: r.measure.people),
    ("system_access", "系统权限", "System access", lambda r, lang: r.measure.system_access),
    ("invest_once", "一次性投入", "One-off investment", lambda r, lang: r.measure.invest_once),
    ("invest_yearly", "每年运行成本", "Running cost per year", lambda r, lang: r.measure.invest_yearly),
    ("benefit_yearly", "预期年收益", "Expected yearly benefit", lambda r, lang: r.measure.benefit_yearly),
    ("metric", "预期效果指标", "Expected effect: metric", lambda r, lang: r.effect_metric(lang)),
    ("metric_from", "从", "From", lambda r, lang: r.measure.metric_from),
    ("metric_to", "到", "To", lambda r, lang: r.measure.metric_to),
    ("risk", "风险", "Risk", lambda r, lang: r.measure.risk),
    ("contingency", "应对预案", "Contingency", lambda r, lang: r.measure.contingency),
    ("status", "状态", "Status", lambda r, lang: tracking.status_label(r.status, lang)),
    ("progress", "进度 %", "Progress %", lambda r, lang: r.progress),
]


def plan_table(rows: list[PlanRow], lang: str) -> tuple[list[str], list[list[Any]]]:
    """Headers in `lang` and typed values (dates stay dates, numbers stay numbers)."""
    headers = [zh if lang == "zh" else en for _, zh, en, _ in COLUMNS]
    return headers, [[value(r, lang) for *_, value in COLUMNS] for r in rows]


def plan_csv(rows: list[PlanRow], lang: str) -> bytes:
    return to_csv(*plan_table(rows, lang))


def plan_xlsx(rows: list[PlanRow], lang: str) -> bytes:
    return to_xlsx(*plan_table(rows, lang), sheet="方案计划" if lang == "zh" else "Action plan")


# --- timeline ------------------------------------------------------------------------------


GANTT_ROW_PX = 28  # one row per measure: a bar a phone or a projector shows, with its title beside it
GANTT_LABEL_PX = 320  # longest row label before it is cut (the tooltip has the whole title)


def _row_labels(dated: list[PlanRow], lang: str) -> list[str]:
    """Each measure's row label, "owner · title" (the owner stays visible when a long title is cut),
    made unique when two rows would read the same."""
    seen: dict[str, int] = {}
    labels = []
    for r in dated:
        base = r.measure.title or ("（无标题）" if lang == "zh" else "(untitled)")
        if r.owner:
            base = f"{r.owner} · {base}"
        seen[base] = seen.get(base, 0) + 1
        labels.append(base if seen[base] == 1 else f"{base} #{seen[base]}")
    return labels


def _dated(rows: list[PlanRow]) -> list[PlanRow]:
    """The measures with a start and a due date, in the timeline's order (by owner, then start, due)."""
    return sorted((r for r in rows if r.measure.start is not None and r.measure.due is not None),
                  key=lambda r: (r.owner or "\uffff", r.measure.start, r.measure.due))


def gantt_charts(rows: list[PlanRow], lang: str, per_chart: int, width: int | None = None) -> list[alt.Chart]:
    """The timeline in parts of at most `per_chart` measures each (a page or a slide), all on one
    shared time axis, so a long plan's rows keep a legible size; one chart when it fits."""
    dated = _dated(rows)
    if len(dated) <= per_chart:
        return [gantt_chart(rows, lang, width)]
    days = (min(r.measure.start for r in dated), max(r.measure.due for r in dated))
    return [gantt_chart(dated[k:k + per_chart], lang, width, days) for k in range(0, len(dated), per_chart)]


def gantt_chart(rows: list[PlanRow], lang: str, width: int | None = None, days: tuple[dt.date, dt.date] | None = None) -> alt.Chart:
    """A timeline with one row per measure, labelled with its title and owner, from start to due,
    coloured by horizon, rows grouped by owner; `GANTT_ROW_PX` per row, so it grows with the plan.

    Measures without a start or a due date have no bar (the page says how many). `width`: of
    the bars' part (the report fits the chart to its page), by default Vega-Lite's; `days`: the
    time axis's first and last day (the parts of `gantt_charts` share one), by default the bars'.
    """
    import altair as alt

    t = {k: (zh if lang == "zh" else en) for k, zh, en in [
        ("owner", "负责人", "Owner"), ("measure", "措施", "Measure"), ("start", "开始", "Start"),
        ("due", "完成", "Due"), ("horizon", "期限", "Horizon"), ("score", "得分", "Score"),
        ("status", "状态", "Status"), ("title", "措施时间线（按负责人）", "Timeline by owner"),
    ]}
    dated = _dated(rows)
    data = [
        {
            "row": label,
            "owner": r.owner or "-",
            "measure": r.measure.title,
            "start": r.measure.start.isoformat(),
            "due": r.measure.due.isoformat(),
            "horizon": r.horizon_label(lang),
            "overridden": r.horizon_overridden,
            "score": r.score,
            "status": tracking.status_label(r.status, lang),
        }
        for r, label in zip(dated, _row_labels(dated, lang))
    ]
    horizon_names = [horizon_label(h, lang, rows[0].priority if rows else None) for h in HORIZONS]
    return (
        alt.Chart(alt.Data(values=data), title=t["title"])
        .mark_bar(cornerRadius=3, height={"band": 0.7})
        .encode(
            x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y-%m-%d", labelAngle=0, orient="top"),
                    scale=alt.Scale(domain=[alt.DateTime(year=d.year, month=d.month, date=d.day) for d in days]) if days else alt.Undefined),
            x2="due:T",
            y=alt.Y("row:N", title=None, sort=[d["row"] for d in data],
                    axis=alt.Axis(labelAngle=0, labelLimit=GANTT_LABEL_PX, labelFontSize=12)),
            color=alt.Color("horizon:N", title=t["horizon"], legend=alt.Legend(orient="bottom", labelLimit=300,
                                                                                 **({"direction": "vertical"} if width else {})),
                            scale=alt.Scale(domain=horizon_names, range=["#4caf50", "#ff9800", "#5c6bc0"])),
            # an overridden horizon gets a dark outline
            stroke=alt.condition("datum.overridden", alt.value("#333333"), alt.value(None)),
            strokeWidth=alt.value(2),
            tooltip=[
                alt.Tooltip("measure:N", title=t["measure"]),
                alt.Tooltip("owner:N", title=t["owner"]),
                alt.Tooltip("start:T", title=t["start"], format="%Y-%m-%d"),
                alt.Tooltip("due:T", title=t["due"], format="%Y-%m-%d"),
                alt.Tooltip("horizon:N", title=t["horizon"]),
                alt.Tooltip("score:Q", title=t["score"]),
                alt.Tooltip("status:N", title=t["status"]),
            ],
        )
        .properties(height=GANTT_ROW_PX * max(1, len(data)), **({"width": width} if width else {}))
    )
