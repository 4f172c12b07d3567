"""Schema migrations of the project store (Alembic), run by `Store` when it opens a database.

`upgrade(engine)` brings any store to the newest schema: a new database, a SQLite file made
before migrations existed (the first migration adopts its tables as they are), or a server
database several app servers share (they take a lock, so only one migrates at a time).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
# the newest revision in versions/ (a test checks it against Alembic's own view)
HEAD = "0005"


def current(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, write_connection: Connection) -> None:
    """Run `alembic upgrade head` unless the database is already there (one cheap query)."""
    with engine.connect() as conn:
        if current(conn) == HEAD:
            return
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    with write_connection as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            # app servers starting together: one migrates, the others wait and find it done
            conn.execute(text("SELECT pg_advisory_xact_lock(812734)"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
