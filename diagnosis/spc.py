"""Control charts of a step-1 row over every imported period, with stages and special-cause rules.

The series is built from the daily aggregates each import keeps per metric definition
(`diagnosis.tickets.measure`: day, n, k, sum, value ...), never from raw rows; a weekly series
adds the days of a week up (rates: k and n; means: sums over n; tickets per agent-day: tickets
over agent-days; ticket volume: tickets per day, so a half week is not a dip; medians and p90:
the n-weighted mean of the daily values, an approximation the method line states). A week
never mixes two periods or two stages.

Chart by statistic: a rate is a p-chart with varying n (centre p̄ = Σk / Σn, limits
p̄ ± 3·√(p̄(1 - p̄) / n_i), clipped to 0-100 %); every other statistic an individuals (XmR)
chart (centre the mean, sigma = MR̄ / 1.128, the mean moving range of consecutive points).

Stages (as Minitab's): a new stage starts on the launch date and on each measure's go-live
(its start date); stages without points fold into the next. A stage's limits come from the
baseline period's points in it (frozen), else from its own points (at least `MIN_STAGE_POINTS`;
the first stage takes any it has), else it keeps the limits of the stage before. Without
stages (`stages=False`) the baseline limits run over the whole series, so a lasting change
shows as a signal. Rules run on each stage separately (`diagnosis.spc_rules`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.evaluation import launch_date, metric_goals
from diagnosis.metric_definitions import MetricDefinition, definitions
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.spc_rules import RULES, expand
from diagnosis.tickets.flow import imports

D2 = 1.128  # the bias constant d2 of a moving range of two points
MIN_STAGE_POINTS = 5
Interval = Literal["day", "week"]
_PRIORITY = {"baseline": 0, "checkpoint": 1, "reference": 2}  # which import keeps a day two imports cover


@dataclass(frozen=True)
class Point:
    day: dt.date  # a week's point: the first day of the week (within its period and stage)
    value: float  # in the definition's unit (rates in %)
    n: Optional[int] = None
    k: Optional[int] = None
    period: str = ""  # baseline | reference | checkpoint | checkin
    months: Optional[int] = None  # a checkpoint's months after launch


@dataclass(frozen=True)
class Boundary:
    day: dt.date
    kind: Literal["launch", "measure"]
    name: str = ""  # the measure's title

    def label(self, lang: str) -> str:
        if self.kind == "launch":
            return f"上线（{self.day}）" if lang == "zh" else f"launch ({self.day})"
        return f"措施“{self.name}”上线（{self.day}）" if lang == "zh" else f"measure “{self.name}” live ({self.day})"


@dataclass
class Stage:
    index: int
    boundaries: tuple[Boundary, ...]  # what started it (none for the first stage)
    points: list[int]
    center: Optional[float] = None  # XmR: the mean; p-chart: p̄ in %
    sigma: Optional[float] = None  # XmR only (a p-chart's sigma is per point)
    calibration: Literal["baseline", "own", "previous", "none"] = "none"

    def label(self, lang: str) -> str:
        if not self.boundaries:
            return "基线阶段" if lang == "zh" else "baseline stage"
        if any(b.kind == "launch" for b in self.boundaries):
            rest = sum(b.kind == "measure" for b in self.boundaries)
            head = "上线后" if lang == "zh" else "after launch"
            more = (f"（另有 {rest} 项措施上线）" if lang == "zh" else f" (and {rest} measure(s) live)") if rest else ""
            return head + more
        if len(self.boundaries) == 1:
            return ("" if lang == "zh" else "after ") + self.boundaries[0].label(lang) + ("后" if lang == "zh" else "")
        return f"{len(self.boundaries)} 项措施上线后" if lang == "zh" else f"after {len(self.boundaries)} measures went live"


@dataclass(frozen=True)
class Signal:
    rule: str
    stage: int
    indices: tuple[int, ...]  # into the chart's points
    days: tuple[dt.date, ...]

    def rule_label(self, lang: str) -> str:
        return RULES[self.rule].label(lang)

    def text(self, lang: str) -> str:
        days = _days_text(self.days, lang)
        return f"{self.rule_label(lang)}：{days}" if lang == "zh" else f"{self.rule_label(lang)}: {days}"

    def as_json(self, lang: str) -> dict[str, Any]:
        return {"rule": self.rule, "stage": self.stage, "days": [d.isoformat() for d in self.days], "text": self.text(lang)}


def _days_text(days: tuple[dt.date, ...], lang: str) -> str:
    if len(days) <= 3:
        return ("、" if lang == "zh" else ", ").join(d.isoformat() for d in days)
    return (f"{days[0]} 至 {days[-1]}（{len(days)} 点）" if lang == "zh" else f"{days[0]} to {days[-1]} ({len(days)} points)")


@dataclass
class ControlChart:
    row: str
    name: dict[str, str]  # by language
    definition: MetricDefinition
    kind: Literal["p", "xmr"]
    interval: Interval
    points: list[Point]
    stage_of: list[int]
    center: list[Optional[float]]
    lcl: list[Optional[float]]
    ucl: list[Optional[float]]
    stages: list[Stage]
    signals: list[Signal]
    rules: tuple[str, ...]
    staged: bool = True
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.definition.label(lang)

    def unit(self, lang: str) -> str:
        return "%" if self.kind == "p" else self.definition.unit_text(lang)

    def method(self, lang: str) -> str:
        """The method in one sentence, for the page and the report."""
        zh = lang == "zh"
        every = ("每日" if zh else "daily") if self.interval == "day" else ("每周" if zh else "weekly")
        chart = (f"p 控制图（{every}，样本量不等，限 = p̄ ± 3√(p̄(1−p̄)/n)）" if zh else f"p-chart ({every}, varying n, limits p̄ ± 3√(p̄(1−p̄)/n))") \
            if self.kind == "p" else (f"单值-移动极差（XmR）图（{every}，σ = MR̄/1.128）" if zh else f"individuals (XmR) chart ({every}, σ = MR̄/1.128)")
        if self.staged:
            limits = "控制限取自基线期并冻结，上线和各措施上线后分阶段重新计算" if zh else \
                "limits frozen from the baseline period and recomputed per stage (launch, each measure's go-live)"
        else:
            limits = "控制限取自基线期，延用到整个序列" if zh else "limits from the baseline period, extended over the whole series"
        names = ("、" if zh else ", ").join(RULES[r].label(lang).split("：" if zh else ":")[0] for r in self.rules)
        rules = f"判异规则：{names}" if zh else f"rules: {names}"
        approx = ""
        if self.interval == "week" and self.definition.statistic in ("median", "p90"):
            approx = "；周值为日值按 n 加权的平均（近似）" if zh else "; a week's value is the n-weighted mean of its daily values (an approximation)"
        return f"{chart}；{limits}；{rules}{approx}。" if zh else f"{chart}; {limits}; {rules}{approx}."

    def as_json(self, lang: str) -> dict[str, Any]:
        return {
            "row": self.row, "name": self.label(lang), "definition": self.definition.id, "chart": self.kind,
            "interval": self.interval, "method": self.method(lang),
            "points": [{"day": p.day.isoformat(), "value": p.value, "n": p.n, "period": p.period, "stage": s,
                        "center": c, "lcl": lo, "ucl": hi}
                       for p, s, c, lo, hi in zip(self.points, self.stage_of, self.center, self.lcl, self.ucl)],
            "stages": [{"stage": s.index, "label": s.label(lang), "start": s.boundaries[-1].day.isoformat() if s.boundaries else None,
                        "calibration": s.calibration, "center": s.center, "sigma": s.sigma} for s in self.stages],
            "signals": [s.as_json(lang) for s in self.signals],
            "notes": [zh if lang == "zh" else en for zh, en in self.notes],
        }  # fmt: skip


# --- the series ------------------------------------------------------------------------------


def _day(text: Any) -> Optional[dt.date]:
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def daily_points(project: Project, definition: MetricDefinition) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """Every stored day of the definition over all imports: [{day, n, k, sum, value, period, months}], by day.

    A day two imports cover is taken from the baseline, else a checkpoint, else a reference
    import. A CSAT score is kept on the first baseline (else first) import's scale; days of an
    import on another scale are left out, with a note."""
    entries = sorted(imports(project), key=lambda e: _PRIORITY.get(e.get("period"), 3))
    scales = [e.get("csat_scale") for e in entries if e.get("csat_scale")]
    scale = definition.scale or (scales[0] if scales else None)
    notes, days = [], {}
    for entry in entries:
        data = (entry.get("values") or {}).get(definition.id)
        if not isinstance(data, dict):
            continue
        if definition.field == "csat" and scale and entry.get("csat_scale") not in (None, scale):
            name = (entry.get("source") or {}).get("name", "")
            notes.append((f"{name} 的满意度量表为 {entry.get('csat_scale')}，与 {scale} 不同，未计入。",
                          f"{name} rates on {entry.get('csat_scale')}, not {scale}: left out."))
            continue
        for d in data.get("daily") or []:
            day = _day(d.get("day"))
            if day is None or day in days or d.get("value") is None or not d.get("n"):
                continue
            days[day] = {**d, "day": day, "period": entry.get("period", ""), "months": entry.get("months")}
    return [days[d] for d in sorted(days)], notes


def _week_value(definition: MetricDefinition, days: list[dict[str, Any]]) -> tuple[float, int, Optional[int]]:
    n = sum(int(d["n"]) for d in days)
    if definition.statistic == "rate":
        k = sum(int(d["k"] or 0) for d in days)
        return 100.0 * k / n, n, k
    if definition.statistic == "mean" and all(d.get("sum") is not None for d in days):
        return sum(float(d["sum"]) for d in days) / n, n, None
    if definition.statistic == "count" and definition.field == "volume":
        return sum(float(d["value"]) for d in days) / len(days), n, None
    return sum(float(d["value"]) * int(d["n"]) for d in days) / n, n, None


def _point(d: dict[str, Any]) -> Point:
    return Point(d["day"], float(d["value"]), int(d["n"]), None if d.get("k") is None else int(d["k"]), d["period"], d.get("months"))


def boundaries(project: Project) -> list[Boundary]:
    """Where stages start: the launch date and each measure's start (go-live) date, by day."""
    out = []
    launch = launch_date(project)
    if launch:
        out.append(Boundary(launch, "launch"))
    out.extend(Boundary(m.start, "measure", m.title) for m in project.measures if m.start)
    return sorted(out, key=lambda b: (b.day, b.kind != "launch", b.name))


def _stage_index(day: dt.date, cuts: list[Boundary]) -> int:
    return sum(1 for b in cuts if b.day <= day)


# --- limits and rules ------------------------------------------------------------------------


def _calibrate(kind: str, points: list[Point]) -> Optional[tuple[float, Optional[float]]]:
    """(centre, sigma) from calibration points: p-chart (p̄ in %, None), XmR (mean, MR̄ / d2)."""
    if kind == "p":
        n = sum(p.n or 0 for p in points)
        return (100.0 * sum(p.k or 0 for p in points) / n, None) if n else None
    if len(points) < 2:
        return None
    values = [p.value for p in points]
    moving = [abs(b - a) for a, b in zip(values, values[1:])]
    return sum(values) / len(values), sum(moving) / len(moving) / D2


def point_sigma(kind: str, center: float, sigma: Optional[float], point: Point) -> float:
    """One point's sigma in the chart's unit (a p-chart's depends on its n)."""
    if kind == "p":
        p = center / 100.0
        return 100.0 * math.sqrt(p * (1 - p) / point.n) if point.n else 0.0
    return float(sigma or 0.0)


def _z(value: float, center: float, sigma: float) -> float:
    if sigma > 0:
        return (value - center) / sigma
    return 0.0 if value == center else math.copysign(math.inf, value - center)


def chart_kind(definition: MetricDefinition) -> Literal["p", "xmr"]:
    return "p" if definition.statistic == "rate" else "xmr"


def control_chart(points: list[Point], definition: MetricDefinition, *, cuts: Optional[list[Boundary]] = None,
                  rules: tuple[str, ...] = ("we1", "we2", "we3", "we4"), interval: Interval = "day", row: str = "",
                  name: Optional[dict[str, str]] = None) -> ControlChart:
    """Limits per stage and the signals of `rules` on points already in series order (see the module docstring)."""
    kind = chart_kind(definition)
    cuts = list(cuts or [])
    raw = [_stage_index(p.day, cuts) for p in points]
    # stages without points fold into the next one that has some
    used = sorted(set(raw))
    stages: list[Stage] = []
    for number, index in enumerate(used):
        earlier = used[number - 1] if number else 0
        started = tuple(cuts[earlier:index]) if number else tuple(cuts[:index])
        stages.append(Stage(number, started, [i for i, s in enumerate(raw) if s == index]))
    previous: Optional[tuple[float, Optional[float]]] = None
    for stage in stages:
        mine = [points[i] for i in stage.points]
        base = [p for p in mine if p.period == "baseline"]
        found = _calibrate(kind, base)
        how = "baseline"
        if found is None:
            enough = len(mine) >= (1 if stage.index == 0 else MIN_STAGE_POINTS)
            found, how = (_calibrate(kind, mine), "own") if enough else (None, "own")
        if found is None and previous is not None:
            found, how = previous, "previous"
        if found is not None:
            stage.center, stage.sigma, stage.calibration = found[0], found[1], how  # type: ignore[assignment]
            previous = found
    stage_of = [0] * len(points)
    center: list[Optional[float]] = [None] * len(points)
    lcl: list[Optional[float]] = [None] * len(points)
    ucl: list[Optional[float]] = [None] * len(points)
    signals: list[Signal] = []
    for stage in stages:
        z = []
        for i in stage.points:
            stage_of[i] = stage.index
            if stage.center is None:
                continue
            s = point_sigma(kind, stage.center, stage.sigma, points[i])
            lo, hi = stage.center - 3 * s, stage.center + 3 * s
            if kind == "p":
                lo, hi = max(lo, 0.0), min(hi, 100.0)
            center[i], lcl[i], ucl[i] = stage.center, lo, hi
            z.append(_z(points[i].value, stage.center, s))
        if stage.center is None:
            continue
        values = [points[i].value for i in stage.points]
        for rule in rules:
            for group in RULES[rule].find(z, values):
                idx = tuple(stage.points[j] for j in group)
                signals.append(Signal(rule, stage.index, idx, tuple(points[i].day for i in idx)))
    signals.sort(key=lambda s: (s.indices[0], rules.index(s.rule)))
    return ControlChart(row, name or {}, definition, kind, interval, points, stage_of, center, lcl, ucl, stages, signals,
                        rules, staged=bool(cuts))  # fmt: skip


# --- a project's row -------------------------------------------------------------------------


def resolve_row(project: Project, questionnaire: Questionnaire, metric: str) -> tuple[str, MetricDefinition, dict[str, str]]:
    """(row key, definition, name by language) of a step-1 row key or a definition id."""
    known = definitions(questionnaire, project)
    goals = metric_goals(project.answers)
    goal = next((g for g in goals if g.key == metric), None) or next((g for g in goals if g.definition == metric), None)
    if goal is not None and goal.definition is None:
        raise DiagnosisError(f"第一步的“{metric}”行是手工填写的，没有每日序列（请在第一步为它绑定指标定义）",
                            f"step-1 row '{metric}' is typed in by hand: it has no daily series (bind it to a definition in step 1)")
    definition_id = goal.definition if goal else metric
    if definition_id not in known:
        rows = ", ".join(g.key for g in goals if g.definition) or "none"
        raise DiagnosisError(f"第一步没有“{metric}”这一行或指标定义（已绑定的行：{rows}）", f"no step-1 row or metric definition '{metric}' (bound rows: {rows})")
    definition = known[definition_id]
    name = {lang: (goal.name if goal and goal.name else definition.label(lang)) for lang in ("zh", "en")}
    return (goal.key if goal else definition.id), definition, name


def project_chart(project: Project, questionnaire: Questionnaire, metric: str, *, interval: Interval = "day",
                  stages: bool = True) -> ControlChart:
    """The control chart of one step-1 row (or definition) over every imported period."""
    if interval not in ("day", "week"):
        raise DiagnosisError(f"序列只能按日或按周，不能是“{interval}”", f"interval is day or week, not '{interval}'")
    key, definition, name = resolve_row(project, questionnaire, metric)
    days, notes = daily_points(project, definition)
    if not days:
        raise DiagnosisError(f"“{metric}”没有每日数值：请先在第二步导入工单导出文件", f"'{metric}' has no daily values: import a ticket export in step 2 first")
    cuts = boundaries(project) if stages else []
    if interval == "day":
        points = [_point(d) for d in days]
    else:
        buckets: dict[tuple, list[dict[str, Any]]] = {}
        for d in days:
            monday = d["day"] - dt.timedelta(days=d["day"].weekday())
            buckets.setdefault((monday, _stage_index(d["day"], cuts), d["period"], d.get("months")), []).append(d)
        points = []
        for (_, _, period, months), group in sorted(buckets.items(), key=lambda kv: kv[1][0]["day"]):
            value, n, k = _week_value(definition, group)
            points.append(Point(group[0]["day"], value, n, k, period, months))
    chart = control_chart(points, definition, cuts=cuts, rules=expand(questionnaire.evaluation.rules), interval=interval,
                          row=key, name=name)  # fmt: skip
    chart.notes.extend(notes)
    if not any(p.period == "baseline" for p in points):
        chart.notes.append(("没有基线期导入：第一阶段的控制限取自其自身的数据。",
                            "No baseline import: the first stage's limits come from its own data."))
    return chart


def bound_rows(project: Project) -> list[str]:
    """The step-1 rows bound to a definition (their keys), in table order: the charts a project has."""
    return [g.key for g in metric_goals(project.answers) if g.definition]


def project_charts(project: Project, questionnaire: Questionnaire, *, interval: Interval = "day") -> list[ControlChart]:
    """The chart of every bound step-1 row that has daily values."""
    out = []
    for key in bound_rows(project):
        try:
            out.append(project_chart(project, questionnaire, key, interval=interval))
        except DiagnosisError:
            continue  # a row whose definition no import computes has no chart
    return out


def reading(charts: list[ControlChart], lang: str) -> list[str]:
    """What the control charts say, for people: signals since the launch (the process changed) and
    signals inside the baseline (its limits, and any before/after comparison, stand on an unstable period)."""
    zh = lang == "zh"
    sep = "、" if zh else ", "
    after, unstable = [], []
    for chart in charts:
        def period_of(signal: Signal, chart: ControlChart = chart) -> set[str]:
            return {chart.points[i].period for i in signal.indices}

        later = [s for s in chart.signals if period_of(s) & {"checkpoint", "checkin"}]
        if later:
            first = later[0]
            after.append(f"{chart.label(lang)}（{len(later)} 个信号，最早 {first.days[0].isoformat()}，{first.rule_label(lang)}）" if zh
                         else f"{chart.label(lang)} ({len(later)} signals, first on {first.days[0].isoformat()}, {first.rule_label(lang)})")
        if any(period_of(s) == {"baseline"} for s in chart.signals):
            unstable.append(chart.label(lang))
    out = []
    if after:
        out.append("上线后出现特殊原因信号：" + "；".join(after) + "。信号表示非随机的变化（偏离当时的控制限、趋势或异常点）：对照措施上线日期和当时发生的事查明原因。" if zh
                   else "Special-cause signals since the launch: " + "; ".join(after)
                   + ". A signal is non-random variation (away from the limits in force, a trend or an outlier): match it with"
                   " the measures' go-live dates and what else happened then.")
    elif charts:
        out.append("上线后没有特殊原因信号：过程仍在原控制限内波动。" if zh
                   else "No special-cause signal since the launch: the process still varies within its old limits.")
    if unstable:
        out.append(f"基线期本身已有信号（{sep.join(unstable)}）：基线不稳定，控制限与前后对比都需谨慎解读。" if zh
                   else f"The baseline itself has signals ({sep.join(unstable)}): it is not stable, so read its limits and the before/after comparison with care.")
    return out

