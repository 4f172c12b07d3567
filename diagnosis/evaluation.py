"""Step 6: the step-1 metrics measured at checkpoints after launch (1, 3 and 6 months by default), alerts, next cycle.

For each metric of the step-1 table `metrics` and each checkpoint (the questionnaire's
`evaluation.checkpoints_months`, plus any other checkpoint a value was recorded for) this
gives the measured value, its change against the baseline (absolute and %) and whether the
target is met, aware of the metric's direction: the row's `direction`, else its kind's
(`metric_kinds`: times, complaint, transfer and reopen rates lower; CSAT, FCR, SLA and connect
rates higher), else the side of the baseline the target lies on (a volume, a kind of its own).

Alert rules fire on a run of consecutive *recorded* values beyond their bound, in checkpoint
order (a checkpoint nobody measured neither breaks nor extends a run).

A measure belongs to a metric when its expected effect is on that step-1 row (`metric_row`, picked
in step 4) or, for an effect typed as text, when the text names it (the metric id, the
row's wording, the questionnaire's label or its kind's aliases such as 满意度 / CSAT); a measure
whose text names no step-1 metric takes the metrics of the other measures on the same root
cause. Measures of a metric whose latest value misses its target are marked for adjustment;
a missed metric no measure belongs to is reported as such.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Any, Optional

import altair as alt

from diagnosis import metric_kinds
from diagnosis.i18n import months_text, pick, tr
from diagnosis.metric_definitions import MANUAL, row_key
from diagnosis.project.model import Cycle, EvaluationRecord, Fishbone, Measure, MetricValue, Project
from diagnosis.questionnaire.model import AlertRule, Questionnaire
from diagnosis.questionnaire.rules import as_number, default_answers, parse_date


# --- goals and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class MetricGoal:
    """One row of the step-1 metrics table.

    `metric` is the method's metric the row is a variant of (frt, csat ...: alert rules and a
    measure's expected effect refer to it); `key` identifies the row's stored values
    (`metric_definitions.row_key`); `definition` the definition it is computed by (None: typed
    in by hand)."""

    metric: str
    name: str
    baseline: float
    target: float
    unit: str
    direction: str  # "lower" or "higher" (is better)
    direction_given: bool  # False when inferred
    key: str = ""
    definition: Optional[str] = None

    def label(self, questionnaire: Optional[Questionnaire], lang: str) -> str:
        """The row's wording; else its definition's name; else the metric's option label."""
        if self.name:
            return self.name
        known = {d.id: d for d in getattr(questionnaire, "metric_definitions", None) or []}
        if self.definition in known:
            return known[self.definition].label(lang)
        return metric_option_label(questionnaire, self.metric, lang) or self.metric


def metric_options(questionnaire: Optional[Questionnaire]) -> list:
    """The options of the step-1 table's `metric` column (none when the questionnaire has no such column)."""
    try:
        column = next(c for c in questionnaire.question("metrics").columns if c.id == "metric")  # type: ignore[union-attr]
    except (AttributeError, KeyError, StopIteration):
        return []
    return list(column.options or [])


def metric_option_label(questionnaire: Optional[Questionnaire], metric: str, lang: str) -> str:
    return next((tr(o.label, lang) for o in metric_options(questionnaire) if o.id == metric), "")


def infer_direction(metric: str, baseline: Optional[float] = None, target: Optional[float] = None) -> str:
    """The kind's better direction (`metric_kinds`), else the side of the baseline the target lies on."""
    known = metric_kinds.better(metric)
    if known is not None:
        return known
    if baseline is not None and target is not None and target < baseline:
        return "lower"
    return "higher"


def metric_goals(answers: dict[str, Any]) -> list[MetricGoal]:
    """The rows of `metrics` that have a metric, a baseline and a target."""
    out = []
    for row in answers.get("metrics") or []:
        if not isinstance(row, dict):
            continue
        metric, baseline, target = row.get("metric"), as_number(row.get("baseline")), as_number(row.get("target"))
        if not metric or baseline is None or target is None:
            continue
        given = row.get("direction") in ("lower", "higher")
        definition = row.get("definition")
        out.append(
            MetricGoal(
                metric=str(metric), name=str(row.get("name") or ""), baseline=baseline, target=target,
                unit=str(row.get("unit") or ""),
                direction=row["direction"] if given else infer_direction(str(metric), baseline, target),
                direction_given=given, key=row_key(row),
                definition=str(definition) if definition and definition != MANUAL else None,
            )
        )
    return out


def target_met(value: float, target: float, direction: str) -> bool:
    return value <= target if direction == "lower" else value >= target


def checkpoints(questionnaire: Questionnaire, evaluation: EvaluationRecord) -> list[int]:
    return sorted(set(questionnaire.evaluation.checkpoints_months) | {v.checkpoint for v in evaluation.values})


def checkpoints_text(months: list[int], lang: str) -> str:
    """The checkpoints as a person says them: "1、3、6 个月" / "1, 3 and 6 months" / "6 months"."""
    ordered = [str(m) for m in sorted(set(months))]
    if lang == "zh":
        return months_text("、".join(ordered), "zh")
    listed = ordered[0] if len(ordered) == 1 else ", ".join(ordered[:-1]) + " and " + ordered[-1]
    return months_text(listed, "en")


def checkpoints_rule(lang: str, questionnaire: Questionnaire) -> str:
    """The one sentence under step 6's measured values saying when the metrics are measured, from the
    questionnaire's `evaluation.checkpoints_months` (help texts refer to it instead of repeating the months)."""
    when = checkpoints_text(questionnaire.evaluation.checkpoints_months, lang)
    return pick(lang, f"评估节点为上线后第 {when}，从上线日期起算。", f"The checkpoints are {when} after launch, counted from the launch date.")


def value_at(evaluation: EvaluationRecord, metric: str, checkpoint: int) -> Optional[MetricValue]:
    """The value recorded for a metric at a checkpoint (the last one if entered twice)."""
    found = [v for v in evaluation.values if v.metric == metric and v.checkpoint == checkpoint]
    return found[-1] if found else None


def set_value(evaluation: EvaluationRecord, metric: str, checkpoint: int, value: Optional[float], *,
              date: Optional[dt.date] = None, note: str = "") -> None:
    """Record (or with `value=None` remove) the value of a metric at a checkpoint."""
    evaluation.values = [v for v in evaluation.values if not (v.metric == metric and v.checkpoint == checkpoint)]
    if value is not None:
        if date is None and evaluation.launch is not None:
            date = checkpoint_date(evaluation.launch, checkpoint)
        evaluation.values.append(MetricValue(metric=metric, checkpoint=checkpoint, value=value, date=date, note=note))
        evaluation.values.sort(key=lambda v: (v.metric, v.checkpoint))


def launch_date(project: Project) -> Optional[dt.date]:
    """The day the checkpoints count from: the one stored with the values, else step 6's answer `launch_date`."""
    return project.evaluation.launch or parse_date(project.answers.get("launch_date"))


def checkpoint_date(launch: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month = launch.month - 1 + months
    year, month = launch.year + month // 12, month % 12 + 1
    for day in (launch.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class CheckpointResult:
    goal: MetricGoal
    checkpoint: int
    value: Optional[float]  # None: not measured (yet)

    @property
    def change(self) -> Optional[float]:
        return None if self.value is None else round(self.value - self.goal.baseline, 6)

    @property
    def change_pct(self) -> Optional[float]:
        if self.value is None or self.goal.baseline == 0:
            return None
        return round((self.value - self.goal.baseline) / abs(self.goal.baseline) * 100, 2)

    @property
    def target_met(self) -> Optional[bool]:
        return None if self.value is None else target_met(self.value, self.goal.target, self.goal.direction)

    @property
    def improved(self) -> Optional[bool]:
        """Moved from the baseline the right way (not necessarily far enough)."""
        if self.value is None:
            return None
        return self.value < self.goal.baseline if self.goal.direction == "lower" else self.value > self.goal.baseline

    def as_json(self) -> dict[str, Any]:
        return {
            "metric": self.goal.metric, "row": self.goal.key, "definition": self.goal.definition,
            "name": self.goal.name, "unit": self.goal.unit,
            "direction": self.goal.direction, "baseline": self.goal.baseline, "target": self.goal.target,
            "checkpoint": self.checkpoint, "value": self.value, "change": self.change,
            "change_pct": self.change_pct, "target_met": self.target_met,
        }


def evaluate(project: Project, questionnaire: Questionnaire) -> list[CheckpointResult]:
    """Per step-1 metric (in table order) and checkpoint (ascending)."""
    points = checkpoints(questionnaire, project.evaluation)
    out = []
    for goal in metric_goals(project.answers):
        for cp in points:
            found = value_at(project.evaluation, goal.key, cp)
            out.append(CheckpointResult(goal, cp, found.value if found else None))
    return out


def latest_results(project: Project, questionnaire: Questionnaire) -> dict[str, CheckpointResult]:
    """The latest measured checkpoint of each step-1 row that has one, by row key."""
    out: dict[str, CheckpointResult] = {}
    for result in evaluate(project, questionnaire):
        if result.value is not None:
            out[result.goal.key] = result
    return out


def missed_metrics(project: Project, questionnaire: Questionnaire) -> list[MetricGoal]:
    """Metrics whose latest measured value misses the target."""
    return [r.goal for r in latest_results(project, questionnaire).values() if r.target_met is False]


# --- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiredAlert:
    rule: AlertRule
    checkpoints: tuple[int, ...]  # the run that fired
    values: tuple[float, ...]
    active: bool  # the run reaches the latest recorded value
    names: tuple[str, str] = ("", "")  # the step-1 row the values are of, as people read it (zh, en)

    def action(self, lang: str) -> str:
        return tr(self.rule.action, lang)

    def row_label(self, lang: str) -> str:
        """The metric the alert is about, by its row's wording (never the rule's or the metric's id)."""
        return (self.names[0] if lang == "zh" else self.names[1]) or self.names[0] or self.names[1] or self.rule.metric

    def condition(self, lang: str) -> str:
        """The rule in words: "满意度 连续 3 次低于 3.8"."""
        return rule_condition(self.rule, self.row_label(lang), lang)

    def as_json(self, lang: str) -> dict[str, Any]:
        return {
            "rule": self.rule.id, "metric": self.rule.metric, "below": self.rule.below, "above": self.rule.above,
            "consecutive": self.rule.consecutive, "checkpoints": list(self.checkpoints), "values": list(self.values),
            "active": self.active, "action": self.action(lang),
        }


def rule_condition(rule: AlertRule, metric: str, lang: str, bound: Optional[float] = None) -> str:
    """An alert rule's condition in words, for `metric` (a label): "CSAT below 3.8 at 3 checkpoints in a row"."""
    below = rule.below is not None
    limit = bound if bound is not None else rule.below if below else rule.above
    side = ("低于" if lang == "zh" else "below") if below else ("高于" if lang == "zh" else "above")
    if lang == "zh":
        return f"{metric} {side} {limit:g}" if rule.consecutive == 1 else f"{metric} 连续 {rule.consecutive} 次{side} {limit:g}"
    return f"{metric} {side} {limit:g}" + ("" if rule.consecutive == 1 else f", {rule.consecutive} times in a row")


def row_label(project: Optional[Project], questionnaire: Optional[Questionnaire], key: str, lang: str) -> str:
    """A step-1 row key (`csat_mean`) or a metric option id (`frt`) as people read it; unknown ids as they are."""
    goals = metric_goals(project.answers) if project is not None else []
    goal = next((g for g in goals if g.key == key), None) or next((g for g in goals if g.metric == key), None)
    if goal is not None:
        return goal.label(questionnaire, lang)
    return metric_option_label(questionnaire, key, lang) or key


def breaches(rule: AlertRule, value: float) -> bool:
    if rule.below is not None:
        return value < rule.below
    return rule.above is not None and value > rule.above


def alert_runs(rule: AlertRule, values: list[MetricValue]) -> list[FiredAlert]:
    """Every maximal run of at least `rule.consecutive` breaching values, in checkpoint order."""
    series = sorted({v.checkpoint: v for v in values if v.metric == rule.metric}.values(), key=lambda v: v.checkpoint)
    fired, run = [], []
    for v in [*series, None]:  # a sentinel closes the last run
        if v is not None and breaches(rule, v.value):
            run.append(v)
            continue
        if len(run) >= rule.consecutive:
            fired.append(FiredAlert(rule, tuple(r.checkpoint for r in run), tuple(r.value for r in run), active=v is None))
        run = []
    return fired


def fired_alerts(project: Project, questionnaire: Questionnaire) -> list[FiredAlert]:
    """Each rule on the values of every step-1 row of its metric (a rule names a metric or a definition)."""
    out = []
    goals = metric_goals(project.answers)
    for rule in questionnaire.evaluation.alerts:
        keys = {g.key for g in goals if rule.metric in (g.metric, g.definition) and _on_scale(project, questionnaire, g, rule.scale)}
        for key in sorted(keys):
            values = [v.model_copy(update={"metric": rule.metric}) for v in project.evaluation.values if v.metric == key]
            goal = next(g for g in goals if g.key == key)
            names = (goal.label(questionnaire, "zh"), goal.label(questionnaire, "en"))
            out.extend(replace(a, names=names) for a in alert_runs(rule, values))
    return out


def _on_scale(project: Project, questionnaire: Questionnaire, goal: MetricGoal, scale: Optional[str]) -> bool:
    """Whether a rule for a rating `scale` applies to the goal.

    The scale is the definition's, else the baseline export's (detected); a row typed in by
    hand is read from its numbers (baseline and target up to 5: 1-5, up to 10: 1-10, else 0-100)."""
    if scale is None:
        return True
    from diagnosis.metric_definitions import definitions
    from diagnosis.tickets.flow import baseline_import

    if goal.definition is None:
        top = max(abs(goal.baseline), abs(goal.target))
        return scale == ("1-5" if top <= 5 else "1-10" if top <= 10 else "0-100")
    definition = definitions(questionnaire, project).get(goal.definition)
    if definition is None or definition.field != "csat":  # a top-2-box share is a percentage, not a score
        return definition is None
    if definition.scale:
        return definition.scale == scale
    entry = baseline_import(project)
    return entry is None or entry.get("csat_scale") in (None, scale)


# --- measures to adjust --------------------------------------------------------------------


def _norm(text: str) -> str:
    text = re.sub(r"[（(][^)）]*[)）]", "", text)  # drop units in brackets: "一次解决率 (%)"
    return re.sub(r"[\s\-_/·:：,，.。%]+", "", text).lower()


def metrics_named(text: str, goals: list[MetricGoal], questionnaire: Optional[Questionnaire]) -> set[str]:
    """The step-1 rows (their keys) a measure's expected-effect text names."""
    norm = _norm(text)
    if not norm:
        return set()
    out = set()
    for goal in goals:
        words = {goal.metric, *metric_kinds.aliases(goal.metric)}
        names = {goal.name, metric_option_label(questionnaire, goal.metric, "zh"), metric_option_label(questionnaire, goal.metric, "en")}
        if any(_norm(w) and _norm(w) in norm for w in words) or any(_norm(n) and (_norm(n) == norm or norm in _norm(n)) for n in names):
            out.add(goal.key)
    return out


def measure_metrics(project: Project, questionnaire: Optional[Questionnaire]) -> dict[str, set[str]]:
    """Measure id -> the step-1 rows (keys) it works on (by its text, else by its root cause)."""
    goals = metric_goals(project.answers)
    keys = {g.key for g in goals}
    # the row the measure picked, else the rows its text names
    direct = {m.id: {m.metric_row} if m.metric_row in keys else metrics_named(m.metric, goals, questionnaire) for m in project.measures}
    by_cause: dict[str, set[str]] = {}
    for m in project.measures:
        if m.root_cause:
            by_cause.setdefault(m.root_cause, set()).update(direct[m.id])
    return {m.id: direct[m.id] or set(by_cause.get(m.root_cause, set()) if m.root_cause else set()) for m in project.measures}


@dataclass(frozen=True)
class Adjustment:
    measure: Measure
    metrics: tuple[str, ...]  # the keys of the missed step-1 rows it works on


def measures_to_adjust(project: Project, questionnaire: Questionnaire) -> list[Adjustment]:
    missed = [g.key for g in missed_metrics(project, questionnaire)]
    links = measure_metrics(project, questionnaire)
    out = []
    for m in project.measures:
        hit = tuple(x for x in missed if x in links[m.id])
        if hit:
            out.append(Adjustment(m, hit))
    return out


def missed_without_measure(project: Project, questionnaire: Questionnaire) -> list[MetricGoal]:
    linked = set().union(*measure_metrics(project, questionnaire).values()) if project.measures else set()
    return [g for g in missed_metrics(project, questionnaire) if g.key not in linked]


# --- chart ---------------------------------------------------------------------------------


def metric_chart(goal: MetricGoal, results: list[CheckpointResult], lang: str, questionnaire: Optional[Questionnaire] = None) -> alt.LayerChart:
    """Baseline, each measured checkpoint and the target line of one metric."""
    t = (lambda zh, en: zh if lang == "zh" else en)  # noqa: E731
    baseline_label = t("基线", "Baseline")
    points = [{"point": baseline_label, "order": 0, "value": goal.baseline, "kind": baseline_label}]
    for r in sorted((r for r in results if r.goal.key == goal.key), key=lambda r: r.checkpoint):
        label = t(f"{r.checkpoint} 个月", f"{r.checkpoint} mo")
        kind = "" if r.value is None else t("达标", "Met") if r.target_met else t("未达标", "Missed")
        points.append({"point": label, "order": r.checkpoint, "value": r.value, "kind": kind})
    order = [p["point"] for p in points]
    measured = [p for p in points if p["value"] is not None]
    title = f"{goal.label(questionnaire, lang)} ({goal.unit})" if goal.unit else goal.label(questionnaire, lang)
    x = alt.X("point:N", sort=order, title=None, scale=alt.Scale(domain=order), axis=alt.Axis(labelAngle=0))
    y = alt.Y("value:Q", title=goal.unit or None, scale=alt.Scale(zero=False))
    line = alt.Chart(alt.Data(values=measured)).mark_line(color="#5c6bc0").encode(x=x, y=y, order="order:Q")
    dots = alt.Chart(alt.Data(values=measured)).mark_point(filled=True, size=90).encode(
        x=x, y=y,
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=[baseline_label, t("达标", "Met"), t("未达标", "Missed")], range=["#9e9e9e", "#4caf50", "#e53935"])),
        tooltip=[alt.Tooltip("point:N", title=t("节点", "Checkpoint")), alt.Tooltip("value:Q", title=t("数值", "Value"))],
    )
    target_data = alt.Data(values=[{"value": goal.target, "label": t(f"目标 {goal.target:g}", f"Target {goal.target:g}")}])
    target = alt.Chart(target_data).mark_rule(strokeDash=[6, 4], color="#e53935").encode(y="value:Q")
    target_text = alt.Chart(target_data).mark_text(align="left", dx=4, dy=-6, color="#e53935").encode(
        y="value:Q", text="label:N", x=alt.value(0))
    return alt.layer(line, dots, target, target_text, title=title).properties(height=220)


# --- next cycle ----------------------------------------------------------------------------


def start_next_cycle(project: Project, questionnaire: Optional[Questionnaire] = None, *,
                     closed: Optional[dt.datetime] = None) -> Cycle:
    """Close the current cycle into `project.history` and start the next one in place.

    Kept for the new cycle: the step-1 (goals) answers, with each metric's latest measured
    value as its new baseline (targets unchanged, the direction written into the row so that
    it no longer depends on inference), and the fishbone's problem statement. Everything else
    of steps 2-6 (answers back to their defaults, causes, measures, check-ins, evaluation)
    starts empty; the closed cycle keeps it, read-only. `project.data` stays, with the closed
    cycle's last checkpoint export as the new baseline period (`flow.carry_into_next_cycle`).
    Returns the closed cycle.
    """
    if questionnaire is None:
        from diagnosis.project.files import resolve_questionnaire

        questionnaire = resolve_questionnaire(project)
    cycle = Cycle(
        number=project.cycle,
        answers=_deep(project.answers),
        fishbone=project.fishbone.model_copy(deep=True),
        measures=[m.model_copy(deep=True) for m in project.measures],
        checkins=[c.model_copy(deep=True) for c in project.checkins],
        evaluation=project.evaluation.model_copy(deep=True),
        **({"closed": closed} if closed else {}),
    )
    latest = latest_results(project, questionnaire)
    goal_ids = {q.id for s in questionnaire.step_of("goals").sections for q in s.questions}
    answers = {k: v for k, v in default_answers(questionnaire).items() if k not in goal_ids}
    answers.update({k: _deep(v) for k, v in project.answers.items() if k in goal_ids})
    rows = answers.get("metrics")
    if isinstance(rows, list):
        for row in rows:
            found = metric_goals({"metrics": [row]})
            if not found:
                continue
            goal = found[0]
            row["direction"] = goal.direction
            if goal.key in latest:
                row["baseline"] = latest[goal.key].value
    from diagnosis.tickets.flow import carry_into_next_cycle  # flow reads this module's options

    carry_into_next_cycle(project, project.cycle)
    project.history.append(cycle)
    project.answers = answers
    project.fishbone = Fishbone(problem=project.fishbone.problem)
    project.measures = []
    project.checkins = []
    project.evaluation = EvaluationRecord()
    project.cycle += 1
    return cycle


def _deep(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep(v) for v in value]
    return value


def cycle_view(project: Project, cycle: Cycle) -> Project:
    """A closed cycle as a project of its own, so the same functions can show it (read-only)."""
    return Project(
        meta=project.meta.model_copy(), questionnaire=project.questionnaire.model_copy(), answers=_deep(cycle.answers),
        fishbone=cycle.fishbone.model_copy(deep=True), measures=[m.model_copy(deep=True) for m in cycle.measures],
        checkins=[c.model_copy(deep=True) for c in cycle.checkins], evaluation=cycle.evaluation.model_copy(deep=True),
        cycle=cycle.number,
    )
