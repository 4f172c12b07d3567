"""Metric definitions computed on one ticket export: value, n, and the daily and monthly aggregates.

`measure_export(export, mapping, definitions)` cleans the export once (`clean.py`, into a
temporary DuckDB table) and computes every definition (`diagnosis.metric_definitions`) with
one `GROUPING SETS ((), (day), (month))` query each. What it keeps is what later steps need
without the raw rows:

    value     the definition's number (rates in %, times in their unit, CSAT on its scale)
    n         the tickets behind it (the rate's population, the rated tickets, the tickets
              with a valid first response ...; agent-days for tickets per agent per day)
    k         for rates: the tickets meeting the condition (value = k / n)
    sum, sumsq  for means, medians and p90: the sum and the sum of squares of the n values
              (Welch's t of step 6 needs nothing else)
    sketch    for medians and p90: counts on fixed log-spaced bins of the values
              (`diagnosis.tickets.sketch`: every value within 1 % of itself), for the
              Mann-Whitney test and the quantile intervals of step 6
    daily     [{day, n, k, sum, sumsq, median, p90, value}]: what control charts and
              before/after tests need (sums and sums of squares for means, counts for rates,
              daily medians and p90 for skewed times)
    monthly   {"2025-08": {value, n}}: month-on-month change where an export spans months
    missing   canonical fields the export lacks (then value is None)

A definition on a CSAT scale other than the export's is not computed (no silent rescaling).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Optional

from diagnosis.method_checks import COMPLAINT_WINDOW_DAYS, MIN_COMPLAINTS
from diagnosis.metric_definitions import TOP2, MetricDefinition
from diagnosis.tickets import clean, sketch
from diagnosis.tickets.fields import Mapping
from diagnosis.tickets.metrics import BLANK, DEFAULT_SLA_MINUTES

if TYPE_CHECKING:
    import duckdb

_QUANTITY = {"frt_min": "frt", "resolution_h": "res_h", "handle_s": "handle_s", "queue_s": "queue_s", "csat": "csat"}


@dataclass
class DefinitionValue:
    value: Optional[float]
    n: int
    k: Optional[int] = None
    sum: Optional[float] = None
    sumsq: Optional[float] = None
    sketch: Optional[dict[str, Any]] = None
    daily: list[dict[str, Any]] = field(default_factory=list)
    monthly: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    note: str = ""  # why there is no value, in English (e.g. a scale mismatch)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DefinitionValue":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class PeriodFacts:
    """Facts of the export as a period: its date range, volume per day and the peak day."""

    start: Optional[str]
    end: Optional[str]
    days: int
    peak_day: Optional[str]
    peak_volume: int
    months: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _sql_list(values: Iterable[str]) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _where(definition: MetricDefinition) -> str:
    seg = definition.segment
    parts = ["true"]
    for name in ("channel", "region", "category", "agent"):
        values = getattr(seg, name)
        if values:
            parts.append(f"{name} IN ({_sql_list(values)})")
    if seg.hours is not None:
        parts.append(f"hour >= {int(seg.hours[0])} AND hour < {int(seg.hours[1])}")
    return " AND ".join(parts)


def _rate(definition: MetricDefinition, scale: str, sla_default: float) -> tuple[str, str]:
    """(population, condition) of a rate definition, as SQL over the clean tickets."""
    sla = float(definition.sla_minutes or sla_default)
    top2 = TOP2[scale]
    return {
        "within_sla": ("sla_valid", f"frt IS NOT NULL AND frt <= {sla!r}"),
        "fcr": ("is_resolved AND transfers IS NOT NULL AND reopened IS NOT NULL", "transfers = 0 AND NOT reopened AND NOT repeat"),
        "transferred": ("transfers IS NOT NULL", "transfers >= 1"),
        "reopened": ("resolved_known AND reopened IS NOT NULL AND (is_resolved OR reopened)", "reopened"),
        "complaint": ("complaint IS NOT NULL", "complaint"),
        "csat_top2": ("csat IS NOT NULL", f"csat >= {top2!r}"),
        "abandoned": ("abandoned IS NOT NULL", "abandoned"),
        "answered": ("abandoned IS NOT NULL", "NOT abandoned"),
    }[definition.field]


def _aggregates(definition: MetricDefinition, scale: str, sla_default: float) -> str:
    """value, n, k, s, ss, med, p90 as SQL aggregates."""
    stat, f = definition.statistic, definition.field
    if stat == "rate":
        pop, cond = _rate(definition, scale, sla_default)
        n = f"count(*) FILTER (WHERE {pop})"
        k = f"count(*) FILTER (WHERE ({pop}) AND ({cond}))"
        return f"100.0 * {k} / nullif({n}, 0), {n}, {k}, NULL, NULL, NULL, NULL"
    if stat == "count":
        if f == "volume":
            return "count(*), count(*), NULL, NULL, NULL, NULL, NULL"
        worked = f"agent <> '{BLANK}' AND day IS NOT NULL"
        days = f"count(DISTINCT agent || '|' || day) FILTER (WHERE {worked})"
        return f"count(*) FILTER (WHERE {worked}) / nullif({days}, 0), {days}, NULL, NULL, NULL, NULL, NULL"
    q = _QUANTITY[f]
    value = {"mean": f"avg({q})", "median": f"quantile_cont({q}, 0.5)", "p90": f"quantile_cont({q}, 0.9)"}[stat]
    return f"{value}, count({q}), NULL, sum({q}), sum({q} * {q}), quantile_cont({q}, 0.5), quantile_cont({q}, 0.9)"


def _number(value: Any) -> Optional[float]:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _source(definition: MetricDefinition, has_customer: bool) -> str:
    """The clean tickets, with `repeat` (a later ticket of the same customer and category within N days)."""
    if definition.field == "fcr" and definition.repeat_days and has_customer:
        days = int(definition.repeat_days)
        return f"""(SELECT *, coalesce(customer_id IS NOT NULL AND lead(created) OVER (
                        PARTITION BY customer_id, category ORDER BY created, row) - created <= INTERVAL {days} DAY, false) AS repeat
                   FROM clean_tickets)"""
    return "(SELECT *, false AS repeat FROM clean_tickets)"


def compute(con: duckdb.DuckDBPyConnection, definition: MetricDefinition, mapping: Mapping, scale: str,
            sla_default: float) -> DefinitionValue:
    """One definition over the table `clean_tickets` of `con`."""
    missing = [f for f in definition.needs() if not mapping.get(f)]
    if missing:
        return DefinitionValue(None, 0, missing=missing, note=f"the export has no column for {', '.join(missing)}")
    if definition.field in ("csat", "csat_top2") and definition.scale and definition.scale != scale:
        return DefinitionValue(None, 0, note=f"the export rates on a {scale} scale, the definition on {definition.scale}")
    source = _source(definition, bool(mapping.get('customer_id')))
    rows = con.execute(f"""
        SELECT grouping_id(day, month) AS gid, day, month, {_aggregates(definition, scale, sla_default)}
        FROM {source} WHERE {_where(definition)}
        GROUP BY GROUPING SETS ((), (day), (month))""").fetchall()
    out = DefinitionValue(None, 0)
    for gid, day, month, value, n, k, s, ss, med, p90 in rows:
        value, n = _number(value), int(n or 0)
        if gid == 3:
            out.value, out.n, out.k = value, n, None if k is None else int(k)
            out.sum, out.sumsq = _number(s), _number(ss)
        elif gid == 1 and day is not None:  # grouped by day (month rolled up)
            out.daily.append({"day": day, "n": n, "k": None if k is None else int(k), "sum": _number(s), "sumsq": _number(ss),
                              "median": _number(med), "p90": _number(p90), "value": value})  # fmt: skip
        elif gid == 2 and month is not None:
            out.monthly[month] = {"value": value, "n": n}
    if definition.statistic in ("median", "p90"):
        rows = con.execute(sketch.sketch_sql(_QUANTITY[definition.field], source, _where(definition))).fetchall()
        out.sketch = sketch.from_rows(rows)
    out.daily.sort(key=lambda d: d["day"])
    out.monthly = dict(sorted(out.monthly.items()))
    if out.value is None and out.n == 0:
        out.note = "no ticket qualifies"
    return out


@dataclass
class Measured:
    values: dict[str, DefinitionValue]
    period: PeriodFacts
    csat_scale: str
    # customers with two or more complaints in the export's last 30 days: [{customer, complaints, last}]
    repeat_complainers: list[dict[str, Any]]
    time_zone: str = clean.DEFAULT_TIME_ZONE
    units: dict[str, str] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)  # `clean.time_zone_warnings`


def measure_export(export, mapping: Mapping, definitions: Iterable[MetricDefinition], sla_minutes: float = DEFAULT_SLA_MINUTES,
                   csat_scale: Optional[str] = None, units: Optional[dict[str, str]] = None,
                   time_zone: Optional[str] = None) -> Measured:
    """Every definition on one export (see the module docstring); `units` and `time_zone` as in `analyze`."""
    from diagnosis.tickets.analyze import aware_columns, detect_csat_scale, mapped_columns, open_export
    from diagnosis.tickets.budget import computing_within_budget
    from diagnosis.tickets.fields import resolve_units

    mapped = mapped_columns(export, mapping)
    zone = clean.check_time_zone(time_zone)
    resolved_units = resolve_units(mapping, units)
    with computing_within_budget(export.facts.name):
        con, kinds = open_export(export, mapped, zone)
        try:
            scale = csat_scale or detect_csat_scale(con, mapping, column_kinds=kinds)
            # cleaned once, read by every definition
            con.execute("CREATE TEMP TABLE clean_tickets AS " + clean.clean_sql("export_rows", mapping, kinds, scale, resolved_units))
            values = {d.id: compute(con, d, mapping, scale, sla_minutes) for d in definitions}
            period = _period(con)
            complainers = _repeat_complainers(con) if mapping.get("customer_id") and mapping.get("complaint") else []
            warnings = clean.time_zone_warnings(con, mapping, kinds, zone, aware_columns(export))
        finally:
            con.close()
    return Measured(values, period, scale, complainers, zone, resolved_units, warnings)


def _period(con: duckdb.DuckDBPyConnection) -> PeriodFacts:
    start, end, days = con.execute("SELECT min(day), max(day), count(DISTINCT day) FROM clean_tickets").fetchone()
    peak = con.execute(
        "SELECT day, count(*) AS v FROM clean_tickets WHERE day IS NOT NULL GROUP BY day ORDER BY v DESC, day LIMIT 1"
    ).fetchone()
    months = [m for (m,) in con.execute("SELECT DISTINCT month FROM clean_tickets WHERE month IS NOT NULL ORDER BY month").fetchall()]
    return PeriodFacts(start, end, int(days or 0), peak[0] if peak else None, int(peak[1]) if peak else 0, months)


def _repeat_complainers(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The method's interview candidates (`method_checks`): customers who complained `MIN_COMPLAINTS`
    times or more in the export's last `COMPLAINT_WINDOW_DAYS` days."""
    rows = con.execute(f"""
        SELECT customer_id, count(*) AS complaints, strftime(max(created), '%Y-%m-%d') AS last
        FROM clean_tickets
        WHERE complaint AND customer_id IS NOT NULL
          AND created > (SELECT max(created) FROM clean_tickets) - INTERVAL {int(COMPLAINT_WINDOW_DAYS)} DAY
        GROUP BY customer_id HAVING count(*) >= {int(MIN_COMPLAINTS)} ORDER BY complaints DESC, customer_id""").fetchall()
    return [{"customer": c, "complaints": int(n), "last": last} for c, n, last in rows]
