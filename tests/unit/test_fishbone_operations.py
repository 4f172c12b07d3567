"""Fishbone operations in the workshop's words: add, edit, move, nest, delete/undo, paste, vote."""

from __future__ import annotations

import pytest

from diagnosis import catalog
from diagnosis import fishbone as fb
from diagnosis.demo import demo_fishbone
from diagnosis.errors import DiagnosisError
from diagnosis.project.model import Fishbone


@pytest.fixture
def questionnaire():
    return catalog.get("customer_service_diagnosis").questionnaire


@pytest.fixture
def bone():
    return demo_fishbone("zh")


def ids(fishbone):
    return [c.id for c in fb.iter_causes(fishbone)]


def test_causes_are_iterated_depth_first_in_entry_order(bone):
    assert ids(bone)[:6] == ["c01", "c01_1", "c01_1_1", "c01_2", "c02", "c02_1"]
    assert [d for _c, _p, d in fb.walk(bone)][:4] == [0, 1, 2, 1]


def test_a_sub_cause_takes_its_parents_category(bone):
    cause = fb.add_cause(bone, "  微信 ID 与手机号未绑定 ", "people", parent_id="c01_1")
    assert cause.category == "machine" and cause.text == "微信 ID 与手机号未绑定"
    assert fb.parent_of(bone, cause.id).id == "c01_1"


def test_a_cause_needs_a_text_and_a_place():
    with pytest.raises(DiagnosisError):
        fb.add_cause(Fishbone(), "   ", "people")
    with pytest.raises(DiagnosisError):
        fb.add_cause(Fishbone(), "text")
    with pytest.raises(fb.CauseNotFound):
        fb.add_cause(Fishbone(), "text", parent_id="nope")


def test_editing_checks_levels_and_refuses_the_category(bone):
    fb.edit_cause(bone, "c02", value=99, frequency="low", evidence="问卷")
    cause = fb.find_cause(bone, "c02")
    assert (cause.value, cause.frequency, cause.evidence) == (99, "low", "问卷")
    with pytest.raises(DiagnosisError):
        fb.edit_cause(bone, "c02", frequency="huge")
    with pytest.raises(DiagnosisError):
        fb.edit_cause(bone, "c02", category="people")
    assert fb.find_cause(bone, "c02").frequency == "low"


def test_moving_a_cause_takes_its_sub_causes_to_the_new_bone(bone):
    fb.move_cause(bone, "c01_1", "method")
    moved = fb.find_cause(bone, "c01_1")
    assert bone.causes[-1] is moved
    assert {c.category for c in [moved, *fb.descendants(moved)]} == {"method"}
    assert fb.parent_of(bone, "c01_1") is None


def test_nesting_refuses_cycles_and_unnesting_lifts_one_level(bone):
    with pytest.raises(DiagnosisError):
        fb.nest_cause(bone, "c01", "c01_1_1")
    with pytest.raises(DiagnosisError):
        fb.nest_cause(bone, "c01", "c01")
    fb.nest_cause(bone, "c09", "c01")
    assert fb.parent_of(bone, "c09").id == "c01" and fb.find_cause(bone, "c09").category == "machine"
    fb.unnest_cause(bone, "c01_1_1")
    assert [c.id for c in fb.find_cause(bone, "c01").children] == ["c01_1", "c01_1_1", "c01_2", "c09"]
    with pytest.raises(DiagnosisError):
        fb.unnest_cause(bone, "c02")


def test_deleting_a_cause_takes_its_sub_causes_and_its_confirmation_out(bone):
    removed = fb.delete_cause(bone, "c01")
    assert removed.id == "c01"
    assert "c01" not in ids(bone) and "c01_1_1" not in ids(bone) and "c01" not in bone.confirmed
    fb.delete_cause(bone, "c02")
    assert "c02" not in ids(bone)


def test_paste_reads_category_prefixes_headings_bullets_and_indentation(questionnaire):
    bone = Fishbone()
    text = """
机: 系统卡顿
    查询订单要切换三个系统
        权限分散
  - 机器人识别率低
MACHINE：接口超时
Method (process): 退款需三级审批
人：
  1. 不熟悉新功能
  2. 培训不足
     培训材料晚于上线
注意: 这不是类别
"""
    added = fb.paste_causes(bone, text, questionnaire, "environment", author="李敏")
    assert len(added) == 10
    top = [(c.category, c.text) for c in bone.causes]
    assert top == [("machine", "系统卡顿"), ("machine", "接口超时"), ("method", "退款需三级审批"),
                   ("people", "不熟悉新功能"), ("people", "培训不足"), ("people", "注意: 这不是类别")]
    first = bone.causes[0]
    assert [c.text for c in first.children] == ["查询订单要切换三个系统", "机器人识别率低"]
    assert [c.text for c in first.children[0].children] == ["权限分散"]
    assert [c.text for c in bone.causes[4].children] == ["培训材料晚于上线"]
    assert {c.author for c in added} == {"李敏"}


def test_paste_lines_without_a_bone_go_to_the_default_or_under_a_parent(questionnaire, bone):
    fb.paste_causes(bone, "没有类别的原因\n另一条", questionnaire, "material", parent_id="c03")
    assert [c.text for c in fb.find_cause(bone, "c03").children][-2:] == ["没有类别的原因", "另一条"]
    empty = Fishbone()
    fb.paste_causes(empty, "\n\n  \n没有类别\r\n", questionnaire, "material")
    assert [(c.category, c.text) for c in empty.causes] == [("material", "没有类别")]


def test_each_participant_has_only_the_allowed_dots(bone):
    for _ in range(3):
        fb.cast_vote(bone, "c10", "新人", allowed=5)
    fb.cast_vote(bone, "c01_1", "新人", allowed=5, dots=2)
    assert fb.votes_left(bone, "新人", 5) == 0
    with pytest.raises(fb.VoteLimitReached):
        fb.cast_vote(bone, "c12", "新人", allowed=5)
    fb.withdraw_vote(bone, "c10", "新人")
    assert fb.votes_used(bone, "新人") == 4
    fb.cast_vote(bone, "c12", "新人", allowed=5)
    with pytest.raises(DiagnosisError):
        fb.cast_vote(bone, "c12", "  ", allowed=5)


def test_confirming_unknown_causes_is_refused(bone):
    with pytest.raises(fb.CauseNotFound):
        fb.confirm_root_causes(bone, ["c01", "zz"])
    fb.confirm_root_causes(bone, ["c02", "c01", "c02"])
    assert bone.confirmed == ["c02", "c01"]
    fb.confirm_root_causes(bone, None)
    assert bone.confirmed is None


def test_the_roster_is_the_names_of_step_1s_team_each_once_blank_ones_left_out():
    answers = {"team": [{"role": "service_manager", "name": " 王经理 "}, {"role": "frontline_agent", "name": ""},
                        {"role": "frontline_agent", "name": "李敏"}, {"name": "王经理"}, "not a row"]}
    assert fb.roster(answers) == ["王经理", "李敏"]
    assert fb.roster({}) == [] and fb.roster({"team": "王经理"}) == []


def test_hiding_votes_keeps_every_dot_and_revealing_shows_them_again(bone):
    before = {c.id: dict(c.votes) for c in fb.iter_causes(bone)}
    fb.hide_votes(bone, True)
    assert bone.votes_hidden is True
    fb.hide_votes(bone, False)
    assert bone.votes_hidden is False and {c.id: dict(c.votes) for c in fb.iter_causes(bone)} == before


def test_paste_skips_a_cause_already_on_its_bone_and_puts_the_lines_below_it_under_the_existing_one(questionnaire):
    bone = Fishbone()
    fb.paste_causes(bone, "机：系统卡顿\n  权限分散", questionnaire, "environment")
    skipped: list[str] = []
    added = fb.paste_causes(bone, "机：系统  卡顿\n  新的子原因\n  权限分散\n人：系统卡顿\n法：退款慢\n法：退款慢", questionnaire,
                            "environment", skipped=skipped)
    assert [c.text for c in added] == ["新的子原因", "系统卡顿", "退款慢"]  # on another bone it is another cause
    assert skipped == ["系统 卡顿", "权限分散", "退款慢"]
    assert [(c.category, c.text) for c in bone.causes] == [("machine", "系统卡顿"), ("people", "系统卡顿"), ("method", "退款慢")]
    assert [c.text for c in bone.causes[0].children] == ["权限分散", "新的子原因"]
