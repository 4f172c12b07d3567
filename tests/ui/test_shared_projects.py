"""Shared projects in AppTest: history, conflicts shown to their user, guest links' pages."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from diagnosis import fishbone as fb
from diagnosis import sharing
from diagnosis.project import new_project
from tests.ui.conftest import APP, PATIENCE, open_demo, open_id


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [str(getattr(e, "value", "")) for e in at.error] + [str(getattr(e, "value", "")) for e in at.info]
    return "\n".join(parts)


def test_the_history_page_lists_revisions_shows_changes_and_undoes_my_last_change(app, store):
    open_demo(app)
    app.text_input(key="goals.project_name").input("新的名称").run()
    app.switch_page("app_pages/history.py").run()
    assert not app.exception
    assert app.dataframe[0].value.iloc[0]["#"] == 2
    assert "新的名称" in app.dataframe[1].value.to_csv()
    app.button(key="history.undo").click().run()
    assert not app.exception
    assert store.load("demo").project.answers["project_name"] == store.load("demo", 1).project.answers["project_name"]
    assert store.head("demo") == 3


def test_restoring_a_revision_from_the_history_page_asks_first_and_is_a_new_revision(app, store):
    open_demo(app)
    app.text_input(key="goals.project_name").input("v2").run()
    app.switch_page("app_pages/history.py").run()
    app.selectbox(key="history.revision").select(1).run()
    app.button(key="history.restore").click().run()
    assert store.head("demo") == 2  # nothing replaced yet: it asks, with what would change
    assert "恢复到第 1 版会把当前内容（第 2 版）改成下面这样" in app.warning[0].value
    assert "v2" in app.dataframe[-1].value.to_csv()
    app.button(key="history.restore.cancel").click().run()
    assert store.head("demo") == 2 and not app.warning
    app.button(key="history.restore").click().run()
    app.button(key="history.restore.confirm").click().run()
    assert not app.exception
    assert store.head("demo") == 3
    assert store.load("demo").project == store.load("demo", 1).project.model_copy(update={"meta": store.load("demo").project.meta})


def test_a_second_edit_of_the_same_field_shows_both_values_and_lets_that_user_choose(data_dir, store):
    first, second = AppTest.from_file(APP, default_timeout=PATIENCE), AppTest.from_file(APP, default_timeout=PATIENCE)
    open_demo(first)
    second.query_params["project"] = "demo"
    second.run()
    second.session_state["state.author"] = "张伟"
    second.switch_page("app_pages/goals.py").run()
    first.text_input(key="goals.project_name").input("李敏的名称").run()
    second.text_input(key="goals.project_name").input("张伟的名称").run()
    assert not second.exception
    assert store.load("demo").project.answers["project_name"] == "李敏的名称"  # not overwritten
    shown = _texts(second)
    assert "李敏的名称" in shown and "张伟的名称" in shown
    conflict = store.conflicts("demo")[0]
    second.button(key=f"conflicts.sidebar.mine.{conflict.id}").click().run()
    assert store.load("demo").project.answers["project_name"] == "张伟的名称"
    assert store.conflicts("demo") == []


def _guest(param: str, token: str, project: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=PATIENCE)
    at.query_params[param] = token
    if project:
        at.query_params["project"] = project
    return at.run()


def _two_projects(store):
    from diagnosis.demo import demo_project

    demo = demo_project("zh")
    demo.answers["problem_statement"] = "只有主持人能看到的回答"
    demo.fishbone.problem = "投诉率上升"
    store.save(demo, "facilitator", "demo")
    other = new_project("customer_service_diagnosis", title="机密项目")
    other.answers["project_name"] = "机密的名称"
    fb.add_cause(other.fishbone, "机密原因", "people")
    store.save(other, "facilitator", "other")
    return other.meta.id


def test_the_participant_page_shows_only_the_cause_list_and_adds_causes_and_votes(data_dir, store):
    other = _two_projects(store)
    token, _ = sharing.create_link(store, "demo", "participant")
    at = _guest("join", token, project=other)
    assert not at.exception
    page = _texts(at)
    demo = store.load("demo").project
    assert demo.fishbone.causes[0].text in page
    assert "只有主持人能看到的回答" not in page and "机密" not in page  # no answers, no other project
    assert not at.sidebar.children or not any(getattr(e, "label", "") for e in at.sidebar)  # no app navigation
    assert "state.open" not in at.session_state
    at.text_input(key="join.name").input("小刘").run()
    at.text_input(key="join.text").input("高峰期系统卡顿")
    form_submit = next(b for b in at.button if b.label in ("添加", "Add"))
    form_submit.click().run()
    assert "高峰期系统卡顿" in [c.text for c in fb.iter_causes(store.load("demo").project.fishbone)]
    cid = demo.fishbone.causes[0].id
    at.button(key=f"join.vote.{cid}").click().run()
    voted = fb.find_cause(store.load("demo").project.fishbone, cid).votes
    assert [n for k, n in voted.items() if k.startswith("guest:")] == [1] and "小刘" not in voted
    assert store.head(other) == 1
    # later runs of this session stay on the participant page, whatever the URL says
    at.query_params.clear()
    at.query_params["project"] = other
    at.run()
    assert "机密" not in _texts(at) and "state.open" not in at.session_state


def test_a_participant_switches_the_guest_pages_to_english_without_touching_the_project(data_dir, store):
    _two_projects(store)
    token, _ = sharing.create_link(store, "demo", "participant")
    at = _guest("join", token)
    assert at.title[0].value == "参与鱼骨图分析"
    head = store.head("demo")
    at.button_group(key="guest.lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Join the fishbone"
    assert any(b.label == "Add" for b in at.button) and not any(b.label == "添加" for b in at.button)
    assert store.head("demo") == head  # the language is the person's, not a revision
    suggest_token, _ = sharing.create_link(store, "demo", "suggest")
    form = _guest("suggest", suggest_token)
    form.button_group(key="guest.lang").set_value("en").run()
    assert form.title[0].value == "Anonymous improvement suggestions"


def test_a_revoked_participant_link_says_so(data_dir, store):
    _two_projects(store)
    token, link = sharing.create_link(store, "demo", "participant")
    sharing.revoke_link(store, link.id)
    at = _guest("join", token)
    assert not at.exception
    assert "撤销" in at.error[0].value
    assert store.load("demo").project.fishbone.causes[0].text not in _texts(at)


def test_the_suggestion_form_stores_an_anonymous_suggestion(data_dir, store):
    _two_projects(store)
    token, _ = sharing.create_link(store, "demo", "suggest")
    at = _guest("suggest", token)
    at.text_area(key="suggest.suggestion").input("退款审批环节太多")
    next(b for b in at.button if b.label in ("提交建议", "Send")).click().run()
    assert not at.exception
    assert sharing.suggestions_of(store, "demo", 1).texts == ["退款审批环节太多"]


def test_a_second_link_does_not_replace_the_first_each_has_its_qr_code_and_revoking_one_leaves_the_other(app, store):
    open_demo(app)
    app.switch_page("app_pages/share.py").run()
    app.text_input(key="share.label").input("周三工作坊").run()
    app.button(key="share.create_participant").click().run()
    app.text_input(key="share.label").input("会议室二维码").run()
    app.button(key="share.create_participant").click().run()
    assert not app.exception
    page = _texts(app)
    assert "周三工作坊" in page and "会议室二维码" in page and "有效链接（2）" in [s.value for s in app.subheader]
    urls = [c.value for c in app.code]
    assert len(urls) == 2 and all("?join=" in url for url in urls) and urls[0] != urls[1]
    assert [i.proto.imgs[0].caption for i in app.get("image")] == ["用手机扫码打开"] * 2  # one QR code per active link
    newest, oldest = sharing.project_links(store, "demo")
    assert newest.label == "会议室二维码" and f"?join={sharing.link_token(store, newest)}" in urls[0]
    app.button(key=f"share.revoke.{oldest.id}").click().run()
    assert [c.value for c in app.code] == [urls[0]] and "有效链接（1）" in [s.value for s in app.subheader]
    refused = _guest("join", urls[1].split("?join=")[1])
    assert "撤销" in refused.error[0].value
    joined = _guest("join", urls[0].split("?join=")[1])
    assert not joined.error and store.load("demo").project.fishbone.causes[0].text in _texts(joined)


def test_the_share_page_creates_and_revokes_links_and_holds_back_early_suggestions(app, store):
    open_demo(app)
    app.switch_page("app_pages/share.py").run()
    app.button(key="share.create_participant").click().run()
    assert not app.exception
    assert "?join=" in app.code[0].value
    link = sharing.project_links(store, open_id(app))[0]
    app.button(key=f"share.revoke.{link.id}").click().run()
    assert not sharing.project_links(store, "demo")[0].active
    sharing.add_suggestion(store, "demo", "一条建议")
    app.run()
    assert "一条建议" not in _texts(app)
