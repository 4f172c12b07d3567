"""What a project file must hold together beyond the shape of each record.

`load_project` (so `check-project`, every project command and an upload in the browser) runs
these checks and reports each finding as a located `Problem` (`FILE:LINE:COLUMN`):

- **errors** (the file is refused): what the app never writes and what would give a wrong
  result: two causes, measures or check-ins with one id (the Pareto would list a cause
  twice), dot votes below 0 or above `MAX_VOTES`, progress outside 0..100 %, a NaN or
  infinite number anywhere a number is stored, and a step-2 data block that is not what an
  import stores (`DataBlock`);
- **warnings** (the file opens, the data is kept): what editing and concurrent saves can
  leave behind, or what a changed questionnaire makes stale: a measure whose root cause is
  gone, a confirmed root cause that is no cause, a check-in of a measure that is gone, a
  due date before the start, a participant's dots above the questionnaire's
  `votes_per_participant`, table rows that are not rows (or a cell of the wrong type), a
  process both in and out of scope (`method_checks.in_and_out_of_scope`, also shown on step 1),
  and a questionnaire whose version or content changed since the project was made.

The error checks walk the document as written (so they run even where the structure is
broken, and are located in any format version); the warnings look at the validated project.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from diagnosis.errors import Problem
from diagnosis.method_checks import in_and_out_of_scope
from diagnosis.project.model import MAX_VOTES, Cause, CheckIn, Fishbone, Measure, Project
from diagnosis.yamlsafe import Located

if TYPE_CHECKING:
    from diagnosis.questionnaire import Questionnaire

Path = tuple[Any, ...]


# --- the step-2 data block as imports store it (diagnosis.tickets.flow) -------------------------


class _Shape(BaseModel):
    # keys an import may add later are kept; the ones the app reads must have their type
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


Number = Optional[float]
Count = Optional[int]


class _Source(_Shape):
    name: Optional[str] = None
    size: Count = Field(None, ge=0)
    sha256: Optional[str] = None
    rows: Count = Field(None, ge=0)
    format: Optional[str] = None
    encoding: Optional[str] = None
    delimiter: Optional[str] = None


class _Facts(_Shape):
    start: Optional[str] = None
    end: Optional[str] = None
    days: Count = Field(None, ge=0)
    peak_day: Optional[str] = None
    peak_volume: Count = Field(None, ge=0)
    months: list[str] = Field(default_factory=list)


class _Aggregate(_Shape):
    n: Count = Field(None, ge=0)
    k: Count = Field(None, ge=0)
    sum: Number = None
    sumsq: Number = None
    median: Number = None
    p90: Number = None
    value: Number = None


class _Daily(_Aggregate):
    day: str


class _Sketch(_Shape):
    ratio: float = Field(gt=1)
    zeros: int = Field(0, ge=0)
    bins: list[tuple[int, int]] = Field(default_factory=list)


class _DefinitionValue(_Aggregate):
    sketch: Optional[_Sketch] = None
    daily: list[_Daily] = Field(default_factory=list)
    monthly: dict[str, _Aggregate] = Field(default_factory=dict)
    missing: list[str] = Field(default_factory=list)
    note: str = ""


class _Import(_Shape):
    id: str
    period: Literal["baseline", "checkpoint", "reference", "closed"]
    months: Count = Field(None, ge=0)
    source: Optional[_Source] = None
    mapping: dict[str, Optional[str]] = Field(default_factory=dict)
    sla_minutes: Number = Field(None, gt=0)
    csat_scale: Optional[str] = None
    imported: Optional[str] = None
    facts: Optional[_Facts] = None
    values: dict[str, _DefinitionValue] = Field(default_factory=dict)
    repeat_complainers: list[dict[str, Any]] = Field(default_factory=list)
    cycle: Count = Field(None, ge=1)


class _Results(_Shape):
    rows: int = Field(ge=0)
    sla_minutes: float = Field(gt=0)
    overall: dict[str, Number] = Field(default_factory=dict)
    groups: dict[str, dict[str, dict[str, Number]]] = Field(default_factory=dict)
    bad_rows: dict[str, int] = Field(default_factory=dict)
    bad_examples: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    heatmap: list[dict[str, int]] = Field(default_factory=list)
    unavailable: list[str] = Field(default_factory=list)
    csat_scale: str = "1-5"


class DataBlock(_Shape):
    """`Project.data`: the periods of `imports` and the step-2 overview of the latest baseline import."""

    imports: list[_Import] = Field(default_factory=list)
    source: Optional[_Source] = None
    mapping: Optional[dict[str, Optional[str]]] = None
    sla_minutes: Number = Field(None, gt=0)
    imported: Optional[str] = None
    results: Optional[_Results] = None


# --- errors, on the document as written ---------------------------------------------------------


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cause_paths(causes: Any, path: Path) -> list[tuple[Path, dict]]:
    out = []
    for i, cause in _dicts(causes):
        out.append(((*path, i), cause))
        out.extend(_cause_paths(cause.get("children"), (*path, i, "children")))
    return out


def document_problems(located: Located, filename: str) -> list[Problem]:
    """Errors found in the raw document: impossible numbers, repeated ids, a garbled data block."""
    data = located.data
    out: list[Problem] = []

    def add(path: Path, message: str) -> None:
        mark = located.mark(path)
        out.append(Problem(filename, message, mark[0] if mark else None, mark[1] if mark else None, _dotted(path)))

    def not_finite(value: Any, path: Path) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            shown = "NaN (not a number)" if math.isnan(value) else ("infinity" if value > 0 else "minus infinity")
            add(path, f"'{_dotted(path)}' is {shown}; store a finite number or leave it empty")
        elif isinstance(value, dict):
            for key, child in value.items():
                not_finite(child, (*path, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                not_finite(child, (*path, i))

    not_finite(data, ())

    def unique(items: list[tuple[Path, Any]], what: str) -> None:
        first: dict[Any, Path] = {}
        for path, value in items:
            if not isinstance(value, (str, int)) or isinstance(value, bool):
                continue
            if value in first:
                line = (located.mark(first[value]) or (0, 0))[0]
                add(path, f"duplicate {what} id '{value}' (first used at line {line})")
            else:
                first[value] = path

    scopes: list[tuple[Path, dict]] = [((), data)]
    scopes += [(("history", i), cycle) for i, cycle in _dicts(data.get("history"))]
    for prefix, scope in scopes:
        fishbone = scope.get("fishbone") if isinstance(scope.get("fishbone"), dict) else {}
        causes = _cause_paths(fishbone.get("causes"), (*prefix, "fishbone", "causes"))
        unique([((*p, "id"), c.get("id")) for p, c in causes], "cause")
        unique([((*prefix, "measures", i, "id"), m.get("id")) for i, m in _dicts(scope.get("measures"))], "measure")
        unique([((*prefix, "checkins", i, "id"), k.get("id")) for i, k in _dicts(scope.get("checkins"))], "check-in")
        for path, cause in causes:
            votes = cause.get("votes")
            for who, dots in votes.items() if isinstance(votes, dict) else ():
                if _number(dots) and math.isfinite(dots) and not (0 <= dots <= MAX_VOTES and dots == int(dots)):
                    add((*path, "votes", who), f"'{who}' gives {_shown(dots)} dots to cause '{cause.get('id')}'; "
                                               f"dots are a whole number from 0 to {MAX_VOTES:,}")  # fmt: skip
        for i, checkin in _dicts(scope.get("checkins")):
            progress = checkin.get("progress")
            if _number(progress) and math.isfinite(progress) and not 0 <= progress <= 100:
                add((*prefix, "checkins", i, "progress"), f"progress of check-in '{checkin.get('id')}' is {_shown(progress)} %; it goes from 0 to 100 %")

    block = data.get("data")
    if isinstance(block, dict):
        try:
            DataBlock.model_validate(block)
        except ValidationError as exc:
            for err in exc.errors():
                path = ("data", *_existing(block, tuple(err["loc"])))
                given = err.get("input")
                shown = "" if isinstance(given, (dict, list)) or err["type"] == "missing" else f" (got {given!r})"
                what = re.sub(r" or instance of \w+", "", err["msg"][0].lower() + err["msg"][1:])
                add(path, f"step-2 data '{_dotted(('data', *err['loc']))}': {what}{shown} (import the export again instead of editing the block)")
    return out


# --- warnings, on the validated project -------------------------------------------------------


def project_warnings(project: Project, questionnaire: "Questionnaire", filename: str, located: Located | None,
                     current_hash: str | None = None) -> list[Problem]:  # fmt: skip
    """What the file keeps but the app cannot use as it stands (see the module's docstring)."""
    out: list[Problem] = []

    def add(path: Path, message: str) -> None:
        mark = located.mark(path) if located else None
        out.append(Problem(filename, message, mark[0] if mark else None, mark[1] if mark else None, _dotted(path)))

    ref = project.questionnaire
    changes = []
    if ref.version != questionnaire.version:
        changes.append((("questionnaire", "version"), f"version {ref.version} -> {questionnaire.version}"))
    if ref.hash and current_hash and ref.hash != current_hash:
        changes.append((("questionnaire", "hash"), f"content {ref.hash} -> {current_hash}"))
    if changes:
        add(changes[0][0], f"questionnaire '{ref.id}' changed since this project was made ({'; '.join(c for _, c in changes)}); "
                           "the answers are checked against the current one and kept")  # fmt: skip

    _references(project.fishbone, project.measures, project.checkins, (), add)
    for i, cycle in enumerate(project.history):
        _references(cycle.fishbone, cycle.measures, cycle.checkins, ("history", i), add)

    both = in_and_out_of_scope(project.answers)
    for j, process in enumerate(project.answers.get("scope_out") or []):
        if process in both:
            both.remove(process)  # once per process, at its first place in scope_out
            add(("answers", "scope_out", j), f"process '{process}' is both in scope (scope_in) and out of scope (scope_out); "
                                              "keep it in one of them")  # fmt: skip

    allowed = questionnaire.analysis.votes_per_participant
    votes = [(path, who, dots) for path, cause in _causes(project.fishbone.causes, ("fishbone", "causes")) for who, dots in cause.votes.items()]
    totals: dict[str, int] = {}
    for _, who, dots in votes:
        totals[who] = totals.get(who, 0) + dots
    running: dict[str, int] = {}
    for path, who, dots in votes:  # reported once per participant, at the vote that passes the limit
        before = running.get(who, 0)
        running[who] = before + dots
        if before <= allowed < running[who]:
            add((*path, "votes", who), f"'{who}' gives {totals[who]:,} dots in all; the questionnaire allows "
                                       f"{allowed} per participant (kept; the Pareto by votes counts them all)")  # fmt: skip
    return out


def _causes(causes: list[Cause], path: Path) -> list[tuple[Path, Cause]]:
    out = []
    for i, cause in enumerate(causes):
        out.append(((*path, i), cause))
        out.extend(_causes(cause.children, (*path, i, "children")))
    return out


def _references(fishbone: Fishbone, measures: list[Measure], checkins: list[CheckIn], prefix: Path, add: Any) -> None:
    causes = {c.id for _, c in _causes(fishbone.causes, ())}
    for j, cause_id in enumerate(fishbone.confirmed or []):
        if cause_id not in causes:
            add((*prefix, "fishbone", "confirmed", j), f"confirmed root cause '{cause_id}' is not a cause of the fishbone (kept, not used)")
    for i, measure in enumerate(measures):
        if measure.root_cause and measure.root_cause not in causes:
            add((*prefix, "measures", i, "root_cause"), f"measure '{measure.id}' answers cause '{measure.root_cause}', "
                                                        "which is not a cause of the fishbone (kept; choose its root cause again in step 4)")  # fmt: skip
        if measure.start and measure.due and measure.due < measure.start:
            add((*prefix, "measures", i, "due"), f"measure '{measure.id}' is due {measure.due}, before its start {measure.start}")
    ids = {m.id for m in measures}
    for i, checkin in enumerate(checkins):
        if checkin.measure not in ids:
            add((*prefix, "checkins", i, "measure"), f"check-in '{checkin.id}' is about measure '{checkin.measure}', "
                                                     "which is not a measure of the plan (kept, not shown)")  # fmt: skip


def _existing(data: Any, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The part of a pydantic location that exists in the data (for its line and column)."""
    path: list[Any] = []
    for part in loc:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            break
        path.append(part)
    return tuple(path)


def _shown(value: Any) -> str:
    if isinstance(value, float) and value == int(value) and abs(value) < 1e16:
        value = int(value)
    return f"{value:,}" if isinstance(value, int) and abs(value) < 10**18 else f"{value:.3g}"


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
