"""A compact sketch of a duration's distribution in one period: counts on fixed log-spaced bins.

Kept per import for every median / p90 definition (never the raw rows), so that step 6 can
test a before/after change of a skewed time (Mann-Whitney, quantile intervals) long after the
export is gone. The shape stored in `values[definition]["sketch"]`:

    {"ratio": 1.02, "zeros": 12, "bins": [[-96, 3], [-95, 8], ..., [210, 1]]}

Bin `b` holds the values in [ratio**b, ratio**(b+1)); `zeros` counts the values equal to 0
(durations, handle times and scores are never negative once cleaned). Every value is read as
its bin's geometric midpoint `ratio**(b + 0.5)`, so each value, and therefore every quantile
and order statistic read from the sketch, is off by at most `RELATIVE_ERROR` (sqrt(1.02) - 1
< 1 %) of itself; zeros are exact. Ranks are exact between bins; within a bin the values tie,
which moves the Mann-Whitney U by at most `u_tie_bound` (half the before x after pairs that
share a bin). A period of 200,000 FRTs from 5 s to 24 h fills ~500 bins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

RATIO = 1.02
RELATIVE_ERROR = math.sqrt(RATIO) - 1


def sketch_sql(column: str, source: str, where: str) -> str:
    """SQL giving (bin, count) rows of `column` (bin NULL = zero) over `source` filtered by `where`."""
    return f"""SELECT CASE WHEN {column} > 0 THEN CAST(floor(ln({column}) / ln({RATIO!r})) AS BIGINT) END AS b, count(*)
               FROM {source} WHERE ({where}) AND {column} IS NOT NULL GROUP BY b ORDER BY b NULLS FIRST"""


def from_rows(rows: list[tuple[Optional[int], int]]) -> dict[str, Any]:
    zeros = sum(int(c) for b, c in rows if b is None)
    return {"ratio": RATIO, "zeros": zeros, "bins": [[int(b), int(c)] for b, c in rows if b is not None]}


@dataclass(frozen=True)
class Sketch:
    """Bin values (ascending, 0 first when there are zeros) and their counts."""

    values: np.ndarray
    counts: np.ndarray
    keys: tuple  # ("z" for zeros, else the bin number), to align two sketches

    @classmethod
    def from_dict(cls, data: Optional[dict[str, Any]]) -> Optional["Sketch"]:
        if not isinstance(data, dict) or not isinstance(data.get("bins"), list):
            return None
        ratio = float(data.get("ratio") or RATIO)
        pairs = sorted((int(b), int(c)) for b, c in data["bins"] if int(c) > 0)
        zeros = int(data.get("zeros") or 0)
        keys = (("z",) if zeros else ()) + tuple(b for b, _ in pairs)
        values = ([0.0] if zeros else []) + [ratio ** (b + 0.5) for b, _ in pairs]
        counts = ([zeros] if zeros else []) + [c for _, c in pairs]
        return cls(np.array(values, dtype=float), np.array(counts, dtype=np.int64), keys)

    @property
    def n(self) -> int:
        return int(self.counts.sum())

    def order_statistic(self, index: int) -> float:
        """The value of rank `index` (0-based) of the sorted values."""
        cumulative = np.cumsum(self.counts)
        return float(self.values[int(np.searchsorted(cumulative, index, side="right"))])

    def quantile(self, p: float) -> float:
        """The p-quantile with linear interpolation between order statistics (numpy's and DuckDB's quantile_cont)."""
        h = (self.n - 1) * p
        low, high = math.floor(h), math.ceil(h)
        a, b = self.order_statistic(low), self.order_statistic(high)
        return a + (h - low) * (b - a)

    def expanded(self) -> np.ndarray:
        """The values as the sketch reads them, one per ticket (for tests)."""
        return np.repeat(self.values, self.counts)


def aligned(before: Sketch, after: Sketch) -> tuple[np.ndarray, np.ndarray]:
    """Counts of both sketches on their union of bins, ascending."""
    keys = sorted(set(before.keys) | set(after.keys), key=lambda k: -math.inf if k == "z" else k)
    index = {k: i for i, k in enumerate(keys)}
    a, c = np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=np.int64)
    a[[index[k] for k in before.keys]] = before.counts
    c[[index[k] for k in after.keys]] = after.counts
    return a, c


def u_statistic(before: Sketch, after: Sketch) -> tuple[float, float]:
    """(U of `after` against `before`, the tie-correction sum of t**3 - t) from the bins."""
    a, c = aligned(before, after)
    below = np.concatenate(([0], np.cumsum(a)[:-1]))
    u = float(np.sum(c * (below + 0.5 * a)))
    t = (a + c).astype(float)
    return u, float(np.sum(t**3 - t))


def u_tie_bound(before: Sketch, after: Sketch) -> float:
    """How far U from the sketch can be from U on the raw values: half the cross pairs within a bin."""
    a, c = aligned(before, after)
    return float(0.5 * np.sum(a.astype(float) * c))
