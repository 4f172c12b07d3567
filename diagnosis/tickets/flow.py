"""How import results flow on: into `Project.data`, step-1 baselines, causes and step-6 checkpoints.

Two things are kept per import, never the raw rows:

- the step-2 overview of the latest baseline export (`store_import`): mapping, file facts and
  the `KpiResult` of every metric per grouping, for the tables and charts of step 2;
- one entry per imported period in `data["imports"]` (`store_period`): every metric
  definition of the project computed on that export, with n and the daily / monthly
  aggregates (`diagnosis.tickets.measure`).

    imports: [{id, period: baseline|checkpoint|reference, months (checkpoints), source: {name,
               size, sha256, rows ...}, mapping, sla_minutes, csat_scale, imported,
               facts: {start, end, days, peak_day, peak_volume, months},
               values: {definition id: {value, n, k, daily, monthly, missing, note}},
               repeat_complainers: [{customer, complaints, last}],
               time_zone, units: {duration field: unit}, warnings: [{id, field, count, zh, en}]}]

The import options are the project's: `data["sla_minutes"]` and `data["time_zone"]` (the IANA
zone every time is converted to, default Asia/Shanghai: `time_zone(project)`).

A step-1 row bound to a definition gets its baseline from the latest baseline import and each
checkpoint from the checkpoint import of that month, by that definition and nothing else
(`use_as_baseline`, `fill_checkpoint`); rows typed in by hand are never filled from an export.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.evaluation import metric_options
from diagnosis.fishbone import iter_causes
from diagnosis.metric_definitions import MANUAL, MetricDefinition, bound_definition, definitions, row_key
from diagnosis.project.model import Cause, MetricValue, Project, now
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.questionnaire.rules import as_number
from diagnosis.tickets.analyze import KpiResult
from diagnosis.tickets.clean import DEFAULT_TIME_ZONE
from diagnosis.tickets.metrics import DEFAULT_SLA_MINUTES
from diagnosis.tickets.fields import Mapping, Units
from diagnosis.tickets.measure import DefinitionValue, Measured, measure_export
from diagnosis.tickets.reader import SourceFacts


def store_import(project: Project, facts: SourceFacts, mapping: Mapping, result: KpiResult) -> None:
    """Keep the mapping, the source file's facts and the results in `project.data` (replacing an earlier import)."""
    project.data.update(
        {
            "source": facts.to_dict(),
            "mapping": dict(mapping),
            "units": dict(result.units),
            "sla_minutes": result.sla_minutes,
            "time_zone": result.time_zone,
            "imported": now().isoformat(),
            "results": result.to_dict(),
        }
    )


def sla_minutes(project: Project) -> float:
    """The project's SLA for first responses (`data["sla_minutes"]`, set on the step-2 page; default `DEFAULT_SLA_MINUTES`)."""
    value = project.data.get("sla_minutes")
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else DEFAULT_SLA_MINUTES


def time_zone(project: Project) -> str:
    """The zone the project's imports convert their times to (`data["time_zone"]`, default Asia/Shanghai)."""
    zone = project.data.get("time_zone")
    return zone if isinstance(zone, str) and zone.strip() else DEFAULT_TIME_ZONE


def stored_units(project: Project, mapping: Mapping) -> Units:
    """The units chosen at the last import for the duration columns `mapping` still maps to the same header."""
    units, saved = project.data.get("units"), stored_mapping(project) or {}
    if not isinstance(units, dict):
        return {}
    return {f: u for f, u in units.items() if isinstance(u, str) and mapping.get(f) and saved.get(f) == mapping.get(f)}


def stored_result(project: Project) -> Optional[KpiResult]:
    results = project.data.get("results")
    return KpiResult.from_dict(results) if isinstance(results, dict) else None


def stored_mapping(project: Project) -> Optional[Mapping]:
    mapping = project.data.get("mapping")
    return dict(mapping) if isinstance(mapping, dict) else None


def category_counts(result: KpiResult) -> dict[str, int]:
    """Tickets per category, largest first (the evidence a cause can carry into the Pareto)."""
    return {k: int(v["volume"] or 0) for k, v in result.groups.get("category", {}).items()}


def all_causes(project: Project) -> list[Cause]:
    return list(iter_causes(project.fishbone))


def suggest_causes(project: Project, counts: dict[str, int]) -> dict[str, str]:
    """category -> cause id, where the category's name appears in exactly one cause's text."""
    causes = all_causes(project)
    out = {}
    for category in counts:
        hits = [c.id for c in causes if category and category.lower() in c.text.lower()]
        if len(hits) == 1:
            out[category] = hits[0]
    return out


def attach_counts(project: Project, assignment: dict[str, str], counts: dict[str, int], lang: str = "zh") -> list[Cause]:
    """Set `value`/`unit` of each assigned cause (cause id per category) to the category's ticket count.

    Several categories assigned to one cause add up. Returns the causes changed."""
    by_id = {c.id: c for c in all_causes(project)}
    totals: dict[str, int] = {}
    for category, cause_id in assignment.items():
        if not cause_id:
            continue
        if cause_id not in by_id:
            raise DiagnosisError(f"找不到原因“{cause_id}”", f"no cause with id '{cause_id}'")
        if category not in counts:
            raise DiagnosisError(f"导入的数据中没有类别“{category}”", f"no category '{category}' in the import")
        totals[cause_id] = totals.get(cause_id, 0) + counts[category]
    changed = []
    for cause_id, total in totals.items():
        cause = by_id[cause_id]
        cause.value = float(total)
        cause.unit = "工单" if lang == "zh" else "tickets"
        categories = ", ".join(c for c, i in assignment.items() if i == cause_id)
        note = (f"工单数据：{categories} 共 {total} 件" if lang == "zh" else f"ticket data: {categories}, {total} tickets")
        if note not in cause.evidence:
            cause.evidence = f"{cause.evidence}\n{note}".strip()
        changed.append(cause)
    return changed


# --- periods: every import keeps the values of every definition (never the raw rows) --------

PERIODS = ("baseline", "checkpoint", "reference")
# an earlier cycle's checkpoint other than its last: kept for the record, used by no step
CLOSED = "closed"


def imports(project: Project) -> list[dict[str, Any]]:
    """The imported periods, oldest data first: [{id, period, months, source, values, facts ...}]."""
    entries = [e for e in project.data.get("imports") or [] if isinstance(e, dict)]
    return sorted(entries, key=lambda e: ((e.get("facts") or {}).get("end") or "", e.get("imported") or ""))


def store_period(project: Project, facts: SourceFacts, mapping: Mapping, measured: Measured, period: str,
                 months: Optional[int] = None, sla_minutes: float = DEFAULT_SLA_MINUTES, imported: Optional[str] = None) -> dict[str, Any]:
    """Keep one export's definition values as a period of the project and return the entry.

    A checkpoint replaces the earlier import of the same month count; a baseline or reference
    import replaces the import of the same file (same SHA-256)."""
    if period not in PERIODS:
        raise DiagnosisError(f"未知的时期“{period}”（可选：{', '.join(PERIODS)}）", f"unknown period '{period}' (one of {', '.join(PERIODS)})")
    if period == "checkpoint" and (months is None or months < 0):
        raise DiagnosisError("评估点的导入需要注明上线后第几个月", "a checkpoint import needs the months after launch")
    entry = {
        "id": "i" + facts.sha256[:10] + (f"m{months}" if period == "checkpoint" else ""),
        "period": period, "months": months if period == "checkpoint" else None,
        "source": facts.to_dict(), "mapping": dict(mapping), "sla_minutes": sla_minutes,
        "csat_scale": measured.csat_scale, "imported": imported or now().isoformat(),
        "facts": measured.period.to_dict(), "values": {k: v.to_dict() for k, v in measured.values.items()},
        "repeat_complainers": measured.repeat_complainers,
        "time_zone": measured.time_zone, "units": dict(measured.units), "warnings": list(measured.warnings),
    }  # fmt: skip

    def same(e: dict[str, Any]) -> bool:
        if period == "checkpoint":
            return e.get("period") == "checkpoint" and e.get("months") == months
        return e.get("period") != "checkpoint" and (e.get("source") or {}).get("sha256") == facts.sha256

    project.data["imports"] = [e for e in project.data.get("imports") or [] if not same(e)] + [entry]
    return entry


def baseline_import(project: Project) -> Optional[dict[str, Any]]:
    """The baseline period the step-1 values come from: the baseline import with the latest data."""
    found = [e for e in imports(project) if e.get("period") == "baseline"]
    return found[-1] if found else None


def computable(project: Project, known: dict[str, MetricDefinition]) -> list[str]:
    """The definitions (ids) the baseline import gives a value for: what "use as baseline" offers."""
    base = baseline_import(project)
    found = {d: period_value(base, d) for d in known}
    return [d for d, v in found.items() if v is not None and v.value is not None]


def period_value(entry: Optional[dict[str, Any]], definition_id: str) -> Optional[DefinitionValue]:
    if not entry:
        return None
    data = (entry.get("values") or {}).get(definition_id)
    return DefinitionValue.from_dict(data) if isinstance(data, dict) else None


def rounded(definition: MetricDefinition, value: Optional[float]) -> Optional[float]:
    """A definition's value as steps 1 and 6 keep it: counts whole, seconds whole, else 2 decimals."""
    if value is None:
        return None
    if definition.statistic == "count" and definition.field == "volume":
        return float(round(value))
    return round(value, 0 if definition.field in ("handle_s", "queue_s") else 2)


def _step1_metric(definition: MetricDefinition, questionnaire: Optional[Questionnaire]) -> str:
    """The step-1 `metric` choice of a definition: its kind when that is an option, else other."""
    options = {o.id for o in metric_options(questionnaire)}
    return definition.kind if definition.kind in options else "other"


def use_as_baseline(project: Project, questionnaire: Optional[Questionnaire], definition: MetricDefinition,
                    entry: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Bind a step-1 row to `definition` and set its baseline from a baseline import; returns the row.

    The row of that definition is updated (its target, wording and direction stay); without
    one a new row is added, with no wording of its own (the definition's name is shown in the
    reader's language)."""
    entry = entry or baseline_import(project)
    if entry is None:
        raise DiagnosisError("还没有基线导入：请先导入基线时期的工单导出", "no baseline import yet: import an export of the baseline period first")
    found = period_value(entry, definition.id)
    value = rounded(definition, found.value if found else None)
    if value is None:
        note = found.note if found and found.note else ""  # an import's note is kept in English
        raise DiagnosisError(f"无法从 {entry['source']['name']} 计算“{definition.label('zh')}”：{note or '这次导入中没有这个指标定义'}",
                             f"{definition.label('en')} cannot be computed from {entry['source']['name']}: "
                             f"{note or 'the definition is not in this import'}")
    rows = project.answers.setdefault("metrics", [])
    if not isinstance(rows, list):
        raise DiagnosisError("第一步的指标答案不是表格", "the step-1 answer 'metrics' is not a table")
    match = next((r for r in rows if isinstance(r, dict) and r.get("definition") == definition.id), None)
    if match is None:
        match = {"metric": _step1_metric(definition, questionnaire), "definition": definition.id, "name": "",
                 "baseline": value, "target": None, "unit": "", "direction": definition.direction}  # fmt: skip
        rows.append(match)
    match["baseline"] = value
    match["direction"] = match.get("direction") or definition.direction
    return match


@dataclass
class CheckpointFill:
    values: list[MetricValue]
    # step-1 rows not filled: (row key, why) -- typed-in rows, or a definition the export cannot compute
    skipped: list[tuple[str, str]]


def checkpoint_values(project: Project, known: dict[str, MetricDefinition], entry: dict[str, Any], checkpoint: int,
                      date: Optional[dt.date] = None) -> CheckpointFill:
    """Step-6 values of every bound step-1 row from one import, each by the row's own definition."""
    values, skipped = [], []
    for row in project.answers.get("metrics") or []:
        if not isinstance(row, dict):
            continue
        key = row_key(row)
        definition = bound_definition(row, known)
        if definition is None:
            skipped.append((key, "typed in by hand" if row.get("definition") in (None, "", MANUAL) else "unknown definition"))
            continue
        found = period_value(entry, definition.id)
        value = rounded(definition, found.value if found else None)
        if value is None:
            skipped.append((key, (found.note if found else "") or "not in this import"))
            continue
        values.append(MetricValue(metric=key, checkpoint=checkpoint, value=value, date=date, definition=definition.id,
                                  n=found.n if found else None, source=entry.get("id"),
                                  note=f"{definition.label('en')} from {entry['source']['name']}"))  # fmt: skip
    return CheckpointFill(values, skipped)


def fill_checkpoint(project: Project, known: dict[str, MetricDefinition], entry: dict[str, Any], checkpoint: int,
                    date: Optional[dt.date] = None) -> CheckpointFill:
    """Put the values into `project.evaluation` (replacing those of the same row and checkpoint)."""
    filled = checkpoint_values(project, known, entry, checkpoint, date)
    if not filled.values:
        raise DiagnosisError("第一步没有任何一行绑定了这份导出能计算的指标定义", "none of the step-1 rows is bound to a definition this export can compute")
    keys = {(v.metric, v.checkpoint) for v in filled.values}
    project.evaluation.values = [v for v in project.evaluation.values if (v.metric, v.checkpoint) not in keys] + filled.values
    project.evaluation.values.sort(key=lambda v: (v.metric, v.checkpoint))
    return filled


def measure_and_store(project: Project, questionnaire: Questionnaire, export, mapping: Mapping, period: str,
                      months: Optional[int] = None, sla_minutes: float = DEFAULT_SLA_MINUTES, imported: Optional[str] = None,
                      units: Optional[Units] = None, zone: Optional[str] = None) -> dict[str, Any]:
    """Compute every definition of the project on an export and keep it as a period (times in
    `zone`, default the project's `time_zone`; `units` as in `analyze`)."""
    known = definitions(questionnaire, project)
    measured = measure_export(export, mapping, known.values(), sla_minutes, units=units, time_zone=zone or time_zone(project))
    return store_period(project, export.facts, mapping, measured, period, months, sla_minutes, imported)


def row_view(project: Project, questionnaire: Questionnaire, lang: str) -> list[dict[str, Any]]:
    """Every step-1 row with its definition in words, baseline (and n behind it), target and checkpoints.

    The shape of `diagnosis metrics P --format json` and of the step-2 / step-6 tables."""
    known = definitions(questionnaire, project)
    base = baseline_import(project)
    out = []
    for row in project.answers.get("metrics") or []:
        if not isinstance(row, dict):
            continue
        definition = bound_definition(row, known)
        key = row_key(row)
        computed = period_value(base, definition.id) if definition else None
        baseline_computed = rounded(definition, computed.value) if definition and computed else None
        name = row.get("name") or (definition.label(lang) if definition else "") or str(row.get("metric") or "")
        checkpoints = {}
        for v in project.evaluation.values:
            if v.metric == key:
                checkpoints[v.checkpoint] = {"value": v.value, "n": v.n, "computed": v.definition is not None}
        out.append({
            "row": key, "name": name, "definition": definition.id if definition else None,
            "definition_text": definition.describe(lang) if definition else ("手工录入" if lang == "zh" else "typed in by hand"),
            "unit": row.get("unit") or (definition.unit_text(lang) if definition else ""),
            "direction": row.get("direction"), "baseline": as_number(row.get("baseline")),
            "baseline_n": computed.n if computed and baseline_computed == as_number(row.get("baseline")) else None,
            "baseline_computed": baseline_computed, "target": as_number(row.get("target")),
            "checkpoints": dict(sorted(checkpoints.items())),
        })  # fmt: skip
    return out


def _covers(facts: dict[str, Any], month: str) -> bool:
    """Whether an export's dates span the whole calendar month ("2025-08")."""
    try:
        first = dt.date.fromisoformat(month + "-01")
        start, end = dt.date.fromisoformat(facts["start"]), dt.date.fromisoformat(facts["end"])
    except (KeyError, TypeError, ValueError):
        return False
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return start <= first and end >= last


def month_on_month(project: Project, definition_id: str, count: bool = False) -> list[dict[str, Any]]:
    """The definition's value per calendar month over the baseline and reference imports, with the
    change on the month before; `complete` says whether the export spans the whole month (a
    count over half a month is no month's volume), `comparable` whether the change means something
    (for a `count` definition, both months whole)."""
    months: dict[str, dict[str, Any]] = {}
    for entry in imports(project):
        if entry.get("period") not in ("baseline", "reference"):
            continue
        found = period_value(entry, definition_id)
        for month, data in (found.monthly if found else {}).items():
            months[month] = {**data, "complete": _covers(entry.get("facts") or {}, month)}
    out, previous, whole_before = [], None, True
    for month in sorted(months):
        value, complete = months[month].get("value"), months[month]["complete"]
        change = None if previous in (None, 0) or value is None else round((value - previous) / abs(previous) * 100, 1)
        # a count over part of a month is no month's count: no change against it
        comparable = change is not None and (not count or (complete and whole_before))
        out.append({"month": month, "value": value, "n": months[month].get("n"), "change_pct": change,
                    "complete": complete, "comparable": comparable})
        previous, whole_before = value, complete
    return out


def month_on_month_definitions(project: Project, known: dict[str, MetricDefinition]) -> list[str]:
    """The definitions with two months of data or more in the baseline and reference imports."""
    return [d for d in known if len(month_on_month(project, d)) >= 2]


def carry_into_next_cycle(project: Project, closed_cycle: int) -> Optional[dict[str, Any]]:
    """The imports as the next cycle needs them; returns the new baseline entry (or None).

    The closed cycle's last checkpoint export becomes the new cycle's baseline period (the
    step-1 baselines are its values); the old baseline becomes a reference period (month on
    month); the closed cycle's other checkpoints are kept as `closed`, used by no step, so the
    new cycle's month-1 import never meets the old month-1. Without a checkpoint import the
    baseline stays the baseline."""
    entries = imports(project)
    checkpoints = [e for e in entries if e.get("period") == "checkpoint"]
    if not checkpoints:
        return None
    latest = max(checkpoints, key=lambda e: (e.get("months") or 0, (e.get("facts") or {}).get("end") or ""))
    for entry in entries:
        entry.setdefault("cycle", closed_cycle)
        if entry is latest:
            entry.update(period="baseline", was={"period": "checkpoint", "months": entry.get("months"), "cycle": closed_cycle}, months=None)
        elif entry.get("period") == "baseline":
            entry["period"] = "reference"
        elif entry.get("period") == "checkpoint":
            entry.update(period=CLOSED, was={"period": "checkpoint", "months": entry.get("months"), "cycle": closed_cycle})
    return latest
