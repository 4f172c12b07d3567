"""The Word report is a document a consultant edits and sends: headings, a table of contents,
page numbers, the fishbone on a landscape page legible in print, repeating table headers."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import zipfile

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from diagnosis.report.word import MIN_LABEL_PT, place_wide_figure
from diagnosis.report.figures import smallest_label_pt
from tests.office import docx_to_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AS_OF = dt.date(2025, 10, 10)


def demo_report(lang):
    project = demo_project(lang)
    return build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang=lang, as_of=AS_OF)


@pytest.fixture(scope="module")
def zh():
    report = demo_report("zh")
    return report, render(report, "docx")


@pytest.fixture(scope="module")
def pdf(zh, tmp_path_factory):
    work = tmp_path_factory.mktemp("word")
    path = work / "demo.docx"
    path.write_bytes(zh[1])
    return docx_to_pdf(path, work)


def document_xml(data: bytes, name: str = "word/document.xml") -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode("utf-8")


def pages(pdf_path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout.split("\f")[:-1]


def test_the_word_report_uses_heading_styles_one_and_two(zh):
    import docx

    document = docx.Document(io.BytesIO(zh[1]))
    styles = {p.style.name for p in document.paragraphs}
    assert {"Heading 1", "Heading 2"} <= styles
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"][:3] == ["执行摘要", "目标、范围与团队", "数据发现"]


def test_the_word_report_has_a_toc_field_over_headings_one_and_two_updated_on_open(zh):
    body = document_xml(zh[1])
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', body)
    assert '<w:updateFields w:val="true"/>' in document_xml(zh[1], "word/settings.xml")


def test_the_footer_numbers_the_pages_with_page_fields_in_the_reports_language(zh):
    footer_zh = document_xml(zh[1], "word/footer1.xml")
    assert "> PAGE <" in footer_zh and "> NUMPAGES <" in footer_zh and "第 " in footer_zh
    footer_en = document_xml(render(demo_report("en"), "docx"), "word/footer1.xml")
    assert "Page " in footer_en and " of " in footer_en


def test_every_run_carries_the_east_asian_font(zh):
    import docx

    document = docx.Document(io.BytesIO(zh[1]))
    runs = list(document.element.body.iter(f"{W}r"))
    assert runs
    missing = [r for r in runs if r.find(f"{W}rPr/{W}rFonts") is None or r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") != "Noto Sans CJK SC"]
    assert missing == []


def test_every_table_header_row_is_marked_to_repeat_on_each_page(zh):
    import docx

    document = docx.Document(io.BytesIO(zh[1]))
    data_tables = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid" and t.rows[0].cells[0].text in ("类别", "步骤", "措施", "日期", "指标", "排名")]
    assert len(data_tables) >= 6
    assert all(t.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None for t in data_tables)


def test_the_fishbone_and_the_pareto_chart_get_landscape_sections_and_print_no_label_under_8_pt(zh):
    import docx

    report, data = zh
    document = docx.Document(io.BytesIO(data))
    landscape = [s for s in document.sections if s.page_width > s.page_height]
    assert len(landscape) == 2  # the fishbone's, the Pareto chart's (wide figures, legible in print)
    fishbone = next(b for _, s in report.walk() for b in s.blocks if getattr(b, "name", "") == "fishbone")
    # the widest picture is the fishbone; its printed width gives the size of its smallest text
    width = max(shape.width for shape in document.inline_shapes)
    assert width <= landscape[0].page_width - landscape[0].left_margin - landscape[0].right_margin
    assert smallest_label_pt(fishbone.svg, width.pt) >= MIN_LABEL_PT


def test_a_small_diagram_stays_on_a4_and_a_huge_one_fills_a3_and_says_how_small_it_prints():
    def svg(width, font):
        return f'<svg width="{width}pt" height="{width / 2}pt" viewBox="0.00 0.00 {width} {width / 2}"><g transform="scale(1 1)"><text font-size="{font}">x</text></g></svg>'

    assert place_wide_figure(svg(600, 10)).paper == "A4"
    assert place_wide_figure(svg(1174, 9)).paper == "A3"
    huge = place_wide_figure(svg(6000, 9))
    assert huge.paper == "A3" and huge.smallest_label_pt < MIN_LABEL_PT


def test_libreoffice_prints_the_demo_on_many_pages_each_numbered_in_its_footer(pdf):
    text = pages(pdf)
    assert len(text) > 1
    for n, page in enumerate(text, start=1):
        assert f"第 {n} 页，共 {len(text)} 页" in page


def test_the_updated_table_of_contents_lists_every_section_with_its_page(zh, pdf):
    report, _ = zh
    contents = pages(pdf)[1] + pages(pdf)[2]
    assert contents.lstrip().startswith("目录")
    for section in report.sections:
        assert re.search(re.escape(section.title) + r"\s*\.{3,}\s*\d+", contents), section.title


def test_the_printed_fishbone_page_is_landscape(pdf):
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    landscape = [n for n, (w, h) in enumerate(sizes, start=1) if w > h]
    assert len(landscape) == 2  # the fishbone's page, then the Pareto chart's
    assert "鱼骨图" in pages(pdf)[landscape[0] - 1] and "帕累托图" in pages(pdf)[landscape[1] - 1]


def test_a_table_running_over_pages_repeats_its_header_row_on_each(pdf):
    text = pages(pdf)
    appendix = [n for n, page in enumerate(text) if "附录：问卷全部回答" in page][-1]
    following = [page for page in text[appendix:] if "第一步" in page or "第二步" in page or "第六步" in page]
    assert len(following) >= 2
    for page in following:
        first = next(line for line in page.splitlines() if line.strip() and "附录" not in line)
        assert re.match(r"\s*步骤\s+问题\s+回答", first), first


@pytest.fixture(scope="module")
def en_pdf(tmp_path_factory):
    work = tmp_path_factory.mktemp("word-en")
    path = work / "demo-en.docx"
    path.write_bytes(render(demo_report("en"), "docx"))
    return docx_to_pdf(path, work)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_executive_summary_prints_on_one_page_of_the_word_report(lang, pdf, en_pdf):
    printed = pages(pdf if lang == "zh" else en_pdf)
    title, last, after = {"zh": ("执行摘要", "下一步", "目标、范围与团队"), "en": ("Executive summary", "Next steps", "Goals, scope and team")}[lang]
    first = next(n for n, text in enumerate(printed) if text.lstrip().startswith(title))
    assert last in printed[first] and "2025-11-30" in printed[first]  # before: the decisions and next steps ran onto the next page
    assert printed[first + 1].lstrip().startswith(after)
