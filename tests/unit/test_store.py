"""The project store keeps every revision, merges concurrent saves and records conflicts.

Every test here runs twice: on SQLite and on a PostgreSQL server (the `store_url` fixture).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading

import pytest
from sqlalchemy import select

from diagnosis import fishbone as fb
from diagnosis.demo import demo_project
from diagnosis.project import new_project
from diagnosis.errors import DiagnosisError
from diagnosis.store import ANONYMOUS, ConflictError, NothingToUndo, ProjectNotFound, Store, schema


def test_the_default_store_lives_in_the_data_folder_in_wal_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_DATABASE_URL", raising=False)
    Store().save(new_project("customer_service_diagnosis", title="t"))
    path = tmp_path / "data" / "diagnosis.sqlite"
    assert path.exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_saved_project_loads_back_equal_with_its_revision_number(store):
    project = demo_project("zh")
    assert store.save(project, "王经理", "demo") == 1
    stored = store.load("demo")
    assert stored.project == project
    assert (stored.revision, stored.author, stored.description) == (1, "王经理", "demo")


def test_every_save_is_a_new_revision_and_old_revisions_stay_readable(store):
    project = new_project("customer_service_diagnosis", title="A")
    store.save(project, description="created")
    project.answers["project_name"] = "第一版"
    store.save(project, "李敏", "name", base_revision=1)
    project.answers["project_name"] = "第二版"
    store.save(project, "张伟", "name again", base_revision=2)
    assert [r.number for r in store.revisions(project.meta.id)] == [3, 2, 1]
    assert [r.author for r in store.revisions(project.meta.id)] == ["张伟", "李敏", ANONYMOUS]
    assert store.load(project.meta.id, revision=2).project.answers["project_name"] == "第一版"
    assert store.load(project.meta.id).project.answers["project_name"] == "第二版"


def test_a_strict_save_from_a_stale_revision_raises_a_conflict_and_writes_nothing(store):
    project = new_project("customer_service_diagnosis")
    store.save(project)
    store.save(project, base_revision=1)
    with pytest.raises(ConflictError):
        store.save(project, base_revision=1)
    assert store.head(project.meta.id) == 2
    assert len(store.revisions(project.meta.id)) == 2


def test_two_strict_writers_racing_on_the_same_base_revision_get_one_success_and_one_conflict(store):
    project = new_project("customer_service_diagnosis")
    store.save(project)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def write() -> None:
        barrier.wait()
        try:
            store.save(project, base_revision=1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert store.head(project.meta.id) == 2


def test_the_list_shows_the_most_recently_changed_project_first_and_hides_deleted_ones(store):
    a = new_project("customer_service_diagnosis", title="A")
    b = new_project("customer_service_diagnosis", title="B")
    store.save(a)
    store.save(b)
    store.save(a, base_revision=1)
    assert [p.title for p in store.list_projects()] == ["A", "B"]
    store.delete(b.meta.id)
    assert [p.title for p in store.list_projects()] == ["A"]
    with pytest.raises(ProjectNotFound):
        store.load(b.meta.id)
    assert store.head(b.meta.id) is None


def test_deleting_an_unknown_project_is_a_clear_error(store):
    with pytest.raises(ProjectNotFound):
        store.delete("nope")


def test_saving_a_deleted_project_again_brings_it_back_with_its_history(store):
    project = new_project("customer_service_diagnosis", title="A")
    store.save(project)
    store.delete(project.meta.id)
    store.save(project, description="uploaded")
    assert store.head(project.meta.id) == 2


def test_a_store_given_a_database_url_in_the_environment_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    Store().save(new_project("customer_service_diagnosis"))
    assert (tmp_path / "elsewhere.db").exists()


# --- merging concurrent changes -----------------------------------------------------------------


def _two_sessions(store):
    project = demo_project("zh")
    store.save(project, "facilitator", "demo")
    return store.load("demo").project, store.load("demo").project


def test_a_commit_from_a_stale_revision_merges_both_peoples_additions(store):
    a, b = _two_sessions(store)
    fb.add_cause(a.fishbone, "知识库过时", "material", author="李敏")
    store.commit(a, "李敏", "add", base_revision=1)
    fb.add_cause(b.fishbone, "排班不足", "environment", author="张伟")
    saved = store.commit(b, "张伟", "add", base_revision=1)
    assert saved.merged and saved.revision == 3 and saved.conflicts == []
    texts = [c.text for c in fb.iter_causes(store.load("demo").project.fishbone)]
    assert "知识库过时" in texts and "排班不足" in texts


def _stored_json(store, project_id, number):
    with store.engine.connect() as conn:
        row = conn.execute(select(schema.revisions).where(schema.revisions.c.project_id == project_id,
                                                          schema.revisions.c.number == number)).first()
        return store._text(conn, row)


def test_a_merged_revision_is_stored_as_the_project_serializes_and_returns_what_loads(store):
    # most merges take each rib whole from one side and validate only what is new: the
    # bytes stored must still be the project's own JSON, byte for byte (history, diff, restore)
    a, b = _two_sessions(store)
    parent = b.fishbone.causes[1].id
    fb.add_cause(a.fishbone, "知识库过时", "material", author="李敏")
    a.answers["project_name"] = "李敏的名称"
    store.commit(a, "李敏", "add", base_revision=1)
    fb.add_cause(b.fishbone, "为什么？排班", parent_id=parent, author="张伟")
    fb.find_cause(b.fishbone, parent).votes["张伟"] = 2
    saved = store.commit(b, "张伟", "add", base_revision=1)
    assert saved.merged and saved.revision == 3
    loaded = store.load("demo", 3).project
    assert saved.project == loaded
    assert _stored_json(store, "demo", 3) == loaded.model_dump_json()
    assert [c.text for c in fb.find_cause(loaded.fishbone, parent).children][-1] == "为什么？排班"
    assert loaded.answers["project_name"] == "李敏的名称"


def test_a_rib_both_sessions_changed_is_merged_cause_by_cause_and_still_stored_as_the_project_serializes(store):
    # two sub-causes under one rib at once: that rib is rebuilt cause by cause, which must not
    # leave its fields in another order than the model's (every later merge compares bytes)
    a, b = _two_sessions(store)
    parent = a.fishbone.causes[0].id
    fb.add_cause(a.fishbone, "为什么？系统慢", parent_id=parent)
    store.commit(a, "李敏", "add", base_revision=1)
    fb.add_cause(b.fishbone, "为什么？人手少", parent_id=parent)
    b.answers["project_name"] = "张伟的名称"
    saved = store.commit(b, "张伟", "add", base_revision=1)
    loaded = store.load("demo", 3).project
    assert saved.merged and saved.project == loaded
    assert [c.text for c in fb.find_cause(loaded.fishbone, parent).children][-2:] == ["为什么？系统慢", "为什么？人手少"]
    assert _stored_json(store, "demo", 3) == loaded.model_dump_json()


def test_a_merge_that_would_store_an_invalid_cause_is_refused_and_writes_nothing(store):
    a, b = _two_sessions(store)
    fb.add_cause(a.fishbone, "知识库过时", "material")
    store.commit(a, "李敏", "add", base_revision=1)
    cause = fb.add_cause(b.fishbone, "排班不足", "environment")
    cause.votes["张伟"] = -3  # no validation on assignment: the merge is where it is caught
    with pytest.raises(DiagnosisError, match="merged"):
        store.commit(b, "张伟", "add", base_revision=1)
    assert store.head("demo") == 2


def test_votes_of_different_people_on_the_same_cause_all_land(store):
    a, b = _two_sessions(store)
    cause = a.fishbone.causes[0].id
    fb.cast_vote(a.fishbone, cause, "新人甲", 5, 2)
    fb.cast_vote(b.fishbone, cause, "新人乙", 5, 1)
    store.commit(a, "李敏", "vote", base_revision=1)
    store.commit(b, "张伟", "vote", base_revision=1)
    votes = fb.find_cause(store.load("demo").project.fishbone, cause).votes
    assert votes["新人甲"] == 2 and votes["新人乙"] == 1


def test_the_same_field_changed_by_two_people_keeps_the_stored_value_and_records_both(store):
    a, b = _two_sessions(store)
    a.answers["project_name"] = "李敏的名称"
    store.commit(a, "李敏", "name", base_revision=1)
    b.answers["project_name"] = "张伟的名称"
    saved = store.commit(b, "张伟", "name", base_revision=1)
    assert store.load("demo").project.answers["project_name"] == "李敏的名称"
    assert len(saved.conflicts) == 1
    conflict = store.conflicts("demo")[0]
    assert conflict.conflict.path == ("answers", "project_name")
    assert (conflict.conflict.mine, conflict.conflict.theirs) == ("张伟的名称", "李敏的名称")
    assert (conflict.mine_author, conflict.theirs_author) == ("张伟", "李敏")
    assert conflict.created is not None and conflict.revision == 3


def test_two_sessions_editing_different_answers_from_the_same_revision_record_no_conflict(store):
    # every save sets meta.updated (to the second): two saves a few seconds apart differ there
    a, b = _two_sessions(store)
    a.answers["project_name"] = "李敏的名称"
    a.meta.updated = dt.datetime(2025, 9, 1, 10, 0, 1, tzinfo=dt.UTC)
    store.commit(a, "李敏", "name", base_revision=1)
    b.answers["problem_statement"] = "张伟的问题陈述"
    b.meta.updated = dt.datetime(2025, 9, 1, 10, 0, 4, tzinfo=dt.UTC)
    saved = store.commit(b, "张伟", "problem", base_revision=1)
    assert saved.merged and saved.conflicts == []
    assert store.conflicts("demo") == []
    stored = store.load("demo").project
    assert stored.answers["project_name"] == "李敏的名称" and stored.answers["problem_statement"] == "张伟的问题陈述"
    assert stored.meta.updated == dt.datetime(2025, 9, 1, 10, 0, 4, tzinfo=dt.UTC)


def test_choosing_my_value_in_a_conflict_is_a_new_revision_and_closes_the_conflict(store):
    a, b = _two_sessions(store)
    a.answers["project_name"] = "theirs"
    store.commit(a, "李敏", "name", base_revision=1)
    b.answers["project_name"] = "mine"
    store.commit(b, "张伟", "name", base_revision=1)
    conflict = store.conflicts("demo")[0]
    saved = store.resolve(conflict.id, "mine", "张伟")
    assert saved.revision == 4
    assert store.load("demo").project.answers["project_name"] == "mine"
    assert store.conflicts("demo") == []
    assert store.conflicts("demo", open_only=False)[0].resolved_revision == 4


def test_choosing_their_value_keeps_the_stored_one(store):
    a, b = _two_sessions(store)
    a.fishbone.causes[0].text = "theirs"
    store.commit(a, "李敏", "edit", base_revision=1)
    b.fishbone.causes[0].text = "mine"
    store.commit(b, "张伟", "edit", base_revision=1)
    conflict = store.conflicts("demo")[0]
    store.resolve(conflict.id, "theirs", "张伟")
    assert store.load("demo").project.fishbone.causes[0].text == "theirs"
    assert store.conflicts("demo") == []


# --- history ------------------------------------------------------------------------------------


def test_restoring_a_revision_is_a_new_revision_with_its_content(store):
    project = new_project("customer_service_diagnosis")
    store.save(project)
    project.answers["project_name"] = "v2"
    store.save(project, base_revision=1)
    saved = store.restore(project.meta.id, 1, "王经理")
    assert saved.revision == 3
    assert "project_name" not in store.load(project.meta.id).project.answers
    assert store.revisions(project.meta.id)[0].description == "restore revision 1"


def test_undoing_my_last_change_keeps_later_changes_of_others(store):
    mine, theirs = _two_sessions(store)
    mine.answers["project_name"] = "my name"
    store.commit(mine, "李敏", "name", base_revision=1)  # revision 2
    fb.add_cause(theirs.fishbone, "后来的原因", "people")
    store.commit(theirs, "张伟", "add", base_revision=1)  # revision 3, merged
    saved = store.undo("demo", 2, "李敏")
    project = store.load("demo").project
    assert saved.revision == 4 and saved.conflicts == []
    assert project.answers["project_name"] == store.load("demo", 1).project.answers["project_name"]
    assert "后来的原因" in [c.text for c in fb.iter_causes(project.fishbone)]


def test_undoing_a_change_someone_changed_again_keeps_theirs_and_reports_it(store):
    project, _ = _two_sessions(store)
    project.answers["project_name"] = "mine"
    store.commit(project, "李敏", "name", base_revision=1)
    project.answers["project_name"] = "theirs later"
    store.commit(project, "张伟", "name", base_revision=2)
    saved = store.undo("demo", 2, "李敏")
    assert store.load("demo").project.answers["project_name"] == "theirs later"
    assert len(saved.conflicts) == 1


def test_the_first_revision_cannot_be_undone(store):
    store.save(new_project("customer_service_diagnosis"))
    with pytest.raises(NothingToUndo):
        store.undo(store.list_projects()[0].id, 1)


def test_every_revision_records_what_kind_of_change_it_was(store):
    from diagnosis.store import RevisionKind as K

    project = new_project("customer_service_diagnosis", title="A")
    store.create(project, "李敏", "created")
    project.answers["project_name"] = "第一版"
    store.commit(project, "李敏", "answer project_name", base_revision=1, kind=K.ANSWER)
    fb.add_cause(project.fishbone, "系统卡顿", "machine")
    store.commit(project, "李敏", "添加原因：系统卡顿", base_revision=2, kind=K.CAUSE)
    store.undo(project.meta.id, 3, "李敏")
    store.restore(project.meta.id, 2, "李敏")
    store.save(project, "李敏", "replaced by uploaded a.yaml", base_revision=5, kind=K.IMPORT)
    assert [(r.number, r.kind) for r in store.revisions(project.meta.id)] == [
        (6, K.IMPORT), (5, K.RESTORE), (4, K.UNDO), (3, K.CAUSE), (2, K.ANSWER), (1, K.CREATE)]
    assert store.load(project.meta.id, 4).kind is K.UNDO
    assert [r.number for r in store.revisions(project.meta.id, numbers=[2, 4, 9])] == [4, 2]
