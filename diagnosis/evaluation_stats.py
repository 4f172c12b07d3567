"""Step 6: did it really change? A before/after test of every bound step-1 row at each checkpoint.

For every step-1 row bound to a metric definition and every checkpoint with an import, the
baseline period (the latest baseline import) is compared with the checkpoint period, from
what `diagnosis.tickets.measure` stored per period (never raw rows):

    rate          k, n         difference of two proportions (percentage points), Newcombe's
                               hybrid-score interval and the pooled two-proportion z-test
                               (statsmodels `confint_proportions_2indep`, `proportions_ztest`)
    mean          n, sum, sumsq  difference of means, Welch's t-test and its Welch-Satterthwaite
                               interval (scipy `ttest_ind_from_stats`)
    median, p90   sketch       difference of the quantiles; interval by Price & Bonett (2002):
                               each quantile's standard error from its distribution-free
                               (binomial order-statistic) interval, as scipy's `quantile_test`
                               gives it; p from a Mann-Whitney U test for medians (tie-corrected,
                               continuity-corrected normal approximation, as scipy's
                               `mannwhitneyu`), from the same z for p90. The sketch reads every
                               value within 1 % of itself (`diagnosis.tickets.sketch`), so do the
                               quantiles and interval ends; U is off by at most half the
                               before x after pairs sharing a bin.
    count         --           not tested (a count over periods of different length is no sample)

The estimate is after - before in the row's unit. At the questionnaire's confidence level
(`evaluation.confidence`, default 95 %) a p below 1 - level is a significant change, an
improvement or a worsening by the definition's (or the row's) direction; otherwise "no
detectable change". The minimum detectable change (80 % power at that level, with the n of
both periods) comes with every result; when the change the target asks for is smaller than
it, or a period has under 30 tickets, the result says that n is too small to show anything.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Optional

from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from diagnosis.evaluation import target_met
from diagnosis.i18n import months_text
from diagnosis.metric_definitions import MetricDefinition, bound_definition, definitions, row_key
from diagnosis.questionnaire.rules import as_number
from diagnosis.tickets import sketch as sk
from diagnosis.tickets.flow import baseline_import, imports, period_value, rounded
from diagnosis.tickets.measure import DefinitionValue

POWER = 0.8
SMALL_N = 30
VERDICTS = {
    "improvement": ("显著改善", "significant improvement"),
    "no_change": ("无可检测变化", "no detectable change"),
    "worsening": ("显著恶化", "significant worsening"),
    "untested": ("无法检验", "not tested"),
}
METHODS = {
    "rate": ("两比例 z 检验，Newcombe 区间", "two-proportion z-test, Newcombe interval"),
    "mean": ("Welch t 检验", "Welch's t-test"),
    "median": ("Mann-Whitney 检验，Price-Bonett 区间", "Mann-Whitney test, Price-Bonett interval"),
    "p90": ("分位数 z 检验，Price-Bonett 区间", "quantile z-test, Price-Bonett interval"),
}


@dataclass(frozen=True)
class Comparison:
    """after - before of one statistic, with its interval, p and the minimum detectable change."""

    n_before: int
    n_after: int
    before: float
    after: float
    estimate: float
    low: float
    high: float
    p: float
    mdc: Optional[float]
    sign: int  # the side the test saw the change on: +1 after larger, -1 after smaller, 0 none


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(1 - (1 - confidence / 100) / 2))


def _mdc(se: float, confidence: float) -> float:
    return (_z(confidence) + float(stats.norm.ppf(POWER))) * se


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def compare_rates(k1: int, n1: int, k2: int, n2: int, confidence: float) -> Comparison:
    """Period 1 (before) vs 2 (after), in percentage points."""
    alpha = 1 - confidence / 100
    p1, p2 = k1 / n1, k2 / n2
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff", alpha=alpha)
    pooled = (k1 + k2) / (n1 + n2)
    if 0 < pooled < 1:
        p = float(proportions_ztest([k2, k1], [n2, n1])[1])
    else:  # every ticket alike in both periods: nothing changed
        p = 1.0
    mdc = _mdc(math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2)), confidence) * 100
    return Comparison(n1, n2, 100 * p1, 100 * p2, 100 * (p2 - p1), 100 * float(low), 100 * float(high), p, mdc, _sign(p2 - p1))


def compare_means(n1: int, s1: float, ss1: float, n2: int, s2: float, ss2: float, confidence: float) -> Comparison:
    """Welch's t from the counts, sums and sums of squares of both periods."""
    m1, m2 = s1 / n1, s2 / n2
    v1, v2 = max(0.0, (ss1 - s1 * s1 / n1) / (n1 - 1)), max(0.0, (ss2 - s2 * s2 / n2) / (n2 - 1))
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    diff = m2 - m1
    if se == 0:
        p, low, high = (1.0 if diff == 0 else 0.0), diff, diff
    else:
        p = float(stats.ttest_ind_from_stats(m2, math.sqrt(v2), n2, m1, math.sqrt(v1), n1, equal_var=False).pvalue)
        df = (a + b) ** 2 / ((a * a / (n1 - 1) if a else 0) + (b * b / (n2 - 1) if b else 0))
        t = float(stats.t.ppf(1 - (1 - confidence / 100) / 2, df))
        low, high = diff - t * se, diff + t * se
    return Comparison(n1, n2, m1, m2, diff, low, high, p, _mdc(se, confidence), _sign(diff))


def quantile_interval(s: sk.Sketch, q: float, confidence: float) -> Optional[tuple[float, float]]:
    """The distribution-free interval of the q-quantile (scipy `quantile_test`'s order statistics)."""
    binom = stats.binom(s.n, q)
    tail = (1 - confidence / 100) / 2
    low, high = int(binom.ppf(tail)) - 1, int(binom.isf(tail))
    if low < 0 or high >= s.n:
        return None
    return s.order_statistic(low), s.order_statistic(high)


def mann_whitney_p(before: sk.Sketch, after: sk.Sketch) -> tuple[float, int]:
    """Two-sided p of the Mann-Whitney U test on the sketches, and the side of the shift."""
    n1, n2 = before.n, after.n
    u, ties = sk.u_statistic(before, after)
    mu, n = n1 * n2 / 2, n1 + n2
    s = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    if s == 0:
        return 1.0, 0
    z = (max(u, n1 * n2 - u) - mu - 0.5) / s
    return min(1.0, 2 * float(stats.norm.sf(z))), _sign(u - mu)


def compare_quantiles(before: sk.Sketch, after: sk.Sketch, q: float, confidence: float) -> Optional[Comparison]:
    """The q-quantile after - before; None when a period is too small for a quantile interval."""
    i1, i2 = quantile_interval(before, q, confidence), quantile_interval(after, q, confidence)
    if i1 is None or i2 is None:
        return None
    z = _z(confidence)
    se = math.sqrt(((i1[1] - i1[0]) / (2 * z)) ** 2 + ((i2[1] - i2[0]) / (2 * z)) ** 2)
    q1, q2 = before.quantile(q), after.quantile(q)
    diff = q2 - q1
    if q == 0.5:
        p, sign = mann_whitney_p(before, after)
    else:
        p = (1.0 if diff == 0 else 0.0) if se == 0 else 2 * float(stats.norm.sf(abs(diff) / se))
        sign = _sign(diff)
    return Comparison(before.n, after.n, q1, q2, diff, diff - z * se, diff + z * se, p, _mdc(se, confidence), sign)


# --- the rows of a project ------------------------------------------------------------------


def _sums(found: DefinitionValue) -> Optional[tuple[int, float, float]]:
    """(n, sum, sumsq), from the period's totals or, for an import kept before they were, its days."""
    if found.sum is not None and found.sumsq is not None:
        return found.n, found.sum, found.sumsq
    days = [d for d in found.daily if d.get("sum") is not None and d.get("sumsq") is not None]
    if days and sum(d["n"] for d in days) == found.n:
        return found.n, sum(d["sum"] for d in days), sum(d["sumsq"] for d in days)
    return None


# why a row is not tested
REASONS = {
    "count": ("计数指标不做检验（不同长度的期间不是样本）", "counts are not tested (periods of different length are no sample)"),
    "no_value": ("某一期没有此口径的值", "no value in one of the periods"),
    "no_counts": ("导入未保存工单计数", "no ticket counts stored"),
    "no_sums": ("导入未保存合计：请重新导入该导出", "the import has no sums: import the export again"),
    "no_sketch": ("导入未保存分布摘要：请重新导入该导出", "the import has no distribution sketch: import the export again"),
    "too_few": ("工单太少，无法检验", "too few tickets to test"),
}


def compare(definition: MetricDefinition, before: DefinitionValue, after: DefinitionValue, confidence: float) -> tuple[Optional[Comparison], str]:
    """(the comparison, or None with why not: a key of REASONS)."""
    if definition.statistic == "count":
        return None, "count"
    if before.value is None or after.value is None:
        return None, "no_value"
    if definition.statistic == "rate":
        if before.k is None or after.k is None or not before.n or not after.n:
            return None, "no_counts"
        return compare_rates(before.k, before.n, after.k, after.n, confidence), ""
    if definition.statistic == "mean":
        a, b = _sums(before), _sums(after)
        if a is None or b is None:
            return None, "no_sums"
        if a[0] < 2 or b[0] < 2:
            return None, "too_few"
        return compare_means(*a, *b, confidence), ""
    a, b = sk.Sketch.from_dict(before.sketch), sk.Sketch.from_dict(after.sketch)
    if a is None or b is None:
        return None, "no_sketch"
    found = compare_quantiles(a, b, 0.5 if definition.statistic == "median" else 0.9, confidence)
    return (found, "") if found else (None, "too_few")


@dataclass(frozen=True)
class RowTest:
    """One step-1 row at one checkpoint: the comparison and what it means for the workshop."""

    row: str
    name: str
    definition: MetricDefinition
    checkpoint: int
    unit: str
    direction: str
    target: Optional[float]
    confidence: float
    comparison: Optional[Comparison]
    note: str = ""

    @property
    def verdict(self) -> str:
        c = self.comparison
        if c is None:
            return "untested"
        if c.p >= 1 - self.confidence / 100 or c.sign == 0:
            return "no_change"
        better = c.sign < 0 if self.direction == "lower" else c.sign > 0
        return "improvement" if better else "worsening"

    @property
    def target_met(self) -> Optional[bool]:
        if self.comparison is None or self.target is None:
            return None
        return target_met(rounded(self.definition, self.comparison.after), self.target, self.direction)

    @property
    def too_small(self) -> bool:
        """n too small to show the change the target asks for (or under 30 tickets in a period)."""
        c = self.comparison
        if c is None or self.verdict != "no_change":
            return False
        gap = None if self.target is None else abs(self.target - c.before)
        return min(c.n_before, c.n_after) < SMALL_N or (gap is not None and c.mdc is not None and c.mdc > gap)

    def verdict_text(self, lang: str) -> str:
        zh, en = VERDICTS[self.verdict]
        return zh if lang == "zh" else en

    def method(self, lang: str) -> str:
        zh, en = METHODS.get(self.definition.statistic, ("—", "—"))
        return zh if lang == "zh" else en

    def hint(self, lang: str) -> str:
        """Why there is no test, or that n is too small to show the change the target asks for."""
        c = self.comparison
        if c is None:
            zh, en = REASONS.get(self.note, REASONS["no_value"])
            return zh if lang == "zh" else en
        if not self.too_small:
            return ""
        mdc = f"{c.mdc:.3g}{(' ' + self.unit) if self.unit else ''}"
        if lang == "zh":
            return f"样本量不足：以当前工单数（{c.n_before} / {c.n_after}），变化至少约 {mdc} 才能检出"
        return f"n too small: with {c.n_before} / {c.n_after} tickets only a change of about {mdc} or more can be detected"

    def as_json(self, lang: str) -> dict[str, Any]:
        c = self.comparison
        return {
            "row": self.row, "name": self.name, "definition": self.definition.id, "statistic": self.definition.statistic,
            "checkpoint": self.checkpoint, "unit": self.unit, "direction": self.direction, "confidence": self.confidence,
            "n_before": c.n_before if c else None, "n_after": c.n_after if c else None,
            "baseline": c.before if c else None, "value": c.after if c else None, "change": c.estimate if c else None,
            "ci_low": c.low if c else None, "ci_high": c.high if c else None, "p": c.p if c else None,
            "mdc": c.mdc if c else None, "method": self.method(lang), "verdict": self.verdict,
            "verdict_text": self.verdict_text(lang), "target": self.target, "target_met": self.target_met,
            "too_small": self.too_small, "hint": self.hint(lang), "note": self.note,
        }  # fmt: skip


def confidence_of(questionnaire) -> float:
    return float(getattr(getattr(questionnaire, "evaluation", None), "confidence", 95.0) or 95.0)


def _checkpoint_imports(project) -> list[dict[str, Any]]:
    """The checkpoint imports of the current cycle: imported after the last cycle was closed."""
    since = max((c.closed for c in project.history), default=None)
    found = [e for e in imports(project) if e.get("period") == "checkpoint" and isinstance(e.get("months"), int)]
    if since is None:
        return found
    return [e for e in found if _after(e.get("imported"), since)]


def _after(imported: Optional[str], since: dt.datetime) -> bool:
    try:
        when = dt.datetime.fromisoformat(str(imported))
    except ValueError:
        return False
    if when.tzinfo is None or since.tzinfo is None:
        when, since = when.replace(tzinfo=None), since.replace(tzinfo=None)
    return when > since


def row_tests(project, questionnaire, lang: str = "zh") -> list[RowTest]:
    """Every bound step-1 row (table order) at every checkpoint with an import of this cycle (ascending)."""
    base = baseline_import(project)
    if base is None:
        return []
    known = definitions(questionnaire, project)
    confidence = confidence_of(questionnaire)
    points = sorted({e["months"] for e in _checkpoint_imports(project)})
    out = []
    for row in project.answers.get("metrics") or []:
        definition = bound_definition(row, known) if isinstance(row, dict) else None
        if definition is None:
            continue
        before = period_value(base, definition.id) or DefinitionValue(None, 0, note="not in the baseline import")
        direction = row.get("direction") if row.get("direction") in ("lower", "higher") else definition.direction
        unit = str(row.get("unit") or definition.unit_text(lang))
        for checkpoint in points:
            entry = next(e for e in reversed(_checkpoint_imports(project)) if e["months"] == checkpoint)
            after = period_value(entry, definition.id) or DefinitionValue(None, 0, note="not in this import")
            comparison, note = compare(definition, before, after, confidence)  # note: a key of REASONS
            out.append(RowTest(row_key(row), str(row.get("name") or definition.label(lang)), definition, checkpoint, unit,
                               direction, as_number(row.get("target")), confidence, comparison, note))  # fmt: skip
    return out


def method_line(confidence: float, lang: str) -> str:
    """The method in one sentence, for the page and the report."""
    level = f"{confidence:g}%"
    if lang == "zh":
        return (f"方法：基线期与各评估期的工单汇总数据对比（置信水平 {level}）——比率用两比例 z 检验与 Newcombe 区间，"
                "均值用 Welch t 检验，中位数用 Mann-Whitney 检验，中位数与 P90 的区间用 Price-Bonett 法（分箱误差 < 1%）。")
    return (f"Method: the baseline period against each checkpoint period from the stored aggregates, at {level} confidence: "
            "rates by a two-proportion z-test with a Newcombe interval, means by Welch's t-test, medians by a Mann-Whitney "
            "test, median and p90 intervals by Price-Bonett (binned, each value within 1%).")


# --- the table of a checkpoint (page, report and CLI) ---------------------------------------

COLUMNS = (("metric", "指标", "Metric"), ("definition", "口径", "Definition"), ("n", "工单数（前 / 后）", "n (before / after)"),
           ("baseline", "基线期", "Baseline"), ("value", "评估期", "Value"), ("change", "变化", "Change"),
           ("interval", "{level} 区间", "{level} interval"), ("p", "p 值", "p"), ("verdict", "结论", "Verdict"),
           ("target", "目标", "Target met"))  # fmt: skip


def headers(confidence: float, lang: str) -> list[str]:
    return [(zh if lang == "zh" else en).format(level=f"{confidence:g}%") for _, zh, en in COLUMNS]


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.2f}"


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def cells(test: RowTest, lang: str) -> list[str]:
    """One table row, formatted: numbers in the row's unit, the change signed."""
    c, unit = test.comparison, f" {test.unit}" if test.unit and test.unit != "%" else ""
    pp = ("个百分点" if lang == "zh" else " pp") if test.definition.statistic == "rate" else unit
    met = {True: "达标" if lang == "zh" else "met", False: "未达标" if lang == "zh" else "missed", None: ""}[test.target_met]
    verdict = test.verdict_text(lang) + (("（样本量不足）" if lang == "zh" else " (n too small)") if test.too_small else "")
    if c is None:
        return [test.name, test.definition.describe(lang), "", "", "", "", "", "", verdict, ""]
    return [test.name, test.definition.describe(lang), f"{c.n_before:,} / {c.n_after:,}",
            _num(c.before) + ("%" if test.unit == "%" else unit), _num(c.after) + ("%" if test.unit == "%" else unit),
            f"{c.estimate:+.2f}{pp}", f"[{c.low:+.2f}, {c.high:+.2f}]", _p(c.p), verdict, met]  # fmt: skip


def by_checkpoint(tests: list[RowTest]) -> dict[int, list[RowTest]]:
    out: dict[int, list[RowTest]] = {}
    for test in tests:
        out.setdefault(test.checkpoint, []).append(test)
    return dict(sorted(out.items()))


def reading(tests: list[RowTest], lang: str) -> list[str]:
    """What the tests say, one sentence per checkpoint, for people: improved, unchanged (could be noise), worse."""
    zh = lang == "zh"
    sep = "、" if zh else ", "
    out = []
    for checkpoint, group in by_checkpoint(tests).items():
        kinds = {v: [t for t in group if t.verdict == v] for v in ("improvement", "no_change", "worsening")}
        parts = []
        if kinds["improvement"]:
            names = sep.join(t.name for t in kinds["improvement"])
            parts.append(f"{len(kinds['improvement'])} 项显著改善（{names}）" if zh
                         else f"{len(kinds['improvement'])} improved significantly ({names})")
        if kinds["no_change"]:
            names = sep.join(t.name + (("，样本量不足" if zh else ", n too small") if t.too_small else "") for t in kinds["no_change"])
            parts.append(f"{len(kinds['no_change'])} 项无可检测变化（{names}：区间包含 0，变化可能只是波动）" if zh
                         else f"{len(kinds['no_change'])} show no detectable change ({names}: the interval includes 0, the change may be noise)")
        if kinds["worsening"]:
            names = sep.join(t.name for t in kinds["worsening"])
            parts.append(f"{len(kinds['worsening'])} 项显著恶化（{names}）" if zh
                         else f"{len(kinds['worsening'])} worsened significantly ({names})")
        if not parts:
            continue
        out.append(f"{months_text(checkpoint, 'zh')}时，" + "；".join(parts) + "。" if zh
                   else f"At {months_text(checkpoint, 'en')}: " + "; ".join(parts) + ".")
    return out

