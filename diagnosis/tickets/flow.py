"""How import results flow on: into `Project.data`, step-1 baselines, causes and step-6 checkpoints.

Step 1 and step 6 state rates in percent (3.2 = 3.2 %) and CSAT on the 1-5 scale, as the
shipped questionnaires and their alert rules do; the import computes rates as fractions, so
values are converted here, in one place (`step_value`).

`Project.data` after an import (no raw rows):

    source: {name, size, sha256, rows, format, encoding, delimiter}
    mapping: {created_at: 创建时间, ...}
    sla_minutes: 15.0
    imported: 2025-09-01T10:00:00+00:00
    results: KpiResult.to_dict()
    checkpoints: {"3": {source: {...}, sla_minutes, imported, overall: {...}}}   # later exports
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from diagnosis.errors import DiagnosisError
from diagnosis.fishbone import iter_causes
from diagnosis.project.model import Cause, MetricValue, Project, now
from diagnosis.tickets.analyze import KpiResult
from diagnosis.tickets.fields import Mapping
from diagnosis.tickets.metrics import BY_NAME, UNITS, label
from diagnosis.tickets.reader import SourceFacts

# the statistic used when a step-1 metric is filled from an export without naming one
DEFAULT_STATISTIC = {
    "volume": "volume", "frt": "frt_mean_min", "sla_rate": "sla_rate", "resolution_time": "resolution_mean_h",
    "aht": "aht_mean_s", "fcr": "fcr", "transfer_rate": "transfer_rate", "reopen_rate": "reopen_rate",
    "csat": "csat_mean", "complaint_rate": "complaint_rate",
}  # fmt: skip


def store_import(project: Project, facts: SourceFacts, mapping: Mapping, result: KpiResult) -> None:
    """Keep the mapping, the source file's facts and the results in `project.data` (replacing an earlier import)."""
    project.data.update(
        {
            "source": facts.to_dict(),
            "mapping": dict(mapping),
            "sla_minutes": result.sla_minutes,
            "imported": now().isoformat(),
            "results": result.to_dict(),
        }
    )


def stored_result(project: Project) -> Optional[KpiResult]:
    results = project.data.get("results")
    return KpiResult.from_dict(results) if isinstance(results, dict) else None


def stored_mapping(project: Project) -> Optional[Mapping]:
    mapping = project.data.get("mapping")
    return dict(mapping) if isinstance(mapping, dict) else None


def step_value(metric: str, value: Optional[float]) -> Optional[float]:
    """A computed value in the units of steps 1 and 6 (rates in %), rounded for people."""
    if value is None:
        return None
    unit = BY_NAME[metric].unit
    if unit == "rate":
        return round(value * 100, 2)
    if unit == "count":
        return float(int(value))
    return round(value, 2 if unit != "s" else 0)


def unit_text(metric: str, lang: str) -> str:
    zh, en = UNITS[BY_NAME[metric].unit]
    return zh if lang == "zh" else en


def baseline_row(result: KpiResult, metric: str, lang: str = "zh", group: Optional[tuple[str, str]] = None) -> dict[str, Any]:
    """A row for `answers["metrics"]` (step 1) from a computed metric, overall or for one group."""
    if metric not in BY_NAME:
        raise DiagnosisError(f"unknown metric '{metric}'")
    values = result.overall if group is None else result.groups.get(group[0], {}).get(group[1])
    if values is None:
        raise DiagnosisError(f"no group '{group[1]}' in the grouping by {group[0]}")  # type: ignore[index]
    value = step_value(metric, values.get(metric))
    if value is None:
        raise DiagnosisError(f"{metric} is not available in this export (a column is missing or no ticket qualifies)")
    info = BY_NAME[metric]
    name = label(metric, lang)
    if group is not None:
        name = f"{name} ({group[1]})"
    return {"metric": info.step1, "name": name, "baseline": value, "target": None, "unit": unit_text(metric, lang),
            "direction": info.direction}  # fmt: skip


def use_as_baseline(answers: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """Add the row to `answers["metrics"]`, or update the baseline of the row with the same metric and name.

    An existing row keeps its target and direction; returns the row as stored."""
    rows = answers.setdefault("metrics", [])
    if not isinstance(rows, list):
        raise DiagnosisError("the step-1 answer 'metrics' is not a table")
    candidates = [r for r in rows if isinstance(r, dict) and r.get("metric") == row["metric"]]
    # the row with the same wording; else, for a listed metric, the first row of that metric
    match = next((r for r in candidates if (r.get("name") or "") == row["name"]), None)
    if match is None and row["metric"] != "other" and candidates:
        match = candidates[0]
    if match is not None:
        match["baseline"] = row["baseline"]
        match["unit"] = match.get("unit") or row["unit"]
        match["name"] = match.get("name") or row["name"]
        match["direction"] = match.get("direction") or row["direction"]
        return match
    rows.append(dict(row))
    return rows[-1]


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
            raise DiagnosisError(f"no cause with id '{cause_id}'")
        if category not in counts:
            raise DiagnosisError(f"no category '{category}' in the import")
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


def checkpoint_values(project: Project, result: KpiResult, checkpoint: int, date: Optional[dt.date] = None) -> list[MetricValue]:
    """Step-6 values for every step-1 metric the export can measure (rates in %)."""
    values = []
    seen = set()
    for row in project.answers.get("metrics") or []:
        metric_id = row.get("metric") if isinstance(row, dict) else None
        statistic = DEFAULT_STATISTIC.get(metric_id or "")
        if statistic is None or metric_id in seen:
            continue
        value = step_value(statistic, result.overall.get(statistic))
        if value is None:
            continue
        seen.add(metric_id)
        note = f"{label(statistic, 'en')} from ticket export"
        values.append(MetricValue(metric=metric_id, checkpoint=checkpoint, value=value, date=date, note=note))
    return values


def fill_checkpoint(
    project: Project, result: KpiResult, checkpoint: int, facts: Optional[SourceFacts] = None, date: Optional[dt.date] = None
) -> list[MetricValue]:
    """Put the values into `project.evaluation` (replacing those of the same metric and checkpoint)."""
    new = checkpoint_values(project, result, checkpoint, date)
    if not new:
        raise DiagnosisError("none of the step-1 metrics can be measured from this export")
    keys = {(v.metric, v.checkpoint) for v in new}
    project.evaluation.values = [v for v in project.evaluation.values if (v.metric, v.checkpoint) not in keys] + new
    entry: dict[str, Any] = {"sla_minutes": result.sla_minutes, "imported": now().isoformat(), "overall": dict(result.overall)}
    if facts is not None:
        entry["source"] = facts.to_dict()
    project.data.setdefault("checkpoints", {})[str(checkpoint)] = entry
    return new
