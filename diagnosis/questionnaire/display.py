"""Answers as people read them: option labels instead of ids, yes/no, units, table rows."""

from __future__ import annotations

from typing import Any

from diagnosis.i18n import tr
from diagnosis.questionnaire.rules import is_answered


def _option_label(options: Any, value: Any, lang: str) -> str:
    for option in options or []:
        if option.id == value:
            return tr(option.label, lang)
    return str(value)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}" if abs(value) >= 10000 else str(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def yes_no(value: Any, lang: str) -> str:
    if value is True:
        return "是" if lang == "zh" else "Yes"
    if value is False:
        return "否" if lang == "zh" else "No"
    return ""


def format_value(question: Any, value: Any, lang: str) -> str:
    """One answer as text (tables: see `table_rows`)."""
    if not is_answered(value):
        return ""
    kind = question.type
    if kind == "single_choice":
        return _option_label(question.options, value, lang)
    if kind == "multiple_choice":
        sep = "、" if lang == "zh" else ", "
        return sep.join(_option_label(question.options, v, lang) for v in (value if isinstance(value, list) else [value]))
    if kind == "yesno":
        return yes_no(value, lang)
    if kind in ("number", "integer"):
        unit = tr(question.unit, lang) if question.unit else ""
        return f"{_number(value)} {unit}".strip()
    if kind == "scale":
        return f"{value} / {question.max}"
    if kind == "table":
        return f"{len(table_rows(question, value, lang))} " + ("行" if lang == "zh" else "rows")
    return str(value)


def format_cell(column: Any, value: Any, lang: str) -> str:
    if not is_answered(value):
        return ""
    if column.type == "choice":
        return _option_label(column.options, value, lang)
    if column.type == "yesno":
        return yes_no(value, lang)
    if column.type in ("number", "integer"):
        return _number(value)
    return str(value)


def table_rows(question: Any, value: Any, lang: str) -> list[list[str]]:
    """The non-empty rows of a table answer, each cell formatted."""
    rows = [r for r in (value or []) if isinstance(r, dict) and any(is_answered(v) for v in r.values())]
    return [[format_cell(c, r.get(c.id), lang) for c in question.columns] for r in rows]
