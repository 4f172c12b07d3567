"""Questionnaire questions as Streamlit widgets: one drawing function per question type.

Every widget takes its value from the stored answer on each run and writes back through its
`on_change` callback, so nothing lives only in widget state: moving to another page and back
(streamlit#5813) or another session saving meanwhile never shows a stale or lost answer.
Tables go through `ui.tables` (the data_editor needs its own care, streamlit#7749).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import streamlit as st

from diagnosis.i18n import LANGUAGES, pick, tr
from diagnosis.questionnaire.rules import as_number, is_answered, parse_date, validate_answer
from ui import state, tables
from ui.texts import md, t

EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def label(question: Any, lang: str, bold: bool = False) -> str:
    """The question's label with its unit, and a red star when it is required."""
    text = tr(question.label, lang)
    unit = tr(getattr(question, "unit", None), lang)
    if unit:
        text += pick(lang, f"（{unit}）", f" ({unit})")
    if bold:  # tables have no widget label of their own; their label is a line of markdown
        text = f"**{text}**"
    return text + (t("step.required_mark", lang) if question.required else "")


# how long after another session's change this browser may still send the value it showed before
ECHO_SECONDS = 10.0


def _commit(question_id: str, key: str, parse: Callable[[Any], Any]) -> None:
    echo = st.session_state.pop(f"{key}.__echo", None)
    if echo is not None and st.session_state[key] == echo[0] and time.monotonic() - echo[1] < ECHO_SECONDS:
        # the value this browser showed before another session's change reached it, sent by a rerun
        # this browser started before it redrew the widget (seen in the scripted workshop: a
        # colleague's text erased, then written back): not an edit, nothing is saved
        return
    value = parse(st.session_state[key])
    op = state.get()
    stored = None if op is None else op.project.answers.get(question_id)
    if not is_answered(value) and is_answered(stored) and state.since_lang_switch() < ECHO_SECONDS:
        # an answer emptied right after this browser switched its language: twice in whole-suite runs under load
        # (the language-switch e2e test, a text field's whole answer erased) although nobody typed;
        # a switch writes nothing, so this is not an edit. The next run shows the stored answer
        # again, and emptying the field later works as always.
        return
    state.set_answer(question_id, value)


def _bind(key: str, widget_value: Any, question: Any, parse: Callable[[Any], Any], typed: bool = False) -> dict[str, Any]:
    """Seed the widget from the store and route its changes back to the store.

    A `typed` field (text, number) is set only when it differs from the stored answer (or is new):
    a value set from Python replaces what the browser shows, and a field being typed in when
    another session's save reruns this page would lose the keys typed so far, and their Tab or
    Enter would then send nothing. A choice widget is set on every run: after a language switch
    only a value set from Python makes it show its options' new labels (streamlit#13788), else the
    browser sends the old label back and the answer is lost."""
    binding = {"key": key, "on_change": _commit, "args": (question.id, key, parse)}
    if key in st.session_state:
        if st.session_state[key] != widget_value:  # changed elsewhere (another session)
            st.session_state[f"{key}.__echo"] = (st.session_state[key], time.monotonic())
        elif typed:
            return binding
    st.session_state[key] = widget_value
    return binding


def _choice(labels: Callable[[str], dict[Any, str]], lang: str) -> tuple[Callable[[Any], str], Callable[[Any], Any]]:
    """A choice widget's format_func, and the reading of its value as its option.

    Choice widgets send their choice as its label. Right after a language switch the browser can
    still send the other language's label (a rerun that started before it redrew the widget, seen
    under load), which Streamlit passes on as the value: it must be shown without an error, and
    read as its option it is no change, so nothing is saved.
    """
    shown = labels(lang)
    options = {label: option for other in LANGUAGES for option, label in labels(other).items()}
    return (lambda v: shown.get(v, str(v))), (lambda v: options.get(v, v) if isinstance(v, str) else v)


def _common(question: Any, lang: str) -> dict[str, Any]:
    return {"label": label(question, lang), "help": tr(question.help, lang) or None}


def _text(question: Any, value: Any, key: str, lang: str) -> None:
    widget = st.text_area if question.type == "textarea" else st.text_input
    widget(
        **_common(question, lang),
        placeholder=tr(question.placeholder, lang) or None,
        **_bind(key, "" if value is None else str(value), question, lambda v: v if v and v.strip() else None, typed=True),
    )
    if question.type == "textarea":  # saved on leaving the field; until then a draft in this browser (ui.drafts)
        st.caption(t("step.draft_hint", lang))


def _number(question: Any, value: Any, key: str, lang: str) -> None:
    integer = question.type == "integer"
    number = as_number(value)
    if integer:
        shown = None if number is None else int(number)
        step, parse = int(question.step or 1), (lambda v: None if v is None else int(v))
    else:
        shown = number
        step, parse = float(question.step or 1.0), (lambda v: None if v is None else float(v))
    # no min/max on the widget: an answer out of range shows a message instead of being refused
    st.number_input(**_common(question, lang), value=None, step=step, placeholder=tr(question.placeholder, lang) or None,
                    **_bind(key, shown, question, parse, typed=True))


def _option_labels(question: Any) -> Callable[[str], dict[Any, str]]:
    return lambda lang: {o.id: tr(o.label, lang) for o in question.options}


def _option_labels(question: Any) -> Callable[[str], dict[Any, str]]:
    return lambda lang: {o.id: tr(o.label, lang) for o in question.options}


def _single(question: Any, value: Any, key: str, lang: str) -> None:
    ids = [o.id for o in question.options]
    show, option = _choice(_option_labels(question), lang)
    shown = value if value in ids else None
    if question.display == "select":
        st.selectbox(**_common(question, lang), options=ids, index=None, format_func=show,
                     placeholder=t("step.choose", lang), **_bind(key, shown, question, option))
    else:
        horizontal = sum(len(show(i)) for i in ids) <= 60
        st.radio(**_common(question, lang), options=ids, index=None, format_func=show, horizontal=horizontal,
                 **_bind(key, shown, question, option))


def _multi(question: Any, value: Any, key: str, lang: str) -> None:
    ids = [o.id for o in question.options]
    show, option = _choice(_option_labels(question), lang)
    shown = [v for v in value if v in ids] if isinstance(value, list) else []
    st.multiselect(**_common(question, lang), options=ids, default=None, format_func=show,
                   placeholder=t("step.choose", lang), **_bind(key, shown, question, lambda v: [option(x) for x in v] or None))


def _scale(question: Any, value: Any, key: str, lang: str) -> None:
    points = list(range(question.min, question.max + 1))

    def labels(lang: str) -> dict[Any, str]:
        ends = {question.min: tr(question.min_label, lang), question.max: tr(question.max_label, lang)}
        return {n: f"{n} · {ends[n]}" if ends.get(n) else str(n) for n in points}

    show, option = _choice(labels, lang)
    number = as_number(value)
    shown = int(number) if number is not None and int(number) in points else None
    st.radio(**_common(question, lang), options=points, index=None, format_func=show, horizontal=True,
             **_bind(key, shown, question, option))


def _yesno(question: Any, value: Any, key: str, lang: str) -> None:
    show, option = _choice(lambda lang: {True: t("step.yes", lang), False: t("step.no", lang)}, lang)
    st.radio(**_common(question, lang), options=[True, False], index=None, format_func=show, horizontal=True,
             **_bind(key, value if isinstance(value, bool) else None, question, option))


def _date(question: Any, value: Any, key: str, lang: str) -> None:
    day = parse_date(value)
    lo, hi = question.min or EARLIEST, question.max or LATEST
    if day is not None:  # a stored date outside the range is shown (and flagged), not refused
        lo, hi = min(lo, day), max(hi, day)
    st.date_input(**_common(question, lang), value=None, min_value=lo, max_value=hi, format="YYYY-MM-DD",
                  **_bind(key, day, question, lambda v: v.isoformat() if v else None))


def _table(question: Any, value: Any, key: str, lang: str) -> None:
    tables.draw(question, value, key, lang, label(question, lang, bold=True))


# registry: question type -> widget; a new type is one function and one entry
WIDGETS: dict[str, Callable[[Any, Any, str, str], None]] = {
    "text": _text,
    "textarea": _text,
    "number": _number,
    "integer": _number,
    "single_choice": _single,
    "multiple_choice": _multi,
    "scale": _scale,
    "yesno": _yesno,
    "date": _date,
    "table": _table,
}


def draw_question(question: Any, answers: dict[str, Any], prefix: str, lang: str) -> None:
    """The question's widget, then its problems (only once it has an answer: not blocking), in a
    slot drawn on every run so that a problem coming or going moves nothing after it (see
    `state.show_flash`)."""
    value = answers.get(question.id)
    WIDGETS[question.type](question, value, f"{prefix}.{question.id}", lang)
    problems = st.container()
    if is_answered(value):
        for problem in validate_answer(question, value):
            problems.markdown(f":orange[{md(tr(problem, lang))}]")
