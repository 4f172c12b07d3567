"""Diagnosis reports for consultants: HTML, PDF, Word, slides, Excel and Markdown.

`build_report` assembles a format-neutral `Report`; `render` draws it in one format.
"""

from __future__ import annotations

import datetime as dt

from diagnosis.errors import DiagnosisError
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.report.build import build_report
from diagnosis.report.document import Report
from diagnosis.report.render import FORMATS
from diagnosis.text import safe_filename


def render(report: Report, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise DiagnosisError(f"未知的报告格式“{fmt}”（可选：{', '.join(FORMATS)}）", f"unknown report format '{fmt}' (choose from {', '.join(FORMATS)})")
    return FORMATS[fmt][0](report)


def render_report(project: Project, questionnaire: Questionnaire, fmt: str, lang: str | None = None, as_of: dt.date | None = None) -> bytes:
    return render(build_report(project, questionnaire, lang, as_of), fmt)


def report_filename(project: Project, fmt: str) -> str:
    return safe_filename(project.meta.title or project.meta.id or "report", FORMATS[fmt][1])


__all__ = ["FORMATS", "Report", "build_report", "render", "render_report", "report_filename", "safe_filename"]
