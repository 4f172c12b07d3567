"""What every report section reads: the project, its questionnaire, the language and the day
(`ReportInput`), and the small helpers sections share to say things the same way (running-text
lists, a name with its unit, a number). A leaf: it imports no section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from diagnosis import cells
from diagnosis.i18n import pick
from diagnosis.project.model import Project
from diagnosis.questionnaire.display import format_value
from diagnosis.questionnaire.model import Questionnaire


@dataclass
class ReportInput:
    project: Project
    questionnaire: Questionnaire
    lang: str
    # the day every "late / stale / overdue" judgement and the cover are made on: the
    # report of an old project read back later must not call everything overdue
    as_of: dt.date
    # the anonymous suggestions as the store gives them (`diagnosis.sharing.Suggestions`:
    # count, threshold, texts); None when the report is made from a project file alone
    suggestions: Any = None

    @property
    def today(self) -> dt.date:
        return self.as_of

    def t(self, zh: str, en: str) -> str:
        return pick(self.lang, zh, en)

    @property
    def currency(self) -> str:
        """The code of the plan's currency (`economics.plan_currency`: the step-4 answer, default CNY)."""
        from diagnosis.economics import plan_currency

        return plan_currency(self.project)

    def answer(self, question_id: str) -> Any:
        return self.project.answers.get(question_id)

    def has_question(self, question_id: str) -> bool:
        try:
            self.questionnaire.question(question_id)
            return True
        except KeyError:
            return False

    def text(self, question_id: str) -> str:
        if not self.has_question(question_id):
            return ""
        return format_value(self.questionnaire.question(question_id), self.answer(question_id), self.lang)


# --- metrics (step 1 goals against the latest evaluation values) --------------------------------


def metric_rows(inp: ReportInput) -> list[dict[str, Any]]:
    """Step-1 metrics with their latest measured value (if any), in table order."""
    from diagnosis import evaluation

    latest = evaluation.latest_results(inp.project, inp.questionnaire)
    rows = []
    for goal in evaluation.metric_goals(inp.project.answers):
        result = latest.get(goal.key)
        rows.append(
            {
                "name": goal.label(inp.questionnaire, inp.lang),
                "baseline": goal.baseline,
                "target": goal.target,
                "unit": goal.unit,
                "latest": result.value if result else None,
                "latest_checkpoint": result.checkpoint if result else None,
                "met": result.target_met if result else None,
            }
        )
    return rows


def join(items: list[str], lang: str) -> str:
    """A list in running text: "；" between items in Chinese, "; " in English."""
    return ("；" if lang == "zh" else "; ").join(i for i in items if i)


def with_unit(name: str, unit: str, lang: str) -> str:
    """"客户满意度（分）" / "CSAT (points)": full-width brackets in Chinese, none without a unit."""
    if not unit:
        return name
    return f"{name}（{unit}）" if lang == "zh" else f"{name} ({unit})"


def number(value: Any) -> str:
    """A number as a report shows it: thousands separated, at most two decimals."""
    if value is None or isinstance(value, (int, float)):
        return str(cells.number(value, blank="—"))
    return str(value)
