"""Uploading a project file whose id is stored: nothing changes until the user picks."""

from __future__ import annotations

from diagnosis.demo import demo_project
from diagnosis.project import dumps
from tests.ui.conftest import open_demo, open_id

DEMO_TITLE = demo_project("zh").meta.title


def hijack() -> bytes:
    project = demo_project("zh")
    project.meta.title = "HIJACK of the demo"
    project.answers["problem_statement"] = "被替换的问题陈述"
    return dumps(project).encode("utf-8")


def upload_hijack(app):
    open_demo(app)
    app.switch_page("app_pages/projects.py").run()
    app.file_uploader(key="projects.upload").set_value(("hijack.diagnosis.yaml", hijack(), "application/x-yaml")).run()
    assert not app.exception
    return app


def test_a_file_with_the_demos_id_leaves_the_stored_demo_unchanged_and_asks(app, store):
    upload_hijack(app)
    assert store.head("demo") == 1 and store.load("demo").project.meta.title == DEMO_TITLE
    assert any("编号与已保存的项目" in w.value and "第 1 版" in w.value for w in app.warning)
    changes = app.dataframe[0].value  # the only table on the page
    assert set(changes["对象"]) == {"标题", "问题陈述（鱼头）"}  # labels, never the ids title / problem_statement
    assert "HIJACK of the demo" in set(changes["之后"])
    assert {b.key for b in app.button} >= {"projects.upload_as_new", "projects.upload_replace", "projects.upload_cancel"}
    app.run()  # a rerun (or the page's refresh) changes nothing either
    assert store.head("demo") == 1 and len(store.list_projects()) == 1


def test_opening_it_as_a_new_project_gives_a_new_id_and_leaves_the_demo_at_its_revision(app, store):
    upload_hijack(app)
    app.button(key="projects.upload_as_new").click().run()
    assert not app.exception
    new_id = open_id(app)
    assert new_id != "demo"
    assert store.load(new_id).project.meta.title == "HIJACK of the demo"
    assert store.load(new_id).project.answers["problem_statement"] == "被替换的问题陈述"
    assert store.head("demo") == 1 and store.load("demo").project.meta.title == DEMO_TITLE
    assert any("作为新项目" in s.value for s in app.success)
    assert not [b for b in app.button if b.key == "projects.upload_replace"]


def test_replacing_makes_one_new_revision_that_history_undoes(app, store):
    upload_hijack(app)
    app.button(key="projects.upload_replace").click().run()
    assert not app.exception
    assert open_id(app) == "demo"
    assert store.head("demo") == 2 and store.load("demo").project.meta.title == "HIJACK of the demo"
    assert any("第 2 版" in s.value for s in app.success)
    app.switch_page("app_pages/history.py").run()
    app.button(key="history.undo").click().run()
    assert not app.exception
    assert store.head("demo") == 3
    restored = store.load("demo").project
    assert restored.meta.title == DEMO_TITLE and restored.answers == store.load("demo", 1).project.answers


def test_cancelling_writes_nothing_and_closes_the_question(app, store):
    upload_hijack(app)
    app.button(key="projects.upload_cancel").click().run()
    assert not app.exception
    assert store.head("demo") == 1 and len(store.list_projects()) == 1
    assert not [b for b in app.button if b.key and b.key.startswith("projects.upload_")]


def test_a_file_with_a_new_id_opens_at_once(app, store):
    app.run()
    project = demo_project("en")
    project.meta.id = "fresh_upload"
    app.file_uploader(key="projects.upload").set_value(("fresh.diagnosis.yaml", dumps(project).encode("utf-8"), "application/x-yaml")).run()
    assert not app.exception
    assert store.head("fresh_upload") == 1 and open_id(app) == "fresh_upload"
    assert any("已打开" in s.value for s in app.success)
