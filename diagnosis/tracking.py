"""Step 5: the weekly check-ins of each measure, and what needs attention.

A measure's status is the status of its latest check-in (`not_started` without one). A
measure is *overdue* when its due date is before `today` and its latest status is not
`done`; it is *stale* when it is not done and its last check-in (or, without any check-in,
its start date) lies more than `stale_days` (7) days before `today`. A measure with neither
a check-in nor a start date has nothing to be late against and is never stale. `today` is
always a parameter so that a report, a test and a reloaded file agree on the answer.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Optional

from pydantic import ValidationError

from diagnosis.errors import DiagnosisError
from diagnosis.project.model import CheckIn, Measure, Project

STATUSES = ("not_started", "on_track", "at_risk", "late", "done")
STATUS_LABELS = {
    "not_started": ("未开始", "Not started"),
    "on_track": ("正常", "On track"),
    "at_risk": ("有风险", "At risk"),
    "late": ("延期", "Late"),
    "done": ("已完成", "Done"),
}
STALE_DAYS = 7


def status_label(status: str, lang: str) -> str:
    zh, en = STATUS_LABELS.get(status, (status, status))
    return zh if lang == "zh" else en


def history(project: Project, measure_id: str) -> list[CheckIn]:
    """The check-ins of one measure, oldest first (same day: in the order recorded)."""
    return sorted((c for c in project.checkins if c.measure == measure_id), key=lambda c: c.date)


def latest_checkin(project: Project, measure_id: str) -> Optional[CheckIn]:
    checkins = history(project, measure_id)
    return checkins[-1] if checkins else None


def record_checkin(project: Project, checkin: CheckIn) -> CheckIn:
    """Add a check-in to the history (nothing is overwritten)."""
    if not any(m.id == checkin.measure for m in project.measures):
        raise DiagnosisError(f"找不到措施“{checkin.measure}”", f"no measure with id '{checkin.measure}'")
    project.checkins.append(checkin)
    return checkin


EDITABLE = ("date", "status", "progress", "deviation", "cause", "adjusted_plan", "value")


def find_checkin(project: Project, checkin_id: str) -> CheckIn:
    for checkin in project.checkins:
        if checkin.id == checkin_id:
            return checkin
    raise DiagnosisError(f"找不到这条进展记录“{checkin_id}”（可能刚被删除）", f"no check-in with id '{checkin_id}' (deleted meanwhile?)")


def edit_checkin(project: Project, checkin_id: str, **changes: object) -> CheckIn:
    """Correct a check-in in place (a typo such as 100% for 20%): the log, the measure's status and
    the report then read the corrected values. Only `EDITABLE` fields; `done` means 100%."""
    checkin = find_checkin(project, checkin_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DiagnosisError(f"进展记录的 {', '.join(unknown)} 不能修改", f"cannot edit {', '.join(unknown)} of a check-in")
    data = {**checkin.model_dump(), **changes}
    if data["status"] == "done":
        data["progress"] = 100
    try:
        corrected = CheckIn.model_validate(data)
    except ValidationError as exc:
        raise DiagnosisError(f"进展记录无效：{exc.errors()[0]['msg']}", f"invalid check-in: {exc.errors()[0]['msg']}") from None
    project.checkins[next(i for i, c in enumerate(project.checkins) if c is checkin)] = corrected
    return corrected


def delete_checkin(project: Project, checkin_id: str) -> CheckIn:
    """Remove one check-in (entered for the wrong measure, twice...); the measure falls back to the one before."""
    checkin = find_checkin(project, checkin_id)
    project.checkins = [c for c in project.checkins if c is not checkin]
    return checkin


@dataclass(frozen=True)
class MeasureTracking:
    """Where one measure stands on `today`."""

    measure: Measure
    latest: Optional[CheckIn]
    checkins: int
    overdue: bool
    stale: bool
    days_since_checkin: Optional[int]

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else "not_started"

    @property
    def progress(self) -> int:
        return self.latest.progress if self.latest else 0

    @property
    def owner(self) -> str:
        return self.measure.owner


def is_overdue(measure: Measure, status: str, today: dt.date) -> bool:
    return measure.due is not None and measure.due < today and status != "done"


def is_stale(measure: Measure, latest: Optional[CheckIn], today: dt.date, stale_days: int = STALE_DAYS) -> bool:
    if latest is not None and latest.status == "done":
        return False
    since = latest.date if latest is not None else measure.start
    return since is not None and (today - since).days > stale_days


def track(project: Project, today: dt.date, stale_days: int = STALE_DAYS) -> list[MeasureTracking]:
    """One row per measure, in the order of the plan's measures."""
    out = []
    for measure in project.measures:
        checkins = history(project, measure.id)
        latest = checkins[-1] if checkins else None
        status = latest.status if latest else "not_started"
        out.append(
            MeasureTracking(
                measure=measure,
                latest=latest,
                checkins=len(checkins),
                overdue=is_overdue(measure, status, today),
                stale=is_stale(measure, latest, today, stale_days),
                days_since_checkin=(today - latest.date).days if latest else None,
            )
        )
    return out


def summary_by_status(rows: list[MeasureTracking]) -> dict[str, int]:
    """Counts per status, every status present (zero included), in the method's order."""
    counts = Counter(r.status for r in rows)
    return {s: counts.get(s, 0) for s in STATUSES}


def summary_by_owner(rows: list[MeasureTracking]) -> dict[str, dict[str, int]]:
    """Per owner: counts per status plus `overdue` and `stale`; owners sorted by name."""
    out: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = out.setdefault(row.owner or "", {**{s: 0 for s in STATUSES}, "overdue": 0, "stale": 0, "total": 0})
        counts[row.status] += 1
        counts["overdue"] += row.overdue
        counts["stale"] += row.stale
        counts["total"] += 1
    return dict(sorted(out.items()))
