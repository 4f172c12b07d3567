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
