"""One step of the method, drawn entirely from the questionnaire, then the step's editor.

Sections and questions come from the YAML (hidden ones by `show_if` are skipped at once), each
question followed by what the method's rules of thumb say about its answer (`method_checks`);
below them `ui.editors.draw_editor(kind, ctx)` adds the domain editor `ui.editors.EDITORS` names for the
step's kind (fishbone, plan, tracking...), if any.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import streamlit as st

from diagnosis.i18n import tr
from diagnosis.method_checks import FINDING_QUESTIONS, question_findings
from diagnosis.questionnaire.rules import is_visible
from diagnosis.store import STEP_KINDS, RevisionKind
from ui import drafts, nav, state
from ui.context import StepContext
from ui.editors import draw_editor, draw_full_screen
from ui.questions import draw_question
from ui.texts import md, t


def _slot(comes_and_goes: bool) -> AbstractContextManager:
    """Where something that may be there or not on the next run is drawn: a container drawn on every
    run when it `comes_and_goes` (see `state.show_flash`), else the place itself."""
    return st.container() if comes_and_goes else nullcontext()


def draw_step(kind: str) -> None:
    state.show_flash()
    lang = state.lang()
    op = nav.project_or_hint(lang)
    if op is None:
        return
    questionnaire = op.questionnaire
    revision_kind = STEP_KINDS.get(kind, RevisionKind.EDIT)
    ctx = StepContext(project=op.project, questionnaire=questionnaire, lang=lang,
                      save=lambda description: state.save(description, revision_kind), author=state.author())
    if draw_full_screen(kind, ctx):  # e.g. the fishbone on the projector: nothing else on the page
        return
    step = questionnaire.step_of(kind)
    st.title(tr(step.title, lang))
    if step.help:
        st.caption(tr(step.help, lang))
    texts: dict[str, object] = {}  # text widgets of this page -> their stored answers (for drafts)
    findings = question_findings(op.project.answers, questionnaire)
    # What comes and goes with an answer (a section or question shown by `show_if`, a finding)
    # has a slot drawn on every run, so nothing after it moves when a colleague's answer shows
    # or hides it: see `state.show_flash`.
    for section in step.sections:
        answers = op.project.answers  # re-read: a callback may have replaced the project
        slot = _slot(section.show_if is not None)
        if not is_visible(section, answers, questionnaire):
            continue
        with slot, st.container(border=True):
            st.subheader(tr(section.title, lang))
            if section.help:
                st.caption(tr(section.help, lang))
            for question in section.questions:
                visible = is_visible(question, answers, questionnaire)
                with _slot(question.show_if is not None):
                    if visible:
                        draw_question(question, answers, kind, lang)
                with _slot(question.id in FINDING_QUESTIONS):
                    for finding in findings.get(question.id, []) if visible else []:  # the method's rules of thumb, next to the answer
                        (st.success if finding.level == "ok" else st.warning)(md(finding.text(lang)))
                if visible and question.type in ("text", "textarea"):
                    texts[f"{kind}.{question.id}"] = op.project.answers.get(question.id)
    drafts.keep(op.project.meta.id, texts)
    ctx = StepContext(project=op.project, questionnaire=questionnaire, lang=lang,  # the project again: a callback may have replaced it
                      save=lambda description: state.save(description, revision_kind), author=state.author())
    draw_editor(kind, ctx)
    order = list(nav.STEPS)
    position = order.index(kind)
    if position < len(order) - 1:
        nav.link(nav.STEPS[order[position + 1]], t("sidebar.next", lang), "step.next")
