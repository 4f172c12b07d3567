"""The open project of this browser session, the store it lives in, and how changes are saved.

The store is the truth; the session holds the open project (one `OpenProject` under one key)
and the URL names it (`?project=<id>`), so a refresh, a new tab or a restarted server opens
exactly what was stored. Every change goes through `save()`: a new revision at once. When
another session saved in between, the store merges the change onto the newer revision
(`Store.commit`); values both changed come back as conflicts this session is shown. `watch()`
polls the head revision (one small SELECT) and reruns the app when someone else saved.
Guest sessions (`?join=` participant links, `?suggest=` suggestion forms) never open a project.
The interface language and the person's name belong to the browser, not the project (`ui.browser`):
switching the language writes nothing to the store; the project keeps its default report language.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.i18n import DEFAULT_LANGUAGE, LANGUAGES
from diagnosis.project.files import resolve_questionnaire, touch
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire
from diagnosis.questionnaire.rules import is_answered
from diagnosis.store import ProjectNotFound, RevisionInfo, RevisionKind, Saved, Store, default_url
from ui import browser
from ui.texts import refusal, t

OPEN = "state.open"
LANG = "state.lang"
AUTHOR = "state.author"
FLASH = "state.flash"
MINE = "state.mine"  # project id -> revision numbers this session saved (for "undo my last change")
UNDONE = "history.undone"  # (project id, revision number) this session undid
CONFLICTS = "state.conflicts"  # ids of conflicts this session's saves ran into
GUEST = "state.guest"  # ("join" | "suggest", token) once a guest link opened this session
PARAM = "project"
GUEST_PARAMS = ("join", "suggest")


@dataclass
class OpenProject:
    project: Project
    questionnaire: Questionnaire
    revision: int
    saved: dt.datetime


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    return _store(default_url())


def get() -> OpenProject | None:
    return st.session_state.get(OPEN)


def lang() -> str:
    """This session's interface language: what this browser chose last, else Chinese."""
    if LANG not in st.session_state:
        chosen = browser.recalled("lang")
        st.session_state[LANG] = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    return st.session_state[LANG]


def author() -> str:
    """The name this session's edits are signed with (remembered by the browser)."""
    if AUTHOR not in st.session_state:
        st.session_state[AUTHOR] = browser.recalled("name") or ""
    return str(st.session_state[AUTHOR] or "").strip()


def flash(kind: str, text: str, place: str = "page") -> None:
    """A message (markdown, user text already made literal) for the next run: shown at the top of
    whatever page the user lands on, or where `show_flash(place)` is drawn (step 3's editor shows its
    own above the causes, guest pages theirs above their form). The one flash channel of the app."""
    st.session_state[FLASH] = (kind, text, place)


def show_flash(place: str = "page") -> None:
    """The message left for this page, in a slot drawn on every run (empty when there is none).

    A message that came and went would move everything after it, and the browser draws moved
    widgets anew: the field someone was typing in loses its focus and the keys typed so far (a
    colleague's number lost in a two-tab test when a merged save's notice appeared above it)."""
    slot = st.container()
    kind, text, at = st.session_state.get(FLASH, (None, None, None))
    if kind and at == place:
        del st.session_state[FLASH]
        with slot:
            getattr(st, kind)(text)


def _open(project_id: str) -> OpenProject:
    stored = store().load(project_id)
    questionnaire = resolve_questionnaire(stored.project)
    op = OpenProject(stored.project, questionnaire, stored.revision, stored.saved)
    st.session_state[OPEN] = op
    return op


def guest() -> tuple[str, str] | None:
    """("join" | "suggest", token) when a guest link opened this session (it stays a guest)."""
    for kind in GUEST_PARAMS:
        token = st.query_params.get(kind)
        if token:
            st.session_state[GUEST] = (kind, token)
            st.session_state.pop(OPEN, None)
    return st.session_state.get(GUEST)


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
        flash("error", refusal(exc, lang()))
        close()
        return None
    if op is not None and st.query_params.get(PARAM) != op.project.meta.id:
        st.query_params[PARAM] = op.project.meta.id
    return op


@st.cache_data(max_entries=256, show_spinner=False)
def _by_revision(store_url: str, project_id: str, revision: int, name: str, key: tuple[Any, ...], _compute: Callable[[], Any]) -> Any:
    return _compute()


def by_revision(project: Project, name: str, compute: Callable[[], Any], *key: Any) -> Any:
    """`compute()` once per stored revision of the open project (and per `key`: the language, a chosen
    metric...), shared by every session on that revision; a stored revision never changes, so the
    result cannot go stale. Computed afresh when `project` is not the open project as stored
    (no project open, or an editor drawing another project). The result is a copy (pickled)."""
    op = get()
    if op is None or op.project is not project:
        return compute()
    return _by_revision(store().url, project.meta.id, op.revision, name, key, _compute=compute)


def refresh_seconds() -> float:
    raw = os.environ.get("DIAGNOSIS_REFRESH_SECONDS", "")
    try:
        return max(0.5, float(raw)) if raw else 3.0
    except ValueError:
        return 3.0


def latest() -> OpenProject | None:
    """The open project at the store's newest revision (reloaded when another session saved since)."""
    op = get()
    if op is not None and store().head(op.project.meta.id) not in (None, op.revision):
        op = _open(op.project.meta.id)
    return op


REFRESH = "state.refresh_at"
ACTIVE = "state.saved_at"  # time.monotonic() of this session's last save


def last_save() -> float | None:
    """When this session last saved something (time.monotonic()), None if it has not."""
    return st.session_state.get(ACTIVE)


def refresh_after(moment: float) -> None:
    """Have `watch` rerun the app once `time.monotonic()` passes `moment` (a change held back
    while the person was editing, see `ui.tables`)."""
    st.session_state[REFRESH] = min(moment, st.session_state.get(REFRESH, moment))


def _timer_run() -> bool:
    """Whether this run is `watch`'s own (its timer), not a run of the whole app that draws it."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


@st.fragment(run_every=refresh_seconds())
def watch() -> None:
    """Rerun the app when someone else saved the open project (polls the head: one small SELECT),
    or when a change held back while this person was editing is due (`refresh_after`).

    Only from its timer's run. Drawn in a run of the whole app, that run is the refresh (`sync`
    picked up the newest revision as it began; a save merges what came after): stopping it with
    `st.rerun` there would throw away what the run was for, since a button's or a form's click
    counts once: a value recorded in a form lost when a colleague saved the same moment (the
    scripted workshop, 2 of 5 runs)."""
    timer = _timer_run()
    due = st.session_state.get(REFRESH)
    if due is not None and time.monotonic() >= due:
        del st.session_state[REFRESH]
        if timer:
            st.rerun(scope="app")
    op = get()
    if op is None or not timer:
        return
    head = store().head(op.project.meta.id)
    if head is not None and head != op.revision:
        st.rerun(scope="app")


LOCK = "state.lock"
_LOCKS = threading.Lock()  # guards the creation of a session's lock, nothing else


def exclusive() -> threading.RLock:
    """This session's lock, held while a change is read, merged and saved.

    Streamlit starts a new run of the session for each browser event without waiting for the run
    before it to finish its callbacks (fast reruns): a quick second edit can be in its callback while
    the first one is still saving. Both read and change the same open project; taking turns keeps
    the second from building on what the first has not saved yet."""
    with _LOCKS:
        lock = st.session_state.get(LOCK)
        if lock is None:
            lock = st.session_state[LOCK] = threading.RLock()
    return lock


def open_project(project_id: str) -> OpenProject:
    op = _open(project_id)
    st.query_params[PARAM] = project_id
    return op


def create(project: Project, description: str, kind: RevisionKind = RevisionKind.CREATE) -> OpenProject:
    """Store a new (or uploaded) project and open it; `ProjectExists` when its id is stored already
    (nothing is written: an uploaded file never replaces a stored project silently)."""
    touch(project)
    store().create(project, author(), description, kind=kind)
    return open_project(project.meta.id)


def close() -> None:
    st.session_state.pop(OPEN, None)
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def save(description: str, kind: RevisionKind = RevisionKind.EDIT) -> None:
    """Store the open project (changed in place) as a new revision, at once (merged if need be)."""
    with exclusive():
        op = get()
        if op is None:
            return
        touch(op.project)
        st.session_state[ACTIVE] = time.monotonic()
        saved = store().commit(op.project, author(), description, base_revision=op.revision, kind=kind)
        remember(saved, op.project.meta.id)
        if saved.merged:
            op.project = saved.project
            flash("info", t("save.conflict", lang()))
        op.revision = saved.revision
        op.saved = dt.datetime.now(dt.UTC)


def remember(saved: Saved, project_id: str) -> None:
    """Note a revision this session wrote (undo) and the conflicts it ran into (shown to it)."""
    st.session_state.setdefault(MINE, {}).setdefault(project_id, []).append(saved.revision)
    if saved.conflicts:
        st.session_state.setdefault(CONFLICTS, []).extend(c.id for c in saved.conflicts)


def my_conflicts() -> list[str]:
    """The ids of the conflicts this session's saves ran into and has not settled yet."""
    return list(st.session_state.get(CONFLICTS, []))


def settled(conflict_id: str) -> None:
    """A conflict this session ran into is settled: no longer its own to show."""
    mine = st.session_state.get(CONFLICTS, [])
    if conflict_id in mine:
        mine.remove(conflict_id)


def my_revisions(project_id: str) -> list[int]:
    return list(st.session_state.get(MINE, {}).get(project_id, []))


def undone(project_id: str) -> set[int]:
    """The revisions of a project this session undid."""
    return {n for pid, n in st.session_state.get(UNDONE, set()) if pid == project_id}


def last_own(kind: RevisionKind) -> RevisionInfo | None:
    """This session's newest revision of `kind` on the open project that it has not undone (never the first)."""
    op = get()
    if op is None:
        return None
    pid = op.project.meta.id
    candidates = [n for n in my_revisions(pid) if n > 1 and n not in undone(pid)]
    if not candidates:
        return None
    return next((r for r in store().revisions(pid, numbers=candidates) if r.kind == kind), None)


def undo(number: int) -> Saved:
    """Revert the change revision `number` of the open project made (`Store.undo`, merged onto
    everything saved since) and open the result; `DiagnosisError` when it cannot be undone."""
    op = get()
    saved = store().undo(op.project.meta.id, number, author())
    adopt(saved)
    st.session_state.setdefault(UNDONE, set()).add((op.project.meta.id, number))
    return saved


def adopt(saved: Saved) -> None:
    """Make a revision written outside `save` (restore, undo, a chosen value) the open one."""
    op = get()
    if op is None:
        return
    remember(saved, op.project.meta.id)
    op.project, op.revision, op.saved = saved.project, saved.revision, dt.datetime.now(dt.UTC)


def change(description: str, mutate: Callable[[Project], None], kind: RevisionKind = RevisionKind.EDIT) -> None:
    with exclusive():
        op = get()
        if op is not None:
            mutate(op.project)
            save(description, kind)


def set_answer(question_id: str, value: Any) -> None:
    """Store one answer; an empty one removes the key (False and 0 are answers)."""
    value = value if is_answered(value) else None

    def apply(project: Project) -> None:
        if value is None:
            project.answers.pop(question_id, None)
        else:
            project.answers[question_id] = value

    with exclusive():
        op = get()
        if op is not None and op.project.answers.get(question_id) != value:
            change(f"answer {question_id}", apply, RevisionKind.ANSWER)


LANG_SWITCHED = "state.lang_switched"  # time.monotonic() of this session's last language switch


def set_lang(new: str) -> None:
    """Switch this session's interface language; nothing is written to the project."""
    if new in LANGUAGES:
        if new != st.session_state.get(LANG):
            st.session_state[LANG_SWITCHED] = time.monotonic()
        st.session_state[LANG] = new


def since_lang_switch() -> float:
    """Seconds since this session last switched its language (infinity: never)."""
    switched = st.session_state.get(LANG_SWITCHED)
    return float("inf") if switched is None else time.monotonic() - switched


def take_author(widget_key: str) -> None:
    """`on_change` of a name field: sign this session's edits with the name typed there."""
    st.session_state[AUTHOR] = str(st.session_state.get(widget_key) or "").strip()[: browser.LONGEST]


def keep_in_browser() -> None:
    """Let this browser remember the session's language and name (for reloads and new tabs)."""
    browser.remember({"lang": lang(), "name": author()})


def choice(key: str, options: list[Any], default: Any = None, *, lang: str) -> None:
    """Seed a keyed choice widget's value, and re-set it after a language switch (pass no `index`).

    Streamlit keeps showing a keyed selectbox's old label after its `format_func` changes, e.g.
    English options still shown in Chinese after a language switch, until the value is set from
    Python (streamlit/streamlit#13788). So the value is set when the widget is new, when its
    choice is no longer offered (then `default`, or the first option) and when the language
    differs from the one it was last drawn in -- never otherwise, so a choice pending in an
    unsubmitted form survives a rerun."""
    drawn = f"{key}.__lang"
    current = st.session_state.get(key, default)
    fresh = key not in st.session_state or st.session_state.get(drawn) != lang or current not in options
    st.session_state[drawn] = lang
    if not fresh:
        return
    if current not in options:
        current = default if default in options else (options[0] if options else None)
    st.session_state[key] = current
