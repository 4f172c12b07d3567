"""Answers against their questions: conditional display, validation and completeness.

Validation never blocks: it returns messages (bilingual) that the app shows next to the
question while the user moves on. An answer of a hidden question is kept but not checked.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any, Callable

from diagnosis.i18n import Text, tr
from diagnosis.questionnaire.model import Condition, Questionnaire, Section, Step
from diagnosis.questionnaire.patterns import MAX_TEXT_ANSWER
from diagnosis.questionnaire.patterns import matches as pattern_matches


def is_answered(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    if isinstance(value, (str, list, dict, tuple)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def as_number(value: Any) -> float | None:
    """An answer as a number (numbers and numeric text), or None (empty, yes/no, other text)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def condition_holds(cond: Condition, answers: dict[str, Any]) -> bool:
    if cond.all is not None:
        return all(condition_holds(c, answers) for c in cond.all)
    if cond.any is not None:
        return any(condition_holds(c, answers) for c in cond.any)
    value = answers.get(cond.question or "")
    values = value if isinstance(value, list) else [value]
    if cond.answered is not None:
        return is_answered(value) == cond.answered
    if cond.equals is not None:
        return cond.equals in values
    if cond.not_equals is not None:
        return cond.not_equals not in values
    if cond.one_of is not None:
        return any(v in cond.one_of for v in values)
    number = as_number(value)
    if number is None:
        return False
    if cond.greater_than is not None:
        return number > cond.greater_than
    if cond.less_than is not None:
        return number < cond.less_than
    return False  # pragma: no cover - the model guarantees one test


def is_visible(item: Any, answers: dict[str, Any], questionnaire: Questionnaire | None = None) -> bool:
    """A question (or section) shows when its condition holds and the questions it depends on show."""
    if item.show_if is None:
        return True
    if not condition_holds(item.show_if, answers):
        return False
    if questionnaire is not None:
        for ref in item.show_if.referenced_questions():
            try:
                if not is_visible(questionnaire.question(ref), answers, questionnaire):
                    return False
            except KeyError:
                return False
    return True


# --- validation ---------------------------------------------------------------------------------


def _msg(zh: str, en: str) -> dict[str, str]:
    return {"zh": zh, "en": en}


def _check_number(value: Any, lo: float | None, hi: float | None, integer: bool = False) -> list[Text]:
    number = as_number(value)
    if number is None:
        return [_msg("请输入数字", "Enter a number")]
    out: list[Text] = []
    if integer and not float(number).is_integer():
        out.append(_msg("请输入整数", "Enter a whole number"))
    if lo is not None and number < lo:
        out.append(_msg(f"不能小于 {lo:g}", f"Must be at least {lo:g}"))
    if hi is not None and number > hi:
        out.append(_msg(f"不能大于 {hi:g}", f"Must be at most {hi:g}"))
    return out


def _check_text(value: Any, q: Any) -> list[Text]:
    text = str(value)
    out: list[Text] = []
    if getattr(q, "min_length", None) is not None and len(text) < q.min_length:
        out.append(_msg(f"至少 {q.min_length} 个字符", f"At least {q.min_length} characters"))
    limit = min(MAX_TEXT_ANSWER, getattr(q, "max_length", None) or MAX_TEXT_ANSWER)
    if len(text) > limit:
        out.append(_msg(f"最多 {limit} 个字符", f"At most {limit} characters"))
    if q.pattern and len(text) <= MAX_TEXT_ANSWER and not pattern_matches(q.pattern, text):
        out.append(q.pattern_message or _msg("格式不正确", "Wrong format"))
    return out


def _check_date(value: Any, lo: dt.date | None, hi: dt.date | None) -> list[Text]:
    day = parse_date(value)
    if day is None:
        return [_msg("请输入日期 (YYYY-MM-DD)", "Enter a date (YYYY-MM-DD)")]
    out: list[Text] = []
    if lo and day < lo:
        out.append(_msg(f"不能早于 {lo.isoformat()}", f"Must be on or after {lo.isoformat()}"))
    if hi and day > hi:
        out.append(_msg(f"不能晚于 {hi.isoformat()}", f"Must be on or before {hi.isoformat()}"))
    return out


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _option_ids(options: Any) -> list[Any]:
    return [o.id for o in options or []]


def _check_table(rows: Any, q: Any) -> list[Text]:
    if not isinstance(rows, list):
        return [_msg("表格数据格式不正确", "Table data has the wrong shape")]
    rows = [r for r in rows if isinstance(r, dict) and any(is_answered(v) for v in r.values())]
    out: list[Text] = []
    if q.min_rows is not None and len(rows) < q.min_rows:
        out.append(_msg(f"至少需要 {q.min_rows} 行", f"At least {q.min_rows} rows"))
    if q.max_rows is not None and len(rows) > q.max_rows:
        out.append(_msg(f"最多 {q.max_rows} 行", f"At most {q.max_rows} rows"))
    for n, row in enumerate(rows, start=1):
        for col in q.columns:
            value = row.get(col.id)
            zh_col, en_col = tr(col.label, "zh"), tr(col.label, "en")
            if not is_answered(value):
                if col.required:
                    out.append(_msg(f"第 {n} 行: 「{zh_col}」必填", f"Row {n}: '{en_col}' is required"))
                continue
            problems: list[Text] = []
            if col.type in ("number", "integer"):
                problems = _check_number(value, col.min, col.max, col.type == "integer")
            elif col.type == "choice" and value not in _option_ids(col.options):
                problems = [_msg("不是可选项", "Not one of the options")]
            elif col.type == "date":
                problems = _check_date(value, None, None)
            elif col.type == "text" and len(str(value)) > MAX_TEXT_ANSWER:
                problems = [_msg(f"最多 {MAX_TEXT_ANSWER} 个字符", f"At most {MAX_TEXT_ANSWER} characters")]
            elif col.type == "text" and col.pattern and not pattern_matches(col.pattern, str(value)):
                problems = [_msg("格式不正确", "Wrong format")]
            for p in problems:
                out.append(_msg(f"第 {n} 行「{zh_col}」: {tr(p, 'zh')}", f"Row {n} '{en_col}': {tr(p, 'en')}"))
    return out


def _check_choice(value: Any, q: Any) -> list[Text]:
    return [] if value in _option_ids(q.options) else [_msg("不是可选项", "Not one of the options")]


def _check_multi(value: Any, q: Any) -> list[Text]:
    if not isinstance(value, list):
        return [_msg("应为多选列表", "Expected a list of choices")]
    out: list[Text] = []
    unknown = [v for v in value if v not in _option_ids(q.options)]
    if unknown:
        out.append(_msg(f"不是可选项: {unknown}", f"Not among the options: {unknown}"))
    if q.min_selected is not None and len(value) < q.min_selected:
        out.append(_msg(f"至少选择 {q.min_selected} 项", f"Choose at least {q.min_selected}"))
    if q.max_selected is not None and len(value) > q.max_selected:
        out.append(_msg(f"最多选择 {q.max_selected} 项", f"Choose at most {q.max_selected}"))
    return out


# registry: question type -> check of an answered value
CHECKS: dict[str, Callable[[Any, Any], list[Text]]] = {
    "text": _check_text,
    "textarea": _check_text,
    "number": lambda v, q: _check_number(v, q.min, q.max),
    "integer": lambda v, q: _check_number(v, q.min, q.max, integer=True),
    "scale": lambda v, q: _check_number(v, q.min, q.max, integer=True),
    "single_choice": _check_choice,
    "multiple_choice": _check_multi,
    "yesno": lambda v, q: [] if isinstance(v, bool) else [_msg("请选择是或否", "Choose yes or no")],
    "date": lambda v, q: _check_date(v, q.min, q.max),
    "table": _check_table,
}


def validate_answer(question: Any, value: Any) -> list[Text]:
    """Messages for one answer (empty when fine); a missing required answer is one message."""
    if not is_answered(value) or (question.type == "table" and not any(
        isinstance(r, dict) and any(is_answered(v) for v in r.values()) for r in (value or [])
    )):
        if question.required:
            return [_msg("必填", "Required")]
        if question.type == "table" and question.min_rows:
            return _check_table([], question)
        return []
    return CHECKS[question.type](value, question)


@dataclass(frozen=True)
class Completeness:
    answered: int
    total: int

    @property
    def ratio(self) -> float:
        return 1.0 if self.total == 0 else self.answered / self.total


def visible_questions(step: Step, answers: dict[str, Any], questionnaire: Questionnaire) -> list[tuple[Section, Any]]:
    out = []
    for section in step.sections:
        if not is_visible(section, answers, questionnaire):
            continue
        for q in section.questions:
            if is_visible(q, answers, questionnaire):
                out.append((section, q))
    return out


def step_completeness(step: Step, answers: dict[str, Any], questionnaire: Questionnaire) -> Completeness:
    """Required visible questions answered without problems / required visible questions."""
    required = [q for _, q in visible_questions(step, answers, questionnaire) if q.required]
    done = sum(1 for q in required if not validate_answer(q, answers.get(q.id)))
    return Completeness(done, len(required))


def default_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for q in questionnaire.questions():
        if getattr(q, "default", None) is not None:
            default = q.default
            out[q.id] = default.isoformat() if isinstance(default, dt.date) else default
    return out
