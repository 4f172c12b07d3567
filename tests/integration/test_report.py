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
    report = build_report(*demo, lang="zh")
    titles = [s.title for s in report.sections]
    assert titles[0] == "执行摘要"
    assert titles[-1] == "附录：问卷全部回答"
    assert {"目标、范围与团队", "数据发现"} <= set(titles)


def test_the_english_report_is_in_english(demo):
    report = build_report(*demo, lang="en")
    assert [s.title for s in report.sections][0] == "Executive summary"
    html = render(report, "html").decode()
    assert "Goals, scope and team" in html and "执行摘要" not in html


def test_the_summary_compares_baseline_target_and_latest():
    project = demo_project("en")
    report = build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang="en")
    table = next(b for b in report.sections[0].blocks if getattr(b, "columns", None) == ["Metric", "Baseline", "Target", "Latest", "Met"])
    csat = next(r for r in table.rows if r[0].startswith("Customer satisfaction"))
    assert csat[1:3] == ["4.4", "4.8"] and csat[3].startswith("4.6") and "missed" in csat[4]


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
    html = render(build_report(*demo), "html").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<link" not in html and "src=\"http" not in html and "@import" not in html


def test_pdf_is_a4_with_chinese_text_and_page_numbers(demo, tmp_path):
    pdf = render(build_report(*demo, lang="zh"), "pdf")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "执行摘要" in text and "王经理" in text
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

    document = docx.Document(io.BytesIO(render(build_report(*demo, lang="zh"), "docx")))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "执行摘要" in headings and "附录：问卷全部回答" in headings
    assert len(document.tables) >= 4
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "王经理" in cells
    east_asia = document.styles["Normal"].element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    assert east_asia == "Noto Sans CJK SC"


def test_pptx_has_a_title_slide_and_one_slide_per_section(demo):
    from pptx import Presentation

    report = build_report(*demo, lang="en")
    deck = Presentation(io.BytesIO(render(report, "pptx")))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert titles[0] == report.title
    for section in report.sections:
        assert section.title in titles
    assert any(shape.has_table for slide in deck.slides for shape in slide.shapes)


def test_xlsx_has_typed_filtered_sheets_with_frozen_headers(demo):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(build_report(*demo, lang="en"), "xlsx")))
    assert "Answers" in wb.sheetnames
    ws = wb["Answers"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert [c.value for c in ws[1]] == ["Step", "Question", "Answer"]


def test_markdown_has_headings_and_tables(demo):
    md = render(build_report(*demo, lang="en"), "md").decode()
    assert md.startswith("# ")
    assert "## 1. Executive summary" not in md and "## Executive summary" in md
    assert "| Metric | Baseline | Target | Latest | Met |" in md


def test_user_text_is_shown_not_run_in_html_and_pdf(hostile, tmp_path):
    report = build_report(*hostile, lang="en")
    html = render(report, "html").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    path = tmp_path / "h.pdf"
    path.write_bytes(render(report, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "<script>alert('x')</script>" in text


def test_spreadsheet_formulas_from_users_are_neutralized(hostile):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(build_report(*hostile, lang="en"), "xlsx")))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert any(FORMULA in v for v in values)
    with zipfile.ZipFile(io.BytesIO(render(build_report(*hostile, lang="en"), "xlsx"))) as z:
        assert not any("<f>" in z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_user_text_in_markdown_cannot_inject_markup(hostile):
    md = render(build_report(*hostile, lang="en"), "md").decode()
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
