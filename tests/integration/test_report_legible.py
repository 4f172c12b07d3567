"""Charts legible in print: every text of the PDF, chart labels included, prints at 8 pt or
more (read from the PDF itself: each text's font size times the matrices it is drawn with),
and a large fishbone comes as an overview plus a detail page per category."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from diagnosis.report.document import Figure
from diagnosis.report.figures import MIN_LABEL_PT
from tests.factories import project_of

Q = catalog.get("customer_service_diagnosis").questionnaire
AS_OF = dt.date(2025, 10, 10)


def _times(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def printed_sizes(pdf: bytes) -> list[tuple[float, int, str]]:
    """(printed size in pt, page, text) of every text the PDF draws: the font size times the
    scale of the text matrix and the current transformation (an SVG shrunk onto the page)."""
    found: list[tuple[float, int, str]] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        def visit(text, cm, tm, _font, size, number=number):
            if text.strip():
                m = _times(tm, cm)
                found.append((size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, number, text.strip()))
        page.extract_text(visitor_text=visit)
    return found


def figures(report) -> list[Figure]:
    return [b for _, section in report.walk() for b in section.blocks if isinstance(b, Figure)]


@pytest.fixture(scope="module", params=["zh", "en"])
def pdf(request):
    # the large fishbone's pages are measured from their SVG for 300 causes (tests/unit/test_diagram.py)
    # and its split below: a 60-cause PDF here cost the suite close to a minute
    report = build_report(demo_project(request.param), Q, lang=request.param, as_of=AS_OF)
    return request.param, report, render(report, "pdf")


def test_no_text_in_the_pdf_prints_under_8_pt_chart_and_diagram_labels_included(pdf):
    name, report, data = pdf
    sizes = printed_sizes(data)
    charts = {"pareto", "gantt", "fishbone"} & {f.name for f in figures(report)}
    assert charts == {"pareto", "gantt", "fishbone"}  # the charts are there to be measured
    # chart labels are text in the PDF: the Pareto's bar names, the Gantt's rows, the fishbone's causes
    words = " ".join(text for _size, _page, text in sizes)
    for label in (["Customer", "Unclear", "Refunds"] if name == "en" else ["客户", "退款"]):
        assert label in words
    small = sorted(s for s in sizes if s[0] < MIN_LABEL_PT - 0.01)
    assert not small, small[:10]  # before: Pareto 4.8 pt, fishbone 5.6, Gantt 6.4, control charts 5.8


def test_a_sixty_cause_fishbone_is_an_overview_and_a_detail_figure_per_category():
    report = build_report(project_of(60), Q, lang="zh", as_of=AS_OF)
    names = [f.name for f in figures(report) if f.name.startswith("fishbone")]
    assert names[0] == "fishbone"
    used = list(dict.fromkeys(c.category for c in project_of(60).fishbone.causes))
    details = [n for n in names[1:]]
    assert {n.split("-")[1] for n in details} == set(used) and all(n.startswith("fishbone-") for n in details)
    captions = [f.caption for f in figures(report) if f.name.startswith("fishbone")]
    assert captions[0].startswith("鱼骨图总览") and all(c.startswith("鱼骨图详图") for c in captions[1:])


def test_the_report_timeline_names_each_measure_on_its_row():
    project = demo_project("en")
    report = build_report(project, Q, lang="en", as_of=AS_OF)
    gantt = next(f for f in figures(report) if f.name == "gantt")
    for measure in project.measures:
        if measure.start and measure.due:
            assert f"{measure.owner} · {measure.title}"[:30] in gantt.svg.replace("&amp;", "&")


def test_the_executive_summary_starts_and_ends_on_one_printed_page(pdf):
    name, _report, data = pdf
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    title, last, after = {"zh": ("1. 执行摘要", "下一步", "2. 目标、范围与团队"), "en": ("1. Executive summary", "Next steps", "2. Goals, scope and team")}[name]
    first = next(n for n, text in enumerate(pages) if title in text and n > 1)  # page 2 is the contents
    assert last in pages[first]  # its last part, the next steps with their dates
    assert "2025-11-30" in pages[first]  # ... down to the last of them (before: they ran onto the next page)
    assert after in pages[first + 1]


def placed_texts(pdf: bytes) -> list[tuple[float, float, float, int, str, tuple[float, float]]]:
    """(size pt, x, y, page, text, page size) of every text the PDF draws, x and y on the page."""
    found = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        box = page.mediabox

        def visit(text, cm, tm, _font, size, number=number, box=box):
            if text.strip():
                m = _times(tm, cm)
                found.append((size * abs(m[0] * m[3] - m[1] * m[2]) ** 0.5, m[4], m[5], number, text.strip(), (float(box.width), float(box.height))))
        page.extract_text(visitor_text=visit)
    return found


def test_a_hundred_measure_timeline_runs_over_pages_with_every_row_legible_and_on_its_page():
    import sys
    from pathlib import Path

    import docx
    from docx.shared import Cm

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from bench_report import large_project  # the benchmark's large project: 300 causes, 100 measures

    report = build_report(large_project(), Q, lang="zh", as_of=AS_OF)
    report.sections = [s for s in report.sections if s.id == "plan"]
    for section in report.sections:
        section.children = []
        section.blocks = [b for b in section.blocks if isinstance(b, Figure) and b.name.startswith("gantt")]
    parts = section.blocks
    assert len(parts) == 4  # 100 measures, 25 a page (before: one figure 2,800 px tall)
    placed = placed_texts(render(report, "pdf"))
    small = [p[:5] for p in placed if p[0] < MIN_LABEL_PT - 0.01]
    assert not small, small[:5]
    outside = [p[:5] for p in placed if not (0 <= p[1] <= p[5][0] and 0 <= p[2] <= p[5][1])]
    assert not outside, outside[:5]
    words = "".join(p[4] for p in placed)
    assert all(f"措施 {n}：" in words for n in range(100))  # every measure's row is printed
    # the Word report: each part's picture fits the text height of its A4 page (2 cm margins)
    document = docx.Document(io.BytesIO(render(report, "docx")))
    heights = [shape.height for shape in document.inline_shapes]
    assert len(heights) == 4 and max(heights) <= Cm(29.7 - 4) - Cm(2)  # with room for the heading and the caption
