"""The open project of this browser session, the store it lives in, and how changes are saved.

The store is the truth; the session holds the open project (one `OpenProject` under one key)
and the URL names it (`?project=<id>`), so a refresh, a new tab or a restarted server opens
exactly what was stored. Every change goes through `save()`: a new revision at once. When
another session saved in between, the change is replayed onto the newer revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.i18n import DEFAULT_LANGUAGE
from diagnosis.project.files import resolve_questionnaire, touch
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.questionnaire.rules import is_answered
from diagnosis.store import ConflictError, ProjectNotFound, Store, default_url, rebase
from ui.texts import t

OPEN = "state.open"
LANG = "state.lang"
AUTHOR = "state.author"
FLASH = "state.flash"
PARAM = "project"


@dataclass
class OpenProject:
    project: Project
    questionnaire: Questionnaire
    revision: int
    saved: dt.datetime
    # the project as stored at `revision`: what a change that lost a race is replayed from
    base: Project


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store(default_url())


def get() -> OpenProject | None:
    return st.session_state.get(OPEN)


def lang() -> str:
    op = get()
    if op is not None:
        return op.project.meta.language
    return st.session_state.get(LANG, DEFAULT_LANGUAGE)


def author() -> str:
    return str(st.session_state.get(AUTHOR, "") or "").strip()


def flash(kind: str, text: str) -> None:
    """A message for the next run of whatever page the user lands on."""
    st.session_state[FLASH] = (kind, text)


def show_flash() -> None:
    kind, text = st.session_state.pop(FLASH, (None, None))
    if kind:
        getattr(st, kind)(text)


def _open(project_id: str) -> OpenProject:
    stored = store().load(project_id)
    questionnaire = resolve_questionnaire(stored.project)
    op = OpenProject(stored.project, questionnaire, stored.revision, stored.saved, stored.project.model_copy(deep=True))
    st.session_state[OPEN] = op
    st.session_state[LANG] = op.project.meta.language
    return op


def sync() -> OpenProject | None:
    """Once per run: open what the URL names, pick up newer revisions saved elsewhere."""
    wanted = st.query_params.get(PARAM)
    op = get()
    try:
        if wanted and (op is None or op.project.meta.id != wanted):
            op = _open(wanted)
        elif op is not None:
            head = store().head(op.project.meta.id)
            if head is None:
                close()
                return None
            if head != op.revision:
                op = _open(op.project.meta.id)
    except ProjectNotFound:
        flash("warning", t("projects.not_found", lang(), id=wanted or ""))
        close()
        return None
    except DiagnosisError as exc:
        flash("error", str(exc))
        close()
        return None
    if op is not None and st.query_params.get(PARAM) != op.project.meta.id:
        st.query_params[PARAM] = op.project.meta.id
    return op


def open_project(project_id: str) -> OpenProject:
    op = _open(project_id)
    st.query_params[PARAM] = project_id
    return op


def create(project: Project, description: str) -> OpenProject:
    """Store a new (or uploaded) project unconditionally and open it."""
    touch(project)
    store().save(project, author(), description)
    return open_project(project.meta.id)


def close() -> None:
    st.session_state.pop(OPEN, None)
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def save(description: str) -> None:
    """Store the open project (changed in place) as a new revision, at once."""
    op = get()
    if op is None:
        return
    touch(op.project)
    for _attempt in range(5):
        try:
            op.revision = store().save(op.project, author(), description, base_revision=op.revision)
            break
        except ConflictError:
            latest = store().load(op.project.meta.id)
            op.project = rebase(op.base, op.project, latest.project)
            op.revision = latest.revision
            flash("info", t("save.conflict", lang()))
    op.saved = dt.datetime.now(dt.UTC)
    op.base = op.project.model_copy(deep=True)


def change(description: str, mutate: Callable[[Project], None]) -> None:
    op = get()
    if op is not None:
        mutate(op.project)
        save(description)


def set_answer(question_id: str, value: Any) -> None:
    """Store one answer; an empty one removes the key (False and 0 are answers)."""
    value = value if is_answered(value) else None

    def apply(project: Project) -> None:
        if value is None:
            project.answers.pop(question_id, None)
        else:
            project.answers[question_id] = value

    op = get()
    if op is not None and op.project.answers.get(question_id) != value:
        change(f"answer {question_id}", apply)


def set_lang(new: str) -> None:
    st.session_state[LANG] = new
    op = get()
    if op is not None and op.project.meta.language != new:
        change(f"language {new}", lambda p: setattr(p.meta, "language", new))
