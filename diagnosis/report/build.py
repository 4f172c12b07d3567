"""Assemble the diagnosis report of a project, section by section, in its language.

Each section builder is a function `(ReportInput) -> Section | None`; `SECTIONS` lists them all,
in reading order, and is the one place that says what a report contains. A section without data
says so in one line (a `Note`) instead of showing empty tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from diagnosis.i18n import tr
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.report.document import Report, Section
from diagnosis.report.inputs import ReportInput
from diagnosis.report.slides import Deck
from diagnosis.report.sections import (
    evaluation_section,
    fishbone_section,
    pareto_section,
    plan_section,
    root_cause_section,
    tracking_section,
)
from diagnosis.report.steps import appendix_section, data_section, goals_section, summary_section

SECTIONS: list[Callable[[ReportInput], Section | None]] = [
    summary_section, goals_section, data_section,
    fishbone_section, pareto_section, root_cause_section, plan_section, tracking_section, evaluation_section,
    appendix_section,
]


def build_report(project: Project, questionnaire: Questionnaire, lang: str | None = None, as_of: dt.date | None = None,
                 suggestions: Any = None) -> Report:
    """The report of `project` as of `as_of` (default: today, read once here and nowhere deeper)."""
    lang = lang or project.meta.language
    inp = ReportInput(project, questionnaire, lang, as_of or dt.date.today(), suggestions)
    t = inp.t
    built = [s for s in (builder(inp) for builder in SECTIONS) if s is not None]
    team = [r for r in (project.answers.get("team") or []) if isinstance(r, dict) and r.get("name")]
    cover = [
        (t("项目", "Project"), project.meta.title or inp.text("project_name") or project.meta.id),
        (t("组织", "Organization"), project.meta.organization),
        (t("团队", "Team"), ("、" if lang == "zh" else ", ").join(str(r["name"]) for r in team)),
        (t("问卷", "Questionnaire"), f"{tr(questionnaire.title, lang)} ({questionnaire.version})"),
        (t("改进周期", "Cycle"), str(project.cycle)),
        (t("截至日期", "As of"), inp.as_of.isoformat()),
    ]
    return Report(
        lang=lang,
        title=project.meta.title or t("流程诊断报告", "Process diagnosis report"),
        subtitle=t("流程诊断与优化报告", "Process diagnosis and improvement report"),
        organization=project.meta.organization,
        date=inp.as_of.isoformat(),
        cover=[(k, v) for k, v in cover if v],
        sections=built,
        deck=Deck(inp, built),
    )
