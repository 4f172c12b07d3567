"""The report's as-of date: every late / stale / overdue judgement and the cover use one day."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from tests.conftest import PYTHON


@pytest.fixture(scope="module")
def demo():
    project = demo_project("zh")
    return project, catalog.get(project.questionnaire.id).questionnaire


def flags(report) -> dict[str, str]:
    """Measure title -> the tracking table's flags cell."""
    tracking = next(s for s in report.sections if s.id == "tracking")
    table = next(b for b in tracking.blocks if getattr(b, "sheet", None) == "跟踪")
    return {row[0]: row[6] for row in table.rows}


def test_the_demo_as_of_its_last_check_in_flags_only_the_measure_really_past_its_due_date(demo):
    marks = flags(build_report(*demo, lang="zh", as_of=dt.date(2025, 10, 10)))
    overdue = {title for title, cell in marks.items() if "逾期" in cell}
    assert overdue == {"新功能分层培训与考试"}  # due 2025-09-28, at risk
    # checked in on that very day, due later: neither overdue nor stale
    assert marks["CRM 与工单系统集成，统一客户ID"] == ""
    assert marks["客服工作台显示跨渠道历史（过渡方案）"] == ""


def test_the_demo_as_of_december_2026_shows_every_open_measure_overdue_and_stale(demo):
    marks = flags(build_report(*demo, lang="zh", as_of=dt.date(2026, 12, 1)))
    assert "逾期" in marks["CRM 与工单系统集成，统一客户ID"] and "7 天以上未跟进" in marks["CRM 与工单系统集成，统一客户ID"]
    # done measures are never late, whatever the day
    assert marks["按新版本更新知识库并指定负责人"] == ""


def test_the_cover_says_as_of_which_day_in_both_languages(demo):
    zh = build_report(*demo, lang="zh", as_of=dt.date(2025, 10, 10))
    en = build_report(*demo, lang="en", as_of=dt.date(2025, 10, 10))
    assert ("截至日期", "2025-10-10") in zh.cover
    assert ("As of", "2025-10-10") in en.cover
    assert "截至日期" in render(zh, "md").decode()


def test_the_report_command_takes_an_as_of_date(tmp_path):
    project = tmp_path / "demo.diagnosis.yaml"
    subprocess.run([PYTHON, "-m", "diagnosis", "demo", "-o", str(project)], check=True, capture_output=True)
    out = tmp_path / "r.md"
    result = subprocess.run([PYTHON, "-m", "diagnosis", "report", str(project), "--format", "md", "--as-of", "2025-10-10", "-o", str(out)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = out.read_text("utf-8")
    assert "2025-10-10" in text
    # one overdue measure: flagged in the tracking table ("逾期") and listed in the summary ("已逾期 12 天")
    assert text.count("逾期") == 2 and text.count("已逾期") == 1


def test_an_impossible_as_of_date_is_a_one_line_usage_error(tmp_path):
    project = tmp_path / "demo.diagnosis.yaml"
    subprocess.run([PYTHON, "-m", "diagnosis", "demo", "-o", str(project)], check=True, capture_output=True)
    result = subprocess.run([PYTHON, "-m", "diagnosis", "report", str(project), "--format", "md", "--as-of", "2025-02-30", "-o", str(tmp_path / "r.md")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "--as-of" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "r.md").exists()
