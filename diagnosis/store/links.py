"""The repository of participant links and anonymous suggestions (`Store.links`, `Store.suggestions`).

What a link allows, how its token is made and when suggestions are shown is `diagnosis.sharing`'s
rule; this module only keeps them: link rows by their token's hash, suggestions with their
project and day. Rewriting suggestions puts them back in a random order, so that neither
SQLite's rowid nor a server's physical order keeps the order of arrival.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection, Engine

from diagnosis.store.schema import links, suggestions


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value if value.tzinfo else value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class LinkRecord:
    id: str
    token_hash: str
    project_id: str
    kind: str
    label: str
    created: dt.datetime
    created_by: str
    revoked: dt.datetime | None = None


def _link(row: Any) -> LinkRecord:
    return LinkRecord(row.id, row.token_hash, row.project_id, row.kind, row.label, _utc(row.created), row.created_by,
                      _utc(row.revoked))


class Links:
    """Link rows: added, listed, found by their token's hash, revoked."""

    def __init__(self, engine: Engine, write: Callable[[], Connection]):
        self._engine, self._write = engine, write

    def add(self, record: LinkRecord) -> None:
        with self._write() as conn, conn.begin():
            conn.execute(links.insert().values(id=record.id, token_hash=record.token_hash, project_id=record.project_id,
                                               kind=record.kind, label=record.label, created=record.created,
                                               created_by=record.created_by, revoked=record.revoked))

    def of_project(self, project_id: str) -> list[LinkRecord]:
        """A project's links, the newest first (revoked ones too)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(links).where(links.c.project_id == project_id).order_by(links.c.created.desc())).all()
        return [_link(r) for r in rows]

    def get(self, link_id: str) -> LinkRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(links).where(links.c.id == link_id)).first()
        return None if row is None else _link(row)

    def by_token_hash(self, token_hash: str) -> LinkRecord | None:
        with self._engine.connect() as conn:
            row = conn.execute(select(links).where(links.c.token_hash == token_hash)).first()
        return None if row is None else _link(row)

    def revoke(self, link_id: str, when: dt.datetime) -> bool:
        """Revoke an active link; False when there is no active link with that id."""
        with self._write() as conn, conn.begin():
            result = conn.execute(update(links).where(links.c.id == link_id, links.c.revoked.is_(None)).values(revoked=when))
        return result.rowcount > 0


@dataclass(frozen=True)
class SuggestionRecord:
    id: str
    project_id: str
    day: dt.date
    text: str
    released: bool


_shuffle = random.SystemRandom().shuffle


class SuggestionWriter:
    """The suggestions inside one write transaction (`Suggestions.writing()`)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def add(self, suggestion_id: str, project_id: str, day: dt.date, text: str) -> None:
        self._conn.execute(suggestions.insert().values(id=suggestion_id, project_id=project_id, day=day, text=text, released=False))

    def waiting(self, project_id: str) -> list[SuggestionRecord]:
        """The project's suggestions not released yet."""
        rows = self._conn.execute(select(suggestions).where(suggestions.c.project_id == project_id,
                                                            suggestions.c.released.is_(False))).all()
        return [SuggestionRecord(r.id, r.project_id, r.day, r.text, r.released) for r in rows]

    def rewrite(self, rows: list[SuggestionRecord], released: bool) -> None:
        """Write `rows` again in a random order (new rowids / places), flagged `released`."""
        rows = list(rows)
        _shuffle(rows)
        self._conn.execute(delete(suggestions).where(suggestions.c.id.in_([r.id for r in rows])))
        for row in rows:
            self._conn.execute(suggestions.insert().values(id=row.id, project_id=row.project_id, day=row.day, text=row.text,
                                                           released=released))


class Suggestions:
    """Anonymous suggestions: counted, read when released, written in one transaction."""

    def __init__(self, engine: Engine, write: Callable[[], Connection]):
        self._engine, self._write = engine, write

    @contextmanager
    def writing(self) -> Iterator[SuggestionWriter]:
        with self._write() as conn, conn.begin():
            yield SuggestionWriter(conn)

    def count(self, project_id: str, waiting_only: bool = False) -> int:
        query = select(func.count()).select_from(suggestions).where(suggestions.c.project_id == project_id)
        if waiting_only:
            query = query.where(suggestions.c.released.is_(False))
        with self._engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def released_texts(self, project_id: str) -> list[str]:
        """The released suggestions' texts, in the order of their random ids."""
        with self._engine.connect() as conn:
            return list(conn.execute(select(suggestions.c.text).where(suggestions.c.project_id == project_id,
                                                                      suggestions.c.released.is_(True))
                                     .order_by(suggestions.c.id)).scalars())
