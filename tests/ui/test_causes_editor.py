"""The step-3 editor in AppTest, around the demo project with an in-memory save."""

from __future__ import annotations

import pytest

from tests.ui.conftest import as_a_browser_keeps, keyed, shown
from tests.ui.conftest import show_view as show
from tests.ui.conftest import start_causes as start


def new(widgets, field):
    """A field of the add-cause form (its keys change after each successful add)."""
    return keyed(widgets, rf"causes\.new\.\d+\.{field}")


def by_key(elements, key):
    return next(e for e in elements if e.key == key)


def causes(at):
    from diagnosis.fishbone import iter_causes

    return list(iter_causes(at.session_state.project.fishbone))


def test_the_editor_draws_the_demo_fishbone_diagram_pareto_and_downloads():
    at = start("diagram")
    assert "neato" in at.get("graphviz_chart")[0].proto.engine
    assert "客户历史记录未同步" in at.get("graphviz_chart")[0].proto.spec
    assert len(at.get("download_button")) == 3
    show(at, "pareto")
    assert any("vega" in str(c.proto.spec) or c.proto.spec for c in at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart"))
    assert not at.error


def test_adding_a_cause_saves_it_with_its_bone_and_author():
    at = start()
    before = len(causes(at))
    new(at.text_input, "text").input("质检抽检比例太低")
    new(at.selectbox, "category").select("method")
    new(at.button, "submit").click().run()
    assert not at.exception, at.exception
    assert len(causes(at)) == before + 1
    assert at.session_state.saves[-1].startswith("添加原因")
    added = causes(at)[-1] if causes(at)[-1].text == "质检抽检比例太低" else next(c for c in causes(at) if c.text == "质检抽检比例太低")
    assert added.category == "method" and added.author == "王经理"
    # undo is the store's (no store here: no undo button); see tests/ui/test_causes_undo.py
    assert not [b for b in at.button if b.key == "causes.undo"]


def test_the_add_form_is_empty_after_an_add_so_the_next_cause_takes_nothing_from_the_previous_one():
    at = start()
    new(at.text_input, "text").input("转接流程不清")
    new(at.selectbox, "category").select("method")
    new(at.text_input, "evidence").input("转接率 30.8%")
    new(at.number_input, "value").set_value(120)
    new(at.text_input, "unit").input("张工单")
    new(at.selectbox, "impact").select("high")
    typed = shown(at, "causes.new.")
    new(at.button, "submit").click().run()
    as_a_browser_keeps(at, typed)
    assert [new(at.text_input, f).value for f in ("text", "evidence", "unit")] == ["", "", ""]
    assert new(at.number_input, "value").value is None and new(at.selectbox, "impact").value == ""
    assert new(at.selectbox, "category").value == "method"  # the bone stays for the next cause of the same bone
    new(at.text_input, "text").input("没有统一的转接话术")
    typed = shown(at, "causes.new.")
    new(at.button, "submit").click().run()
    as_a_browser_keeps(at, typed)
    second = next(c for c in causes(at) if c.text == "没有统一的转接话术")
    assert (second.category, second.evidence, second.value, second.unit, second.impact) == ("method", "", None, "", None)
    first = next(c for c in causes(at) if c.text == "转接流程不清")
    assert (first.evidence, first.value, first.unit, first.impact) == ("转接率 30.8%", 120, "张工单", "high")


def test_a_refused_add_keeps_what_was_typed_and_says_why():
    at = start()
    new(at.text_input, "evidence").input("转接率 30.8%")
    typed = shown(at, "causes.new.")
    new(at.button, "submit").click().run()  # no text
    as_a_browser_keeps(at, typed)
    assert at.error
    assert new(at.text_input, "evidence").value == "转接率 30.8%"
    assert at.session_state.saves == []


@pytest.mark.parametrize(("lang", "said"), [("zh", "原因需要填写文字"), ("en", "a cause needs a text")])
def test_a_refused_add_says_why_in_the_pages_language(lang, said):
    at = start(lang=lang)
    new(at.button, "submit").click().run()  # no text
    assert [e.value for e in at.error] == [said]


def test_pasting_a_brainstorm_adds_every_line_with_its_bone_and_nesting():
    at = start(empty=True)
    at.text_area(key="causes.paste.text").input("机：系统卡顿\n  查询订单要切换三个系统\nmethod: 退款需三级审批\n培训不足")
    at.selectbox(key="causes.paste.category").select("people")
    by_key(at.button, "causes.paste.submit").click().run()
    assert not at.exception, at.exception
    ribs = at.session_state.project.fishbone.causes
    assert [(c.category, c.text) for c in ribs] == [("machine", "系统卡顿"), ("method", "退款需三级审批"), ("people", "培训不足")]
    assert [c.text for c in ribs[0].children] == ["查询订单要切换三个系统"]


def test_pasting_a_brainstorm_again_adds_only_the_new_lines_and_says_which_were_skipped():
    at = start(empty=True)
    at.text_area(key="causes.paste.text").input("机：系统卡顿\n法：退款需三级审批")
    by_key(at.button, "causes.paste.submit").click().run()
    at.text_area(key="causes.paste.text").input("机：系统卡顿\n法：退款需三级审批\n法：质检抽样太少")
    by_key(at.button, "causes.paste.submit").click().run()
    assert not at.exception, at.exception
    ribs = at.session_state.project.fishbone.causes
    assert [c.text for c in ribs] == ["系统卡顿", "退款需三级审批", "质检抽样太少"]
    assert "粘贴 1 条原因；跳过 2 条已有的：系统卡顿、退款需三级审批" in " ".join(m.value for m in at.success)
    at.text_area(key="causes.paste.text").input("机：系统卡顿")
    by_key(at.button, "causes.paste.submit").click().run()
    assert len(at.session_state.project.fishbone.causes) == 3
    assert "都已在鱼骨图上" in " ".join(m.value for m in at.info)


def test_a_participant_cannot_give_more_dots_than_the_questionnaire_allows():
    at = start("voting", empty=False, author="新来的")
    for _ in range(5):
        by_key(at.button, "causes.vote.add").click().run()
        assert not at.exception, at.exception
    from diagnosis.fishbone import votes_used

    assert votes_used(at.session_state.project.fishbone, "新来的") == 5
    assert by_key(at.button, "causes.vote.add").disabled


def test_confirming_root_causes_stores_them_in_the_fishbone():
    at = start("confirm")
    at.session_state.project.fishbone.confirmed = None
    at.run()
    choice = next(m for m in at.multiselect if m.key.startswith("causes.confirm.choice"))
    assert choice.value == ["c01", "c02", "c03", "c04", "c05", "c06", "c07", "c08"]  # the vital few by value
    choice.unselect("c08")
    at.run()
    by_key(at.button, "causes.confirm.save").click().run()
    assert at.session_state.project.fishbone.confirmed == ["c01", "c02", "c03", "c04", "c05", "c06", "c07"]


def test_pareto_controls_change_the_ranking():
    at = start("pareto", lang="en")
    at.radio(key="causes.pareto.by").set_value("votes")
    at.radio(key="causes.pareto.level").set_value("category")
    at.run()
    assert not at.exception, at.exception
    table = next(d.value for d in at.dataframe if "Vital few" in d.value.columns)
    assert list(table["Cause"])[0] == "Machine"


def test_causes_tied_at_the_cut_are_all_vital_and_the_page_says_so():
    at = start("pareto", lang="en", values=(70, 10, 10, 10))
    table = next(d.value for d in at.dataframe if "Vital few" in d.value.columns)
    assert list(table["Vital few"]) == ["★", "★ (tie)", "★ (tie)", "★ (tie)"]
    assert any("3 items are tied at the 80% cut (value 10)" in i.value.replace("\\", "") for i in at.info)  # md-escaped


def test_read_only_shows_everything_and_changes_nothing():
    at = start(read_only=True)
    assert not [b for b in at.button if b.key == "causes.paste.submit" or (b.key or "").startswith("causes.new.")]
    show(at, "voting")
    assert not [b for b in at.button if b.key in ("causes.vote.add", "causes.vote.hide")]
    show(at, "diagram")
    assert at.get("graphviz_chart")
    assert at.session_state.saves == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_fishbone_shows_hints_instead_of_errors(lang):
    at = start(lang=lang, empty=True)
    assert not at.exception
    assert at.info


def test_the_chosen_view_stays_after_votes_and_a_withdrawal():
    at = start("voting", author="新来的")
    for _ in range(2):
        by_key(at.button, "causes.vote.add").click().run()
        assert at.segmented_control(key="causes.view").value == "voting"
        assert by_key(at.button, "causes.vote.add")  # still on the voting view, nothing to re-click
    assert at.markdown.values.count("**新来的** 还剩 **3** / 5 个点") == 1
    by_key(at.button, "causes.vote.remove").click().run()
    assert at.segmented_control(key="causes.view").value == "voting"
    assert "**新来的** 还剩 **4** / 5 个点" in at.markdown.values
    assert at.session_state.saves == ["新来的 投票", "新来的 投票", "新来的 收回一票"]
    from diagnosis.fishbone import votes_used

    assert votes_used(at.session_state.project.fishbone, "新来的") == 1


def test_blind_voting_hides_every_count_until_the_facilitator_reveals_them():
    at = start("voting")
    by_key(at.button, "causes.vote.hide").click().run()
    assert at.session_state.project.fishbone.votes_hidden is True
    assert at.session_state.saves == ["隐藏票数（盲投）"]  # one revision, in History
    assert not [d for d in at.dataframe if "合计" in d.value.columns]
    progress = next(d.value for d in at.dataframe if "已投点数" in d.value.columns)
    assert dict(zip(progress["参与者"], progress["已投点数"])) == {"王经理": "5 / 5", "李敏": "5 / 5", "张伟": "5 / 5", "陈顾问": "5 / 5", "赵工": "5 / 5"}
    show(at, "causes")
    assert not [d for d in at.dataframe if "票数" in d.value.columns]
    show(at, "pareto")
    assert at.radio(key="causes.pareto.by").options == ["数值", "频率×影响"]
    show(at, "voting")
    by_key(at.button, "causes.vote.reveal").click().run()
    assert at.session_state.project.fishbone.votes_hidden is False
    assert at.session_state.saves[-1] == "揭晓票数（盲投结束）"
    table = next(d.value for d in at.dataframe if "合计" in d.value.columns)
    assert table["合计"].sum() == 25  # 5 people x 5 dots


def test_the_facilitator_casts_the_dots_of_a_team_member_picked_from_step_1():
    at = start("voting", empty=True, author="主持人")
    from diagnosis import fishbone as fb

    fb.add_cause(at.session_state.project.fishbone, "系统卡顿", "machine")
    at.run()
    assert at.selectbox(key="causes.vote.who").options == ["王经理", "李敏", "张伟", "陈顾问", "赵工", "其他人（输入姓名）"]
    at.selectbox(key="causes.vote.who").select("张伟").run()
    by_key(at.button, "causes.vote.add").click().run()
    by_key(at.button, "causes.vote.add").click().run()
    assert at.session_state.project.fishbone.causes[0].votes == {"张伟": 2}
    assert "**张伟** 还剩 **3** / 5 个点" in at.markdown.values
    assert at.session_state.saves == ["张伟 投票", "张伟 投票"]
