"""The project store: every project with its full history of revisions, in one database.

SQLite in the data folder by default (`$DIAGNOSIS_DATA_DIR/diagnosis.sqlite`, data folder
`./data`); `DIAGNOSIS_DATABASE_URL` points it at another database (PostgreSQL later). Every
save writes a new *revision* (the whole project as JSON, with time, author and a short
description) and moves the project's head in the same transaction, so a crash leaves either
the old or the new revision, never half of one. Saves are optimistic: a writer passes the
revision it started from and gets `ConflictError` when someone saved in between.

    projects:  id | title | questionnaire_id | revision (head) | created | updated | deleted
    revisions: project_id | number | saved | author | description | content (project JSON)
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from diagnosis.errors import DiagnosisError
from diagnosis.project.files import migrate
from diagnosis.project.model import Project

DATABASE_FILE = "diagnosis.sqlite"

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text, nullable=False, default=""),
    Column("questionnaire_id", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
)

revisions = Table(
    "revisions",
    metadata,
    Column("project_id", String(64), ForeignKey("projects.id"), primary_key=True),
    # the primary key (project, number) is what makes two concurrent saves on the same
    # base revision collide, on SQLite and on a server database alike
    Column("number", Integer, primary_key=True),
    Column("saved", DateTime(timezone=True), nullable=False),
    Column("author", String(200), nullable=False, default=""),
    Column("description", String(500), nullable=False, default=""),
    Column("content", Text, nullable=False),
)


class ProjectNotFound(DiagnosisError):
    """No project (or no such revision) with that id in the store, or it was deleted."""


class ConflictError(DiagnosisError):
    """Someone saved the project after the revision this change started from."""

    def __init__(self, project_id: str, base: int | None, head: int):
        self.project_id, self.base, self.head = project_id, base, head
        super().__init__(f"project '{project_id}' changed meanwhile (revision {head}, this change started from {base})")


@dataclass(frozen=True)
class StoredProject:
    project: Project
    revision: int
    saved: dt.datetime
    author: str
    description: str


@dataclass(frozen=True)
class ProjectSummary:
    id: str
    title: str
    questionnaire_id: str
    revision: int
    created: dt.datetime
    updated: dt.datetime


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    saved: dt.datetime
    author: str
    description: str


def data_dir() -> Path:
    return Path(os.environ.get("DIAGNOSIS_DATA_DIR") or "data")


def default_url() -> str:
    url = os.environ.get("DIAGNOSIS_DATABASE_URL")
    if url:
        return url
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{(folder / DATABASE_FILE).resolve()}"


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is written in UTC
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # take transaction control from pysqlite so BEGIN IMMEDIATE below is ours
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # writers take the write lock at once: two writers queue instead of failing late
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")


class Store:
    """Projects and their revisions in one database (see the module docstring)."""

    def __init__(self, url: str | None = None):
        self.url = url or default_url()
        self.engine = create_engine(self.url)
        if self.engine.dialect.name == "sqlite":
            _sqlite_pragmas(self.engine)
        metadata.create_all(self.engine)

    def _write(self) -> Connection:
        return self.engine.connect().execution_options(write=True)

    # --- writing -------------------------------------------------------------------------

    def save(self, project: Project, author: str = "", description: str = "", base_revision: int | None = None) -> int:
        """Write `project` as a new revision and return its number.

        `base_revision` is the revision the change started from; when another save came in
        between, `ConflictError` is raised and nothing is written. None saves unconditionally
        (a new project, an uploaded file).
        """
        pid = project.meta.id
        saved = _now()
        content = project.model_dump_json()
        with self._write() as conn, conn.begin():
            row = conn.execute(select(projects.c.revision, projects.c.created).where(projects.c.id == pid).with_for_update()).first()
            head = row.revision if row else 0
            if base_revision is not None and base_revision != head:
                raise ConflictError(pid, base_revision, head)
            number = head + 1
            values = {"title": project.meta.title, "questionnaire_id": project.questionnaire.id, "revision": number, "updated": saved, "deleted": False}
            if row is None:
                conn.execute(projects.insert().values(id=pid, created=saved, **values))
            else:
                conn.execute(update(projects).where(projects.c.id == pid).values(**values))
            try:
                conn.execute(
                    revisions.insert().values(
                        project_id=pid, number=number, saved=saved, author=author[:200], description=description[:500], content=content
                    )
                )
            except IntegrityError:
                raise ConflictError(pid, base_revision, number) from None
        return number

    def delete(self, project_id: str) -> None:
        """Hide a project from the list; its revisions stay (a later save brings it back)."""
        with self._write() as conn, conn.begin():
            result = conn.execute(update(projects).where(projects.c.id == project_id, projects.c.deleted.is_(False)).values(deleted=True))
            if result.rowcount == 0:
                raise ProjectNotFound(f"no project '{project_id}'")

    # --- reading -------------------------------------------------------------------------

    def head(self, project_id: str) -> int | None:
        """The latest revision number, or None for an unknown or deleted project (cheap)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(projects.c.revision, projects.c.deleted).where(projects.c.id == project_id)).first()
        return None if row is None or row.deleted else row.revision

    def load(self, project_id: str, revision: int | None = None) -> StoredProject:
        """The latest (or a given) revision of a project that is not deleted."""
        with self.engine.connect() as conn:
            head = conn.execute(select(projects.c.revision, projects.c.deleted).where(projects.c.id == project_id)).first()
            if head is None or head.deleted:
                raise ProjectNotFound(f"no project '{project_id}'")
            number = head.revision if revision is None else revision
            row = conn.execute(
                select(revisions).where(revisions.c.project_id == project_id, revisions.c.number == number)
            ).first()
        if row is None:
            raise ProjectNotFound(f"project '{project_id}' has no revision {number}")
        return StoredProject(_decode(row.content, project_id, number), row.number, _utc(row.saved), row.author, row.description)

    def list_projects(self) -> list[ProjectSummary]:
        """Projects not deleted, the most recently changed first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(projects).where(projects.c.deleted.is_(False)).order_by(projects.c.updated.desc(), projects.c.id)
            ).all()
        return [ProjectSummary(r.id, r.title, r.questionnaire_id, r.revision, _utc(r.created), _utc(r.updated)) for r in rows]

    def revisions(self, project_id: str) -> list[RevisionInfo]:
        """The history of a project, newest first (without the contents)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(revisions.c.number, revisions.c.saved, revisions.c.author, revisions.c.description)
                .where(revisions.c.project_id == project_id)
                .order_by(revisions.c.number.desc())
            ).all()
        return [RevisionInfo(r.number, _utc(r.saved), r.author, r.description) for r in rows]


def _decode(content: str, project_id: str, number: int) -> Project:
    # revisions written by an older version of the program are migrated like old files
    try:
        return Project.model_validate(migrate(json.loads(content), f"{project_id}@{number}"))
    except (ValueError, ValidationError) as exc:
        raise DiagnosisError(f"revision {number} of project '{project_id}' cannot be read: {exc}") from None


_TOP_LEVEL = ("meta", "questionnaire", "fishbone", "measures", "checkins", "evaluation", "data", "cycle", "history")


def rebase(base: Project, mine: Project, theirs: Project) -> Project:
    """Replay the changes from `base` to `mine` onto `theirs` (a save that lost a race).

    Answers merge question by question, the other parts of the project as a whole: what I
    changed wins, what I left alone keeps their version. Finer merging comes later.
    """
    merged = theirs.model_copy(deep=True)
    for qid in set(base.answers) | set(mine.answers):
        if mine.answers.get(qid) != base.answers.get(qid):
            if qid in mine.answers:
                merged.answers[qid] = mine.answers[qid]
            else:
                merged.answers.pop(qid, None)
    for name in _TOP_LEVEL:
        if getattr(mine, name) != getattr(base, name):
            setattr(merged, name, copy.deepcopy(getattr(mine, name)))
    return merged
