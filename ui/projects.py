"""The Projects page: new project (shipped or uploaded questionnaire), demo, upload, download,
recent projects and delete with confirmation.

Uploads are checked completely before anything changes: a broken or foreign file shows every
problem and the open project stays as it was. A file whose id is a stored project's never
replaces it silently: the page shows what replacing would change and asks: open it as a new
project (new id), replace (a new revision, History can undo it), or cancel (`diagnosis.upload`).
"""

from __future__ import annotations


import streamlit as st

from diagnosis import catalog
from diagnosis import upload as uploads
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.i18n import pick, tr
from diagnosis.project import dumps, load_project
from diagnosis.project.files import SUFFIX, new_project, touch
from diagnosis.project.model import Project
from diagnosis.store import ConflictError, ProjectExists, RevisionKind, Saved
from diagnosis.text import safe_filename
from ui import history_page, nav, state
from ui.texts import md, t

UPLOAD = "projects.upload"
UPLOAD_RESULT = "projects.upload_result"  # (kind, file name, warnings, detail) of the last upload
UPLOAD_PENDING = "projects.upload_pending"  # (file name, project, warnings): its id is stored, the user chooses
UPLOAD_MOVED = "projects.upload_moved"  # the stored project changed while the choice was shown
QUESTIONNAIRE_UPLOAD = "projects.questionnaire_upload"
QUESTIONNAIRE_RESULT = "projects.questionnaire_result"
CONFIRM = "projects.confirm_delete"


def problems_of(exc: DiagnosisError, lang: str) -> list[str]:
    """What a refused file shows: its located problems (English, `FILE:LINE:COLUMN: ...`), else the refusal in `lang`."""
    return [str(p) for p in exc.problems] if isinstance(exc, InvalidFile) else [exc.text(lang)]


def file_name(project: Project) -> str:
    return safe_filename(project.meta.title, SUFFIX, limit=60, fallback=project.meta.id)


def project_from_questionnaire(entry: catalog.Entry, title: str, lang: str, embed: bool) -> Project:
    return new_project(entry, title=title.strip(), language=lang, embed=embed)


# --- callbacks: uploads are handled once, when the file changes -------------------------------


def _project_uploaded() -> None:
    upload = st.session_state.get(UPLOAD)
    st.session_state.pop(UPLOAD_PENDING, None)
    st.session_state.pop(UPLOAD_MOVED, None)
    if upload is None:
        return
    try:
        loaded = load_project(upload.getvalue(), upload.name)
    except DiagnosisError as exc:
        st.session_state[UPLOAD_RESULT] = ("error", upload.name, problems_of(exc, state.lang()), None)
        return
    warnings = [str(w) for w in loaded.warnings]
    try:
        state.create(loaded.project, f"uploaded {upload.name}", RevisionKind.IMPORT)
    except ProjectExists:  # never replaced silently: the page asks
        st.session_state[UPLOAD_PENDING] = (upload.name, loaded.project, warnings)
        st.session_state.pop(UPLOAD_RESULT, None)
        return
    st.session_state[UPLOAD_RESULT] = ("ok", upload.name, warnings, None)


def _upload_as_new() -> None:
    pending = st.session_state.pop(UPLOAD_PENDING, None)
    st.session_state.pop(UPLOAD_MOVED, None)
    if pending is None:
        return
    name, project, warnings = pending
    copy = uploads.as_new(project, (summary.title for summary in state.store().list_projects()))
    state.create(copy, f"uploaded {name} as a new project", RevisionKind.IMPORT)
    st.session_state[UPLOAD_RESULT] = ("new", name, warnings, copy.meta.title or copy.meta.id)


def _upload_replace(seen_revision: int) -> None:
    pending = st.session_state.get(UPLOAD_PENDING)
    if pending is None:
        return
    name, project, warnings = pending
    replacement = project.model_copy(deep=True)
    touch(replacement)
    try:
        number = uploads.replace(state.store(), replacement, seen_revision, state.author(), f"replaced by uploaded {name}")
    except ConflictError:  # someone saved after the changes were shown: show them again
        st.session_state[UPLOAD_MOVED] = True
        return
    st.session_state.pop(UPLOAD_PENDING, None)
    st.session_state.pop(UPLOAD_MOVED, None)
    op = state.open_project(replacement.meta.id)
    state.remember(Saved(number, op.project), replacement.meta.id)  # "undo my last change" offers it
    st.session_state[UPLOAD_RESULT] = ("replaced", name, warnings, number)


def _upload_cancel() -> None:
    st.session_state.pop(UPLOAD_PENDING, None)
    st.session_state.pop(UPLOAD_MOVED, None)


def _questionnaire_uploaded() -> None:
    upload = st.session_state.get(QUESTIONNAIRE_UPLOAD)
    if upload is None:
        st.session_state.pop(QUESTIONNAIRE_RESULT, None)
        return
    try:
        st.session_state[QUESTIONNAIRE_RESULT] = catalog.load_source(upload.getvalue(), upload.name)
    except DiagnosisError as exc:
        st.session_state[QUESTIONNAIRE_RESULT] = problems_of(exc, state.lang())
    except UnicodeDecodeError:
        st.session_state[QUESTIONNAIRE_RESULT] = [pick(state.lang(), f"{upload.name}：不是 UTF-8 文本", f"{upload.name}: not UTF-8 text")]


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
        # the file's bytes once per stored revision; never a callable: Streamlit drops a deferred
        # download's callable on the next run (the 3-s watch), and a click in between downloads nothing
        data = state.by_revision(op.project, "projects.download", lambda: dumps(op.project).encode("utf-8"))
        right.download_button(t("projects.download", lang), data=data, file_name=file_name(op.project),
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
        try:
            if state.store().head("demo") is None:
                state.create(demo_project(lang), "demo project")
            else:
                state.open_project("demo")
        except ProjectExists:  # another session stored it a moment ago
            state.open_project("demo")
        st.switch_page(nav.STEPS["goals"])
    st.subheader(t("projects.upload", lang))
    st.file_uploader(t("projects.upload", lang), type=["yaml", "yml", "json"], key=UPLOAD, on_change=_project_uploaded,
                     help=t("projects.upload_help", lang), label_visibility="collapsed")
    draw_upload_choice(lang)
    result = st.session_state.get(UPLOAD_RESULT)
    if result is not None:
        kind, name, lines, detail = result
        if kind == "error":
            st.error(t("projects.upload_errors", lang, name=name))
            st.code("\n".join(lines), language=None)
            return
        if kind == "new":
            st.success(t("projects.upload_new_ok", lang, name=name, title=detail))
        elif kind == "replaced":
            st.success(t("projects.upload_replaced", lang, name=name, revision=detail))
        else:
            st.success(t("projects.upload_ok", lang, name=name))
        if lines:
            st.warning(t("projects.upload_warnings", lang) + "\n\n" + "\n".join(f"- {md(line)}" for line in lines))


def draw_upload_choice(lang: str) -> None:
    """An uploaded file whose id is stored: what replacing would change, and the three choices."""
    pending = st.session_state.get(UPLOAD_PENDING)
    if pending is None:
        return
    name, project, _warnings = pending
    found = uploads.clash(state.store(), project)
    with st.container(border=True, key="projects.upload_choice"):
        if found is None:  # deleted meanwhile: only a new project makes sense
            st.warning(t("projects.upload_gone", lang, name=name))
        else:
            stored = found.stored.project
            st.warning(t("projects.upload_clash", lang, name=name, title=stored.meta.title or stored.meta.id,
                         revision=found.revision))
            if st.session_state.get(UPLOAD_MOVED):
                st.info(t("projects.upload_moved", lang))
            st.caption(t("projects.upload_changes", lang))
            history_page.draw_changes(found.changes, lang, "projects.upload_diff", project)
        new_col, replace_col, cancel_col = st.columns(3)
        new_col.button(t("projects.upload_as_new", lang), key="projects.upload_as_new", type="primary", on_click=_upload_as_new)
        if found is not None:
            replace_col.button(t("projects.upload_replace", lang), key="projects.upload_replace", on_click=_upload_replace,
                               args=(found.revision,))
        cancel_col.button(t("projects.upload_cancel", lang), key="projects.upload_cancel", on_click=_upload_cancel)


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
            kind = catalog.title_of(summary.questionnaire_id, lang) or pick(lang, "自定义问卷", "own questionnaire")
            info.caption(f"{md(kind)} · " + t("projects.updated", lang, when=summary.updated.astimezone().strftime("%Y-%m-%d %H:%M")))
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
