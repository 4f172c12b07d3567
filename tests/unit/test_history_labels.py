"""History in the reader's words: ids of questions, metrics, categories, measures and guests become labels."""

from __future__ import annotations

from diagnosis import catalog
from diagnosis import history_labels as labels
from diagnosis.demo import demo_project
from diagnosis.history import diff


def _q():
    return catalog.get("customer_service_diagnosis").questionnaire


def test_known_description_patterns_read_in_either_language():
    q = _q()
    project = demo_project("zh")
    assert labels.describe("answer problem_statement", q, "zh") == "回答：问题陈述（鱼头）"
    assert labels.describe("answer problem_statement", q, "en").startswith("Answer: ") and "problem_statement" not in labels.describe("answer problem_statement", q, "en")
    assert labels.describe("participant: vote 2", q, "en") == "Participant vote (2 dots)"
    assert labels.describe("participant: withdraw a vote", q, "zh") == "参与者撤回一票"
    assert labels.describe("participant: add cause 系统卡顿", q, "zh") == "参与者添加原因：系统卡顿"
    assert labels.describe("录入评估值：csat_mean@3", q, "zh", project) == "录入评估值：客户满意度（百分制）（3 个月）"
    assert labels.describe("uploaded a.diagnosis.yaml as a new project", q, "zh") == "上传为新项目：a.diagnosis.yaml"
    assert labels.describe("一段普通的说明 x@y", q, "zh") == "一段普通的说明 x@y"  # nothing known: as written
    assert labels.describe("answer no_such_question", q, "en") == "Answer: no_such_question"


def test_the_stores_undo_and_restore_lines_read_in_the_readers_language():
    q = _q()
    assert labels.describe("undo revision 3: answer problem_statement", q, "zh") == "撤销第 3 版：回答：问题陈述（鱼头）"
    assert labels.describe("undo revision 3: 添加原因：系统卡顿", q, "en") == "Undo revision 3: 添加原因：系统卡顿"
    assert labels.describe("restore revision 2", q, "zh") == "恢复到第 2 版"
    assert labels.describe("restore revision 2", q, "en") == "Restore revision 2"


def test_changes_name_check_in_measures_and_statuses_evaluation_rows_and_guests():
    q = _q()
    old = demo_project("zh")
    new = old.model_copy(deep=True)
    checkin = new.checkins[0]
    assert checkin.status == "on_track"
    checkin.status = "late"
    new.evaluation.values[0].value += 1
    cause = new.fishbone.causes[0]
    cause.votes["guest:0123456789ab"] = 1
    new.fishbone.guests["guest:0123456789ab"] = "小刘"
    shown = labels.readable(diff(old, new), q, new, "zh")
    title = next(m.title for m in new.measures if m.id == checkin.measure)
    status = next(c for c in shown if c.area == "checkins")
    assert status.subject == f"{checkin.date} {title}" and status.field == "状态"
    assert (status.before, status.after) == ("正常", "延期")
    value = next(c for c in shown if c.area == "evaluation")
    assert value.subject.endswith("（1 个月）") and "complaint_rate" not in value.subject and value.field == "数值"
    vote = next(c for c in shown if c.area == "votes")
    assert vote.field == "小刘 · 012345"


def test_the_projects_pages_own_descriptions_read_in_each_language():
    from diagnosis.history_labels import describe

    assert describe("demo project", None, "zh") == "打开示例项目"
    assert describe("created", None, "en") == "Created the project"
    assert describe("created from uploaded questionnaire", None, "zh") == "用上传的问卷新建项目"
