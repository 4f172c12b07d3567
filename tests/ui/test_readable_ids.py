"""Internal ids are never what people read: questions, metrics, categories and guests by their labels."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from diagnosis import sharing
from tests.ui.conftest import open_demo


def _history(app: AppTest) -> AppTest:
    app.switch_page("app_pages/history.py").run()
    assert not app.exception
    return app


def _descriptions(app: AppTest) -> list[str]:
    table = app.dataframe[0].value
    return list(table[next(c for c in table.columns if c in ("说明", "Description"))])


def test_recent_projects_name_the_questionnaire_by_its_title_not_its_id(app, store):
    app.run()
    app.button(key="projects.demo").click().run()
    app.switch_page("app_pages/projects.py").run()
    captions = " ".join(c.value for c in app.caption).replace("\\", "")  # markdown escapes
    assert "客服流程诊断与优化" in captions and "customer_service_diagnosis" not in captions
    app.session_state["state.lang"] = "en"
    app.run()
    captions = " ".join(c.value for c in app.caption).replace("\\", "")  # markdown escapes
    assert "Customer-service process diagnosis" in captions and "customer_service_diagnosis" not in captions


def test_history_names_the_answered_question_and_a_participants_vote_in_the_readers_language(app, store):
    open_demo(app)
    app.text_input(key="goals.project_name").input("新的名称").run()
    cause = store.load("demo").project.fishbone.causes[0]
    participant = sharing.Participant(store, sharing.create_link(store, "demo", "participant")[0])
    participant.vote(cause.id, sharing.Guest(sharing.new_guest_id(), "小刘"))
    shown = _descriptions(_history(app))
    assert shown[:2] == ["参与者投票（1 票）", "回答：项目名称"]
    assert not any("project_name" in line or "participant:" in line for line in shown)
    app.session_state["state.lang"] = "en"
    app.run()
    assert _descriptions(app)[:2] == ["Participant vote (1 dot)", "Answer: Project name"]


def test_an_old_evaluation_line_with_a_row_key_names_the_metric_and_the_checkpoint(app, store):
    open_demo(app)

    def apply(project):
        project.meta.title = project.meta.title + " "
    store.apply("demo", apply, "王经理", "录入评估值：csat_mean@3")
    shown = _descriptions(_history(app))
    assert "csat_mean" not in shown[0] and shown[0].startswith("录入评估值：") and "（3 个月）" in shown[0]


def test_the_changes_of_a_revision_show_the_category_label_the_question_and_the_guest_not_their_ids(app, store):
    open_demo(app)
    cause = store.load("demo").project.fishbone.causes[0]  # a machine cause

    def move(project):
        next(c for c in project.fishbone.causes if c.id == cause.id).category = "method"
        project.answers["metrics"][0]["direction"] = "higher"

    store.apply("demo", move, "王经理", "move")
    app = _history(app)
    app.selectbox(key="history.revision").select(store.head("demo")).run()
    rows = app.dataframe[1].value.astype(str).values.tolist()
    assert ["原因", "修改", cause.text, "类别", "机（系统与设备）", "法（流程与方法）"] in rows
    assert ["回答", "修改", "目标指标（基线 → 目标） · 第 1 行", "方向", "越低越好", "越高越好"] in rows
    assert not any(word in cell for row in rows for cell in row for word in ("method", "machine", "metrics", "direction", "higher"))


def test_history_names_a_guest_author_by_the_name_typed_not_the_guest_key(app, store):
    open_demo(app)
    causes = store.load("demo").project.fishbone.causes
    participant = sharing.Participant(store, sharing.create_link(store, "demo", "participant")[0])
    guest = sharing.new_guest_id()
    participant.vote(causes[0].id, sharing.Guest(guest, ""))  # before typing a name: only the key is known
    participant.vote(causes[1].id, sharing.Guest(guest, "小刘"))
    table = _history(app).dataframe[0].value
    authors = list(table["作者"])[:2]
    assert authors == [f"小刘 · {guest[:6]}"] * 2
    assert not any(f"guest:{guest}" in a for a in table["作者"])
