"""The app in AppTest: every page renders, answers are stored at once, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from diagnosis import catalog
from tests.conftest import DATA
from tests.ui.conftest import ALL_PAGES, APP, PATIENCE, STEP_PAGES, open_demo, open_id, open_new
from ui.projects import project_from_questionnaire


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_with_the_demo_project_without_an_exception(app, page):
    open_demo(app)
    app.switch_page(page).run()
    assert not app.exception
    assert app.title


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_with_an_empty_project_without_an_exception(app, page):
    open_new(app)
    app.switch_page(page).run()
    assert not app.exception


@pytest.mark.parametrize("page", [*ALL_PAGES, "app_pages/history.py"])
def test_no_table_on_any_page_shows_none_for_an_empty_cell(app, page):
    # Streamlit writes "None" into an empty cell unless told otherwise: empty in editable grids, a dash elsewhere
    open_demo(app)
    app.switch_page(page).run()
    assert not app.exception
    tables = list(app.dataframe)
    assert tables or page in ("app_pages/projects.py", "app_pages/report.py")
    for table in tables:
        assert table.proto.HasField("placeholder"), f"{page}: a table without a placeholder for empty cells"
        assert table.proto.placeholder in ("", "—")


@pytest.mark.parametrize("page", STEP_PAGES)
def test_a_step_page_without_an_open_project_points_to_the_projects_page(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert "项目" in app.info[0].value


def test_creating_a_project_stores_it_and_opens_step_one(app, store):
    open_new(app, "售后投诉诊断")
    stored = store.load(open_id(app))
    assert stored.project.meta.title == "售后投诉诊断"
    assert app.text_input(key="goals.project_name") is not None


def test_answering_a_question_updates_the_stored_project_at_once(app, store):
    open_new(app)
    app.text_input(key="goals.project_name").input("Q4 售后投诉流程优化").run()
    app.multiselect(key="goals.scope_in").select("billing").run()
    assert store.load(open_id(app)).project.answers["project_name"] == "Q4 售后投诉流程优化"
    assert store.load(open_id(app)).project.answers["scope_in"] == ["billing"]
    assert [r.description for r in store.revisions(open_id(app))][:2] == ["answer scope_in", "answer project_name"]


def test_show_if_shows_and_hides_a_question_at_once(app):
    open_new(app)
    assert "goals.trigger_other" not in [w.key for w in app.text_input]
    app.multiselect(key="goals.trigger").select("other").run()
    assert "goals.trigger_other" in [w.key for w in app.text_input]
    app.multiselect(key="goals.trigger").unselect("other").run()
    assert "goals.trigger_other" not in [w.key for w in app.text_input]


def test_a_validation_message_appears_next_to_the_question_in_the_current_language(app, store):
    open_new(app)
    app.text_input(key="goals.department_code").input("cs01").run()
    messages = [m.value.replace("\\", "") for m in app.markdown]
    assert any("CS-01" in m and "大写字母" in m for m in messages)
    # not blocking: the answer is stored anyway
    assert store.load(open_id(app)).project.answers["department_code"] == "cs01"
    app.segmented_control(key="sidebar.lang").set_value("en").run()
    assert any("capital letters" in m.value for m in app.markdown)


def test_switching_the_language_changes_the_labels_and_writes_nothing_to_the_project(app, store):
    open_new(app)
    revisions = len(store.revisions(open_id(app)))
    assert app.text_input(key="goals.project_name").label.startswith("项目名称")
    app.segmented_control(key="sidebar.lang").set_value("en").run()
    assert app.text_input(key="goals.project_name").label.startswith("Project name")
    assert app.title[0].value == "Step 1: Goals and scope"
    assert store.load(open_id(app)).project.meta.language == "zh"  # the default report language stays
    assert len(store.revisions(open_id(app))) == revisions


def test_the_sidebar_shows_the_completeness_of_every_step(app):
    open_demo(app)
    progress = [p.proto.text for p in app.sidebar.get("progress")]
    assert len(progress) == 5  # step 3 asks nothing required: it says so instead of a full bar
    assert progress[0] == "必填 6/6"
    assert "无必填问题" in [c.value for c in app.sidebar.caption]


def test_answers_survive_moving_to_another_page_and_back(app, store):
    """streamlit#5813: widget values are dropped when their page is not drawn."""
    open_new(app)
    app.text_input(key="goals.project_name").input("跨页测试").run()
    app.text_area(key="goals.problem_statement").input("投诉率环比上升，首次响应慢").run()
    app.multiselect(key="goals.trigger").select("efficiency_bottleneck").run()
    app.number_input(key="goals.complaint_growth").set_value(25.5).run()
    app.date_input(key="goals.target_date").set_value(dt.date(2025, 12, 31)).run()
    app.switch_page("app_pages/causes.py").run()
    assert not app.exception
    app.switch_page("app_pages/goals.py").run()
    assert app.text_input(key="goals.project_name").value == "跨页测试"
    assert app.text_area(key="goals.problem_statement").value == "投诉率环比上升，首次响应慢"
    assert app.multiselect(key="goals.trigger").value == ["efficiency_bottleneck"]
    assert app.number_input(key="goals.complaint_growth").value == 25.5
    assert str(app.date_input(key="goals.target_date").value) == "2025-12-31"
    answers = store.load(open_id(app)).project.answers
    assert answers["complaint_growth"] == 25.5 and answers["target_date"] == "2025-12-31"


def _edit_table(app: AppTest, question: str, delta: dict) -> None:
    # the browser sends the editor's whole delta against the frame it was given
    key = next(d.key for d in app.data_editor if d.key.startswith(f"goals.{question}."))
    app.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **delta}
    app.run()
    assert not app.exception


def test_a_table_cell_edit_keeps_another_rows_change_saved_meanwhile_by_another_session(app, store):
    """Issue 12 item 3: an edited cell is merged onto the stored table, never a stale full table."""
    open_demo(app)
    rows = store.load("demo").project.answers["metrics"]
    assert (rows[0]["baseline"], rows[2]["target"]) != (6.0, 4.0)
    other = store.load("demo")  # another facilitator changes the third row's target
    other.project.answers["metrics"][2]["target"] = 4.0
    store.commit(other.project, "李娜", "answer metrics", base_revision=other.revision)
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 6.0}}})  # this tab still shows the old table
    rows = store.load("demo").project.answers["metrics"]
    assert rows[0]["baseline"] == 6.0 and rows[2]["target"] == 4.0
    app.run()  # while this person is at work the grid stays (a cell may be open in it) and says a change waits
    assert any("同事刚修改了这张表" in c.value for c in app.caption)
    for key in ("state.saved_at", "goals.metrics.edited"):  # quiet for longer than tables.QUIET
        app.session_state[key] = 0.0
    app.run()  # then the editor shows both
    shown = next(d for d in app.data_editor if d.key.startswith("goals.metrics.")).value
    assert list(shown["target"])[2] == 4.0 and list(shown["baseline"])[0] == 6.0


def _colleague_saves_metrics(store, change) -> None:
    other = store.load("demo")
    change(other.project.answers["metrics"])
    store.commit(other.project, "李娜", "answer metrics", base_revision=other.revision)


def test_a_cell_edit_keeps_a_row_another_session_added_meanwhile(app, store):
    """Issue 12: rows added in one tab while a cell is edited in another; both land."""
    open_demo(app)
    _colleague_saves_metrics(store, lambda rows: rows.append({"metric": "aht", "baseline": 300, "target": 240, "direction": "lower"}))
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 6.0}}})  # this tab still shows seven rows
    rows = store.load("demo").project.answers["metrics"]
    assert len(rows) == 8 and rows[-1]["metric"] == "aht" and rows[0]["baseline"] == 6.0


def test_a_row_added_here_keeps_a_cell_another_session_edited_meanwhile(app, store):
    open_demo(app)
    def change(rows):
        rows[2]["target"] = 4.0
    _colleague_saves_metrics(store, change)
    _edit_table(app, "metrics", {"added_rows": [{"metric": "aht", "baseline": 300, "target": 240}]})
    rows = store.load("demo").project.answers["metrics"]
    assert len(rows) == 8 and rows[2]["target"] == 4.0 and rows[-1]["metric"] == "aht"


def test_a_row_deleted_here_keeps_a_row_another_session_added_meanwhile(app, store):
    open_demo(app)
    gone = store.load("demo").project.answers["metrics"][1]["metric"]
    _colleague_saves_metrics(store, lambda rows: rows.append({"metric": "aht", "baseline": 300, "target": 240, "direction": "lower"}))
    _edit_table(app, "metrics", {"deleted_rows": [1]})
    metrics = [r["metric"] for r in store.load("demo").project.answers["metrics"]]
    assert len(metrics) == 7 and gone not in metrics and metrics[-1] == "aht"


def test_every_table_edit_is_stored_even_the_second_edit_of_the_same_cell(app, store):
    """streamlit#7749: data_editor edits lost on every second edit."""
    open_demo(app)
    def metrics():
        return store.load("demo").project.answers["metrics"]
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 6.0}}})
    assert metrics()[0]["baseline"] == 6.0
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 7.0}}})
    assert metrics()[0]["baseline"] == 7.0
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 7.0}}, "added_rows": [{"metric": "aht", "baseline": 300, "target": 240}]})
    assert [r["metric"] for r in metrics()][-1] == "aht"
    assert len(metrics()) == 8
    _edit_table(app, "metrics", {"edited_rows": {0: {"baseline": 7.0}}, "added_rows": [{"metric": "aht", "baseline": 300, "target": 240}],
                                 "deleted_rows": [1]})
    rows = metrics()
    assert len(rows) == 7 and "sla_rate" not in [r["metric"] for r in rows] and rows[0]["baseline"] == 7.0
    # and after leaving the page and coming back the editor shows exactly the stored rows
    app.switch_page("app_pages/data.py").run()
    app.switch_page("app_pages/goals.py").run()
    shown = next(d for d in app.data_editor if d.key.startswith("goals.metrics.")).value
    assert list(shown["metric"]) == [r["metric"] for r in rows]
    assert shown["baseline"].iloc[0] == 7.0


def test_a_table_edit_on_a_new_project_adds_the_first_row(app, store):
    open_new(app)
    _edit_table(app, "metrics", {"added_rows": [{"metric": "frt", "baseline": 15, "target": 8, "direction": "lower"}]})
    assert store.load(open_id(app)).project.answers["metrics"] == [
        {"metric": "frt", "definition": None, "name": None, "baseline": 15.0, "target": 8.0, "unit": None, "direction": "lower"}
    ]


def test_the_url_names_the_project_so_a_refresh_or_a_new_tab_shows_the_same_state(app, data_dir):
    open_new(app)
    app.text_input(key="goals.project_name").input("刷新后仍在").run()
    pid = open_id(app)
    fresh = AppTest.from_file(APP, default_timeout=PATIENCE)
    fresh.query_params["project"] = pid
    fresh.run()
    fresh.switch_page("app_pages/goals.py").run()
    assert fresh.text_input(key="goals.project_name").value == "刷新后仍在"


def test_an_unknown_project_in_the_url_shows_a_message_instead_of_a_traceback(app):
    app.query_params["project"] = "nope"
    app.run()
    assert not app.exception
    assert "nope" in app.warning[0].value


def test_deleting_a_project_asks_for_confirmation_first(app, store):
    open_new(app, "要删除的项目")
    pid = open_id(app)
    app.switch_page("app_pages/projects.py").run()
    app.button(key=f"projects.delete.{pid}").click().run()
    assert store.head(pid) is not None
    assert "要删除的项目" in app.warning[0].value
    app.button(key=f"projects.confirm.{pid}").click().run()
    assert store.head(pid) is None
    assert "state.open" not in app.session_state
    assert f"projects.open.{pid}" not in [b.key for b in app.button]


def test_a_project_from_an_uploaded_questionnaire_gets_a_widget_for_every_question_type(app, store):
    entry = catalog.load_source((DATA / "questionnaires" / "all_types.yaml").read_bytes(), "all_types.yaml")
    project = project_from_questionnaire(entry, "全部题型", "zh", embed=True)
    store.save(project)
    app.query_params["project"] = project.meta.id
    app.run()
    app.switch_page("app_pages/goals.py").run()
    assert not app.exception
    keys = {w.key for kind in ("text_input", "text_area", "number_input", "radio", "multiselect") for w in getattr(app, kind)}
    assert {"goals.name", "goals.code", "goals.notes", "goals.frt", "goals.agents", "goals.channel", "goals.triggers",
            "goals.satisfaction", "goals.has_export"} <= keys
    editor = next(d for d in app.data_editor if d.key.startswith("goals.metrics."))
    assert editor.editing_mode == "dynamic"
    app.radio(key="goals.has_export").set_value(True).run()
    assert "goals.period_start" in [w.key for w in app.date_input]  # show_if with `all`
    app.number_input(key="goals.agents").set_value(3).run()
    assert "goals.period_start" not in [w.key for w in app.date_input]


def test_switching_the_language_after_table_edits_stores_nothing_and_keeps_the_last_value(app, store):
    """issue 12, item 1: the switch back re-saved the table as it was when the page loaded."""
    open_demo(app)
    _edit_table(app, "metrics", {"edited_rows": {0: {"target": 4.5}}})
    _edit_table(app, "metrics", {"edited_rows": {0: {"target": 4.6}}})
    revisions = len(store.revisions("demo"))
    for lang in ("en", "zh", "en"):
        app.segmented_control(key="sidebar.lang").set_value(lang).run()
        assert not app.exception
        shown = next(d for d in app.data_editor if d.key.startswith("goals.metrics.")).value
        assert shown["target"].iloc[0] == 4.6
        app.run()  # the next run (any rerun: a poll, a click) must not take the new editor's empty delta for an edit
    assert store.load("demo").project.answers["metrics"][0]["target"] == 4.6
    assert len(store.revisions("demo")) == revisions


def test_a_field_emptied_by_the_browser_right_after_a_language_switch_keeps_its_answer(app, store):
    """Seen twice in whole-suite runs under load: right after a switch a text field's answer came
    back empty although nobody typed. Within ECHO_SECONDS of a switch an emptied answer is not
    saved and the field shows the answer again; emptying it later works."""
    from ui import questions

    open_demo(app)
    name = store.load("demo").project.answers["project_name"]
    revisions = len(store.revisions("demo"))
    app.segmented_control(key="sidebar.lang").set_value("en").run()
    app.text_input(key="goals.project_name").set_value("").run()
    assert not app.exception
    assert store.load("demo").project.answers["project_name"] == name and len(store.revisions("demo")) == revisions
    assert app.text_input(key="goals.project_name").value == name
    app.text_input(key="goals.project_name").set_value("新名字").run()  # a real edit right after a switch is saved
    assert store.load("demo").project.answers["project_name"] == "新名字"
    app.session_state["state.lang_switched"] -= questions.ECHO_SECONDS  # later, emptying the field is an edit
    app.text_input(key="goals.project_name").set_value("").run()
    assert "project_name" not in store.load("demo").project.answers


def test_the_name_typed_in_the_sidebar_signs_the_next_edit(app, store):
    open_new(app)
    app.text_input(key="sidebar.author").input("王丽").run()
    app.text_input(key="goals.project_name").input("签名测试").run()
    assert store.revisions(open_id(app))[0].author == "王丽"


@pytest.mark.parametrize(("page", "kind", "question_id"), [
    ("goals", "multiselect", "scope_in"), ("causes", "radio", "pareto_basis"), ("data", "selectbox", "documents_up_to_date"),
    ("data", "radio", "has_ticket_export"), ("data", "radio", "survey_efficiency"),
])
def test_a_choice_sent_back_as_its_label_in_the_language_before_a_switch_changes_nothing(app, store, page, kind, question_id):
    """Choice widgets send their labels; right after a switch the browser can still send the old
    language's (seen under load): no error, no revision."""
    open_demo(app)
    app.switch_page(f"app_pages/{page}.py").run()
    key = f"{page}.{question_id}"
    sent_in_chinese = getattr(app, kind)(key=key)._widget_state
    app.segmented_control(key="sidebar.lang").set_value("en").run()
    revisions = len(store.revisions("demo"))
    stored = store.load("demo").project.answers[question_id]
    element = getattr(app, kind)(key=key)
    base = type(element)

    class Stale(base):  # what the browser sends: the labels it still shows
        @property
        def _widget_state(self):
            state = base._widget_state.fget(self)
            state.CopyFrom(sent_in_chinese)
            return state

    element.__class__ = Stale
    app.run()
    assert not app.exception
    assert store.load("demo").project.answers[question_id] == stored
    assert len(store.revisions("demo")) == revisions
