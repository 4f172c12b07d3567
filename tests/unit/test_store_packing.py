"""Revisions are kept small (a delta to a snapshot) and every one of them reads back exactly.

On SQLite and PostgreSQL (`store_url`). A small edit of the demo project (460 KB of JSON) must
cost the database at most 5 KB, however long the history; a fresh store (another app server,
nothing cached) reads any revision as it was saved.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select, update

from diagnosis import fishbone as fb
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError
from diagnosis.store import Store, packing, schema

SMALL_EDIT_BYTES = 5_000


def _rows(store: Store, project_id: str):
    revisions = schema.revisions
    with store.engine.connect() as conn:
        return conn.execute(select(revisions.c.number, revisions.c.content, revisions.c.packed, revisions.c.snapshot)
                            .where(revisions.c.project_id == project_id).order_by(revisions.c.number)).all()


def test_small_edits_of_the_demo_cost_at_most_5_kb_each_and_every_revision_reads_back_exactly(store, store_url):
    project = demo_project("zh")
    saved = {1: project.model_copy(deep=True)}
    revision = store.save(project, "王经理", "demo")
    for n in range(80):  # past SNAPSHOT_EVERY: a second snapshot starts on the way
        if n % 2:
            fb.add_cause(project.fishbone, f"原因 {n}：系统卡顿", "machine")
        else:
            project.answers["project_name"] = f"第 {n} 版"
        revision = store.commit(project, "李敏", f"edit {n}", base_revision=revision).revision
        saved[revision] = project.model_copy(deep=True)

    rows = _rows(store, project.meta.id)
    assert len(rows) == 81 and all(r.content == "" for r in rows)
    snapshots = [r.number for r in rows if r.snapshot is None]
    assert snapshots == [1, 1 + packing.SNAPSHOT_EVERY]
    assert len(rows[0].packed) < len(project.model_dump_json()) / 3  # the snapshot is compressed too
    deltas = [len(r.packed) for r in rows if r.snapshot is not None]
    assert max(deltas) <= SMALL_EDIT_BYTES, max(deltas)

    cold = Store(store_url)  # nothing cached: each read needs the row and its snapshot only
    for number in (81, 2, 40, 1 + packing.SNAPSHOT_EVERY, 70, 1):
        assert cold.load(project.meta.id, number).project == saved[number], number
    cold.close()


def test_a_big_change_starts_a_new_snapshot_instead_of_a_big_delta(store):
    project = demo_project("zh")
    store.save(project)
    for n in range(600):  # much new text at once, as a ticket import brings
        fb.add_cause(project.fishbone, f"{n} {random.Random(n).randbytes(60).hex()}", "method")
    store.commit(project, base_revision=1)
    project.answers["project_name"] = "小改动"
    store.commit(project, base_revision=2)
    rows = _rows(store, project.meta.id)
    assert [r.snapshot for r in rows] == [None, None, 2]
    assert store.load(project.meta.id).project == project


def test_revisions_stored_as_text_before_packing_still_read_and_the_next_save_is_a_snapshot(store):
    project = demo_project("zh")
    store.save(project)
    with store.engine.begin() as conn:  # what a store written before migration 0005 holds
        conn.execute(update(schema.revisions).values(content=project.model_dump_json(), packed=None, snapshot=None))
    old = Store(store.url)
    assert old.load(project.meta.id).project == project
    project.answers["project_name"] = "升级之后"
    old.commit(project, base_revision=1)
    project.answers["project_name"] = "再改一次"
    old.commit(project, base_revision=2)
    assert [r.snapshot for r in _rows(old, project.meta.id)] == [None, None, 2]
    assert old.load(project.meta.id, 1).project.answers != project.answers
    assert old.load(project.meta.id).project == project
    old.close()


def test_a_damaged_revision_is_a_one_line_error_naming_it(store, store_url):
    project = demo_project("zh")
    store.save(project)
    store.commit(project, base_revision=1)
    with store.engine.begin() as conn:
        conn.execute(update(schema.revisions).where(schema.revisions.c.number == 2).values(packed=b"\x28\xb5\x2f\xfd garbage"))
    cold = Store(store_url)
    with pytest.raises(DiagnosisError) as exc:
        cold.load(project.meta.id)
    assert "revision 2 of project 'demo' cannot be read" in str(exc.value) and "\n" not in str(exc.value)
    assert cold.load(project.meta.id, 1).project == project
    cold.close()
