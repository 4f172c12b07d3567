"""One step of the method, drawn entirely from the questionnaire, then the step's editor.

Sections and questions come from the YAML (hidden ones by `show_if` are skipped at once), each
question followed by what the method's rules of thumb say about its answer (`method_checks`);
below them `ui.editors.draw_editor(kind, ctx)` adds the domain editor `ui.editors.EDITORS` names for the
step's kind (fishbone, plan, tracking...), if any.
"""

from __future__ import annotations

from contextlib import nullcontext

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
        slot = st.container() if section.show_if is not None else None
        if not is_visible(section, answers, questionnaire):
            continue
        with slot or nullcontext(), st.container(border=True):
            st.subheader(tr(section.title, lang))
            if section.help:
                st.caption(tr(section.help, lang))
            for question in section.questions:
                question_slot = st.container() if question.show_if is not None else None
                visible = is_visible(question, answers, questionnaire)
                if visible:
                    with question_slot or nullcontext():
                        draw_question(question, answers, kind, lang)
                notes = st.container() if question.id in FINDING_QUESTIONS else None
                if not visible:
                    continue
                for finding in findings.get(question.id, []):  # the method's rules of thumb, next to the answer
                    with notes or nullcontext():
                        (st.success if finding.level == "ok" else st.warning)(md(finding.text(lang)))
                if question.type in ("text", "textarea"):
                    texts[f"{kind}.{question.id}"] = op.project.answers.get(question.id)
    drafts.keep(op.project.meta.id, texts)
    ctx = StepContext(project=op.project, questionnaire=questionnaire, lang=lang,  # the project again: a callback may have replaced it
                      save=lambda description: state.save(description, revision_kind), author=state.author())
    draw_editor(kind, ctx)
    order = list(nav.STEPS)
    position = order.index(kind)
    if position < len(order) - 1:
        nav.link(nav.STEPS[order[position + 1]], t("sidebar.next", lang), "step.next")
