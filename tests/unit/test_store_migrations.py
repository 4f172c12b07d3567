"""The store's schema is migrated with Alembic, including stores made before migrations existed."""

from __future__ import annotations

import datetime as dt

from alembic.config import Config
from alembic.script import ScriptDirectory
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
    inspect,
)

from diagnosis import migrations
from diagnosis.demo import demo_project
from diagnosis.store import Store


def test_the_store_knows_the_newest_migration():
    config = Config()
    config.set_main_option("script_location", str(migrations.HERE))
    assert ScriptDirectory.from_config(config).get_current_head() == migrations.HEAD


def test_a_sqlite_store_made_before_migrations_upgrades_and_keeps_its_projects(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = MetaData()  # the tables exactly as the program created them before issue 8
    projects = Table("projects", old, Column("id", String(64), primary_key=True), Column("title", Text, nullable=False, default=""),
                     Column("questionnaire_id", String(64), nullable=False), Column("revision", Integer, nullable=False),
                     Column("created", DateTime(timezone=True), nullable=False), Column("updated", DateTime(timezone=True), nullable=False),
                     Column("deleted", Boolean, nullable=False, default=False))
    revisions = Table("revisions", old, Column("project_id", String(64), ForeignKey("projects.id"), primary_key=True),
                      Column("number", Integer, primary_key=True), Column("saved", DateTime(timezone=True), nullable=False),
                      Column("author", String(200), nullable=False, default=""), Column("description", String(500), nullable=False, default=""),
                      Column("content", Text, nullable=False))
    engine = create_engine(url)
    old.create_all(engine)
    now = dt.datetime.now(dt.UTC)
    project = demo_project("zh")
    with engine.begin() as conn:
        conn.execute(projects.insert().values(id="demo", title="t", questionnaire_id="customer_service_diagnosis", revision=1,
                                              created=now, updated=now, deleted=False))
        conn.execute(revisions.insert().values(project_id="demo", number=1, saved=now, author="", description="old",
                                               content=project.model_dump_json()))
    engine.dispose()

    store = Store(url)
    assert store.load("demo").project == project
    assert {"conflicts", "links", "suggestions", "alembic_version"} <= set(inspect(store.engine).get_table_names())
    assert store.commit(project, "new", "after upgrade", base_revision=1).revision == 2
    Store(url).close()  # opening again is a no-op


def test_a_new_store_on_either_database_is_at_the_newest_schema(store_url):
    store = Store(store_url)
    with store.engine.connect() as conn:
        assert migrations.current(conn) == migrations.HEAD
    store.close()


def test_suggestions_already_shown_before_batches_stay_shown_and_the_others_wait(tmp_path):
    from alembic import command
    from sqlalchemy import text

    from diagnosis import sharing

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(migrations.HERE))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        for pid, n in (("shown", 4), ("held", 2)):
            conn.execute(text("INSERT INTO projects VALUES (:id, '', 'q', 1, :now, :now, 0)"), {"id": pid, "now": now})
            for i in range(n):
                conn.execute(text("INSERT INTO suggestions VALUES (:id, :pid, :day, :text)"),
                             {"id": f"{pid}{i}", "pid": pid, "day": now.date(), "text": f"{pid} {i}"})
    engine.dispose()
    store = Store(url)
    with store.engine.connect() as conn:
        released = dict(conn.execute(text("SELECT project_id, SUM(released) FROM suggestions GROUP BY project_id")).all())
    assert released == {"shown": 4, "held": 0}  # the 4 were all on screen under the old rule
    assert len(sharing.suggestions_of(store, "shown").texts) == 4
    store.close()


def test_revisions_stored_before_kinds_get_theirs_from_the_description_and_a_chinese_undo_is_an_undo(store_url):
    from alembic import command
    from sqlalchemy import text

    from diagnosis.history import last_own_revision
    from diagnosis.store import RevisionKind

    engine = create_engine(store_url)
    config = Config()
    config.set_main_option("script_location", str(migrations.HERE))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
    now = dt.datetime.now(dt.UTC)
    content = demo_project("zh").model_dump_json()
    written = ["demo project", "添加原因：质检抽检比例太低", "撤销：添加原因：质检抽检比例太低", "Add cause: low sampling",
               "Undo: Add cause: low sampling", "undo revision 4: Add cause: low sampling", "restore revision 2",
               "answer metrics", "新增措施：打通历史记录", "conflict on answers.metrics: kept 李敏's value", "uploaded demo.yaml"]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO projects VALUES ('demo', '', 'customer_service_diagnosis', :n, :now, :now, false)"),
                     {"n": len(written), "now": now})
        for number, description in enumerate(written, start=1):
            conn.execute(text("INSERT INTO revisions VALUES ('demo', :n, :now, '李敏', :d, :c)"),
                         {"n": number, "now": now, "d": description, "c": content})
    engine.dispose()

    store = Store(store_url)
    revisions = store.revisions("demo")
    assert [r.kind.value for r in reversed(revisions)] == [
        "create", "cause", "undo", "cause", "undo", "undo", "restore", "answer", "plan", "merge", "import"]
    assert store.load("demo", 3).kind is RevisionKind.UNDO
    # "undo my last change" for 李敏 coming back skips undos by their kind: the Chinese "撤销：…" (3)
    # too, which a check of the description's prefix ("undo") missed
    assert last_own_revision([], revisions, "李敏", set()) == 11
    assert last_own_revision([], [r for r in revisions if r.number <= 3], "李敏", set()) == 2
    store.close()
