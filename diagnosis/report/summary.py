"""The decision-ready parts of the executive summary, each written from the project's data with
fixed sentence templates in zh and en (nothing invented): the headline conclusion (what is wrong,
why, what we do, what it gains), the vital few (the Pareto cut, the one definition the Pareto
section uses, with the team's confirmed causes marked), measures late or at risk on the report's
day, the decisions and resources asked of the director, and the next steps with their dates.
`diagnosis.report.steps.summary_section` puts them on the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from dateutil.relativedelta import relativedelta

from diagnosis import economics, evaluation, pareto, plan, tracking
from diagnosis.report.inputs import ReportInput, join, number

NEXT_DUE = 3  # next due measures listed under "next steps"


def _clause(text: str) -> str:
    """A text used inside a sentence: without its own closing punctuation."""
    return text.strip().rstrip("。.；;，,！!")


def _amount(value: float, unit: str) -> str:
    if not unit:
        return number(value)
    return f"{number(value)}{unit}" if unit == "%" else f"{number(value)} {unit}"


# --- what is wrong: the widest gap --------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    name: str
    baseline: float
    target: float
    current: float  # the latest measured value, else the baseline
    measured: bool
    unit: str
    direction: str
    share: float  # the distance still to go, as a share of the baseline

    def amount(self, value: float) -> str:
        return _amount(value, self.unit)


def widest_gap(inp: ReportInput) -> Optional[Gap]:
    """The step-1 row furthest from its target (relative to its baseline), among those not met yet."""
    latest = evaluation.latest_results(inp.project, inp.questionnaire)
    gaps = []
    for goal in evaluation.metric_goals(inp.project.answers):
        result = latest.get(goal.key)
        current = result.value if result is not None and result.value is not None else goal.baseline
        still = (current - goal.target) if goal.direction == "lower" else (goal.target - current)
        if still <= 0 or goal.baseline == 0:
            continue
        gaps.append(Gap(goal.label(inp.questionnaire, inp.lang), goal.baseline, goal.target, current, result is not None,
                        goal.unit, goal.direction, still / abs(goal.baseline)))
    return max(gaps, key=lambda g: g.share) if gaps else None


# --- why: the vital few ------------------------------------------------------------------------


@dataclass(frozen=True)
class Vital:
    cause: str
    category: str
    percent: float
    confirmed: bool


def vital_few(inp: ReportInput) -> tuple[list[Vital], float]:
    """The Pareto section's vital few, in its order, and the share of the problem they explain."""
    if not inp.project.fishbone.causes:
        return [], 0.0
    result = pareto.pareto_table(inp.project, inp.questionnaire, by=pareto.default_measure(inp.project.fishbone), lang=inp.lang)
    confirmed = set(inp.project.fishbone.confirmed or [])
    rows = result.vital_few
    return ([Vital(r.cause, r.category, r.percent, r.cause_id in confirmed) for r in rows],
            max((r.cumulative_percent for r in rows), default=0.0))


CONFIRMED = "✔"  # the mark of a vital-few cause the team confirmed (explained in the list's heading)


def vital_line(inp: ReportInput, v: Vital) -> str:
    mark = f" {CONFIRMED}" if v.confirmed else ""
    return inp.t(f"{v.cause}（{v.category}，{v.percent:.1f}%）{mark}", f"{v.cause} ({v.category}, {v.percent:.1f}%){mark}")


def confirmed_outside_cut(inp: ReportInput, vital: list[Vital]) -> list[str]:
    """Causes the team confirmed that the Pareto cut does not reach."""
    if inp.project.fishbone.confirmed is None:
        return []
    names = {v.cause for v in vital}
    return [c.text for c in pareto.root_causes(inp.project, inp.questionnaire) if c.text not in names]


# --- the headline --------------------------------------------------------------------------------


def _names(inp: ReportInput, vital: list[Vital], shown: int = 3) -> str:
    names = [v.cause for v in vital[:shown]]
    if inp.lang == "zh":
        return "、".join(f"「{n}」" for n in names) + ("等" if len(vital) > shown else "")
    more = len(vital) - shown
    return ", ".join(f"“{n}”" for n in names) + (f" and {more} more" if more > 0 else "")


def headline(inp: ReportInput) -> str:
    """One sentence: what is wrong, why, what we do, what it gains; a clause drops out when its data is missing."""
    t, lang = inp.t, inp.lang
    clauses: list[str] = []
    problem = _clause(inp.project.fishbone.problem or inp.text("problem_statement"))
    gap = widest_gap(inp)
    if gap is not None:
        now = t("最新", "latest") if gap.measured else t("基线", "baseline")
        wrong = t(f"差距最大的是{gap.name}（{now} {gap.amount(gap.current)}，目标 {gap.amount(gap.target)}）",
                  f"the widest gap is {gap.name} ({now} {gap.amount(gap.current)}, target {gap.amount(gap.target)})")
        clauses.append(f"{problem}{t('，', ', ')}{wrong}" if problem else wrong)
    elif problem:
        clauses.append(problem)
    vital, share = vital_few(inp)
    if vital:
        clauses.append(t(f"主要原因是{_names(inp, vital)} {len(vital)} 项关键少数（合计占 {share:.0f}%）",
                         f"mainly because of {_names(inp, vital)} (the {len(vital)} vital few, {share:.0f}% of the problem)"))
    rows = plan.plan_rows(inp.project, inp.questionnaire)
    if rows:
        counts = [(h, sum(1 for r in rows if r.horizon == h)) for h in plan.HORIZONS]
        names = {"short": ("短期速赢", "quick wins"), "mid": ("中期", "mid-term"), "long": ("长期", "long-term")}
        by_horizon = ("、" if lang == "zh" else ", ").join(
            t(f"{names[h][0]} {n} 项", f"{n} {names[h][1]}") for h, n in counts if n)
        doing = t(f"方案共 {len(rows)} 项措施（{by_horizon}）", f"{len(rows)} measures ({by_horizon})")
        gains = []
        if gap is not None:
            verb = t("降至", "down to") if gap.direction == "lower" else t("提升至", "up to")
            gains.append(t(f"目标将{gap.name}从 {gap.amount(gap.baseline)} {verb} {gap.amount(gap.target)}",
                           f"aim to bring {gap.name} from {gap.amount(gap.baseline)} {verb} {gap.amount(gap.target)}"))
        total = economics.of_plan([r.measure for r in rows])
        if total is not None:
            paid = (t(f"约 {total.payback_months:g} 个月回本", f"paid back in about {total.payback_months:g} months")
                    if total.payback_months is not None else t("尚不能回本", "not paid back"))
            roi = economics.roi_text(total.roi_first_year)
            gains.append(t(f"预计每年净收益 {economics.money(total.net_yearly, lang, inp.currency)}、{paid}、首年投资回报率 {roi}",
                           f"for a net yearly benefit of {economics.money(total.net_yearly, lang, inp.currency)}, {paid}, first-year ROI {roi}"))
        clauses.append(doing + (t("，", " ") + t("，", ", ").join(gains) if gains else ""))
    if not clauses:
        return ""
    if lang == "en":
        clauses[0] = clauses[0][0].upper() + clauses[0][1:]
    return join(clauses, lang) + t("。", ".")


# --- late or at risk ------------------------------------------------------------------------------


def late_or_at_risk(inp: ReportInput) -> list[str]:
    """Open measures overdue, late, at risk or not followed up on the report's day, soonest due first."""
    t = inp.t
    out = []
    rows = [r for r in tracking.track(inp.project, inp.as_of) if r.status != "done"]
    for r in sorted(rows, key=lambda r: (r.measure.due or dt.date.max, r.measure.title)):
        flags = []
        if r.status in ("late", "at_risk"):
            flags.append(tracking.status_label(r.status, inp.lang))
        if r.overdue:
            days = (inp.as_of - r.measure.due).days
            flags.append(t(f"已逾期 {days} 天（截止 {r.measure.due.isoformat()}）", f"{days} days overdue (due {r.measure.due.isoformat()})"))
        if r.stale:
            flags.append(t(f"{tracking.STALE_DAYS} 天以上未跟进", f"no check-in for {tracking.STALE_DAYS}+ days"))
        if not flags:
            continue
        deviation = r.latest.deviation if r.latest is not None else ""
        who = r.owner or t("未指定负责人", "no owner")
        line = t(f"{r.measure.title}（{who}）：{'，'.join(flags)}", f"{r.measure.title} ({who}): {', '.join(flags)}")
        if deviation:
            line += t(f"；偏差：{_clause(deviation)}", f"; deviation: {_clause(deviation)}")
        out.append(line)
    return out


# --- decisions and resources --------------------------------------------------------------------


def decisions(inp: ReportInput) -> list[str]:
    """What the director must approve or give: the plan's investment, each open measure's resources,
    owners for root causes without a measure, and the measures the evaluation says to adjust."""
    t, lang = inp.t, inp.lang
    out = []
    done = {r.measure.id for r in tracking.track(inp.project, inp.as_of) if r.status == "done"}
    open_measures = [m for m in inp.project.measures if m.id not in done]
    total = economics.of_plan(open_measures)
    if total is not None and (total.one_off or total.running):
        out.append(t(f"批准投入：一次性 {economics.money(total.one_off, lang, inp.currency)}，每年运行 {economics.money(total.running, lang, inp.currency)}（未完成的措施）",
                     f"Approve the investment: {economics.money(total.one_off, lang, inp.currency)} one-off and {economics.money(total.running, lang, inp.currency)} a year (open measures)"))
    for m in sorted(open_measures, key=lambda m: (m.due or dt.date.max, m.title)):
        needs = [m.budget, m.people, m.system_access]
        if m.invest_once:
            needs.append(t(f"一次性投入 {economics.money(m.invest_once, lang, inp.currency)}", f"{economics.money(m.invest_once, lang, inp.currency)} one-off"))
        if m.invest_yearly:
            needs.append(t(f"每年 {economics.money(m.invest_yearly, lang, inp.currency)}", f"{economics.money(m.invest_yearly, lang, inp.currency)} a year"))
        needs = [_clause(n) for n in needs if n]
        if needs:
            out.append(t(f"{m.title}：{'、'.join(needs)}", f"{m.title}: {', '.join(needs)}"))
    for cause in plan.root_causes_without_measure(inp.project, inp.questionnaire):
        out.append(t(f"为根因指定措施与负责人：{cause.text}", f"Name a measure and an owner for the root cause: {cause.text}"))
    for adjustment in evaluation.measures_to_adjust(inp.project, inp.questionnaire):
        out.append(t(f"决定如何调整措施：{adjustment.measure.title}（指标未达标）", f"Decide how to adjust: {adjustment.measure.title} (its metric missed the target)"))
    return out


# --- next steps -------------------------------------------------------------------------------------


def next_steps(inp: ReportInput) -> list[str]:
    """The next due open measures and the next evaluation checkpoint, with their dates."""
    t = inp.t
    out: list[tuple[dt.date, str]] = []
    rows = [r for r in tracking.track(inp.project, inp.as_of) if r.status != "done" and r.measure.due is not None and r.measure.due >= inp.as_of]
    for r in sorted(rows, key=lambda r: (r.measure.due, r.measure.title))[:NEXT_DUE]:
        who = r.owner or t("未指定负责人", "no owner")
        out.append((r.measure.due, t(f"{r.measure.due.isoformat()}：{r.measure.title}到期（{who}）", f"{r.measure.due.isoformat()}: {r.measure.title} due ({who})")))
    launch = inp.project.evaluation.launch
    if launch is not None:
        for months in evaluation.checkpoints(inp.questionnaire, inp.project.evaluation):
            day = launch + relativedelta(months=months)
            if day >= inp.as_of:
                out.append((day, t(f"{day.isoformat()}：上线后 {months} 个月效果评估（对照基线与目标）",
                                   f"{day.isoformat()}: {months}-month evaluation against baseline and target")))
                break
    return [text for _, text in sorted(out, key=lambda x: x[0])]


def summary_blocks(inp: ReportInput) -> list[Any]:
    """The summary's lists after the headline and the metrics table, each only when it has items."""
    from diagnosis.report.document import Bullets, Paragraph

    t = inp.t
    blocks: list[Any] = []
    vital, share = vital_few(inp)
    if vital:
        marked = any(v.confirmed for v in vital)
        blocks.append(Paragraph(t(f"关键根因（帕累托关键少数，合计占 {share:.0f}%，优先解决{f'；{CONFIRMED} 团队已确认' if marked else ''}）",
                                  f"Vital-few root causes (the Pareto cut, {share:.0f}% of the problem; fix first"
                                  f"{f'; {CONFIRMED} confirmed by the team' if marked else ''})"), emphasis=True))
        blocks.append(Bullets([vital_line(inp, v) for v in vital]))
        outside = confirmed_outside_cut(inp, vital)
        if outside:
            blocks.append(Paragraph(t(f"团队另确认的根因：{join(outside, inp.lang)}", f"Also confirmed by the team: {join(outside, inp.lang)}")))
    quick = [r for r in plan.plan_rows(inp.project, inp.questionnaire) if r.horizon == "short"]
    if quick:
        blocks.append(Paragraph(plan.horizon_label("short", inp.lang, inp.questionnaire.priority), emphasis=True))
        blocks.append(Bullets([
            f"{r.measure.title} — {r.measure.owner}{t('，截止 ', ', due ')}{r.measure.due.isoformat() if r.measure.due else '—'}"
            for r in quick
        ]))
    for title, items in (
        (t(f"延期或有风险的措施（截至 {inp.as_of.isoformat()}）", f"Measures late or at risk (as of {inp.as_of.isoformat()})"), late_or_at_risk(inp)),
        (t("需要您决定与提供的资源", "Decisions and resources needed from you"), decisions(inp)),
        (t("下一步", "Next steps"), next_steps(inp)),
    ):
        if items:
            blocks += [Paragraph(title, emphasis=True), Bullets(items)]
    alerts = evaluation.fired_alerts(inp.project, inp.questionnaire)
    if alerts:
        blocks += [Paragraph(t("已触发的预警", "Alerts fired"), emphasis=True), Bullets([a.action(inp.lang) for a in alerts])]
    return blocks
