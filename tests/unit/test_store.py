"""The project store keeps every revision and refuses saves that started from a stale one."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from diagnosis.demo import demo_project
from diagnosis.project import new_project
from diagnosis.store import ConflictError, ProjectNotFound, Store, rebase


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_DATABASE_URL", raising=False)
    return Store()


def test_the_store_lives_in_the_data_folder_in_wal_mode(store, tmp_path):
    store.save(new_project("customer_service_diagnosis", title="t"))
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
    assert [r.author for r in store.revisions(project.meta.id)] == ["张伟", "李敏", ""]
    assert store.load(project.meta.id, revision=2).project.answers["project_name"] == "第一版"
    assert store.load(project.meta.id).project.answers["project_name"] == "第二版"


def test_a_save_from_a_stale_revision_raises_a_conflict_and_writes_nothing(store):
    project = new_project("customer_service_diagnosis")
    store.save(project)
    store.save(project, base_revision=1)
    with pytest.raises(ConflictError):
        store.save(project, base_revision=1)
    assert store.head(project.meta.id) == 2
    assert len(store.revisions(project.meta.id)) == 2


def test_two_writers_racing_on_the_same_base_revision_get_one_success_and_one_conflict(store):
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


def test_a_store_given_a_database_url_uses_it(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    Store().save(new_project("customer_service_diagnosis"))
    assert (tmp_path / "elsewhere.db").exists()


def test_rebase_replays_my_answer_changes_onto_their_newer_version():
    base = new_project("customer_service_diagnosis")
    base.answers["project_name"] = "old"
    mine = base.model_copy(deep=True)
    mine.answers["project_name"] = "mine"
    theirs = base.model_copy(deep=True)
    theirs.answers["problem_statement"] = "theirs wrote this"
    theirs.meta.title = "their title"
    merged = rebase(base, mine, theirs)
    assert merged.answers["project_name"] == "mine"
    assert merged.answers["problem_statement"] == "theirs wrote this"
    assert merged.meta.title == "their title"
