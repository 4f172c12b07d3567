"""Conflicts a merge met: a value two people changed differently (the stored one was kept).

Each is recorded with both values, who and when (`conflicts` table), until someone settles it
with `Store.resolve`, which records the revision that did.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from diagnosis.merge import Conflict


@dataclass(frozen=True)
class StoredConflict:
    """A value two people changed differently: the stored one was kept, both are here."""

    id: str
    project_id: str
    revision: int
    conflict: Conflict
    mine_author: str
    theirs_author: str
    created: dt.datetime
    resolved_revision: int | None = None
    resolved_by: str | None = None


def utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is written in UTC
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def to_row(item: StoredConflict) -> dict[str, Any]:
    return {"id": item.id, "project_id": item.project_id, "revision": item.revision,
            "detail": json.dumps(item.conflict.to_json(), ensure_ascii=False), "mine_author": item.mine_author,
            "theirs_author": item.theirs_author, "created": item.created}


def from_row(row: Any) -> StoredConflict:
    return StoredConflict(row.id, row.project_id, row.revision, Conflict.from_json(json.loads(row.detail)), row.mine_author,
                          row.theirs_author, utc(row.created), row.resolved_revision, row.resolved_by)
