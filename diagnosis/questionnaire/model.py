"""The typed shape of a questionnaire YAML file.

A questionnaire declares the six steps of the method, each with sections and questions, the
cause categories of the fishbone and the analysis settings (votes, Pareto weights, priority
formula, evaluation checkpoints and alert rules). Every model forbids unknown keys so a typo
in a consultant's file is reported instead of silently ignored. The JSON Schema exported from
these models is committed as `questionnaires/schema.json`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, model_validator

from diagnosis.i18n import Text
from diagnosis.metric_definitions import MetricDefinition

Identifier = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- conditional display -------------------------------------------------------------------


class Condition(Strict):
    """`show_if`: one test on another question's answer, or `all` / `any` of conditions.

    Examples::

        show_if: {question: trigger, equals: complaints_up}
        show_if: {question: channels, one_of: [phone, hotline]}
        show_if: {any: [{question: volume, greater_than: 1000}, {question: urgent, answered: true}]}
    """

    question: Optional[Identifier] = None
    equals: Optional[Union[bool, int, float, str]] = None
    not_equals: Optional[Union[bool, int, float, str]] = None
    one_of: Optional[list[Union[bool, int, float, str]]] = None
    answered: Optional[bool] = None
    greater_than: Optional[float] = None
    less_than: Optional[float] = None
    all: Optional[list[Condition]] = None
    any: Optional[list[Condition]] = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        tests = [
            name
            for name in ("equals", "not_equals", "one_of", "answered", "greater_than", "less_than")
            if getattr(self, name) is not None
        ]
        groups = [name for name in ("all", "any") if getattr(self, name) is not None]
        if groups:
            if self.question is not None or tests or len(groups) > 1:
                raise ValueError("a condition is either `all`/`any` of conditions or one test on a question")
            if not (self.all or self.any):
                raise ValueError(f"`{groups[0]}` needs at least one condition")
        else:
            if self.question is None:
                raise ValueError("a condition needs `question` (or `all` / `any`)")
            if len(tests) != 1:
                raise ValueError(
                    "a condition needs exactly one test: equals, not_equals, one_of, answered, "
                    "greater_than or less_than"
                )
        return self

    def referenced_questions(self) -> list[str]:
        if self.question is not None:
            return [self.question]
        return [q for c in (self.all or self.any or []) for q in c.referenced_questions()]


# --- questions -------------------------------------------------------------------------------


class Option(Strict):
    id: Union[Identifier, int]
    label: Text
    help: Optional[Text] = None


class QuestionBase(Strict):
    id: Identifier
    label: Text
    help: Optional[Text] = None
    placeholder: Optional[Text] = None
    required: bool = False
    show_if: Optional[Condition] = None


class TextQuestion(QuestionBase):
    type: Literal["text"]
    default: Optional[str] = None
    min_length: Optional[int] = Field(None, ge=0)
    max_length: Optional[int] = Field(None, ge=1)
    pattern: Optional[str] = None
    pattern_message: Optional[Text] = None


class TextareaQuestion(TextQuestion):
    type: Literal["textarea"]  # type: ignore[assignment]


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    default: Optional[float] = None
    min: Optional[float] = None
    max: Optional[float] = None
    step: Optional[float] = Field(None, gt=0)
    unit: Optional[Text] = None


class IntegerQuestion(QuestionBase):
    type: Literal["integer"]
    default: Optional[int] = None
    min: Optional[int] = None
    max: Optional[int] = None
    step: Optional[int] = Field(None, gt=0)
    unit: Optional[Text] = None


class SingleChoiceQuestion(QuestionBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=1)
    default: Optional[Union[Identifier, int]] = None
    display: Literal["radio", "select"] = "radio"


class MultipleChoiceQuestion(QuestionBase):
    type: Literal["multiple_choice"]
    options: list[Option] = Field(min_length=1)
    default: Optional[list[Union[Identifier, int]]] = None
    min_selected: Optional[int] = Field(None, ge=0)
    max_selected: Optional[int] = Field(None, ge=1)


class ScaleQuestion(QuestionBase):
    type: Literal["scale"]
    min: int = 1
    max: int = 5
    min_label: Optional[Text] = None
    max_label: Optional[Text] = None
    default: Optional[int] = None


class YesNoQuestion(QuestionBase):
    type: Literal["yesno"]
    default: Optional[bool] = None


class DateQuestion(QuestionBase):
    type: Literal["date"]
    default: Optional[dt.date] = None
    min: Optional[dt.date] = None
    max: Optional[dt.date] = None


ColumnType = Literal["text", "number", "integer", "choice", "date", "yesno"]


class Column(Strict):
    """One typed column of a table question (e.g. metric / baseline / target / unit / direction)."""

    id: Identifier
    type: ColumnType = "text"
    label: Text
    help: Optional[Text] = None
    required: bool = False
    options: Optional[list[Option]] = None
    min: Optional[float] = None
    max: Optional[float] = None
    pattern: Optional[str] = None
    # a choice column whose options are the questionnaire's (and the project's) metric
    # definitions, plus "typed in by hand": filled in when the questionnaire is loaded
    options_from: Optional[Literal["metric_definitions"]] = None

    @model_validator(mode="after")
    def _choice_has_options(self) -> Column:
        if self.type == "choice" and not self.options:
            raise ValueError("a `choice` column needs `options`")
        if self.type != "choice" and self.options:
            raise ValueError("only a `choice` column takes `options`")
        return self


class TableQuestion(QuestionBase):
    type: Literal["table"]
    columns: list[Column] = Field(min_length=1)
    min_rows: Optional[int] = Field(None, ge=0)
    max_rows: Optional[int] = Field(None, ge=1)
    default: Optional[list[dict[str, Any]]] = None


Question = Annotated[
    Union[
        TextQuestion,
        TextareaQuestion,
        NumberQuestion,
        IntegerQuestion,
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        ScaleQuestion,
        YesNoQuestion,
        DateQuestion,
        TableQuestion,
    ],
    Field(discriminator="type"),
]

QUESTION_TYPES = (
    "text",
    "textarea",
    "number",
    "integer",
    "single_choice",
    "multiple_choice",
    "scale",
    "yesno",
    "date",
    "table",
)


# --- structure -------------------------------------------------------------------------------


class Section(Strict):
    id: Identifier
    title: Text
    help: Optional[Text] = None
    show_if: Optional[Condition] = None
    questions: list[Question] = Field(default_factory=list)


class Step(Strict):
    """One of the six steps; `kind` tells the app which domain editor goes with it.

    goals (1), data (2), causes (3), solutions (4), tracking (5), evaluation (6).
    """

    id: Identifier
    kind: Literal["goals", "data", "causes", "solutions", "tracking", "evaluation"]
    title: Text
    help: Optional[Text] = None
    sections: list[Section] = Field(default_factory=list)


class CauseCategory(Strict):
    """A fishbone bone: 人 people, 机 machine, 料 material, 法 method, 环 environment, 测 ..."""

    id: Identifier
    label: Text
    short: Optional[Text] = None
    help: Optional[Text] = None


class LevelWeights(Strict):
    high: float = 3
    medium: float = 2
    low: float = 1


class Analysis(Strict):
    """Step-3 settings: dot votes per participant, Pareto threshold and weighted score."""

    votes_per_participant: int = Field(5, ge=1, le=100)
    pareto_threshold: float = Field(80, gt=0, le=100)
    # weighted score of a cause = frequency_weight[frequency] * impact_weight[impact]
    frequency_weights: LevelWeights = LevelWeights()
    impact_weights: LevelWeights = LevelWeights()
    stages: list[Option] = Field(default_factory=list)


class Priority(Strict):
    """Step-4 priority score of a measure (urgency, importance, cost each 1-5).

    formula `weighted_sum` (the default):
        score = urgency * w_urgency + importance * w_importance + (6 - cost) * w_cost
    formula `weighted_geometric` (one weak factor pulls the score down harder):
        score = urgency ** w_urgency * importance ** w_importance * (6 - cost) ** w_cost
    The cheaper a measure, the higher it scores; the default weights sum to 1 so the score
    stays on the 1-5 scale.

    Horizons count calendar months from the plan start: short is due within
    `short_term_months` (1), mid within `mid_term_months` (3), long after that.
    """

    formula: Literal["weighted_sum", "weighted_geometric"] = "weighted_sum"
    urgency: float = 0.4
    importance: float = 0.4
    cost: float = 0.2
    short_term_months: int = Field(1, ge=1, le=24)
    mid_term_months: int = Field(3, ge=2, le=60)

    @model_validator(mode="before")
    @classmethod
    def _months_not_days(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for old in ("short_term_days", "mid_term_days"):
                if old in data:
                    new = old.replace("_days", "_months")
                    raise ValueError(f"`{old}` is no longer read: horizons count calendar months, write `{new}` instead")
        return data

    @model_validator(mode="after")
    def _mid_after_short(self) -> Priority:
        if self.mid_term_months <= self.short_term_months:
            raise ValueError("`mid_term_months` must be more than `short_term_months`")
        return self


class AlertRule(Strict):
    """e.g. CSAT below 3.8 at 3 consecutive checkpoints -> exception report -> task force."""

    id: Identifier
    metric: str
    below: Optional[float] = None
    above: Optional[float] = None
    consecutive: int = Field(1, ge=1)
    # the rule applies to rows on this rating scale only (a CSAT bound means nothing on another scale)
    scale: Optional[Literal["1-5", "1-10", "0-100"]] = None
    # the unit the bound is written in; on a series in another unit it is converted (min/h/s,
    # %/fraction) or refused (see diagnosis.series_alerts); None: the row's own unit
    unit: Optional[Literal["min", "h", "s", "%", "fraction"]] = None
    action: Text

    @model_validator(mode="after")
    def _one_bound(self) -> AlertRule:
        if (self.below is None) == (self.above is None):
            raise ValueError("an alert rule needs exactly one of `below` or `above`")
        return self


SpecialCauseRule = Literal[
    "we1", "we2", "we3", "we4",
    "nelson1", "nelson2", "nelson3", "nelson4", "nelson5", "nelson6", "nelson7", "nelson8",
    "anhoej_run", "anhoej_crossings",
    "western_electric", "nelson", "anhoej",  # groups: WE 1-4, Nelson 1-8, both Anhoej rules
]  # fmt: skip


class Evaluation(Strict):
    checkpoints_months: list[int] = Field(default_factory=lambda: [1, 3, 6], min_length=1)
    # confidence level (%) of step 6's before/after tests (diagnosis.evaluation_stats)
    confidence: float = Field(95.0, ge=50, lt=100)
    alerts: list[AlertRule] = Field(default_factory=list)
    # special-cause rules of the control charts (diagnosis.spc)
    rules: list[SpecialCauseRule] = Field(default_factory=lambda: ["western_electric"], min_length=1)


DEFAULT_CATEGORIES = (
    ("people", {"zh": "人", "en": "People"}),
    ("machine", {"zh": "机", "en": "Machine"}),
    ("material", {"zh": "料", "en": "Material"}),
    ("method", {"zh": "法", "en": "Method"}),
    ("environment", {"zh": "环", "en": "Environment"}),
)


def _default_categories() -> list[CauseCategory]:
    return [CauseCategory(id=i, label=label) for i, label in DEFAULT_CATEGORIES]


MANUAL_OPTION = {"id": "manual", "label": {"zh": "手工录入（不从导出计算）", "en": "Typed in by hand (not computed)"}}


def _fill_definition_options(data: Any, definitions: list[Any]) -> Any:
    """Raw questionnaire data with the options of every `options_from: metric_definitions` column."""
    options = [{"id": d.get("id"), "label": d.get("name")} if isinstance(d, dict) else {"id": d.id, "label": d.name}
               for d in definitions] + [MANUAL_OPTION]  # fmt: skip

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            node = {k: walk(v) for k, v in node.items()}
            if node.get("options_from") == "metric_definitions" and "options" not in node:
                node["options"] = options
            return node
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(data)


class Questionnaire(Strict):
    id: Identifier
    version: str = Field(min_length=1, max_length=40)
    title: Text
    description: Optional[Text] = None
    languages: list[Literal["zh", "en"]] = Field(default_factory=lambda: ["zh", "en"], min_length=1)
    steps: list[Step] = Field(min_length=6, max_length=6)
    cause_categories: list[CauseCategory] = Field(default_factory=_default_categories, min_length=2)
    analysis: Analysis = Analysis()
    priority: Priority = Priority()
    evaluation: Evaluation = Evaluation()
    # how step-1 metric rows are computed from ticket exports (see diagnosis.metric_definitions)
    metric_definitions: list[MetricDefinition] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _definition_options(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("metric_definitions", []), list):
            return _fill_definition_options(data, data.get("metric_definitions") or [])
        return data

    @model_validator(mode="after")
    def _definition_ids_unique(self) -> "Questionnaire":
        ids = [d.id for d in self.metric_definitions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"metric_definitions: duplicate id(s) {', '.join(dup)}")
        return self

    # --- navigation helpers used by the app, the validator and the reports ---

    def questions(self) -> list[Any]:
        return [q for step in self.steps for section in step.sections for q in section.questions]

    def question(self, question_id: str) -> Any:
        for q in self.questions():
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def step_of(self, kind: str) -> Step:
        for step in self.steps:
            if step.kind == kind:
                return step
        raise KeyError(kind)


Condition.model_rebuild()
