"""The project store: every project with its full history of revisions, in one database.

SQLite in the data folder by default (`$DIAGNOSIS_DATA_DIR/diagnosis.sqlite`, data folder
`./data`); `DIAGNOSIS_DATABASE_URL` (e.g. `postgresql+psycopg://user@host/db`) puts it on a
server database that several app servers share. The schema is migrated with Alembic
(`diagnosis/migrations`) when a store opens. Every save writes a new *revision* (the whole
project as JSON, with time, author and a short description) and moves the project's head in
the same transaction, so a crash leaves either the old or the new revision, never half of one.

`commit(project, base_revision=n)` is how sessions save: when someone saved after revision n,
the change is merged onto the newest revision (`diagnosis.merge`) under the project's write
lock, and values both sides changed are kept as they are stored and recorded as conflicts
(both values, who, when) for the user to choose. `save(..., base_revision)` is the strict
form that raises `ConflictError` instead.

The package: `schema` (the tables), `revisions` (what a revision records, its `RevisionKind`),
`packing` (how a revision's bytes are kept), `parts` (a revision's JSON in parts: what a merge
under the lock works on), `conflicts` (a recorded conflict), `links` (the repository of
participant links and anonymous suggestions, `Store.links` / `Store.suggestions`, used by
`diagnosis.sharing`). Nothing outside the package touches the tables or the store's connections.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError, to_json
from sqlalchemy import bindparam, create_engine, event, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, InternalError, OperationalError

from diagnosis import migrations
from diagnosis.errors import DiagnosisError
from diagnosis.merge import merge_data, set_at
from diagnosis.project.model import Cause, Project
from diagnosis.store import packing, parts, schema
from diagnosis.store.conflicts import StoredConflict, from_row as _conflict, to_row as _conflict_row, utc as _utc
from diagnosis.store.links import LinkRecord, Links, SuggestionRecord, Suggestions
from diagnosis.store.revisions import STEP_KINDS, RevisionInfo, RevisionKind, StoredProject
from diagnosis.store.revisions import decode as _decode
from diagnosis.text import clean_data, clean_text, json_bytes_clean

# the tables (diagnosis.store.schema): `revisions`, `conflicts` and `links` are also the names
# of this package's modules, so the package exports only `metadata`, `projects` and `suggestions`
metadata, projects, suggestions = schema.metadata, schema.projects, schema.suggestions
_projects, _revisions, _conflicts = schema.projects, schema.revisions, schema.conflicts

# the statements of a save, built once (building them anew cost more than running them)
_HEAD_ROW = (_revisions.c.project_id, _revisions.c.number, _revisions.c.author, _revisions.c.content, _revisions.c.packed,
             _revisions.c.snapshot)
# the project's row (locked) with its head revision's: the author, the content and what it is
# packed against, in one round trip
_LOCK_PROJECT = (
    select(_projects.c.revision, _projects.c.deleted, *_HEAD_ROW)
    .select_from(_projects.outerjoin(_revisions, (_revisions.c.project_id == _projects.c.id)
                                     & (_revisions.c.number == _projects.c.revision)))
    .where(_projects.c.id == bindparam("pid")).with_for_update(of=_projects)
)
_READ_HEAD_ROW = select(*_HEAD_ROW).where(_revisions.c.project_id == bindparam("pid"), _revisions.c.number == bindparam("n"))
_MOVE_HEAD = update(_projects).where(_projects.c.id == bindparam("pid"))  # SET: the columns given
_NEW_PROJECT = _projects.insert()
_NEW_REVISION = _revisions.insert()

DATABASE_FILE = "diagnosis.sqlite"
ANONYMOUS = "anonymous"
# a save that loses a race (a new project created twice, a busy database) tries again
ATTEMPTS = 30
RECENT = 4

class ProjectNotFound(DiagnosisError):
    """No project (or no such revision) with that id in the store, or it was deleted."""


class StoreError(DiagnosisError):
    """The database refused (disk full, read-only, unreachable): one line, never the SQL."""


# the form every project id has (diagnosis.project.model.Meta.id): anything else is no project
# (a NUL in `?project=` would otherwise reach PostgreSQL as a DataError)
_PROJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _valid_id(project_id: object) -> bool:
    return isinstance(project_id, str) and _PROJECT_ID.fullmatch(project_id) is not None


def _not_found(project_id: object) -> ProjectNotFound:
    return ProjectNotFound(f"找不到项目 {clean_text(str(project_id))[:80]!r}", f"no project {clean_text(str(project_id))[:80]!r}")


@contextmanager
def _database_errors(action: str) -> Iterator[None]:
    """A database failure as a `StoreError` whose text is the database's own first line."""
    try:
        yield
    except (OperationalError, DataError, InternalError) as exc:
        reason = str(getattr(exc, "orig", exc) or type(exc).__name__).strip().splitlines()
        raise StoreError(f"数据库拒绝了操作（{action}）：{reason[0] if reason else 'error'}",
                         f"cannot {action}: the database says: {reason[0] if reason else 'error'}") from None


class ConflictError(DiagnosisError):
    """Someone saved the project after the revision this change started from."""

    def __init__(self, project_id: str, base: int | None, head: int):
        self.project_id, self.base, self.head = project_id, base, head
        super().__init__(f"项目“{project_id}”在此期间已被修改（第 {head} 版，这次修改基于第 {base} 版）",
                         f"project '{project_id}' changed meanwhile (revision {head}, this change started from {base})")


class ProjectExists(DiagnosisError):
    """A new project (an uploaded file) has the id of a stored one: nothing was written."""

    def __init__(self, project_id: str):
        self.project_id = project_id
        super().__init__(f"编号为“{project_id}”的项目已保存；请把文件作为新项目打开，或替换它",
                         f"a project with the id '{project_id}' is already stored; open the file as a new project or replace it")


class NothingToUndo(DiagnosisError):
    """The revision asked for cannot be undone (the project's first revision, or unknown)."""


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    title: str
    questionnaire_id: str
    revision: int
    created: dt.datetime
    updated: dt.datetime


@contextmanager
def _collection_paused() -> Iterator[None]:
    """Python's cycle collector held off while a save or a load parses, merges and validates.

    A project's JSON form is tens of thousands of dicts and lists (1,600 causes: ~40,000).
    Collections triggered in the middle of building them scan them and promote the half-built,
    short-lived ones to the oldest generation, which then triggers full collections over
    everything alive; the 16 x 100 writers spent ~20 % of their CPU there. The forms made
    during one save are acyclic and freed when it ends, so nothing is lost by collecting later.
    (A no-op when collection is already off, e.g. another thread's save is running.)
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


class Saved:
    """The outcome of `commit`: the new revision, the project as stored, the conflicts met.

    After a merge the project is built from the merged JSON bytes when first asked for
    (`project`): validating a large project costs as much as the merge itself, and a writer
    that goes on with its own copy never needs it.
    """

    def __init__(self, revision: int, project: Project | None = None, merged: bool = False,
                 conflicts: list[StoredConflict] | None = None, raw: bytes | None = None):
        if project is None and raw is None:
            raise ValueError("Saved needs the project or its JSON bytes")
        self.revision, self.merged, self.conflicts = revision, merged, list(conflicts or [])
        self._project, self._raw = project, raw

    @property
    @_collection_paused()
    def project(self) -> Project:
        if self._project is None:
            self._project = Project.model_validate_json(self._raw)  # validated as merged (`_merge_revisions`)
        return self._project

    def __repr__(self) -> str:
        return f"Saved(revision={self.revision}, merged={self.merged}, conflicts={len(self.conflicts)})"


def data_dir() -> Path:
    return Path(os.environ.get("DIAGNOSIS_DATA_DIR") or "data")


def default_url() -> str:
    url = os.environ.get("DIAGNOSIS_DATABASE_URL")
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DATABASE_FILE).resolve()}"


_PROJECT_JSON = TypeAdapter(Project)
# a cause's keys in its JSON form, in the model's order (what a rib written as it is must have)
_CAUSE_FIELDS = list(Cause.model_fields)


def _clean_json(project: Project) -> bytes | None:
    """The JSON bytes a revision stores of `project`; None when a text in it holds a control character."""
    try:
        raw = _PROJECT_JSON.dump_json(project)
    except PydanticSerializationError:  # a lone surrogate cannot be written as UTF-8
        return None
    return raw if json_bytes_clean(raw) else None


def _merged_json(data: dict[str, Any], theirs: dict[str, Any], head: int) -> bytes:
    """The JSON bytes of a merged project (`merge_data` of base, mine, `theirs`), validated first.

    The common merge takes each fishbone rib whole from one side (`merge._merge_ribs`): the
    ribs taken from the head (`theirs`, a stored revision: it validates, `load` reads it so)
    are not validated again, everything else is (mine's ribs, the rest of the project); the
    bytes are then the merged JSON form as it is: both sides are the model's JSON form, in
    its field order. Any other merge (causes rebuilt one by one) validates the whole project
    and serializes the model, as before. The cost under the write lock is what changed, plus
    one pass of JSON writing, instead of validating the whole project on every merge.
    """
    causes = data.get("fishbone", {}).get("causes") if isinstance(data.get("fishbone"), dict) else None
    theirs_causes = theirs.get("fishbone", {}).get("causes") if isinstance(theirs.get("fishbone"), dict) else None
    try:
        if isinstance(causes, list) and isinstance(theirs_causes, list):
            kept = set(map(id, theirs_causes))
            new = [rib for rib in causes if id(rib) not in kept]
            if all(isinstance(rib, dict) and list(rib) == _CAUSE_FIELDS for rib in new):
                Project.model_validate({**data, "fishbone": {**data["fishbone"], "causes": new}})
                return to_json(data)
        return _PROJECT_JSON.dump_json(Project.model_validate(data))
    except ValidationError as exc:
        raise _not_merged(head, exc) from None


def _not_merged(head: int, exc: ValidationError) -> DiagnosisError:
    return DiagnosisError(f"修改无法与第 {head} 版合并：{exc}", f"the change could not be merged with revision {head}: {exc}")


def _validate_changes(mine: parts.Content, partial: dict[str, Any], head: int) -> None:
    """Validate the parts of a project that are new (`partial`, a partial project's JSON form)."""
    if not partial:
        return
    try:
        Project.model_validate({"questionnaire": parts.value(mine.parts(), "questionnaire"), **partial})
    except ValidationError as exc:
        raise _not_merged(head, exc) from None


def _merge_revisions(base: parts.Content, mine: parts.Content, theirs: parts.Content, head: int,
                     mine_changed: set | None) -> tuple[parts.Content, list[Any], str, str]:
    """Mine's changes since base replayed onto theirs (the head): (the merged content, the
    conflicts, its title and questionnaire id). Validated: mine's changed parts (unless
    `mine_changed` is given: the ribs mine changed, worked out and validated by `_ahead` before
    the lock) and the parts both sides changed (`parts.merge` writes those through the model).

    On parts (`diagnosis.store.parts`) when all three can be cut: the work is then the
    comparison of the parts' bytes, plus what both sides changed; otherwise on the parsed JSON
    forms (`merge_data` and `_merged_json`).
    """
    sides = base.parts(), mine.parts(), theirs.parts()
    if mine_changed is None and None not in sides:
        mine_changed = parts.changed_ribs(sides[0], sides[1])
        _validate_changes(mine, parts.changes(sides[0], sides[1], mine_changed), head)
    try:
        result = None if None in sides else parts.merge(*sides, mine_changed)
    except ValidationError as exc:
        raise _not_merged(head, exc) from None
    if result is None:
        data, found = merge_data(base.data(), mine.data(), theirs.data())
        raw = _merged_json(data, theirs.data(), head)
        return parts.Content(raw, base.project_id, head + 1, data=data), found, data["meta"]["title"], data["questionnaire"]["id"]
    merged, found = result
    content = parts.Content(parts.join(merged), base.project_id, head + 1, parts=merged)
    return content, found, parts.value(merged, "meta")["title"], parts.value(merged, "questionnaire")["id"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from pysqlite so BEGIN IMMEDIATE below is ours
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL's recommended level: a commit is written to the log without waiting for the disk,
        # so it survives the app being killed; only a power cut can lose the last commits, and
        # never leaves the database inconsistent (https://sqlite.org/pragma.html#pragma_synchronous)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # writers take the write lock at once: two writers queue instead of failing late
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


def _retryable(exc: DBAPIError) -> bool:
    """A lost race worth another attempt: a duplicate new project, a busy or deadlocked database."""
    if isinstance(exc, IntegrityError):
        return True
    text = str(exc.orig).lower()
    return isinstance(exc, OperationalError) and any(w in text for w in ("locked", "busy", "deadlock", "serializ", "could not obtain"))


class Store:
    """Projects and their revisions in one database (see the module docstring)."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = create_engine(self.url, pool_pre_ping=not self.url.startswith("sqlite"))
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        migrations.upgrade(self.engine, self._write())
        # JSON forms of revisions this store read or wrote lately, (project, number) -> data:
        # a session's base revision is usually one of them, so a merge parses only the head.
        # Shared read-only: the merge never mutates its inputs.
        self._recent = packing.Recent(RECENT)
        # snapshots ready to pack a new revision against or to unpack one (diagnosis.store.packing)
        self._anchors = packing.Recent(packing.ANCHORS)
        # the repositories of diagnosis.sharing's rows (see diagnosis.store.links)
        self.links = Links(self.engine, self._write)
        self.suggestions = Suggestions(self.engine, self._write)

    def close(self) -> None:
        self.engine.dispose()

    def _write(self) -> Connection:
        return self.engine.connect().execution_options(write=True)

    def _retrying(self, work: Callable[[Connection], Any]) -> Any:
        for attempt in range(ATTEMPTS):
            try:
                with self._write() as conn, conn.begin():
                    return work(conn)
            except DBAPIError as exc:
                if attempt < ATTEMPTS - 1 and _retryable(exc):
                    time.sleep(random.uniform(0, 0.01 * (attempt + 1)))
                    continue
                with _database_errors("save the project"):
                    raise
        raise AssertionError("unreachable")

    # --- writing -------------------------------------------------------------------------

    def save(self, project: Project, author: str = "", description: str = "", base_revision: int | None = None,
             kind: RevisionKind = RevisionKind.EDIT) -> int:
        """Write `project` as a new revision and return its number (strict).

        `base_revision` is the revision the change started from; when another save came in
        between, `ConflictError` is raised and nothing is written. None saves unconditionally;
        new projects and uploaded files go through `create`, which never replaces a stored
        project. Sessions use `commit`, which merges instead.
        """
        return self._commit(project, author, description, base_revision, strict=True, kind=kind).revision

    def create(self, project: Project, author: str = "", description: str = "", kind: RevisionKind = RevisionKind.CREATE) -> int:
        """Store a new project as its first revision; `ProjectExists` when its id is taken.

        Never replaces a stored project (an uploaded file with a stored project's id is the
        user's choice: `diagnosis.upload`). A deleted project's id is free again: the new
        content continues that history.
        """
        return self._commit(project, author, description, None, strict=True, new=True, kind=kind).revision

    def commit(self, project: Project, author: str = "", description: str = "", base_revision: int | None = None,
               kind: RevisionKind = RevisionKind.EDIT) -> Saved:
        """Write `project` as a new revision; merge it onto newer revisions saved meanwhile.

        `base_revision` is the revision the change started from (None: write as it is). The
        merge runs under the project's write lock, so any number of concurrent writers all
        land; values changed on both sides keep the stored one and come back as conflicts.
        `kind` says what the change was (`RevisionKind`; History and "undo my last change" read it).
        """
        return self._commit(project, author, description, base_revision, strict=False, kind=kind)

    @_collection_paused()
    def _commit(self, project: Project, author: str, description: str, base_revision: int | None, strict: bool,
                new: bool = False, kind: RevisionKind = RevisionKind.EDIT) -> Saved:
        pid = project.meta.id
        kind = RevisionKind(kind)
        author = (author or "").strip()[:200] or ANONYMOUS
        # no control characters are ever stored (see diagnosis.text): checked on the JSON bytes
        # that will be stored; only a project that has one goes through the walk over its strings
        encoded = _clean_json(project)
        mine: dict[str, Any] | None = None
        if encoded is None:
            raw = project.model_dump(mode="json")
            mine = clean_data(raw)
            if mine is not raw:
                project = Project.model_validate(mine)
            encoded = _PROJECT_JSON.dump_json(project)

        # outside the write lock: the writer's copy and the revision it started from, in parts
        # (a revision never changes), so the lock is held for the head's part only
        ahead = None if strict or new or base_revision is None else self._ahead(pid, base_revision, encoded)
        written: list[tuple[int, parts.Content]] = []
        snapshots: list[tuple[int, bytes, int]] = []

        def work(conn: Connection) -> tuple[int, parts.Content | None, list[StoredConflict]]:
            written.clear()
            snapshots.clear()
            saved = _now()
            row = conn.execute(_LOCK_PROJECT, {"pid": pid}).first()
            if new and row is not None and not row.deleted:
                raise ProjectExists(pid)
            head = row.revision if row else 0
            # PostgreSQL, when the lock waited for another save: the join still saw the revisions
            # before it (READ COMMITTED re-reads only the locked row), so the head's is read now
            last = row if row is None or row.number == head else conn.execute(_READ_HEAD_ROW, {"pid": pid, "n": head}).first()
            found, merged = [], None
            content = parts.Content(encoded, pid, head + 1)
            title, questionnaire_id = project.meta.title, project.questionnaire.id
            if base_revision is not None and row is not None and base_revision != head:
                if strict:
                    raise ConflictError(pid, base_revision, head)
                base, mine, mine_changed = ahead or (self._content(conn, pid, base_revision), parts.Content(encoded, pid, None), None)
                theirs = self._content(conn, pid, head, last)
                theirs_author = last.author
                content, found, title, questionnaire_id = _merge_revisions(base, mine, theirs, head, mine_changed)
                merged = content
            number = head + 1
            values = {"title": title, "questionnaire_id": questionnaire_id, "revision": number, "updated": saved, "deleted": False}
            if row is None:
                conn.execute(_NEW_PROJECT, {"id": pid, "created": saved, **values})
            else:
                conn.execute(_MOVE_HEAD, {"pid": pid, **values})
            packed, snapshot = self._pack(conn, pid, last, number, content.raw)
            if snapshot is None:
                snapshots.append((number, content.raw, len(packed)))
            conn.execute(_NEW_REVISION, {"project_id": pid, "number": number, "saved": saved, "author": author,
                                         "description": description[:500], "kind": kind.value, "content": "",
                                         "packed": packed, "snapshot": snapshot})
            written.append((number, content))
            recorded = []
            if found:
                for conflict in found:
                    item = StoredConflict(uuid.uuid4().hex, pid, number, conflict, author, theirs_author, saved)
                    recorded.append(item)
                conn.execute(_conflicts.insert(), [_conflict_row(c) for c in recorded])
            return number, merged, recorded

        number, merged, recorded = self._retrying(work)
        for written_number, written_content in written:
            self._recent.put((pid, written_number), written_content)
        for snapshot_number, raw, size in snapshots:  # only once committed: a rolled-back number is taken again
            self._anchors.put((pid, snapshot_number), packing.Anchor(raw, size))
        if merged is None:
            return Saved(number, project, conflicts=recorded)
        return Saved(number, merged=True, conflicts=recorded, raw=merged.raw)

    def _ahead(self, pid: str, base_revision: int, encoded: bytes) -> tuple[parts.Content, parts.Content, set] | None:
        """(base, mine, the ribs mine changed) when the head has already moved past `base_revision`
        (a merge is coming), mine's changed parts validated.

        Read without the write lock: a revision never changes. None when the head has not
        moved, or the read failed: the save then decides (and reads) under the lock as before.
        """
        try:
            with self.engine.connect() as conn:
                head = conn.execute(select(_projects.c.revision).where(_projects.c.id == pid)).scalar()
                if head is None or head == base_revision:
                    return None
                base = self._content(conn, pid, base_revision)
        except (DiagnosisError, DBAPIError):
            return None
        mine = parts.Content(encoded, pid, None)
        if base.parts() is None or mine.parts() is None:
            return None
        mine_changed = parts.changed_ribs(base.parts(), mine.parts())
        _validate_changes(mine, parts.changes(base.parts(), mine.parts(), mine_changed), head)
        return base, mine, mine_changed

    def _pack(self, conn: Connection, project_id: str, last: Any, number: int, raw: bytes) -> tuple[bytes, int | None]:
        """Revision `number`'s stored bytes and the snapshot they are a delta to (None: a snapshot).

        `last` is the head revision's row (None: the project is new)."""
        if last is not None and last.packed is not None:
            anchor_number = last.number if last.snapshot is None else last.snapshot
            if number - anchor_number < packing.SNAPSHOT_EVERY:
                anchor = self._anchor(conn, project_id, anchor_number)
                data = packing.delta(raw, anchor)
                if packing.worth_a_delta(len(data), anchor):
                    return data, anchor_number
        return packing.snapshot(raw), None

    def _anchor(self, conn: Connection, project_id: str, number: int) -> packing.Anchor:
        anchor = self._anchors.get((project_id, number))
        if anchor is not None:
            return anchor
        row = conn.execute(select(_revisions.c.packed, _revisions.c.snapshot)
                           .where(_revisions.c.project_id == project_id, _revisions.c.number == number)).first()
        if row is None or row.packed is None or row.snapshot is not None:
            raise DiagnosisError(f"项目“{project_id}”的第 {number} 版不是快照：存储已损坏",
                                 f"revision {number} of project '{project_id}' is not a snapshot: the store is damaged")
        return self._anchors.put((project_id, number), packing.Anchor(packing.unpack(row.packed), len(row.packed)))

    def _raw(self, conn: Connection, row: Any) -> bytes:
        """A revision row's project JSON bytes (`row` has `project_id`, `number`, `content`, `packed` and `snapshot`)."""
        if row.packed is None:
            return row.content.encode()
        anchor = None if row.snapshot is None else self._anchor(conn, row.project_id, row.snapshot)
        try:
            raw = packing.unpack(row.packed, anchor)
            raw.decode()
        except (packing.zstandard.ZstdError, UnicodeDecodeError) as exc:
            raise DiagnosisError(f"项目“{row.project_id}”的第 {row.number} 版无法读取：{exc}",
                                 f"revision {row.number} of project '{row.project_id}' cannot be read: {exc}") from None
        return raw

    def _text(self, conn: Connection, row: Any) -> str:
        """A revision row's project JSON."""
        return row.content if row.packed is None else self._raw(conn, row).decode()

    def _content(self, conn: Connection, project_id: str, number: int, row: Any = None) -> parts.Content:
        """Revision `number`'s content, from the recent ones or read (`row`: its row, already read)."""
        cached = self._recent.get((project_id, number))
        if cached is not None:
            return cached
        if row is None:
            row = conn.execute(
                select(_revisions.c.project_id, _revisions.c.number, _revisions.c.content, _revisions.c.packed, _revisions.c.snapshot)
                .where(_revisions.c.project_id == project_id, _revisions.c.number == number)
            ).first()
        if row is None:
            raise ProjectNotFound(f"项目“{project_id}”没有第 {number} 版", f"project '{project_id}' has no revision {number}")
        return self._recent.put((project_id, number), parts.Content(self._raw(conn, row), project_id, number))

    def apply(self, project_id: str, change: Callable[[Project], Project | None], author: str = "", description: str = "",
              kind: RevisionKind = RevisionKind.EDIT) -> Saved:
        """Apply `change` to the newest revision and store the result (merged if someone was faster).

        `change` mutates the project it gets in place, or returns a replacement.
        """
        stored = self.load(project_id)
        project = stored.project.model_copy(deep=True)
        project = change(project) or project
        return self.commit(project, author, description, base_revision=stored.revision, kind=kind)

    def delete(self, project_id: str) -> None:
        """Hide a project from the list; its revisions stay (a later save brings it back)."""
        if not _valid_id(project_id):
            raise _not_found(project_id)
        with _database_errors("delete the project"), self._write() as conn, conn.begin():
            result = conn.execute(update(_projects).where(_projects.c.id == project_id, _projects.c.deleted.is_(False)).values(deleted=True))
            if result.rowcount == 0:
                raise ProjectNotFound(f"找不到项目“{project_id}”", f"no project '{project_id}'")

    # --- history -------------------------------------------------------------------------

    def restore(self, project_id: str, number: int, author: str = "") -> Saved:
        """Make revision `number` the project again, as a new revision (history stays whole)."""
        old = self.load(project_id, number)
        return self.commit(old.project, author, f"restore revision {number}", kind=RevisionKind.RESTORE)

    def undo(self, project_id: str, number: int, author: str = "") -> Saved:
        """Revert exactly the change revision `number` made, on top of everything saved since.

        The change from revision n-1 to n is replayed backwards onto the head: a three-way
        merge with base n, mine n-1 and theirs the head, so later changes by others stay and a
        value someone changed again since is kept and reported as a conflict.
        """
        if number <= 1:
            raise NothingToUndo(f"第 {number} 版创建了这个项目，无法撤销；请改为恢复较早的文件", f"revision {number} created the project; restore an older file instead")
        info = next((r for r in self.revisions(project_id) if r.number == number), None)
        if info is None:
            raise NothingToUndo(f"项目“{project_id}”没有第 {number} 版", f"project '{project_id}' has no revision {number}")
        before = self.load(project_id, number - 1).project
        return self.commit(before, author, f"undo revision {number}: {info.description}"[:500], base_revision=number,
                           kind=RevisionKind.UNDO)

    def conflicts(self, project_id: str, open_only: bool = True) -> list[StoredConflict]:
        """Recorded conflicts of a project, the newest first."""
        if not _valid_id(project_id):
            return []
        query = select(_conflicts).where(_conflicts.c.project_id == project_id)
        if open_only:
            query = query.where(_conflicts.c.resolved_revision.is_(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(_conflicts.c.created.desc(), _conflicts.c.id)).all()
        return [_conflict(r) for r in rows]

    def resolve(self, conflict_id: str, keep: str, author: str = "") -> Saved:
        """Settle a conflict: `keep` "mine" puts the recorded value in, "theirs" keeps the stored one.

        Either way the choice is a new revision, and the conflict remembers it.
        """
        if keep not in ("mine", "theirs"):
            raise DiagnosisError("请选择保留“我的”或“他人的”", "keep 'mine' or 'theirs'")
        with self.engine.connect() as conn:
            row = conn.execute(select(_conflicts).where(_conflicts.c.id == conflict_id)).first()
        if row is None:
            raise DiagnosisError(f"没有冲突“{conflict_id}”", f"no conflict '{conflict_id}'")
        item = _conflict(row)
        c = item.conflict

        def choose(project: Project) -> Project | None:
            if keep == "theirs":
                return None
            data = project.model_dump(mode="json")
            set_at(data, c.path, c.mine, delete=c.mine_deleted)
            try:
                return Project.model_validate(data)
            except ValidationError as exc:
                raise DiagnosisError(f"这个值无法放回：{exc}", f"the value cannot be put back: {exc}") from None

        who = item.mine_author if keep == "mine" else item.theirs_author
        saved = self.apply(item.project_id, choose, author, f"conflict on {c.where}: kept {who}'s value"[:500],
                           kind=RevisionKind.MERGE)
        with _database_errors("save the project"), self._write() as conn, conn.begin():
            conn.execute(update(_conflicts).where(_conflicts.c.id == conflict_id)
                         .values(resolved_revision=saved.revision, resolved_by=(author or ANONYMOUS)[:200]))
        return saved

    # --- reading -------------------------------------------------------------------------

    def head(self, project_id: str) -> int | None:
        """The latest revision number, or None for an unknown or deleted project (cheap)."""
        if not _valid_id(project_id):
            return None
        with _database_errors("read the project"), self.engine.connect() as conn:
            row = conn.execute(select(_projects.c.revision, _projects.c.deleted).where(_projects.c.id == project_id)).first()
        return None if row is None or row.deleted else row.revision

    @_collection_paused()
    def load(self, project_id: str, revision: int | None = None) -> StoredProject:
        """The latest (or a given) revision of a project that is not deleted."""
        if not _valid_id(project_id):
            raise _not_found(project_id)
        with _database_errors("read the project"), self.engine.connect() as conn:
            head = conn.execute(select(_projects.c.revision, _projects.c.deleted).where(_projects.c.id == project_id)).first()
            if head is None or head.deleted:
                raise ProjectNotFound(f"找不到项目“{project_id}”", f"no project '{project_id}'")
            number = head.revision if revision is None else revision
            row = conn.execute(
                select(_revisions).where(_revisions.c.project_id == project_id, _revisions.c.number == number)
            ).first()
            if row is None:
                raise ProjectNotFound(f"项目“{project_id}”没有第 {number} 版", f"project '{project_id}' has no revision {number}")
            text = self._text(conn, row)
        return StoredProject(_decode(text, project_id, number), row.number, _utc(row.saved), row.author, row.description,
                             RevisionKind.of(row.kind))

    def list_projects(self) -> list[ProjectSummary]:
        """Projects not deleted, the most recently changed first."""
        with _database_errors("list the projects"), self.engine.connect() as conn:
            rows = conn.execute(
                select(_projects).where(_projects.c.deleted.is_(False)).order_by(_projects.c.updated.desc(), _projects.c.id)
            ).all()
        return [ProjectSummary(r.id, r.title, r.questionnaire_id, r.revision, _utc(r.created), _utc(r.updated)) for r in rows]

    def revisions(self, project_id: str, limit: int | None = None, numbers: Iterable[int] | None = None) -> list[RevisionInfo]:
        """The history of a project, newest first (without the contents); only `numbers` when given."""
        if not _valid_id(project_id):
            return []
        query = (select(_revisions.c.number, _revisions.c.saved, _revisions.c.author, _revisions.c.description, _revisions.c.kind)
                 .where(_revisions.c.project_id == project_id).order_by(_revisions.c.number.desc()))
        if numbers is not None:
            query = query.where(_revisions.c.number.in_(list(numbers)))
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(limit) if limit else query).all()
        return [RevisionInfo(r.number, _utc(r.saved), r.author, r.description, RevisionKind.of(r.kind)) for r in rows]


__all__ = [
    "ANONYMOUS", "ConflictError", "LinkRecord", "Links", "NothingToUndo", "ProjectExists", "ProjectNotFound", "ProjectSummary",
    "RevisionInfo", "RevisionKind", "STEP_KINDS", "Saved", "Store", "StoreError", "StoredConflict", "StoredProject",
    "SuggestionRecord", "Suggestions", "data_dir", "default_url", "metadata", "projects", "suggestions",
]
