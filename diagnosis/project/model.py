"""A diagnosis project: metadata, the answers and the domain records of steps 3-6.

This is what a project file holds (see `diagnosis.project.files`) and what the store keeps.
Answers are keyed by question id and hold plain YAML values (text, numbers, booleans, ISO
dates as strings, lists, and lists of row mappings for tables).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from diagnosis.metric_definitions import MetricDefinition

FORMAT = "process-diagnosis-project"
FORMAT_VERSION = 3

Level = Literal["high", "medium", "low"]
Status = Literal["not_started", "on_track", "at_risk", "late", "done"]
Horizon = Literal["short", "mid", "long"]


def new_id(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:10]


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


# dot votes of one participant on one cause: a handful in a workshop; more than this is a
# typo or a forgery (diagnosis.project.consistency reports it where it is written)
MAX_VOTES = 1_000_000
Dots = Annotated[int, Field(ge=0, le=MAX_VOTES)]


class Record(BaseModel):
    # NaN and infinity in a file are refused where they are written (diagnosis.project.consistency,
    # which sees the free-form answers and data too); the domain functions stay robust to them
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Meta(Record):
    id: str = Field(default_factory=lambda: new_id("p"), min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    title: str = ""
    organization: str = ""
    language: Literal["zh", "en"] = "zh"
    created: dt.datetime = Field(default_factory=now)
    updated: dt.datetime = Field(default_factory=now)


class QuestionnaireRef(Record):
    id: str
    version: str
    hash: str = ""
    # the questionnaire's YAML, embedded when it is not one of the shipped files, so that a
    # project made from an uploaded questionnaire still opens elsewhere
    source: Optional[str] = None


class Cause(Record):
    """A rib of the fishbone; `children` are the answers to "why?" (sub-causes)."""

    id: str = Field(default_factory=lambda: new_id("c"))
    category: str
    text: str
    children: list[Cause] = Field(default_factory=list)
    stage: Optional[str] = None
    frequency: Optional[Level] = None
    impact: Optional[Level] = None
    value: Optional[float] = None
    unit: str = ""
    evidence: str = ""
    author: str = ""
    # dot votes: participant -> number of dots given to this cause
    votes: dict[str, Dots] = Field(default_factory=dict)

    @property
    def vote_total(self) -> int:
        return sum(self.votes.values())


class Fishbone(Record):
    problem: str = ""
    causes: list[Cause] = Field(default_factory=list)
    # ids of the causes the team confirmed as root causes; None = not confirmed yet (the
    # vital few of the Pareto ranking are proposed)
    confirmed: Optional[list[str]] = None
    # participants of a link vote as "guest:<id>" (diagnosis.sharing.Guest): the name each typed
    # last, a label only (votes never count by it)
    guests: dict[str, str] = Field(default_factory=dict)
    # blind dot voting: while True, nobody sees vote counts (the participant page gets none, the
    # facilitator's tables show none) until the facilitator reveals them
    votes_hidden: bool = False


class Measure(Record):
    """One measure of the action plan (step 4), against one root cause."""

    id: str = Field(default_factory=lambda: new_id("m"))
    root_cause: str = ""
    title: str
    problem: str = ""
    steps: str = ""
    owner: str = ""
    department: str = ""
    start: Optional[dt.date] = None
    due: Optional[dt.date] = None
    budget: str = ""
    people: str = ""
    system_access: str = ""
    # the expected effect: on a step-1 metrics row (`metric_row`, its `metric_definitions.row_key`;
    # `metric` then keeps the row's wording as it was picked) or on something else (`metric` alone)
    metric: str = ""
    metric_row: Optional[str] = None
    metric_from: Optional[float] = None
    metric_to: Optional[float] = None
    risk: str = ""
    contingency: str = ""
    urgency: int = Field(3, ge=1, le=5)
    importance: int = Field(3, ge=1, le=5)
    cost: int = Field(3, ge=1, le=5)
    horizon_override: Optional[Horizon] = None
    # cost and benefit (optional, in the plan's currency; diagnosis.economics): a one-off
    # investment, a running cost per year, and the expected yearly savings or retained value
    invest_once: Optional[float] = Field(None, ge=0)
    invest_yearly: Optional[float] = Field(None, ge=0)
    benefit_yearly: Optional[float] = Field(None, ge=0)


class CheckIn(Record):
    """A weekly check-in on one measure (step 5); the history is kept in full."""

    id: str = Field(default_factory=lambda: new_id("k"))
    measure: str
    date: dt.date
    status: Status
    progress: int = Field(0, ge=0, le=100)
    deviation: str = ""
    cause: str = ""
    adjusted_plan: str = ""
    author: str = ""
    # the measure's metric as measured that week (in the step-1 row's unit): it joins the
    # row's series, where the step-6 alert rules run on it (diagnosis.series_alerts)
    value: Optional[float] = None


class MetricValue(Record):
    """A step-1 row's value at an evaluation checkpoint (months after launch).

    `metric` is the row's key (`diagnosis.metric_definitions.row_key`): the definition id of a
    bound row, `manual:<wording>` for a row typed in by hand; so two rows never share values."""

    metric: str
    checkpoint: int = Field(ge=0, le=120)
    value: float
    date: Optional[dt.date] = None
    note: str = ""
    # computed from an export: the definition applied, the tickets behind the value, the import
    definition: Optional[str] = None
    n: Optional[int] = Field(None, ge=0)
    source: Optional[str] = None


class EvaluationRecord(Record):
    launch: Optional[dt.date] = None
    values: list[MetricValue] = Field(default_factory=list)


class Cycle(Record):
    """A finished improvement cycle, kept read-only when the next one starts."""

    number: int
    closed: dt.datetime = Field(default_factory=now)
    answers: dict[str, Any] = Field(default_factory=dict)
    fishbone: Fishbone = Field(default_factory=Fishbone)
    measures: list[Measure] = Field(default_factory=list)
    checkins: list[CheckIn] = Field(default_factory=list)
    evaluation: EvaluationRecord = Field(default_factory=EvaluationRecord)


class Project(Record):
    format: Literal["process-diagnosis-project"] = FORMAT
    format_version: int = FORMAT_VERSION
    meta: Meta = Field(default_factory=Meta)
    questionnaire: QuestionnaireRef
    answers: dict[str, Any] = Field(default_factory=dict)
    fishbone: Fishbone = Field(default_factory=Fishbone)
    measures: list[Measure] = Field(default_factory=list)
    checkins: list[CheckIn] = Field(default_factory=list)
    evaluation: EvaluationRecord = Field(default_factory=EvaluationRecord)
    # step-2 ticket import: mapping, source file facts and computed results (never raw rows);
    # `data["imports"]` holds one entry per imported period (see diagnosis.tickets.flow)
    data: dict[str, Any] = Field(default_factory=dict)
    # the team's own metric definitions, beside the questionnaire's
    metric_definitions: list[MetricDefinition] = Field(default_factory=list)
    cycle: int = Field(1, ge=1)
    history: list[Cycle] = Field(default_factory=list)


Cause.model_rebuild()
