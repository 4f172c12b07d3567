"""The store's tables (SQLAlchemy Core); their history is in `diagnosis/migrations`.

    projects:    id | title | questionnaire_id | revision (head) | created | updated | deleted
    revisions:   project_id | number | saved | author | description | kind | content | packed | snapshot (project JSON)
    conflicts:   id | project_id | revision | detail (JSON) | mine_author | theirs_author | created | resolved_*
    links:       id | token_hash | project_id | kind | label | created | created_by | revoked
    suggestions: id | project_id | day | text | released   (see diagnosis.sharing)

Only the modules of `diagnosis.store` read and write them; the rest of the program goes
through `Store` and its repositories (`Store.links`, `Store.suggestions`).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text

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
    Column("kind", String(16), nullable=False, default="edit"),  # diagnosis.store.revisions.RevisionKind
    # the project's JSON: in `packed` (zstd; a delta to revision `snapshot` when that is set,
    # see diagnosis.store.packing), or as text in `content` for revisions stored before 0005
    Column("content", Text, nullable=False),
    Column("packed", LargeBinary, nullable=True),
    Column("snapshot", Integer, nullable=True),
)

conflicts = Table(
    "conflicts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("project_id", String(64), ForeignKey("projects.id"), nullable=False),
    Column("revision", Integer, nullable=False),  # the revision whose save ran into it
    Column("detail", Text, nullable=False),  # merge.Conflict as JSON: path, base, mine, theirs
    Column("mine_author", String(200), nullable=False),
    Column("theirs_author", String(200), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("resolved_revision", Integer, nullable=True),
    Column("resolved_by", String(200), nullable=True),
)

links = Table(
    "links",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("project_id", String(64), ForeignKey("projects.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked", DateTime(timezone=True), nullable=True),
)

suggestions = Table(
    "suggestions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("project_id", String(64), ForeignKey("projects.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("text", Text, nullable=False),
    # shown to the facilitator: set for a whole batch of `sharing.threshold()` at once
    Column("released", Boolean, nullable=False, default=False),
)
