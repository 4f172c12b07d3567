"""Pareto ranking (80/20) of the fishbone's causes or categories, and its Altair chart.

The ranking is over the ribs of the fishbone (top-level causes): a sub-cause explains part
of its rib, so counting both would count the same tickets twice. The measure is one of

- `value`: the measured value (ticket count, cost, minutes lost). A rib without its own value
  takes the sum of its sub-causes' values (recursively), since the "why? why?" chain splits it.
- `votes`: the dots given in the workshop, to the rib and to all its sub-causes.
- `score`: frequency weight x impact weight, both declared in the questionnaire's `analysis`.

A cause whose measure is zero, negative or missing (or not a finite number) is left out and
listed in `excluded` with its reason, so totals are never silently wrong. Equal values keep
the order in which the causes were entered. The vital few are the shortest prefix of the
ranking whose cumulative percent reaches the threshold (the questionnaire's, 80 by default),
and every cause tied on value with the last of them: entry order must not decide which of two
equal causes is fixed first. Such a tie is marked on its rows (`tied_at_cut`) and stated by
`ParetoResult.cut_note`, which every table (page, report, command line) shows.
A long tail can be folded into one "其他 / Other" bar; the vital few are never folded.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.fishbone import category_label, descendants, find_cause
from diagnosis.project.model import Cause, Fishbone, Project
from diagnosis.questionnaire.model import Questionnaire

By = Literal["value", "votes", "score"]
Level = Literal["cause", "category"]
BY = ("value", "votes", "score")
LEVELS = ("cause", "category")

REASONS = {
    "zero": {"zh": "值为 0", "en": "value is zero"},
    "negative": {"zh": "值为负数", "en": "value is negative"},
    "missing": {"zh": "没有数值", "en": "no value"},
    "invalid": {"zh": "不是有效数字", "en": "not a finite number"},
}
OTHER = {"zh": "其他", "en": "Other"}
MEASURE_TITLES = {
    "value": {"zh": "数值", "en": "Value"},
    "votes": {"zh": "票数", "en": "Votes"},
    "score": {"zh": "加权分 (频率×影响)", "en": "Score (frequency × impact)"},
}


class InvalidPareto(DiagnosisError):
    """A Pareto request that makes no sense (unknown measure, threshold out of range...)."""


@dataclass(frozen=True)
class ParetoRow:
    rank: int
    cause_id: str  # the category id at category level
    cause: str
    category: str
    category_id: str
    value: float
    percent: float
    cumulative: float
    cumulative_percent: float
    vital_few: bool
    tied_at_cut: bool = False  # equal in value to the last cause within the threshold, and vital for it


@dataclass(frozen=True)
class Excluded:
    cause_id: str
    cause: str
    category: str
    value: Optional[float]
    reason: str  # zero | negative | missing | invalid

    def reason_text(self, lang: str) -> str:
        return REASONS[self.reason]["zh" if lang == "zh" else "en"]


@dataclass(frozen=True)
class Other:
    """The folded tail: one bar, last, holding `rows`."""

    value: float
    percent: float
    rows: list[ParetoRow]

    def label(self, lang: str) -> str:
        return OTHER["zh" if lang == "zh" else "en"]


@dataclass(frozen=True)
class ParetoResult:
    by: str
    level: str
    threshold: float
    total: float
    rows: list[ParetoRow]
    excluded: list[Excluded] = field(default_factory=list)
    other: Optional[Other] = None
    unit: str = ""

    @property
    def vital_few(self) -> list[ParetoRow]:
        rows = self.rows + (self.other.rows if self.other else [])
        return [row for row in rows if row.vital_few]

    @property
    def tied_at_cut(self) -> list[ParetoRow]:
        return [row for row in self.vital_few if row.tied_at_cut]

    def cut_note(self, lang: str) -> str:
        """One sentence when causes tied at the threshold were all made vital, else ""."""
        tied = self.tied_at_cut
        if not tied:
            return ""
        value = f"{_number(tied[0].value):g}"
        names = "、".join(r.cause for r in tied) if lang == "zh" else ", ".join(r.cause for r in tied)
        if lang == "zh":
            return f"在 {self.threshold:g}% 分界处有 {len(tied)} 项数值相同（{value}）：{names}，全部计为关键少数，不按录入顺序取舍。"
        return (f"{len(tied)} items are tied at the {self.threshold:g}% cut (value {value}): {names}; "
                "all count as vital few rather than letting entry order decide.")

    def to_dict(self) -> dict[str, Any]:
        """The command line's JSON: `by`, `threshold`, `rows`, `excluded`; percentages 0-100."""
        rows = self.rows + (self.other.rows if self.other else [])
        return {
            "by": self.by,
            "threshold": _number(self.threshold),
            "rows": [
                {
                    "rank": r.rank,
                    "cause": r.cause,
                    "category": r.category,
                    "value": _number(r.value),
                    "percent": round(r.percent, 2),
                    "cumulative": _number(r.cumulative),
                    "cumulative_percent": round(r.cumulative_percent, 2),
                    "vital_few": r.vital_few,
                    "tied_at_cut": r.tied_at_cut,
                }
                for r in rows
            ],
            "excluded": [
                {"cause": e.cause, "category": e.category, "value": None if e.value is None or not math.isfinite(e.value) else _number(e.value), "reason": e.reason}
                for e in self.excluded
            ],
        }


def vital_mark(vital: bool, tied: bool, lang: str) -> str:
    """The table cell of the vital-few column: ★, and "(tie)" on a cause made vital by a tie."""
    if not vital:
        return ""
    return "★" + (("（并列）" if lang == "zh" else " (tie)") if tied else "")


def _number(x: float) -> float | int:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else round(x, 6)


# --- measures ----------------------------------------------------------------------------------


def cause_value(cause: Cause) -> Optional[float]:
    """The cause's own value, else the sum of its sub-causes' values (None when nobody has one)."""
    if cause.value is not None:
        return cause.value
    values = [v for v in (cause_value(child) for child in cause.children) if v is not None]
    return sum(values) if values else None


def cause_votes(cause: Cause) -> int:
    return cause.vote_total + sum(d.vote_total for d in descendants(cause))


def cause_score(cause: Cause, questionnaire: Questionnaire) -> Optional[float]:
    if cause.frequency is None or cause.impact is None:
        return None
    analysis = questionnaire.analysis
    return getattr(analysis.frequency_weights, cause.frequency) * getattr(analysis.impact_weights, cause.impact)


def measure(cause: Cause, by: str, questionnaire: Questionnaire) -> Optional[float]:
    if by == "value":
        return cause_value(cause)
    if by == "votes":
        return float(cause_votes(cause))
    return cause_score(cause, questionnaire)


def _reason(value: Optional[float]) -> Optional[str]:
    if value is None:
        return "missing"
    if not math.isfinite(value):
        return "invalid"
    if value < 0:
        return "negative"
    if value == 0:
        return "zero"
    return None


def default_measure(fishbone: Fishbone) -> str:
    """What to rank by when nobody chose: measured values, else votes, else the weighted score."""
    ribs = fishbone.causes
    if any(_reason(cause_value(c)) is None for c in ribs):
        return "value"
    if any(cause_votes(c) > 0 for c in ribs):
        return "votes"
    return "score"


# --- the table ----------------------------------------------------------------------------------


def rank_fishbone(
    fishbone: Fishbone,
    questionnaire: Questionnaire,
    by: str = "value",
    level: str = "cause",
    threshold: Optional[float] = None,
    top_n: Optional[int] = None,
    other_below_percent: Optional[float] = None,
    lang: str = "zh",
) -> ParetoResult:
    """The Pareto table of any fishbone (the current one or an earlier cycle's)."""
    if by not in BY:
        raise InvalidPareto(f"未知的度量“{by}”（可选：{', '.join(BY)}）", f"unknown measure '{by}' (choose {', '.join(BY)})")
    if level not in LEVELS:
        raise InvalidPareto(f"未知的层级“{level}”（可选：{', '.join(LEVELS)}）", f"unknown level '{level}' (choose {', '.join(LEVELS)})")
    threshold = questionnaire.analysis.pareto_threshold if threshold is None else float(threshold)
    if not (0 < threshold <= 100):
        raise InvalidPareto(f"阈值是大于 0、不超过 100 的百分数（现为 {threshold:g}）", f"the threshold is a percent above 0 and at most 100 ({threshold:g} given)")
    if top_n is not None and top_n < 1:
        raise InvalidPareto("至少保留一根柱（前 N 项 >= 1）", "keep at least one bar (top N >= 1)")
    if other_below_percent is not None and not (0 <= other_below_percent <= 100):
        raise InvalidPareto("并入“其他”的百分比须在 0 到 100 之间", "the percent under which bars fold into Other is between 0 and 100")

    def label(category_id: str) -> str:
        return category_label(questionnaire, category_id, lang)

    # (id, text, category id, value) in entry order
    items: list[tuple[str, str, str, float]] = []
    excluded: list[Excluded] = []
    for cause in fishbone.causes:
        value = measure(cause, by, questionnaire)
        reason = _reason(value)
        if reason:
            excluded.append(Excluded(cause.id, cause.text, label(cause.category), value, reason))
        else:
            items.append((cause.id, cause.text, cause.category, float(value)))  # type: ignore[arg-type]

    if level == "category":
        order = [c.id for c in questionnaire.cause_categories]
        totals: dict[str, float] = {}
        for _id, _text, category, value in items:
            totals[category] = totals.get(category, 0.0) + value
        ranked_ids = sorted(totals, key=lambda c: order.index(c) if c in order else len(order))
        items = [(c, label(c), c, totals[c]) for c in ranked_ids]

    items.sort(key=lambda item: -item[3])  # stable: equal values keep entry order
    total = math.fsum(item[3] for item in items)
    rows: list[ParetoRow] = []
    cumulative = 0.0
    vital_open = True
    for rank, (item_id, text, category, value) in enumerate(items, start=1):
        cumulative = math.fsum((cumulative, value))
        last = rank == len(items)
        cumulative_percent = 100.0 if last else min(100.0, cumulative / total * 100)
        rows.append(ParetoRow(rank, item_id, text, label(category), category, value, value / total * 100, cumulative, cumulative_percent, vital_open))
        # reached within a rounding error: 0.8 * total may not be exactly representable
        if vital_open and cumulative * 100 >= threshold * total * (1 - 1e-12):
            vital_open = False
    rows = _keep_ties_together(rows)

    other = None
    keep = len(rows)
    if top_n is not None:
        keep = min(keep, top_n)
    if other_below_percent is not None:
        keep = min(keep, sum(1 for r in rows if r.percent >= other_below_percent))
    keep = max(keep, sum(1 for r in rows if r.vital_few))
    if len(rows) - keep >= 2:  # folding one bar into "Other" only renames it
        tail = rows[keep:]
        rows = rows[:keep]
        other = Other(value=math.fsum(r.value for r in tail), percent=math.fsum(r.percent for r in tail), rows=tail)

    units = {c.unit for c in fishbone.causes if c.unit} if by == "value" else set()
    return ParetoResult(
        by=by, level=level, threshold=threshold, total=total, rows=rows, excluded=excluded, other=other,
        unit=units.pop() if len(units) == 1 else "",
    )


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0)


def _keep_ties_together(rows: list[ParetoRow]) -> list[ParetoRow]:
    """Make every cause tied with the last vital one vital too, marking the whole tied group."""
    vital = [r for r in rows if r.vital_few]
    if not vital or len(vital) == len(rows):
        return rows
    cut = vital[-1].value
    if not _same(rows[len(vital)].value, cut):
        return rows  # the next cause is smaller: no tie straddles the cut
    return [
        replace(r, vital_few=True, tied_at_cut=True) if _same(r.value, cut) else r
        for r in rows
    ]


def pareto_table(
    project: Project,
    questionnaire: Questionnaire,
    by: str = "value",
    level: str = "cause",
    threshold: Optional[float] = None,
    top_n: Optional[int] = None,
    other_below_percent: Optional[float] = None,
    lang: Optional[str] = None,
) -> ParetoResult:
    """The Pareto table of the project's fishbone.

    The ribs (top-level causes) are ranked; a rib without its own value takes the sum of its
    sub-causes' values. `threshold` defaults to the questionnaire's `pareto_threshold` (80).
    `top_n` keeps that many bars and `other_below_percent` folds bars under that percent into
    one "Other" (never a vital-few cause, never a single bar). Labels are in `lang`
    (default: the project's language)."""
    return rank_fishbone(
        project.fishbone, questionnaire, by=by, level=level, threshold=threshold, top_n=top_n,
        other_below_percent=other_below_percent, lang=lang or project.meta.language,
    )


# --- root causes --------------------------------------------------------------------------------


def proposed_root_causes(project: Project, questionnaire: Questionnaire, by: Optional[str] = None) -> list[str]:
    """Ids of the vital few by `by` (default: see `default_measure`) -- the team's starting point."""
    result = pareto_table(project, questionnaire, by=by or default_measure(project.fishbone))
    return [row.cause_id for row in result.vital_few]


def root_causes(project: Project, questionnaire: Questionnaire) -> list[Cause]:
    """The confirmed root causes (carried into step 4), or the proposal while none are confirmed."""
    ids = project.fishbone.confirmed
    if ids is None:
        ids = proposed_root_causes(project, questionnaire)
    out = []
    for cause_id in ids:
        try:
            out.append(find_cause(project.fishbone, cause_id))
        except DiagnosisError:
            continue  # a confirmed cause deleted since: nothing to carry forward
    return out


def records(result: ParetoResult, lang: str, with_other: bool = True) -> list[dict[str, Any]]:
    """Rows as plain dicts for tables and charts, the "Other" bar last when there is one."""
    out = [asdict(row) for row in result.rows]
    if with_other and result.other is not None:
        o = result.other
        out.append({
            "rank": None, "cause_id": "__other__", "cause": f"{o.label(lang)} ({len(o.rows)})", "category": "",
            "category_id": "", "value": o.value, "percent": o.percent, "cumulative": result.total,
            "cumulative_percent": 100.0, "vital_few": False, "tied_at_cut": False,
        })
    return out


def pareto_chart(result: ParetoResult, lang: str = "zh", **options: Any) -> Any:
    """The Altair chart of a result (see `diagnosis.pareto_chart.chart`)."""
    from diagnosis.pareto_chart import chart

    return chart(result, lang, **options)


def pareto_before_after(project: Project, questionnaire: Questionnaire, lang: str = "zh", **options: Any) -> Any:
    """The earlier cycle's chart beside this one on the same scale, or None without history."""
    from diagnosis.pareto_chart import before_after

    return before_after(project, questionnaire, lang, **options)
