"""The step-3 undo button is the store's undo (`Store.undo`) of this session's last step-3 revision."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from diagnosis import fishbone as fb
from diagnosis.store import RevisionKind
from tests.ui.conftest import keyed, open_demo

TEXT = "质检抽检比例太低"


def _causes_page(app: AppTest) -> AppTest:
    open_demo(app)
    app.switch_page("app_pages/causes.py").run()
    assert not app.exception, app.exception
    return app


def _add(app: AppTest, text: str = TEXT) -> None:
    keyed(app.text_input, r"causes\.new\.\d+\.text").input(text)
    keyed(app.selectbox, r"causes\.new\.\d+\.category").select("method")
    keyed(app.button, r"causes\.new\.\d+\.submit").click().run()
    assert not app.exception, app.exception


def _cause(store, text: str):
    return next((c for c in fb.iter_causes(store.load("demo").project.fishbone) if c.text == text), None)


def _undo_button(app: AppTest):
    return next((b for b in app.button if b.key == "causes.undo"), None)


def test_undo_after_adding_and_editing_a_cause_takes_the_edit_back_and_history_shows_an_undo(app, store):
    _causes_page(app)
    assert _undo_button(app) is None  # nothing of this session to undo yet
    _add(app)
    added = _cause(store, TEXT)
    assert added is not None and added.evidence == "" and store.head("demo") == 2
    app.selectbox(key="causes.selected").select(added.id).run()
    app.text_input(key=f"causes.edit.{added.id}.evidence").input("抽检率 2%")
    app.text_input(key=f"causes.edit.{added.id}.unit").input("张工单")
    app.button(key=f"causes.edit.{added.id}.save").click().run()
    assert (_cause(store, TEXT).evidence, _cause(store, TEXT).unit) == ("抽检率 2%", "张工单")
    assert _undo_button(app).label == f"↶ 撤销：修改原因：{TEXT}"

    _undo_button(app).click().run()
    assert not app.exception, app.exception
    assert _cause(store, TEXT) == added  # the cause is back as it was added: no evidence, no unit
    assert store.head("demo") == 4
    assert [e.value for e in app.info] and f"已撤销：修改原因：{TEXT}" in app.info[0].value
    # the edit form shows the cause as it is now, not the undone values
    assert app.text_input(key=f"causes.edit.{added.id}.evidence").value == ""
    # the next undo is the add before it (the undo itself is never offered)
    assert _undo_button(app).label == f"↶ 撤销：添加原因：{TEXT}"

    app.switch_page("app_pages/history.py").run()
    assert not app.exception, app.exception
    newest = app.dataframe[0].value.iloc[0]
    assert newest["#"] == 4 and newest["说明"] == f"撤销第 3 版：修改原因：{TEXT}"
    assert store.revisions("demo")[0].kind is RevisionKind.UNDO


def test_undo_after_someone_else_saved_takes_back_only_this_sessions_change(app, store):
    _causes_page(app)
    _add(app)
    assert _cause(store, TEXT) is not None
    # meanwhile, in another session, 张伟 adds a cause of his own
    def his(project) -> None:
        fb.add_cause(project.fishbone, "张伟的原因", "people", author="张伟")

    store.apply("demo", his, "张伟", "添加原因：张伟的原因", kind=RevisionKind.CAUSE)
    assert store.head("demo") == 3
    app.run()
    assert _undo_button(app).label == f"↶ 撤销：添加原因：{TEXT}"  # another session's revision is not this one's to undo

    _undo_button(app).click().run()
    assert not app.exception, app.exception
    assert _cause(store, TEXT) is None  # mine is gone
    assert _cause(store, "张伟的原因") is not None  # his stays
    head = store.revisions("demo")[0]
    assert (head.number, head.kind, head.description) == (4, RevisionKind.UNDO, f"undo revision 2: 添加原因：{TEXT}")
    assert _undo_button(app) is None  # nothing of this session's step 3 is left to undo
    assert TEXT not in {c.text for c in fb.iter_causes(app.session_state["state.open"].project.fishbone)}


def test_deleting_a_cause_and_undoing_puts_it_back_in_its_place(app, store):
    _causes_page(app)
    ids = [c.id for c in store.load("demo").project.fishbone.causes]
    app.selectbox(key="causes.selected").select("c02").run()
    app.button(key="causes.edit.c02.delete").click().run()
    assert "c02" not in [c.id for c in store.load("demo").project.fishbone.causes]
    _undo_button(app).click().run()
    assert not app.exception, app.exception
    assert [c.id for c in store.load("demo").project.fishbone.causes] == ids


def test_undoing_a_cause_edit_resets_the_edit_form_so_saving_again_does_not_redo_it(app, store):
    _causes_page(app)
    app.selectbox(key="causes.selected").select("c01").run()
    original = _cause_by_id(store, "c01").text
    app.text_input(key="causes.edit.c01.text").input("误改的原因")
    app.button(key="causes.edit.c01.save").click().run()
    assert _cause_by_id(store, "c01").text == "误改的原因"
    _undo_button(app).click().run()
    assert app.text_input(key="causes.edit.c01.text").value == original
    app.button(key="causes.edit.c01.save").click().run()
    assert _cause_by_id(store, "c01").text == original


def test_undoing_a_problem_edit_keeps_the_restored_problem(app, store):
    _causes_page(app)
    original = store.load("demo").project.fishbone.problem
    app.text_area(key="causes.problem").input("另一个问题").run()
    assert store.load("demo").project.fishbone.problem == "另一个问题"
    _undo_button(app).click().run()
    app.run()
    assert store.load("demo").project.fishbone.problem == original
    assert app.text_area(key="causes.problem").value == original


def _cause_by_id(store, cause_id: str):
    return fb.find_cause(store.load("demo").project.fishbone, cause_id)
