"""Step-6 alert rules on the daily or weekly series, so that they fire in week 3 and not at month 6.

A rule ("CSAT below 3.8 three times in a row") runs on the series of every step-1 row of its
metric: the values of the row's definition per day or week over every import
(`diagnosis.spc`), plus the values weekly check-ins carry for a measure that works on that row
alone (on days or weeks no import covers). A run is of consecutive recorded values, as at the
checkpoints (`diagnosis.evaluation.alert_runs`).

Units are checked before a rule runs, never silently mismatched:

    rule's scale vs a CSAT score's scale   converted linearly (3.8 of 1-5 = 70 of 0-100), unless
                                           a rule of the same metric and side is declared on
                                           the row's scale (then that one applies: superseded)
    rule's unit vs the row's unit          min / h / s converted; % / fraction converted;
                                           a time against a share, or any unit on a score, refused
    neither given                          a bound outside the row's scale (76 on 1-5) or
                                           over 100 % is refused: declare `scale:` or `unit:`
    a scale on a row that is not a score   refused (a top-2-box share is a percentage)

Each conversion and refusal is a note naming the rule and the row, shown with the alerts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.evaluation import MetricGoal, breaches, measure_metrics, metric_goals
from diagnosis.i18n import pick, tr
from diagnosis.metric_definitions import SCALE_MAX, SCALE_MIN, MetricDefinition, definitions
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import AlertRule, Questionnaire
from diagnosis.spc import Interval, Point, daily_points, project_chart

SECONDS = {"s": 1.0, "min": 60.0, "h": 3600.0}
SHARE = {"%": 1.0, "fraction": 100.0}  # in percent


@dataclass(frozen=True)
class RowUnit:
    """What a row's numbers are: a score on a scale, a time, a share in %, or a count."""

    kind: Literal["score", "time", "share", "count"]
    unit: str = ""  # score: the scale; time: s / min / h; share: %

    def text(self, lang: str) -> str:
        if self.kind == "score":
            return f"{self.unit} 量表的评分" if lang == "zh" else f"a score on the {self.unit} scale"
        if self.kind == "time":
            return {"s": ("秒", "seconds"), "min": ("分钟", "minutes"), "h": ("小时", "hours")}[self.unit][lang != "zh"]
        if self.kind == "share":
            return "百分比（%）" if lang == "zh" else "a share in %"
        return "计数" if lang == "zh" else "a count"


_TIME_FIELDS = {"frt_min": "min", "resolution_h": "h", "handle_s": "s", "queue_s": "s"}
_UNIT_WORDS = {"%": ("%", "百分比", "percent"), "min": ("分钟", "min"), "h": ("小时", "hour", "h"), "s": ("秒", "sec", "s")}


def row_unit(project: Project, goal: MetricGoal, definition: Optional[MetricDefinition]) -> RowUnit:
    if definition is not None:
        if definition.field == "csat":
            from diagnosis.tickets.flow import baseline_import, imports

            entry = baseline_import(project) or next(iter(imports(project)), None)
            return RowUnit("score", definition.scale or (entry or {}).get("csat_scale") or "1-5")
        if definition.field in _TIME_FIELDS:
            return RowUnit("time", _TIME_FIELDS[definition.field])
        return RowUnit("share", "%") if definition.statistic == "rate" else RowUnit("count")
    if goal.metric == "csat":  # typed in by hand: its numbers tell the scale, as at the checkpoints
        top = max(abs(goal.baseline), abs(goal.target))
        return RowUnit("score", "1-5" if top <= 5 else "1-10" if top <= 10 else "0-100")
    text = goal.unit.strip().lower()
    for unit, words in _UNIT_WORDS.items():
        if text in words or (len(text) > 1 and any(text.startswith(w) for w in words if len(w) > 1)):
            return RowUnit("share", "%") if unit == "%" else RowUnit("time", unit)
    return RowUnit("count")


@dataclass(frozen=True)
class RuleNote:
    rule: str
    row: str
    kind: Literal["converted", "refused", "superseded", "checkin"]
    zh: str
    en: str

    def text(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


def bound_for(rule: AlertRule, unit: RowUnit, rules: list[AlertRule], row: str,
              names: tuple[str, str] = ("", "")) -> tuple[Optional[float], Optional[RuleNote]]:
    """The rule's bound in the row's unit, or None with the note saying why it does not apply.

    The note names the rule by its id (the questionnaire's author looks for it) and the row by
    `names` (its wording, zh and en), falling back to the row's key."""
    bound = rule.below if rule.below is not None else rule.above
    assert bound is not None
    side = "below" if rule.below is not None else "above"

    def note(kind: Any, zh: str, en: str) -> RuleNote:
        zh_row, en_row = names[0] or names[1] or row, names[1] or names[0] or row
        return RuleNote(rule.id, row, kind, f"预警规则 {rule.id}（{zh_row}）：{zh}", f"alert rule {rule.id} ({en_row}): {en}")

    def refuse(zh: str, en: str) -> tuple[None, RuleNote]:
        return None, note("refused", zh + "，未应用。", en + "; not applied.")

    if rule.scale is not None:
        if unit.kind != "score":
            return refuse(f"规则按 {rule.scale} 评分量表设定，而该指标是{unit.text('zh')}", f"the rule is on the {rule.scale} rating scale, the row is {unit.text('en')}")
        if rule.scale == unit.unit:
            return bound, None
        own = next((r for r in rules if r.id != rule.id and r.metric == rule.metric and r.scale == unit.unit
                    and (r.below is not None) == (side == "below")), None)  # fmt: skip
        if own is not None:
            return None, note("superseded", f"该指标为 {unit.unit} 量表，适用规则 {own.id}。", f"the row is on {unit.unit}, rule {own.id} applies.")
        lo, hi, to_lo, to_hi = SCALE_MIN[rule.scale], SCALE_MAX[rule.scale], SCALE_MIN[unit.unit], SCALE_MAX[unit.unit]
        converted = round(to_lo + (bound - lo) / (hi - lo) * (to_hi - to_lo), 4)
        return converted, note("converted", f"{bound:g}（{rule.scale}）换算为 {converted:g}（{unit.unit}）。",
                               f"{bound:g} on {rule.scale} is {converted:g} on {unit.unit}.")
    if rule.unit is not None:
        if unit.kind == "time" and rule.unit in SECONDS:
            converted = round(bound * SECONDS[rule.unit] / SECONDS[unit.unit], 6)
        elif unit.kind == "share" and rule.unit in SHARE:
            converted = round(bound * SHARE[rule.unit], 6)
        else:
            return refuse(f"规则单位为 {rule.unit}，而该指标是{unit.text('zh')}", f"the rule is in {rule.unit}, the row is {unit.text('en')}")
        if converted == bound:
            return bound, None
        return converted, note("converted", f"{bound:g} {rule.unit} 换算为 {converted:g} {unit.unit}。",
                               f"{bound:g} {rule.unit} is {converted:g} {unit.unit}.")
    if unit.kind == "score" and not SCALE_MIN[unit.unit] <= bound <= SCALE_MAX[unit.unit]:
        return refuse(f"界限 {bound:g} 超出该指标的 {unit.unit} 量表，请在规则中写明 scale", f"{bound:g} lies outside the row's {unit.unit} scale: declare the rule's `scale`")
    if unit.kind == "share" and not 0 <= bound <= 100:
        return refuse(f"界限 {bound:g} 不是 0-100 的百分比，请在规则中写明 unit", f"{bound:g} is not a percentage of 0-100: declare the rule's `unit`")
    return bound, None


@dataclass(frozen=True)
class SeriesAlert:
    rule: AlertRule
    row: str
    bound: float  # in the row's unit
    days: tuple[dt.date, ...]
    values: tuple[float, ...]
    active: bool  # the run reaches the latest value
    names: tuple[str, str] = ("", "")  # the row as people read it (zh, en); `row` is its key

    def row_label(self, lang: str) -> str:
        return (self.names[0] if lang == "zh" else self.names[1]) or self.names[0] or self.names[1] or self.row

    def text(self, lang: str) -> str:
        side = ("低于" if lang == "zh" else "below") if self.rule.below is not None else ("高于" if lang == "zh" else "above")
        span = f"{self.days[0]}" if len(self.days) == 1 else f"{self.days[0]} – {self.days[-1]}"
        values = ", ".join(f"{v:.4g}" for v in self.values[:6]) + (" …" if len(self.values) > 6 else "")
        if lang == "zh":
            return f"{tr(self.rule.action, 'zh')}：{self.row_label('zh')} 连续 {len(self.values)} 次{side} {self.bound:g}（{span}：{values}）"
        return f"{tr(self.rule.action, 'en')}: {self.row_label('en')} {len(self.values)} in a row {side} {self.bound:g} ({span}: {values})"

    def as_json(self, lang: str) -> dict[str, Any]:
        return {"rule": self.rule.id, "row": self.row, "bound": self.bound, "days": [d.isoformat() for d in self.days],
                "values": list(self.values), "active": self.active, "text": self.text(lang)}  # fmt: skip


@dataclass
class SeriesAlerts:
    fired: list[SeriesAlert] = field(default_factory=list)
    notes: list[RuleNote] = field(default_factory=list)


def runs(rule: AlertRule, bound: float, row: str, points: list[Point], names: tuple[str, str] = ("", "")) -> list[SeriesAlert]:
    """Every maximal run of at least `rule.consecutive` values beyond `bound`, in date order."""
    probe = rule.model_copy(update={"below": bound} if rule.below is not None else {"above": bound})
    out, run = [], []
    for p in [*points, None]:
        if p is not None and breaches(probe, p.value):
            run.append(p)
            continue
        if len(run) >= rule.consecutive:
            out.append(SeriesAlert(rule, row, bound, tuple(r.day for r in run), tuple(r.value for r in run), active=p is None, names=names))
        run = []
    return out


def checkin_points(project: Project, questionnaire: Questionnaire, row: str,
                   names: tuple[str, str] = ("", "")) -> tuple[list[Point], list[RuleNote]]:
    """The values of check-ins on measures that work on this row alone (`names`: the row's wording, zh and en)."""
    links = measure_metrics(project, questionnaire)
    titles = {m.id: m.title for m in project.measures}
    points, notes = [], []
    for c in project.checkins:
        if c.value is None or row not in links.get(c.measure, set()):
            continue
        if len(links[c.measure]) > 1:
            notes.append(RuleNote("", row, "checkin", f"措施“{titles.get(c.measure, c.measure)}”的跟进值对应多个指标，未计入 {names[0] or row}。",
                                  f"check-in values of “{titles.get(c.measure, c.measure)}” name several metrics: not added to {names[1] or row}."))
            continue
        points.append(Point(c.date, float(c.value), period="checkin"))
    return sorted(points, key=lambda p: p.day), list({n.zh: n for n in notes}.values())


def row_points(project: Project, questionnaire: Questionnaire, goal: MetricGoal, interval: Interval) -> tuple[list[Point], list[RuleNote]]:
    """The series an alert runs on: imports per day/week, then check-in values where no import speaks."""
    points: list[Point] = []
    if goal.definition is not None:
        known = definitions(questionnaire, project)
        if goal.definition in known and daily_points(project, known[goal.definition])[0]:
            try:
                points = project_chart(project, questionnaire, goal.key, interval=interval, stages=False).points
            except DiagnosisError:
                points = []
    extra, notes = checkin_points(project, questionnaire, goal.key, (goal.label(questionnaire, "zh"), goal.label(questionnaire, "en")))

    def slot(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday()) if interval == "week" else day

    covered = {slot(p.day) for p in points}
    merged = points + [p for p in extra if slot(p.day) not in covered]
    return sorted(merged, key=lambda p: p.day), notes


def series_alerts(project: Project, questionnaire: Questionnaire, interval: Interval = "week") -> SeriesAlerts:
    """Every alert rule on the series of every step-1 row of its metric (see the module docstring)."""
    out = SeriesAlerts()
    rules = list(questionnaire.evaluation.alerts)
    known = definitions(questionnaire, project)
    for goal in metric_goals(project.answers):
        mine = [r for r in rules if r.metric in (goal.metric, goal.definition)]
        if not mine:
            continue
        points, notes = row_points(project, questionnaire, goal, interval)
        out.notes.extend(notes)
        if not points:
            continue
        unit = row_unit(project, goal, known.get(goal.definition or ""))
        names = (goal.label(questionnaire, "zh"), goal.label(questionnaire, "en"))
        for rule in mine:
            bound, note = bound_for(rule, unit, rules, goal.key, names)
            if note is not None:
                out.notes.append(note)
            if bound is not None:
                out.fired.extend(runs(rule, bound, goal.key, points, names))
    return out
