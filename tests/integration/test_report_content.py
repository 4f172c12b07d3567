"""The report carries everything the method asks for: each measure's steps and resources, the
cause's stage, the anonymous suggestions (past the threshold only), the data checks; and
Chinese text uses Chinese punctuation."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from diagnosis.sharing import Suggestions

AS_OF = dt.date(2025, 10, 10)


def report_of(project, lang="zh", suggestions=None):
    return build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang=lang, as_of=AS_OF, suggestions=suggestions)


def section(report, section_id):
    return next(s for _, s in report.walk() if s.id == section_id)


@pytest.fixture(scope="module")
def zh():
    return report_of(demo_project("zh"))


def test_the_plan_gives_each_measure_its_problem_steps_and_resources(zh):
    short = section(zh, "plan-short")
    details = {block.text: next_block.pairs for block, next_block in zip(short.blocks, short.blocks[1:]) if getattr(block, "emphasis", False)}
    knowledge = dict(details["按新版本更新知识库并指定负责人"])
    assert knowledge["实施步骤"] == "1. 制定方案 2. 试点 3. 全面推广 4. 复盘"
    assert knowledge["资源"] == "预算：按部门预算；人员：2 人"
    assert knowledge["问题"] == "知识库未随新版本更新"
    table = short.blocks[0]
    assert ["李敏 / 客服运营", "产品资料滞后 → 产品经理每周同步一次变更"] == [table.rows[0][2], table.rows[0][6]]


def test_a_contingency_without_a_stated_risk_still_shows_and_system_access_is_a_resource():
    project = demo_project("en")
    project.measures[0].risk = ""
    project.measures[0].contingency = "Product team syncs changes weekly"
    project.measures[0].system_access = "CMS editor rights"
    short = section(report_of(project, "en"), "plan-short")
    assert short.blocks[0].rows[0][6] == "Product team syncs changes weekly"
    resources = dict(short.blocks[2].pairs)["Resources"]
    assert resources.endswith("; system access: CMS editor rights")


def test_the_root_cause_table_names_each_causes_process_stage(zh):
    table = section(zh, "root-causes").blocks[-1]
    assert table.columns[:3] == ["类别", "环节", "根因"]
    stages = {row[2]: row[1] for row in table.rows}
    assert stages["客户历史记录未同步，客服需让客户重复描述"] == "信息收集"
    assert stages["退款需三级审批"] == "问题处理"


def test_anonymous_suggestions_show_only_once_the_threshold_arrived():
    project = demo_project("zh")
    few = report_of(project, suggestions=Suggestions(2, 3, []))
    waiting = section(few, "data-suggestions")
    assert "已收到 2 条，至少 3 条后才显示" in waiting.blocks[0].text
    enough = report_of(project, suggestions=Suggestions(3, 3, ["交接单模板统一", "增加高峰排班", "退款权限下放"]))
    shown = section(enough, "data-suggestions")
    assert shown.blocks[1].items == ["交接单模板统一", "增加高峰排班", "退款权限下放"]
    assert "交接单模板统一" in render(enough, "md").decode()


def test_a_report_without_a_store_has_no_suggestions_section(zh):
    assert all(s.id != "data-suggestions" for _, s in zh.walk())


def test_the_data_findings_carry_the_methods_fidelity_checks(zh):
    checks = section(zh, "data-method").blocks[0].items
    assert any(item.startswith(("✔ 调研样本", "⚠ 调研样本")) for item in checks)
    assert any("受访客户" in item for item in checks)


def test_chinese_report_text_uses_full_width_punctuation(zh):
    text = render(zh, "md").decode()
    cjk = "[\u4e00-\u9fff）]"
    assert not re.findall(cjk + r"[;,] ", text)
    assert not re.findall(cjk + r" \((?:分|%|分钟|小时)\)", text.split("## 附录")[0])
    assert "；" in text


def test_the_plan_section_gives_each_measures_cost_and_the_plans_payback_and_roi(zh):
    plan_section = section(zh, "plan")
    table = next(b for b in plan_section.blocks if getattr(b, "sheet", None) == "投入与收益")
    total = table.rows[-1]
    assert total[1] == "合计" and [str(c) for c in total[3:]] == ["278,000", "124,000", "546,000", "7.9", "+35.8%", "+152.0%"]
    crm = next(r for r in table.rows if r[1] == "CRM 与工单系统集成，统一客户ID")
    # 200,000 once, 20,000 a year, 180,000 a year: 12 * 200,000 / 160,000 = 15 months; (180 - 20 - 200) / 220 = -18.2%
    assert [str(c) for c in crm[2:]] == ["重点项目", "200,000", "20,000", "180,000", "15", "-18.2%", "+107.7%"]
    assert any(getattr(b, "name", "") == "effort-impact" for b in plan_section.blocks)
    text = render(zh, "md").decode()
    assert "回本周期**: 7.9 个月" in text and "一次性投入 200,000 元" in text


def test_the_reports_alert_tables_name_rules_and_rows_in_words_not_by_their_ids(zh):
    text = render(zh, "md").decode("utf-8")
    assert "frt_slow" not in text and "phone_peak_frt" not in text and "complaint_rate_high" not in text
    assert "电话高峰（10-12 点）首次响应时间" in text.replace("\\", "") and "连续 2 次高于 3" in text.replace("\\", "")


def _texts(data: bytes, fmt: str) -> str:
    """Every text a reader of the file sees."""
    import io

    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    if fmt == "pptx":
        from pptx import Presentation

        shapes = [s for slide in Presentation(io.BytesIO(data)).slides for s in slide.shapes]
        frames = [s.text_frame.text for s in shapes if s.has_text_frame]
        cells = [c.text for s in shapes if s.has_table for row in s.table.rows for c in row.cells]
        return "\n".join(frames + cells)
    if fmt == "xlsx":
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return data.decode("utf-8")


@pytest.mark.parametrize(("lang", "name", "default"), [("en", "USD", "yuan"), ("zh", "美元", "元")])
def test_every_report_format_names_the_currency_chosen_on_step_4(lang, name, default):
    project = demo_project(lang)
    project.answers["currency"] = "USD"
    report = report_of(project, lang)
    title = {"en": "under 500 yuan", "zh": "500 元以下"}[lang]  # a measure's own title names an amount: data, kept
    for fmt in ("md", "html", "docx", "pptx", "xlsx"):  # the PDF prints the HTML
        text = _texts(render(report, fmt), fmt).replace(title, "")
        if fmt == "xlsx":  # the cost sheet's money columns say their currency
            assert {"en": "One-off (USD)", "zh": "一次性投入（美元）"}[lang] in text
        else:
            assert {"en": "422,000 USD", "zh": "422,000 美元"}[lang] in text, fmt  # the summary's net yearly benefit
            assert {"en": "278,000 USD", "zh": "278,000 美元"}[lang] in text, fmt  # the plan's one-off total
        amounts = re.findall(r"\d[\d,]*(?:\.\d+)? ?" + re.escape(default) + r"(?![a-z])", text)
        assert not amounts, (fmt, amounts[:3])  # before: every amount in 元 / yuan whatever the plan's currency
