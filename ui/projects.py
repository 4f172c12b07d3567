"""The Projects page: new project (shipped or uploaded questionnaire), demo, upload, download,
recent projects and delete with confirmation.

Uploads are checked completely before anything changes: a broken or foreign file shows every
problem and the open project stays as it was.
"""

from __future__ import annotations

import re

import streamlit as st

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.i18n import tr
from diagnosis.project import dumps, load_project
from diagnosis.project.files import SUFFIX
from diagnosis.project.model import Meta, Project, QuestionnaireRef
from diagnosis.questionnaire.rules import default_answers
from ui import nav, state
from ui.texts import md, t

UPLOAD = "projects.upload"
UPLOAD_RESULT = "projects.upload_result"
QUESTIONNAIRE_UPLOAD = "projects.questionnaire_upload"
QUESTIONNAIRE_RESULT = "projects.questionnaire_result"
CONFIRM = "projects.confirm_delete"


def problems_of(exc: DiagnosisError) -> list[str]:
    return [str(p) for p in exc.problems] if isinstance(exc, InvalidFile) else [str(exc)]


def file_name(project: Project) -> str:
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", project.meta.title).strip("_.")[:60] or project.meta.id
    return stem + SUFFIX


def project_from_questionnaire(entry: catalog.Entry, title: str, lang: str, embed: bool) -> Project:
    q = entry.questionnaire
    return Project(
        meta=Meta(title=title.strip(), language=lang),
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=entry.hash, source=entry.source if embed else None),
        answers=default_answers(q),
    )


# --- callbacks: uploads are handled once, when the file changes -------------------------------


def _project_uploaded() -> None:
    upload = st.session_state.get(UPLOAD)
    if upload is None:
        return
    try:
        loaded = load_project(upload.getvalue(), upload.name)
    except DiagnosisError as exc:
        st.session_state[UPLOAD_RESULT] = ("error", upload.name, problems_of(exc))
        return
    state.create(loaded.project, f"uploaded {upload.name}")
    st.session_state[UPLOAD_RESULT] = ("ok", upload.name, [str(w) for w in loaded.warnings])


def _questionnaire_uploaded() -> None:
    upload = st.session_state.get(QUESTIONNAIRE_UPLOAD)
    if upload is None:
        st.session_state.pop(QUESTIONNAIRE_RESULT, None)
        return
    try:
        st.session_state[QUESTIONNAIRE_RESULT] = catalog.load_source(upload.getvalue(), upload.name)
    except DiagnosisError as exc:
        st.session_state[QUESTIONNAIRE_RESULT] = problems_of(exc)
    except UnicodeDecodeError:
        st.session_state[QUESTIONNAIRE_RESULT] = [f"{upload.name}: not UTF-8 text"]


# --- drawing ---------------------------------------------------------------------------------


def draw_current(lang: str) -> None:
    op = state.get()
    if op is None:
        return
    with st.container(border=True):
        st.caption(t("projects.current", lang))
        st.markdown(f"**{md(op.project.meta.title or t('sidebar.untitled', lang))}** · {md(tr(op.questionnaire.title, lang))}")
        left, right, _ = st.columns([1, 1, 2])
        if left.button(t("projects.continue", lang), key="projects.continue", type="primary"):
            st.switch_page(nav.STEPS["goals"])
        right.download_button(t("projects.download", lang), data=dumps(op.project).encode("utf-8"), file_name=file_name(op.project),
                              mime="application/x-yaml", key="projects.download")


def draw_new(lang: str) -> None:
    st.subheader(t("projects.new", lang))
    shipped = catalog.shipped()
    title = st.text_input(t("projects.new_title", lang), key="projects.new_title", placeholder=t("projects.new_title_placeholder", lang))
    chosen = st.selectbox(t("projects.questionnaire", lang), options=list(shipped), key="projects.new_questionnaire",
                          format_func=lambda qid: tr(shipped[qid].questionnaire.title, lang))
    if st.button(t("projects.create", lang), key="projects.create", type="primary", disabled=not shipped):
        state.create(project_from_questionnaire(shipped[chosen], title, lang, embed=False), "created")
        st.switch_page(nav.STEPS["goals"])
    with st.expander(t("projects.custom_questionnaire", lang)):
        st.file_uploader(t("projects.upload_questionnaire", lang), type=["yaml", "yml"], key=QUESTIONNAIRE_UPLOAD,
                         on_change=_questionnaire_uploaded)
        result = st.session_state.get(QUESTIONNAIRE_RESULT)
        if isinstance(result, list):
            st.error(t("projects.questionnaire_errors", lang))
            st.code("\n".join(result), language=None)
        elif result is not None:
            st.success(t("projects.questionnaire_ok", lang, title=tr(result.questionnaire.title, lang)))
            if st.button(t("projects.create_custom", lang), key="projects.create_custom"):
                state.create(project_from_questionnaire(result, title, lang, embed=True), "created from uploaded questionnaire")
                st.switch_page(nav.STEPS["goals"])


def draw_open(lang: str) -> None:
    st.subheader(t("projects.demo", lang))
    st.caption(t("projects.demo_help", lang))
    if st.button(t("projects.demo", lang), key="projects.demo"):
        if state.store().head("demo") is None:
            state.create(demo_project(lang), "demo project")
        else:
            state.open_project("demo")
        st.switch_page(nav.STEPS["goals"])
    st.subheader(t("projects.upload", lang))
    st.file_uploader(t("projects.upload", lang), type=["yaml", "yml", "json"], key=UPLOAD, on_change=_project_uploaded,
                     help=t("projects.upload_help", lang), label_visibility="collapsed")
    result = st.session_state.get(UPLOAD_RESULT)
    if result is not None:
        kind, name, lines = result
        if kind == "error":
            st.error(t("projects.upload_errors", lang, name=name))
            st.code("\n".join(lines), language=None)
        else:
            st.success(t("projects.upload_ok", lang, name=name))
            if lines:
                # a warning quotes the file (ids, names): literal text, never markdown
                st.warning(t("projects.upload_warnings", lang) + "\n\n" + "\n".join(f"- {md(line)}" for line in lines))


def _delete(project_id: str, title: str, lang: str) -> None:
    state.store().delete(project_id)
    op = state.get()
    if op is not None and op.project.meta.id == project_id:
        state.close()
    st.session_state.pop(CONFIRM, None)
    state.flash("success", t("projects.deleted", lang, title=title))


def draw_recent(lang: str) -> None:
    st.subheader(t("projects.recent", lang))
    recent = state.store().list_projects()[:30]
    if not recent:
        st.caption(t("projects.none", lang))
    for summary in recent:
        title = summary.title or summary.id
        with st.container(border=True):
            info, open_col, delete_col = st.columns([6, 1, 1], vertical_alignment="center")
            info.markdown(f"**{md(title)}**")
            info.caption(f"{summary.questionnaire_id} · " + t("projects.updated", lang, when=summary.updated.astimezone().strftime("%Y-%m-%d %H:%M")))
            if open_col.button(t("projects.open", lang), key=f"projects.open.{summary.id}"):
                state.open_project(summary.id)
                st.switch_page(nav.STEPS["goals"])
            if delete_col.button(t("projects.delete", lang), key=f"projects.delete.{summary.id}"):
                st.session_state[CONFIRM] = summary.id
            if st.session_state.get(CONFIRM) == summary.id:
                st.warning(t("projects.confirm_delete", lang, title=title))
                yes, no, _ = st.columns([1, 1, 4])
                yes.button(t("projects.confirm", lang), key=f"projects.confirm.{summary.id}", type="primary",
                           on_click=_delete, args=(summary.id, title, lang))
                no.button(t("projects.cancel", lang), key=f"projects.cancel.{summary.id}",
                          on_click=lambda: st.session_state.pop(CONFIRM, None))


def draw_page() -> None:
    lang = state.lang()
    st.title(t("projects.title", lang))
    st.caption(t("projects.intro", lang))
    state.show_flash()
    draw_current(lang)
    left, right = st.columns(2, gap="large")
    with left:
        draw_new(lang)
    with right:
        draw_open(lang)
    draw_recent(lang)
