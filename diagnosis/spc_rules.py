"""Special-cause rules of a control chart: Western Electric 1-4, Nelson's eight, Anhøj's run rules.

A rule reads one stage of a chart: `z`, each point's distance from the centre line in sigmas
(a p-chart's sigma differs per point), and `x`, the plotted values (for trends). It returns
groups of point indices (local to the stage), each the points that make the pattern: the points
beyond the limits (consecutive ones on one side together), the points beyond 2 sigma in a 2-of-3 window, the whole run of 8 ... Groups
that overlap are merged, so a run of 12 on one side is one signal of 12 points, not five.

    we1 / nelson1   1 point beyond 3 sigma
    we2 / nelson5   2 of 3 in a row beyond 2 sigma, same side
    we3 / nelson6   4 of 5 in a row beyond 1 sigma, same side
    we4             8 in a row on one side of the centre line
    nelson2         9 in a row on one side
    nelson3         6 in a row steadily increasing or decreasing
    nelson4         14 in a row alternating up and down
    nelson7         15 in a row within 1 sigma (either side)
    nelson8         8 in a row beyond 1 sigma (either side)
    anhoej_run      the longest run on one side is longer than round(log2(n) + 3)
    anhoej_crossings  fewer crossings of the centre line than the 5th percentile of
                    Binomial(n - 1, 0.5)  (n: the points not on the centre line; n >= 10)

A point exactly on the centre line is on neither side: it breaks a run of the Western Electric
and Nelson rules, and Anhøj's rules leave it out (as qicharts2 does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from diagnosis.i18n import pick

Groups = list[tuple[int, ...]]
ANHOEJ_MIN_POINTS = 10  # the published table of critical values starts at 10


@dataclass(frozen=True)
class Rule:
    id: str
    zh: str
    en: str
    find: Callable[[Sequence[float], Sequence[float]], Groups]

    def label(self, lang: str) -> str:
        return pick(lang, self.zh, self.en)


def _side(v: float) -> int:
    return (v > 0) - (v < 0)


def _runs(ok: Sequence[bool], key: Sequence[int], length: int) -> Groups:
    """Maximal runs of consecutive indices with `ok` and the same `key`, at least `length` long."""
    out, run = [], []
    for i in range(len(ok) + 1):
        if i < len(ok) and ok[i] and (not run or key[run[-1]] == key[i]):
            run.append(i)
            continue
        if len(run) >= length:
            out.append(tuple(run))
        run = [i] if i < len(ok) and ok[i] else []
    return out


def beyond(limit: float) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    """Points beyond `limit` sigma; consecutive ones on the same side are one signal."""
    return lambda z, x: _runs([abs(v) > limit for v in z], [_side(v) for v in z], 1)


def k_of_m(k: int, m: int, limit: float) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    """k of m points in a row beyond `limit` sigma on the same side (windows at the start may be shorter)."""

    def find(z: Sequence[float], x: Sequence[float]) -> Groups:
        found = []
        for side in (1, -1):
            for end in range(len(z)):
                hits = tuple(i for i in range(max(0, end - m + 1), end + 1) if side * z[i] > limit)
                if len(hits) >= k and hits[-1] == end:  # the window's last point completes it
                    found.append(hits)
        return merge(found)

    return find


def same_side(length: int) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    return lambda z, x: _runs([v != 0 for v in z], [_side(v) for v in z], length)


def trend(length: int) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    """`length` points in a row each above (or each below) the one before."""

    def find(z: Sequence[float], x: Sequence[float]) -> Groups:
        step = [0] + [_side(x[i] - x[i - 1]) for i in range(1, len(x))]
        out = []
        for run in _runs([s != 0 for s in step], step, length - 1):  # runs of steps; add the point before
            out.append((run[0] - 1, *run))
        return out

    return find


def alternating(length: int) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    """`length` points in a row going up and down in turn."""

    def find(z: Sequence[float], x: Sequence[float]) -> Groups:
        step = [0] + [_side(x[i] - x[i - 1]) for i in range(1, len(x))]
        out, run = [], []
        for i in range(1, len(x) + 1):
            if i < len(x) and step[i] != 0 and (not run or step[i] == -step[run[-1]]):
                run.append(i)
                continue
            if len(run) >= length - 1:
                out.append((run[0] - 1, *run))
            run = [i] if i < len(x) and step[i] != 0 else []
        return out

    return find


def within(limit: float, length: int) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    return lambda z, x: _runs([abs(v) < limit for v in z], [0] * len(z), length)


def outside(limit: float, length: int) -> Callable[[Sequence[float], Sequence[float]], Groups]:
    return lambda z, x: _runs([abs(v) > limit for v in z], [0] * len(z), length)


def anhoej_longest_run_limit(n: int) -> int:
    """A run longer than this is a signal (Anhøj & Olesen 2014): round(log2(n) + 3)."""
    return round(math.log2(n) + 3)


def anhoej_crossings_limit(n: int) -> int:
    """Fewer crossings than this are a signal: the 5th percentile of Binomial(n - 1, 0.5)."""
    trials, total, cumulative = n - 1, 2 ** (n - 1), 0
    for x in range(trials + 1):
        cumulative += math.comb(trials, x)
        if cumulative * 20 >= total:  # P(X <= x) >= 0.05, in exact integers
            return x
    return trials


def _useful(z: Sequence[float]) -> list[int]:
    return [i for i, v in enumerate(z) if v != 0]


def anhoej_run(z: Sequence[float], x: Sequence[float]) -> Groups:
    useful = _useful(z)
    if len(useful) < ANHOEJ_MIN_POINTS:
        return []
    limit = anhoej_longest_run_limit(len(useful))
    sides = [_side(z[i]) for i in useful]
    return [tuple(useful[j] for j in run) for run in _runs([True] * len(useful), sides, limit + 1)]


def anhoej_crossings(z: Sequence[float], x: Sequence[float]) -> Groups:
    useful = _useful(z)
    if len(useful) < ANHOEJ_MIN_POINTS:
        return []
    crossings = sum(_side(z[a]) != _side(z[b]) for a, b in zip(useful, useful[1:]))
    return [tuple(useful)] if crossings < anhoej_crossings_limit(len(useful)) else []


def merge(groups: Iterable[tuple[int, ...]]) -> Groups:
    """Groups sharing a point become one (sorted by their first point)."""
    out: list[set[int]] = []
    for group in sorted(groups):
        if out and out[-1] & set(group):
            out[-1] |= set(group)
        else:
            out.append(set(group))
    return [tuple(sorted(g)) for g in out]


RULES: dict[str, Rule] = {r.id: r for r in (
    Rule("we1", "西电规则 1：1 点超出 3σ 控制限", "Western Electric 1: 1 point beyond the 3σ limits", beyond(3)),
    Rule("we2", "西电规则 2：连续 3 点中有 2 点在同侧 2σ 以外", "Western Electric 2: 2 of 3 in a row beyond 2σ, same side", k_of_m(2, 3, 2)),
    Rule("we3", "西电规则 3：连续 5 点中有 4 点在同侧 1σ 以外", "Western Electric 3: 4 of 5 in a row beyond 1σ, same side", k_of_m(4, 5, 1)),
    Rule("we4", "西电规则 4：连续 8 点在中心线同侧", "Western Electric 4: 8 in a row on one side of the centre line", same_side(8)),
    Rule("nelson1", "Nelson 1：1 点超出 3σ 控制限", "Nelson 1: 1 point beyond the 3σ limits", beyond(3)),
    Rule("nelson2", "Nelson 2：连续 9 点在中心线同侧", "Nelson 2: 9 in a row on one side of the centre line", same_side(9)),
    Rule("nelson3", "Nelson 3：连续 6 点持续上升或下降", "Nelson 3: 6 in a row steadily increasing or decreasing", trend(6)),
    Rule("nelson4", "Nelson 4：连续 14 点交替上下", "Nelson 4: 14 in a row alternating up and down", alternating(14)),
    Rule("nelson5", "Nelson 5：连续 3 点中有 2 点在同侧 2σ 以外", "Nelson 5: 2 of 3 in a row beyond 2σ, same side", k_of_m(2, 3, 2)),
    Rule("nelson6", "Nelson 6：连续 5 点中有 4 点在同侧 1σ 以外", "Nelson 6: 4 of 5 in a row beyond 1σ, same side", k_of_m(4, 5, 1)),
    Rule("nelson7", "Nelson 7：连续 15 点都在 1σ 以内", "Nelson 7: 15 in a row within 1σ", within(1, 15)),
    Rule("nelson8", "Nelson 8：连续 8 点都在 1σ 以外（两侧均可）", "Nelson 8: 8 in a row beyond 1σ (either side)", outside(1, 8)),
    Rule("anhoej_run", "Anhøj：最长连续同侧游程超过临界值", "Anhøj: the longest run on one side exceeds its critical value", anhoej_run),
    Rule("anhoej_crossings", "Anhøj：穿越中心线次数少于临界值", "Anhøj: fewer crossings of the centre line than the critical value",
         anhoej_crossings),
)}  # fmt: skip

GROUPS = {
    "western_electric": ("we1", "we2", "we3", "we4"),
    "nelson": tuple(f"nelson{i}" for i in range(1, 9)),
    "anhoej": ("anhoej_run", "anhoej_crossings"),
}


def expand(selected: Iterable[str]) -> tuple[str, ...]:
    """Rule ids of a questionnaire's `evaluation.rules` (groups expanded, each once, in order)."""
    out: list[str] = []
    for item in selected:
        for rule in GROUPS.get(item, (item,)):
            if rule not in RULES:
                raise KeyError(rule)
            if rule not in out:
                out.append(rule)
    return tuple(out)
