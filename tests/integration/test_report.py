"""Reports: every format opens with its own library and holds the expected content."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render, report_filename, safe_filename
from tests.conftest import PYTHON, ROOT

HOSTILE = "<script>alert('x')</script>"
FORMULA = "=HYPERLINK(\"http://evil.invalid\",\"click\")"


@pytest.fixture(scope="module")
def demo():
    project = demo_project("zh")
    return project, catalog.get(project.questionnaire.id).questionnaire


_CACHE: dict = {}


def rendered(project_and_questionnaire, fmt, lang):
    """Build and render once per test module: charts and PDF layout take seconds."""
    key = (id(project_and_questionnaire[0]), lang)
    if key not in _CACHE:
        _CACHE[key] = (build_report(*project_and_questionnaire, lang=lang), {})
    report, outputs = _CACHE[key]
    if fmt not in outputs:
        outputs[fmt] = render(report, fmt)
    return outputs[fmt]


def built(project_and_questionnaire, lang):
    rendered(project_and_questionnaire, "md", lang)
    return _CACHE[(id(project_and_questionnaire[0]), lang)][0]


@pytest.fixture(scope="module")
def hostile():
    project = demo_project("en")
    project.answers["problem_statement"] = f"Slow replies {HOSTILE}"
    project.fishbone.problem = f"Slow replies {HOSTILE}"
    project.answers["team"][0]["name"] = FORMULA
    project.answers["obstacles_notes"] = "+1-2 @SUM(A1)"
    if project.fishbone.causes:
        project.fishbone.causes[0].text = f"History {HOSTILE}"
    return project, catalog.get(project.questionnaire.id).questionnaire


def test_the_report_has_every_section_in_reading_order(demo):
    titles = [s.title for s in built(demo, "zh").sections]
    assert titles == [
        "执行摘要", "目标、范围与团队", "数据发现", "鱼骨图（人机料法环）", "帕累托分析（80/20）", "根本原因",
        "行动方案（按期限）", "执行跟踪", "效果评估与预警", "附录：问卷全部回答",
    ]


def test_the_summary_names_the_vital_few_and_the_quick_wins(demo):
    html = rendered(demo, "html", "zh").decode()
    summary = html.split('id="summary"')[1].split("<section")[0]
    assert "关键根因" in summary and "客户历史记录未同步" in summary
    assert "短期速赢（1 个月内）" in summary and "10:00-12:00 增加 4 名弹性排班" in summary


def test_the_data_findings_show_the_ticket_import_by_channel(demo):
    report = built(demo, "zh")
    data = next(s for s in report.sections if s.id == "data")
    tickets = data.children[0]
    assert tickets.title == "工单数据指标"
    by_channel = next(b for b in tickets.blocks if getattr(b, "caption", "") == "按渠道")
    assert [row[0] for row in by_channel.rows] == ["微信", "电话", "网页在线"]
    assert sum(1 for b in tickets.blocks if type(b).__name__ == "Figure") >= 2
    checks = next(c for c in data.children if c.id == "data-method")
    assert checks.title == "数据收集检查" and len(checks.blocks[0].items) == 2


def test_the_fishbone_and_charts_are_embedded_as_svg(demo):
    html = rendered(demo, "html", "zh").decode()
    assert html.count("<svg") >= 4  # fishbone, Pareto, Gantt, metrics
    fishbone = html.split('id="fishbone"')[1].split("</figure>")[0]
    assert "客户历史记录未同步" in fishbone and "缺少统一客户ID" in fishbone


def test_the_plan_is_grouped_by_horizon_with_owners_and_risks(demo):
    report = built(demo, "en")
    plan = next(s for s in report.sections if s.id == "plan")
    from diagnosis.plan import HORIZONS, horizon_label

    assert [c.title for c in plan.children] == [horizon_label(h, "en") for h in HORIZONS]
    short = plan.children[0].blocks[0]
    assert short.columns[:4] == ["Measure", "Root cause", "Owner", "Due"]
    assert any("增加 4 名弹性排班" in row[0] and row[2].startswith("张伟") for row in short.rows)
    assert any("接口开发延期" in row[6] for row in plan.children[2].blocks[0].rows)


def test_the_evaluation_lists_the_missed_csat_target(demo):
    html = rendered(demo, "html", "zh").decode()
    evaluation = html.split('id="evaluation"')[1].split('id="appendix"')[0]
    assert "客户满意度" in evaluation and "未达成" in evaluation


def test_the_english_report_is_in_english(demo):
    assert [s.title for s in built(demo, "en").sections][0] == "Executive summary"
    html = rendered(demo, "html", "en").decode()
    assert "Goals, scope and team" in html and "执行摘要" not in html


def test_the_summary_compares_baseline_target_and_latest():
    project = demo_project("en")
    report = build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang="en")
    table = next(b for b in report.sections[0].blocks if getattr(b, "columns", None) == ["Metric", "Baseline", "Target", "Latest", "Met"])
    csat = next(r for r in table.rows if r[0].startswith("Customer satisfaction"))
    assert [str(c) for c in csat[1:3]] == ["88.5", "96"] and csat[3].startswith("93") and "missed" in csat[4]


def test_sections_without_data_say_so(demo):
    project, questionnaire = demo
    empty = project.model_copy(deep=True)
    empty.answers = {}
    empty.evaluation.values = []
    report = build_report(empty, questionnaire, lang="en")
    html = render(report, "html").decode()
    assert "No metrics set yet." in html
    assert "No answers yet." in html


def test_html_is_one_self_contained_file(demo):
    html = rendered(demo, "html", "zh").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<link" not in html and "src=\"http" not in html and "@import" not in html


def test_pdf_is_a4_with_chinese_text_and_page_numbers(demo, tmp_path):
    pdf = rendered(demo, "pdf", "zh")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "执行摘要" in text and "王经理" in text
    for cause in ("客户历史记录未同步", "知识库未随新版本更新", "退款需三级审批"):
        assert cause in text.replace(" ", "").replace("\n", "")
    assert "1 / " not in text.split("\f")[0]  # no page number on the cover
    assert re.search(r"\b2\s*/\s*\d+\b", text.split("\f")[1])
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "NotoSansCJK" in fonts.replace(" ", "").replace("-", "")
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(path), str(tmp_path / "page")], check=True)
    out = ROOT / "test-output" / "report"
    out.mkdir(parents=True, exist_ok=True)
    for png in sorted(tmp_path.glob("page*.png")):
        shutil.copy(png, out / png.name)
    assert len(list(tmp_path.glob("page*.png"))) == 3


def test_docx_has_real_headings_and_tables(demo):
    import docx

    document = docx.Document(io.BytesIO(rendered(demo, "docx", "zh")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "执行摘要" in headings and "附录：问卷全部回答" in headings
    assert len(document.tables) >= 4
    assert len(document.inline_shapes) >= 4  # fishbone, Pareto, Gantt, metrics
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "王经理" in cells
    east_asia = document.styles["Normal"].element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "Noto Sans CJK SC"


def test_pptx_has_a_title_slide_tables_and_the_reports_figures(demo):
    from pptx import Presentation

    report = built(demo, "en")
    deck = Presentation(io.BytesIO(rendered(demo, "pptx", "en")))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert titles[0] == report.title  # the slides after it: tests/integration/test_report_pptx.py
    assert any(shape.has_table for slide in deck.slides for shape in slide.shapes)
    assert sum(shape.shape_type == 13 for slide in deck.slides for shape in slide.shapes) >= 4  # pictures


def test_xlsx_has_typed_filtered_sheets_with_frozen_headers(demo):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(rendered(demo, "xlsx", "en")))
    assert {"Answers", "Causes", "Pareto", "Plan", "Tracking", "Check-ins", "Evaluation", "Ticket metrics"} <= set(wb.sheetnames)
    pareto = wb["Pareto"]
    assert pareto["D2"].value == 1450 and isinstance(pareto["E2"].value, float)
    assert pareto.max_row == 16
    ws = wb["Answers"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]] == ["Step", "Question", "Answer"]


@pytest.fixture(scope="module")
def demos(demo):
    english = demo_project("en")
    return {"zh": demo, "en": (english, catalog.get(english.questionnaire.id).questionnaire)}


@pytest.fixture(scope="module")
def xlsx_shown(demos, tmp_path_factory):
    """The demo's Excel report in each language as LibreOffice Calc shows it, sheet name -> rows of texts."""
    from tests.office import xlsx_as_shown

    work = tmp_path_factory.mktemp("xlsx")
    books = {lang: work / f"report-{lang}.xlsx" for lang in demos}
    for lang, path in books.items():
        path.write_bytes(rendered(demos[lang], "xlsx", lang))
    shown = xlsx_as_shown(list(books.values()), work)
    return {lang: shown[path] for lang, path in books.items()}


def html_tables(html: bytes) -> list[list[list[str]]]:
    """Every table of an HTML report: its header row, then its rows, as the reader sees them."""
    import lxml.html

    return [[[c.text_content() for c in tr.xpath("th|td")] for tr in table.xpath(".//tr")]
            for table in lxml.html.fromstring(html).xpath("//table")]


NUMBER_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?%?")
DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_excel_report_keeps_numbers_and_dates_and_shows_what_the_html_shows(demos, xlsx_shown, lang):
    import datetime as dt

    from openpyxl import load_workbook

    from diagnosis.cells import Cell
    from diagnosis.spreadsheet import neutralize

    report = built(demos[lang], lang)
    wb = load_workbook(io.BytesIO(rendered(demos[lang], "xlsx", lang)))
    html = html_tables(rendered(demos[lang], "html", lang))
    sheets = [t for t in report.tables() if t.sheet]
    assert len(sheets) == len(wb.sheetnames) >= 10
    numbers = dates = 0
    for table, name in zip(sheets, wb.sheetnames):
        texts = [[str(c) for c in row] for row in table.rows]  # what HTML, PDF, Word, slides and Markdown print
        if table.in_document:
            assert [table.columns, *texts] in html, name
        # Calc shows each cell through its number format: the same text (user text neutralized)
        as_text = [[text if isinstance(cell, (Cell, int, float)) else neutralize(text) for cell, text in zip(row, shown)]
                   for row, shown in zip(table.rows, texts)]
        assert xlsx_shown[lang][name] == [table.columns, *as_text], name
        date_columns = {c for c in range(len(table.columns)) if all(DATE_TEXT.fullmatch(row[c]) for row in texts if row[c])}
        for row, cells in zip(texts, wb[name].iter_rows(min_row=2, values_only=True)):
            for c, (text, value) in enumerate(zip(row, cells)):
                if c in table.numeric and NUMBER_TEXT.fullmatch(text):
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), (name, text, value)
                    numbers += 1
                elif c in date_columns and text:
                    assert isinstance(value, dt.datetime) and value.date().isoformat() == text, (name, text, value)
                    dates += 1
    assert numbers > 100 and dates > 20
    pareto = wb[report.t("Pareto", "Pareto")]
    assert pareto["E2"].number_format == "0.0" and xlsx_shown[lang]["Pareto"][1][4] == f"{pareto['E2'].value:.1f}"


def test_markdown_has_headings_and_tables(demo):
    md = rendered(demo, "md", "en").decode()
    assert md.startswith("# ")
    assert "## 1. Executive summary" not in md and "## Executive summary" in md
    assert "| Metric | Baseline | Target | Latest | Met |" in md


def test_user_text_is_shown_not_run_in_html_and_pdf(hostile, tmp_path):
    html = rendered(hostile, "html", "en").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    path = tmp_path / "h.pdf"
    path.write_bytes(rendered(hostile, "pdf", "en"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "<script>alert('x')</script>" in text


def test_spreadsheet_formulas_from_users_are_neutralized(hostile):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(rendered(hostile, "xlsx", "en")))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    def plain_number(v):  # "-3.5": a spreadsheet reads it as that number and runs nothing
        try:
            float(v)
        except ValueError:
            return False
        return True

    assert not any(v.startswith(("=", "+", "-", "@")) and not plain_number(v) for v in values)
    assert any(FORMULA in v for v in values)
    with zipfile.ZipFile(io.BytesIO(rendered(hostile, "xlsx", "en"))) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_user_text_in_markdown_cannot_inject_markup(hostile):
    md = rendered(hostile, "md", "en").decode()
    assert "<script>" not in md


@pytest.mark.parametrize(
    "name, expected",
    [("在线商城 / 8月:诊断?", "在线商城 _ 8月_诊断.pdf"), ("../../etc/passwd", "etc_passwd.pdf"), ("a\x00b\nc", "a_b_c.pdf"), ("CON", "report.pdf"), ("", "report.pdf")],
)
def test_output_file_names_are_sanitized(name, expected):
    assert safe_filename(name, ".pdf") == expected


def test_report_file_name_follows_the_project_title(demo):
    assert report_filename(demo[0], "docx") == "在线商城客服中心流程诊断（2025年8月）.docx"


@pytest.mark.parametrize("fmt", ["html", "md", "xlsx"])
def test_the_report_command_writes_each_format(tmp_path, fmt):
    project = tmp_path / "demo.diagnosis.yaml"
    subprocess.run([PYTHON, "-m", "diagnosis", "demo", "-o", str(project)], check=True, capture_output=True)
    out = tmp_path / f"r.{fmt}"
    result = subprocess.run([PYTHON, "-m", "diagnosis", "report", str(project), "--format", fmt, "--lang", "en", "-o", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


def test_the_report_command_on_a_broken_project_is_a_clean_error(tmp_path):
    bad = tmp_path / "bad.diagnosis.yaml"
    bad.write_text("format: nope\n", encoding="utf-8")
    result = subprocess.run([PYTHON, "-m", "diagnosis", "report", str(bad), "--format", "pdf", "-o", str(tmp_path / "x.pdf")], capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_the_evaluation_states_each_rows_definition_with_n_and_marks_typed_in_rows():
    project = demo_project("en")
    project.answers["metrics"] = [*project.answers["metrics"],
                                  {"metric": "other", "name": "Bot routing accuracy", "baseline": 85, "target": 90, "unit": "%", "direction": "higher"}]
    html = render(build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang="en"), "html").decode()
    evaluation = html.split('id="evaluation"')[1]
    table = evaluation.split("Metric definitions")[1].split("</table>")[0]
    # the all-channel FRT row: its definition, its computed baseline with the tickets behind it, each checkpoint's n
    assert "mean of first response - created (minutes)" in table and "3.2 (n=9,615)" in table and "2.6 (n=9,221)" in table
    assert "only category = 退款退货" in table
    bot = table.split("Bot routing accuracy")[1].split("</tr>")[0]
    assert "typed in by hand" in bot and "n=" not in bot


def test_the_evaluation_shows_the_control_charts_their_method_and_signals(demo):
    html = rendered(demo, "html", "zh").decode()
    evaluation = html.split('id="evaluation"')[1].split('id="appendix"')[0]
    assert "方法：单值-移动极差（XmR）图" in evaluation and "p 控制图（每日，样本量不等" in evaluation
    assert "各指标控制图" in evaluation and "<svg" in evaluation
    assert "异常信号" in evaluation and "西电规则" in evaluation
    assert "按周序列触发的预警" in evaluation and "连续 2 次高于 3" in evaluation
    assert "complaint_rate_high" not in evaluation and "frt_slow" not in evaluation  # rules in words, not by id


def test_every_format_carries_the_before_after_tests_and_states_their_method(demo, tmp_path):
    import docx
    from openpyxl import load_workbook
    from pptx import Presentation

    report = built(demo, "zh")
    evaluation = next(s for s in report.sections if s.id == "evaluation")
    stats = next(c for c in evaluation.children if c.id == "evaluation-stats")
    tables = [b for b in stats.blocks if type(b).__name__ == "Table" and b.in_document]
    assert [t.caption for t in tables] == ["1 个月", "3 个月"] and "95% 区间" in tables[0].columns
    assert stats.blocks[0].text.startswith("方法：")
    verdicts = ("显著改善", "无可检测变化")
    for fmt in ("html", "md"):
        text = rendered(demo, fmt, "zh").decode()
        assert all(v in text for v in verdicts) and "方法：基线期与各评估期" in text, fmt
    cells = {c.text for t in docx.Document(io.BytesIO(rendered(demo, "docx", "zh"))).tables for row in t.rows for c in row.cells}
    assert set(verdicts) <= cells
    deck = Presentation(io.BytesIO(rendered(demo, "pptx", "zh")))
    slides = " ".join(c.text for s in deck.slides for sh in s.shapes if sh.has_table for r in sh.table.rows for c in r.cells)
    assert all(v in slides for v in verdicts)
    sheet = load_workbook(io.BytesIO(rendered(demo, "xlsx", "zh")))["前后对比检验"]
    assert sheet.max_row == 15 and {c.value for c in sheet["J"]} >= set(verdicts)  # 7 rows x 2 checkpoints
    path = tmp_path / "r.pdf"
    path.write_bytes(rendered(demo, "pdf", "zh"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.replace(" ", "").replace("\n", "")
    # the PDF wraps the narrow verdict cells inside words: the title and the method line are whole
    assert "是否真的改变？前后对比检验" in text and "Newcombe" in text and "Mann-Whitney" in text
