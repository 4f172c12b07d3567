"""Computing the metrics of an export: overall, per grouping, bad rows with examples.

`analyze(export, mapping, sla_minutes)` puts a cleaning view (`clean.py`) over the Arrow
table (zero copy) and computes every metric for every grouping in one `GROUPING SETS` pass of
DuckDB; a second pass counts bad rows and the weekday x hour heatmap (counts only, so the
quantiles are not computed again). The result is a `KpiResult`, plain data that goes into
`Project.data` (`to_dict`) and back (`from_dict`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.tickets import clean
from diagnosis.tickets.budget import computing_within_budget, memory_budget_mb
from diagnosis.tickets.fields import Mapping, Units, resolve_units
from diagnosis.tickets.metrics import DEFAULT_SLA_MINUTES, GROUPINGS, METRICS
from diagnosis.tickets.reader import Export, Progress, SourceFacts, _report

if TYPE_CHECKING:  # DuckDB, numpy and pyarrow load when an export is analyzed, not with the CLI
    import duckdb

MAX_EXAMPLES = 3
_KEYS = ("channel", "region", "category", "agent", "hour", "weekday", "month", "day")


@dataclass
class KpiResult:
    rows: int
    sla_minutes: float
    overall: dict[str, Optional[float]]
    # grouping -> group value -> metric -> value; groups in display order
    groups: dict[str, dict[str, dict[str, Optional[float]]]] = field(default_factory=dict)
    bad_rows: dict[str, int] = field(default_factory=dict)
    # reason -> [{"line": 7, "values": {header: raw text}}]
    bad_examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # volume by weekday (1 = Monday) x hour of creation: [{"weekday", "hour", "volume"}]
    heatmap: list[dict[str, int]] = field(default_factory=list)
    # metrics that cannot be computed for lack of a column
    unavailable: list[str] = field(default_factory=list)
    # the CSAT scale the ratings were read on ("1-5", "1-10", "0-100")
    csat_scale: str = "1-5"
    # the zone the times were converted to, the unit each duration column was read in
    time_zone: str = clean.DEFAULT_TIME_ZONE
    units: dict[str, str] = field(default_factory=dict)
    # what the user must know about the import (`clean.time_zone_warnings`): [{id, field, count, zh, en}]
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "KpiResult":
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})

    def to_json(self, by: Optional[str] = None) -> dict[str, Any]:
        """The `diagnosis kpi --format json` shape."""
        out: dict[str, Any] = {"rows": self.rows, "overall": self.overall}
        if by is not None:
            out["groups"] = self.groups.get(by, {})
        out["bad_rows"] = self.bad_rows
        if self.warnings:
            out["warnings"] = [w["en"] for w in self.warnings]
        return out

    def share(self, by: str, value: str) -> Optional[float]:
        volume = self.groups.get(by, {}).get(value, {}).get("volume")
        return None if volume is None or not self.rows else volume / self.rows


def available_groupings(mapping: Mapping) -> list[str]:
    return [g for g, (_, _, needs) in GROUPINGS.items() if mapping.get(needs)]


def _number(value: Any) -> Optional[float]:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) or math.isinf(value) else value


def _sorted_groups(name: str, groups: dict[str, dict[str, Optional[float]]]) -> dict[str, dict[str, Optional[float]]]:
    if name in ("hour", "weekday"):
        keys = sorted(groups, key=int)
    elif name in ("month", "day"):
        keys = sorted(groups)
    else:
        keys = sorted(groups, key=lambda k: (-(groups[k]["volume"] or 0), k))
    return {k: groups[k] for k in keys}


def analyze(
    export: Export,
    mapping: Mapping,
    sla_minutes: float = DEFAULT_SLA_MINUTES,
    groupings: Optional[Iterable[str]] = None,
    progress: Optional[Progress] = None,
    heatmap: bool = True,
    csat_scale: Optional[str] = None,
    units: Optional[Units] = None,
    time_zone: Optional[str] = None,
) -> KpiResult:
    """Every metric overall and per grouping (default: every grouping the mapping allows but `day`).

    `csat_scale` ("1-5", "1-10", "0-100") is detected from the ratings when not given; `units`
    declares the unit of duration columns (else read from their headers, `fields.resolve_units`);
    times are converted to `time_zone` (default Asia/Shanghai)."""
    _check_sla(sla_minutes)
    mapped = mapped_columns(export, mapping)
    zone = clean.check_time_zone(time_zone)
    resolved_units = resolve_units(mapping, units)
    possible = available_groupings(mapping)
    wanted = [g for g in possible if g != "day"] if groupings is None else list(groupings)
    for name in wanted:
        _check_grouping(name)
        if name not in possible:
            needs = GROUPINGS[name][2]
            raise DiagnosisError(f"无法按 {name} 分组：没有列对应到 {needs}", f"cannot group by {name}: no column is mapped to {needs}")

    with computing_within_budget(export.facts.name):
        con, kinds = open_export(export, mapped, zone)
        try:
            _report(progress, 0.75, "cleaning")
            # a view, not a table: cleaning streams into the aggregation (materializing costs more
            # than re-cleaning for the rare bad-row examples)
            scale = csat_scale or detect_csat_scale(con, mapping, column_kinds=kinds)
            con.execute("CREATE TEMP VIEW tickets AS " + clean.clean_sql("export_rows", mapping, kinds, scale, resolved_units))
            result = _aggregate(con, mapping, sla_minutes, wanted, heatmap and "created_at" in mapped, scale)
            result.bad_examples = _examples(export, mapping, result.bad_examples, zone)
            result.time_zone, result.units = zone, resolved_units
            result.warnings = clean.time_zone_warnings(con, mapping, kinds, zone, aware_columns(export))
        finally:
            con.close()
    result.rows = export.table.num_rows
    _report(progress, 1.0, "done")
    return result


def _check_sla(sla_minutes: float) -> None:
    if not (sla_minutes > 0 and math.isfinite(sla_minutes)):
        raise DiagnosisError(f"SLA 必须是正的分钟数，不能是 {sla_minutes}", f"the SLA must be a positive number of minutes, not {sla_minutes}")


def _check_grouping(name: str) -> None:
    if name not in GROUPINGS:
        raise DiagnosisError(f"未知的分组“{name}”（可选：{', '.join(GROUPINGS)}）", f"unknown grouping '{name}' (one of {', '.join(GROUPINGS)})")


def mapped_columns(export, mapping: Mapping) -> dict[str, str]:
    """The mapped fields (field -> header), checked against the export's headers."""
    mapped = {name: header for name, header in mapping.items() if header}
    if not mapped:
        raise DiagnosisError(
            f"{export.facts.name}：没有一列被识别为工单字段；请提供映射（列：{', '.join(export.headers[:20])}）",
            f"{export.facts.name}: no column is recognized as a ticket field; give a mapping (columns: {', '.join(export.headers[:20])})"
        )
    missing = [h for h in mapped.values() if h not in export.headers]
    if missing:
        raise DiagnosisError(f"{export.facts.name}：文件中没有对应的列：{', '.join(missing)}", f"{export.facts.name}: mapped column(s) not in the file: {', '.join(missing)}")
    return mapped


def open_export(export, mapped: dict[str, str], time_zone: str = clean.DEFAULT_TIME_ZONE) -> tuple[duckdb.DuckDBPyConnection, dict[str, str]]:
    """A DuckDB connection with the mapped columns as `export_rows` (plus `__row`) and the cleaning macros,
    in the import's time zone (`clean.check_time_zone`); returns it with each column's kind. The caller closes it."""
    import duckdb
    import numpy as np
    import pyarrow as pa

    table = export.table.select(list(dict.fromkeys(mapped.values())))
    # from the buffer: `pa.array` on a numpy array would import pandas (half a second) to check its type
    rows = pa.Array.from_buffers(pa.int64(), table.num_rows, [None, pa.py_buffer(np.arange(table.num_rows, dtype=np.int64))])
    table = table.append_column("__row", rows)
    con = duckdb.connect(":memory:")
    # no progress bar: DuckDB would print it on stdout, into the CLI's JSON
    con.execute("SET enable_progress_bar = false")
    # the import's memory budget, in memory: nothing spills to a temporary folder (see `budget`)
    con.execute(f"SET memory_limit = '{memory_budget_mb()}MB'")
    con.execute("SET temp_directory = ''")
    # times with an offset (Arrow's UTC columns, text with +08:00) become this zone's wall-clock time
    con.execute(f"SET TimeZone = {clean._literal(time_zone)}")
    for statement in clean.macros():
        con.execute(statement)
    con.register("export_rows", table)
    return con, {f.name: clean.column_kind(f.type) for f in table.schema}


def aware_columns(export) -> set[str]:
    """The headers Arrow typed as times with a UTC offset (it reads them as UTC)."""
    import pyarrow as pa

    return {f.name for f in export.table.schema if pa.types.is_timestamp(f.type) and f.type.tz}


def detect_csat_scale(con: duckdb.DuckDBPyConnection, mapping: Mapping, source: str = "export_rows",
                      column_kinds: Optional[dict[str, str]] = None) -> str:
    """The survey's scale from its ratings: median at most 5 -> 1-5, at most 10 -> 1-10, else 0-100.

    The median, not the maximum, so that a few mistyped ratings (a 9 on a 5-point survey)
    are reported as bad rows instead of changing the scale; real 10- and 100-point surveys
    have medians far above 5 and 10. A definition or mapping can declare the scale instead.
    `column_kinds` (`open_export`'s): the ratings read by the rule the cleaning uses (a number
    column as it is, not through text); without it, through text."""
    header = mapping.get("csat")
    if not header:
        return "1-5"
    value = clean._parse("number", header, column_kinds) if column_kinds else f"parse_num(CAST({clean._quote(header)} AS VARCHAR))"
    (median,) = con.execute(f"SELECT quantile_cont(v, 0.5) FROM (SELECT {value} AS v FROM {source}) WHERE v >= 0").fetchone()
    if median is None or median <= 5:
        return "1-5"
    return "1-10" if median <= 10 else "0-100"


def _aggregate(con: duckdb.DuckDBPyConnection, mapping: Mapping, sla: float, wanted: list[str], heatmap: bool,
               scale: str = "1-5") -> KpiResult:
    from diagnosis.scales import TOP2

    sets = [()] + [(g,) for g in wanted]
    metric_sql, pick = _metric_select([m.sql.replace("$sla", repr(float(sla))).replace("$top2", repr(TOP2[scale])) for m in METRICS])
    metric_sql, inputs = _inputs_once(metric_sql)
    grouping_sql = ", ".join("(" + ", ".join(s) + ")" for s in sets)
    columns = [k for k in _KEYS if (k,) in sets]
    # the aggregates' arguments computed once per row, not once per grouping set
    source = f"(SELECT *, {', '.join(inputs)} FROM tickets)" if inputs else "tickets"
    if columns:
        rows = con.execute(f"""
          SELECT grouping_id({', '.join(columns)}) AS gid, {', '.join(columns)}, {', '.join(metric_sql)}
          FROM {source} GROUP BY GROUPING SETS ({grouping_sql})""").fetchall()
    else:
        rows = con.execute(f"SELECT 0 AS gid, {', '.join(metric_sql)} FROM {source}").fetchall()
    rows = [(*row[: 1 + len(columns)], *pick(row[1 + len(columns) :])) for row in rows]
    names = [m.name for m in METRICS]
    unavailable = [m.name for m in METRICS if any(not mapping.get(f) for f in m.needs)]
    full = (1 << len(columns)) - 1
    by_gid = {full: None, **{full & ~(1 << (len(columns) - 1 - columns.index(g))): g for g in wanted}}
    overall: dict[str, Optional[float]] = {n: None for n in names}
    overall["volume"] = 0  # an export with a header and no rows
    groups: dict[str, dict[str, dict[str, Optional[float]]]] = {g: {} for g in wanted}
    for row in rows:
        grouping = by_gid[row[0]]
        values = {n: (None if n in unavailable else _number(v)) for n, v in zip(names, row[1 + len(columns) :])}
        values["volume"] = int(row[1 + len(columns)])
        if grouping is None:
            overall = values
            continue
        key = row[1 + columns.index(grouping)]
        if key is not None:  # time groupings: tickets without a valid creation time (counted in bad_rows)
            groups[grouping][str(key)] = values
    groups = {g: _sorted_groups(g, v) for g, v in groups.items()}

    # bad rows and the heatmap need counts only: a second, cheap pass (quantiles stay out of it)
    bad: dict[str, int] = {}
    example_rows: dict[str, set[int]] = {}
    cells: dict[tuple[int, int], int] = {}
    for weekday, hour, mask, count, first, last in con.execute(
        "SELECT weekday, hour, bad, count(*), min(row), max(row) FROM tickets GROUP BY ALL"
    ).fetchall():
        if heatmap and weekday is not None and hour is not None:
            cells[(int(weekday), int(hour))] = cells.get((int(weekday), int(hour)), 0) + int(count)
        for reason in clean.REASONS:
            if mask & reason.bit:
                bad[reason.id] = bad.get(reason.id, 0) + int(count)
                example_rows.setdefault(reason.id, set()).update((first, last))
    heat = [{"weekday": w, "hour": h, "volume": v} for (w, h), v in sorted(cells.items())]
    bad = {r.id: bad[r.id] for r in clean.REASONS if r.id in bad}
    result = KpiResult(0, float(sla), overall, groups, bad, {}, heat, unavailable, scale)
    # row indices for now (the first and last row of each combination of reasons); `_examples` adds the text
    result.bad_examples = {r: sorted(rows)[:MAX_EXAMPLES] for r, rows in example_rows.items()}
    return result


_QUANTILE = re.compile(r"quantile_cont\((\w+), ([0-9.]+)\)")
_AVERAGE = re.compile(r"avg\((.*)\)", re.S)
_COLUMN = re.compile(r"\w+")


def _inputs_once(aggregates: list[str]) -> tuple[list[str], list[str]]:
    """`aggregates` with each average of an expression taken over a column `__input_N` instead,
    and the SELECT items that compute those columns. DuckDB evaluates an aggregate's argument
    once per grouping set (eight times for the seven groupings and the total); computed in a
    projection under the GROUP BY, it is evaluated once per row (about 0.3 s of CPU on 1,000,000 rows)."""
    out, inputs = [], []
    for sql in aggregates:
        match = _AVERAGE.fullmatch(sql)
        if match is None or _COLUMN.fullmatch(match.group(1)):
            out.append(sql)
            continue
        inputs.append(f"{match.group(1)} AS __input_{len(inputs)}")
        out.append(f"avg(__input_{len(inputs) - 1})")
    return out, inputs


def _metric_select(aggregates: list[str]) -> tuple[list[str], Callable[[tuple], list]]:
    """The SELECT list for `aggregates`, with the quantiles of one column computed by one
    `quantile_cont(x, [q1, q2])` (one sort of the column per group instead of one per quantile,
    the same interpolated values); and the function that turns its values back into one per aggregate."""
    items: list[str] = []
    where: list[tuple[int, Optional[int]]] = []  # per aggregate: item index, position in the item's list
    lists: dict[str, tuple[int, list[str]]] = {}
    for sql in aggregates:
        match = _QUANTILE.fullmatch(sql)
        if match is None:
            where.append((len(items), None))
            items.append(sql)
            continue
        column, q = match.groups()
        if column not in lists:
            lists[column] = (len(items), [])
            items.append(column)  # replaced below by the list quantile
        index, qs = lists[column]
        where.append((index, len(qs)))
        qs.append(q)
    for column, (index, qs) in lists.items():
        items[index] = f"quantile_cont({column}, [{', '.join(qs)}])"

    def pick(values: tuple) -> list:
        return [values[i] if k is None else (None if values[i] is None else values[i][k]) for i, k in where]

    return items, pick


def _examples(export: Export, mapping: Mapping, rows: dict[str, list[int]], zone: str) -> dict[str, list[dict]]:
    """The first bad rows of each reason, with the raw text of the cells concerned; a time Arrow
    read with its offset (as UTC) is shown in the import's zone, as the metrics count it."""
    from zoneinfo import ZoneInfo

    from diagnosis.tickets.reader import _cell_text

    local = ZoneInfo(zone)

    def shown(value: Any) -> Optional[str]:
        if isinstance(value, str):
            return value
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(local)
        return _cell_text(value)

    examples: dict[str, list[dict]] = {}
    id_header = mapping.get("ticket_id")
    for reason_id, indices in rows.items():
        reason = clean.REASON_BY_ID[reason_id]
        headers = [h for h in dict.fromkeys([id_header, *(mapping.get(f) for f in reason.fields)]) if h]
        picked = [row for i in indices for row in export.table.select(headers).slice(i, 1).to_pylist()]
        examples[reason_id] = [
            {"line": export.first_line + i, "values": {h: shown(v) for h, v in values.items()}}
            for i, values in zip(indices, picked)
        ]
    return examples


def analyze_file(
    path: Any,
    mapping_file: Any = None,
    sla_minutes: float = DEFAULT_SLA_MINUTES,
    groupings: Optional[Iterable[str]] = None,
    progress: Optional[Progress] = None,
    time_zone: Optional[str] = None,
) -> tuple[SourceFacts, Mapping, KpiResult]:
    """Read, map (auto-detected, overridden by a mapping file or dict) and analyze one export,
    all in the reading child under the import's memory budget (`budget.compute_within_budget`):
    the file's facts, the mapping and the result come back, the rows stay in the child."""
    from functools import partial

    from diagnosis.tickets.budget import compute_within_budget
    from diagnosis.tickets.fields import load_mapping

    explicit = load_mapping(mapping_file) if isinstance(mapping_file, str) or hasattr(mapping_file, "__fspath__") else mapping_file
    # what needs no file is checked before reading it
    _check_sla(sla_minutes)
    clean.check_time_zone(time_zone)
    for name in groupings or ():
        _check_grouping(name)
    work = partial(_map_and_analyze, explicit, sla_minutes, None if groupings is None else list(groupings), time_zone)
    facts, (mapping, result) = compute_within_budget(path, work, progress=progress, preload=("duckdb",))
    return facts, mapping, result


def _map_and_analyze(explicit: Any, sla_minutes: float, groupings: Optional[list[str]], time_zone: Optional[str],
                     export: Export, progress: Optional[Progress]) -> tuple[Mapping, KpiResult]:
    """`analyze_file`'s work in the reading child (module level: a child started as a new Python unpickles it)."""
    from diagnosis.tickets.fields import MappingFile, resolve_mapping

    mapping = resolve_mapping(export.headers, explicit)
    units = explicit.units if isinstance(explicit, MappingFile) else None
    return mapping, analyze(export, mapping, sla_minutes, groupings, progress, units=units, time_zone=time_zone)
