"""An uploaded project file whose id is stored never replaces the stored project silently.

Every store test here runs on SQLite and on PostgreSQL (the `store_url` fixture).
"""

from __future__ import annotations

import pytest

from diagnosis import upload
from diagnosis.demo import demo_project
from diagnosis.history import Change
from diagnosis.store import ConflictError, ProjectExists


def hijack():
    """A file with the demo's id, another title and another problem statement."""
    project = demo_project("zh")
    project.meta.title = "HIJACK of the demo"
    project.answers["problem_statement"] = "被替换的问题陈述"
    return project


def test_creating_a_project_whose_id_is_stored_is_refused_and_writes_nothing(store):
    store.create(demo_project("zh"), "facilitator", "demo")
    with pytest.raises(ProjectExists, match="'demo' is already stored"):
        store.create(hijack(), "someone", "uploaded hijack.diagnosis.yaml")
    assert store.head("demo") == 1
    assert store.load("demo").project.meta.title == demo_project("zh").meta.title
    assert [r.description for r in store.revisions("demo")] == ["demo"]


def test_the_clash_names_the_stored_revision_and_what_replacing_would_change(store):
    original = demo_project("zh")
    store.create(original, "facilitator", "demo")
    found = upload.clash(store, hijack())
    assert found is not None and found.revision == 1
    assert Change("project", "changed", "title", before=original.meta.title, after="HIJACK of the demo") in found.changes
    assert Change("answers", "changed", "problem_statement", before=original.answers["problem_statement"],
                  after="被替换的问题陈述") in found.changes
    assert len(found.changes) == 2
    assert upload.clash(store, demo_project("zh").model_copy(update={"meta": original.meta.model_copy(update={"id": "other"})})) is None


def test_a_file_whose_questionnaire_differs_shows_that_in_the_changes(store):
    store.create(demo_project("zh"), "facilitator", "demo")
    other = demo_project("zh")
    other.questionnaire.version = "9.9"
    changes = upload.clash(store, other).changes
    assert [c for c in changes if c.subject == "questionnaire"][0].after.endswith(" 9.9")


def test_opening_as_a_new_project_gives_a_new_id_and_leaves_the_stored_one_at_its_revision(store):
    store.create(demo_project("zh"), "facilitator", "demo")
    copy = upload.as_new(hijack(), [s.title for s in store.list_projects()])
    assert copy.meta.id != "demo" and copy.meta.title == "HIJACK of the demo"
    assert copy.answers["problem_statement"] == "被替换的问题陈述"
    store.create(copy, "someone", "uploaded as a new project")
    assert store.head("demo") == 1 and store.load("demo").project.meta.title == demo_project("zh").meta.title
    assert store.load(copy.meta.id).project.answers["problem_statement"] == "被替换的问题陈述"


def test_a_new_projects_title_is_suffixed_when_a_stored_project_has_it():
    assert upload.free_title("售后诊断", ["售后诊断"]) == "售后诊断 (2)"
    assert upload.free_title("售后诊断", ["售后诊断", "售后诊断 (2)", "售后诊断 (3)"]) == "售后诊断 (4)"
    assert upload.free_title("售后诊断", ["别的项目"]) == "售后诊断"
    assert upload.free_title("", [""]) == ""
    project = demo_project("zh")
    assert upload.as_new(project, [project.meta.title]).meta.title == project.meta.title + " (2)"


def test_replacing_is_one_new_revision_that_undo_takes_back(store):
    original = demo_project("zh")
    store.create(original, "facilitator", "demo")
    seen = upload.clash(store, hijack())
    number = upload.replace(store, hijack(), seen.revision, "someone", "replaced by uploaded hijack.diagnosis.yaml")
    assert number == 2 and store.head("demo") == 2
    assert store.load("demo").project.meta.title == "HIJACK of the demo"
    store.undo("demo", 2, "facilitator")
    restored = store.load("demo").project
    assert store.head("demo") == 3
    assert restored.meta.title == original.meta.title
    assert restored.answers == original.answers


def test_replacing_after_someone_else_saved_is_refused_and_writes_nothing(store):
    store.create(demo_project("zh"), "facilitator", "demo")
    seen = upload.clash(store, hijack())
    meanwhile = store.load("demo").project
    meanwhile.answers["project_name"] = "刚改的名称"
    store.commit(meanwhile, "李敏", "name", base_revision=1)
    with pytest.raises(ConflictError):
        upload.replace(store, hijack(), seen.revision, "someone")
    assert store.head("demo") == 2 and store.load("demo").project.answers["project_name"] == "刚改的名称"


def test_a_deleted_projects_id_is_free_for_a_new_project(store):
    store.create(demo_project("zh"), "facilitator", "demo")
    store.delete("demo")
    assert upload.clash(store, hijack()) is None
    store.create(hijack(), "someone", "uploaded")
    assert store.load("demo").project.meta.title == "HIJACK of the demo"
