"""The decision-ready executive summary: a headline conclusion, the vital few as the Pareto section
cuts them, measures late or at risk on the report's day, decisions and resources, next steps."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from diagnosis.report.document import Bullets, Paragraph

AS_OF = dt.date(2025, 10, 10)


def report_of(project, lang, as_of=AS_OF):
    return build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang=lang, as_of=as_of)


def summary(report):
    return next(s for s in report.sections if s.id == "summary")


def listed(report, heading_starts: str) -> list[str]:
    """The bullets under the summary's bold heading that starts with `heading_starts`."""
    blocks = summary(report).blocks
    for block, after in zip(blocks, blocks[1:]):
        if isinstance(block, Paragraph) and block.emphasis and block.text.startswith(heading_starts) and isinstance(after, Bullets):
            return after.items
    return []


def pareto_vital_few(report) -> list[str]:
    pareto = next(s for s in report.sections if s.id == "pareto")
    table = next(b for b in pareto.blocks if getattr(b, "sheet", None) == "Pareto")
    return [row[1] for row in table.rows if row[7].startswith("★")]


@pytest.mark.parametrize(("lang", "heading", "bracket", "mark"), [("zh", "关键根因", "（", "） ✔"), ("en", "Vital-few", " (", ") ✔")])
def test_the_summary_names_the_vital_few_exactly_as_the_pareto_section_does(lang, heading, bracket, mark):
    report = report_of(demo_project(lang), lang)
    vital = pareto_vital_few(report)
    assert len(vital) == 8  # the demo: 8 causes reach 80%, 6 of them confirmed by the team
    items = listed(report, heading)
    assert [item.split(bracket)[0] for item in items] == vital
    assert sum(item.endswith(mark) for item in items) == 6


def test_the_headline_says_what_is_wrong_why_what_we_do_and_what_it_gains():
    text = next(b.text for b in summary(report_of(demo_project("zh"), "zh")).blocks if isinstance(b, Paragraph))
    # what is wrong: the problem, then the row furthest from its target (FCR: 76.32 measured, 85 wanted)
    assert text.startswith("8月投诉率升至 3.2%") and "差距最大的是一次解决率（最新 76.32%，目标 85%）" in text
    # why: the vital few of the Pareto cut; what we do: the measures by horizon
    assert "8 项关键少数（合计占 80%）" in text and "方案共 7 项措施（短期速赢 3 项、中期 3 项、长期 1 项）" in text
    # what it gains: 546,000 - 124,000 = 422,000 a year net; 12 * 278,000 / 422,000 = 7.9 months; 144,000 / 402,000 = 35.8%
    assert "目标将一次解决率从 76.05% 提升至 85%" in text
    assert "预计每年净收益 422,000 元、约 7.9 个月回本、首年投资回报率 +35.8%" in text
    assert text.endswith("。") and text.count("。") == 1


def test_without_cost_figures_the_headline_claims_no_benefit():
    project = demo_project("en")
    for m in project.measures:
        m.invest_once = m.invest_yearly = m.benefit_yearly = None
    text = next(b.text for b in summary(report_of(project, "en")).blocks if isinstance(b, Paragraph))
    assert "7 measures (3 quick wins, 3 mid-term, 1 long-term)" in text
    assert "ROI" not in text and "yuan" not in text
    assert not any(item.startswith("Approve the investment") for item in listed(report_of(project, "en"), "Decisions"))


def test_late_measures_appear_in_the_summary_as_of_the_reports_day():
    project = demo_project("zh")
    early = listed(report_of(project, "zh"), "延期或有风险")
    assert early[0] == "新功能分层培训与考试（王经理）：有风险，已逾期 12 天（截止 2025-09-28），7 天以上未跟进；偏差：两个班组培训未完成"
    assert not any(item.startswith("CRM 与工单系统集成") for item in early)
    late = listed(report_of(project, "zh", as_of=dt.date(2026, 12, 1)), "延期或有风险的措施（截至 2026-12-01）")
    # due 2026-02-28: 275 days to November 30, one more to December 1
    assert any(item.startswith("CRM 与工单系统集成，统一客户ID（赵工）：已逾期 276 天") for item in late)
    # done measures are never late
    assert not any(item.startswith("按新版本更新知识库") for item in late)


def test_the_director_is_asked_for_the_open_measures_investment_and_resources():
    items = listed(report_of(demo_project("zh"), "zh"), "需要您决定")
    # the two done quick wins (8,000 + 0 once, 2,000 + 96,000 a year) are left out: 278,000 - 8,000; 124,000 - 98,000
    assert items[0] == "批准投入：一次性 270,000 元，每年运行 26,000 元（未完成的措施）"
    assert "CRM 与工单系统集成，统一客户ID：按部门预算、2 人、工单系统管理员、一次性投入 200,000 元、每年 20,000 元" in items
    assert "决定如何调整措施：新功能分层培训与考试（指标未达标）" in items


def test_the_next_steps_are_dated_the_next_due_measures_and_the_next_evaluation():
    items = listed(report_of(demo_project("en"), "en"), "Next steps")
    # launch 2025-09-15: the 1-month checkpoint falls on 2025-10-15, after the as-of day
    assert items == [
        "2025-10-15: 1-month evaluation against baseline and target",
        "2025-10-20: Show cross-channel history in the agent desktop (interim) due (Engineer Zhao)",
        "2025-11-15: Cut refund approval from three levels to one (under 500 yuan) due (Consultant Chen)",
        "2025-11-30: Add promotion intents to the bot due (Engineer Zhao)",
    ]
    # in Chinese without a Latin space before 到期
    assert listed(report_of(demo_project("zh"), "zh"), "下一步")[1] == "2025-10-20：客服工作台显示跨渠道历史（过渡方案）到期（赵工）"


def test_the_summary_renders_in_every_document_format():
    report = report_of(demo_project("zh"), "zh")
    assert "需要您决定与提供的资源" in render(report, "md").decode()
    html = render(report, "html").decode()
    assert "下一步" in html.split('id="summary"')[1].split("<section")[0]
