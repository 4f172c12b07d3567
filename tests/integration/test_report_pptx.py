"""The slides are a deck a consultant presents: 16:9, about 15 slides for the demo, a title slide,
the summary on one slide, then one message per slide with an action title, tables continued on
the next slide instead of running off it, nothing outside the slide, the East Asian font on every
run; and LibreOffice draws every slide's text inside its page."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.report import build_report, render
from diagnosis.report.document import Report, Section, Table
from tests.office import pptx_to_pdf

A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
AS_OF = dt.date(2025, 10, 10)
LANGS = ("zh", "en")


def demo_report(lang):
    project = demo_project(lang)
    return build_report(project, catalog.get(project.questionnaire.id).questionnaire, lang=lang, as_of=AS_OF)


def deck_of(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


@pytest.fixture(scope="module")
def decks():
    """lang -> (report, pptx bytes), built once for the module."""
    out = {}
    for lang in LANGS:
        report = demo_report(lang)
        out[lang] = report, render(report, "pptx")
    return out


@pytest.fixture(scope="module")
def pdfs(decks, tmp_path_factory):
    """lang -> the deck printed by LibreOffice Impress (one start for both languages)."""
    work = tmp_path_factory.mktemp("slides")
    paths = []
    for lang in LANGS:
        path = work / f"demo-{lang}.pptx"
        path.write_bytes(decks[lang][1])
        paths.append(path)
    return dict(zip(LANGS, pptx_to_pdf(paths, work)))


def titles(deck) -> list[str]:
    return [s.shapes.title.text if s.shapes.title is not None else "" for s in deck.slides]


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_deck_is_16_9_with_about_fifteen_slides(decks, lang):
    deck = deck_of(decks[lang][1])
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)
    assert 12 <= len(deck.slides) <= 20


@pytest.mark.parametrize("lang", LANGS)
def test_every_shape_lies_within_the_slide(decks, lang):
    deck = deck_of(decks[lang][1])
    outside = [(n, shape.name) for n, slide in enumerate(deck.slides, start=1) for shape in slide.shapes
               if shape.left < 0 or shape.top < 0 or shape.left + shape.width > deck.slide_width or shape.top + shape.height > deck.slide_height]
    assert outside == []
    # a table's frame is as tall as its rows (python-pptx's geometry would not see rows beyond it)
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_table:
                assert sum(row.height for row in shape.table.rows) == shape.height


@pytest.mark.parametrize("lang", LANGS)
def test_the_title_slide_names_the_project_the_day_and_the_team(decks, lang):
    report, data = decks[lang]
    first = deck_of(data).slides[0]
    text = " ".join(shape.text_frame.text for shape in first.shapes if shape.has_text_frame)
    assert first.shapes.title.text == report.title
    assert "2025-10-10" in text
    assert report.t("王经理", "Manager Wang") in text


@pytest.mark.parametrize("lang", LANGS)
def test_each_slide_title_is_a_message_from_the_data_not_a_section_name(decks, lang):
    report, data = decks[lang]
    names = {section.title for _, section in report.walk()} | {report.t("执行摘要", "Executive summary")}
    body = titles(deck_of(data))[1:]
    assert not [t for t in body if t in names]
    assert all(re.search(r"\d", t) for t in body), body  # each says how many, how much or by when
    assert report.t("8 个关键少数原因占问题的 80%", "8 causes explain 80% of the problem") in " ".join(body)
    assert report.t("7 项措施，3 项一个月内见效", "7 measures, 3 of them paying off within a month") in body


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_is_one_slide_with_targets_vital_few_and_next_steps(decks, lang):
    report, data = decks[lang]
    deck = deck_of(data)
    summary = deck.slides[1]
    text = " ".join(shape.text_frame.text for shape in summary.shapes if shape.has_text_frame)
    cells = " ".join(c.text for shape in summary.shapes if shape.has_table for row in shape.table.rows for c in row.cells)
    assert report.t("基线 → 最新 → 目标", "Baseline → latest → target") in cells and "76.05 → 76.32 → 85" in cells
    for heading in (report.t("关键根因", "Vital few"), report.t("延期或有风险", "Late or at risk"),
                    report.t("需要您决定", "Decisions and resources"), report.t("下一步", "Next steps")):
        assert heading in text, heading
    assert report.t("（续）", "(cont.)") not in titles(deck)[2]


@pytest.mark.parametrize("lang", LANGS)
def test_the_fishbone_pareto_and_timeline_each_fill_a_slide(decks, lang):
    deck = deck_of(decks[lang][1])
    for slide in deck.slides:
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        if pictures:
            assert len(pictures) == 1
    full = [slide for slide in deck.slides for s in slide.shapes
            if s.shape_type == 13 and (s.width > 0.8 * deck.slide_width or s.height > 0.65 * deck.slide_height)]
    assert len(full) >= 4  # fishbone, Pareto, timeline, control charts


@pytest.mark.parametrize("lang", LANGS)
def test_every_run_carries_the_east_asian_and_the_latin_font(decks, lang):
    deck = deck_of(decks[lang][1])
    runs = [r for slide in deck.slides for r in slide._element.iter(f"{A}r")]
    assert len(runs) > 100
    missing = [ET.tostring(r)[:200] for r in runs
               if any(r.find(f"{A}rPr/{A}{tag}") is None or r.find(f"{A}rPr/{A}{tag}").get("typeface") != "Noto Sans CJK SC"
                      for tag in ("latin", "ea"))]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_before_after_verdicts_are_on_the_evaluation_slides(decks, lang):
    report, data = decks[lang]
    cells = " ".join(c.text for slide in deck_of(data).slides for shape in slide.shapes if shape.has_table
                     for row in shape.table.rows for c in row.cells)
    assert report.t("显著改善", "significant improvement") in cells and report.t("无可检测变化", "no detectable change") in cells


def test_a_long_table_runs_onto_continuation_slides_each_with_its_header():
    rows = [[f"措施 {n}：" + "优化流程" * (n % 7 + 1), f"负责人 {n}", f"2025-{n % 12 + 1:02d}-15", n] for n in range(90)]
    table = Table(["措施", "负责人", "截止", "序号"], rows, caption="全部措施", numeric={3})
    report = Report("zh", "长表", "副标题", "", "2025-10-10", [], [Section("plan", "行动方案", [table])])
    deck = deck_of(render(report, "pptx"))
    continued = [t for t in titles(deck) if t.endswith("（续）")]
    assert len(continued) >= 3
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    assert all([c.text for c in t.rows[0].cells] == ["措施", "负责人", "截止", "序号"] for t in tables)
    assert sum(len(t.rows) - 1 for t in tables) == 90  # every row once
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.top + shape.height <= deck.slide_height, shape.name


def pdf_pages(pdf) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    """Each page's size and its words' boxes, as `pdftotext -bbox` reads them."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                 re.findall(r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>', page.group(3))]
        out.append((float(page.group(1)), float(page.group(2)), words))
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_libreoffice_draws_every_slides_text_inside_its_page(decks, pdfs, lang):
    pages = pdf_pages(pdfs[lang])
    assert len(pages) == len(deck_of(decks[lang][1]).slides)
    for n, (width, height, words) in enumerate(pages, start=1):
        assert words, f"slide {n} shows no text"
        outside = [w for w in words if w[0] < 0 or w[1] < 0 or w[2] > width + 0.5 or w[3] > height + 0.5]
        assert outside == [], f"slide {n}: {outside[:5]}"


@pytest.mark.parametrize("lang", LANGS)
def test_in_print_no_slide_text_runs_into_the_footer(decks, pdfs, lang):
    """Body text ends above the footer line (page number, project, day), so no box overflowed."""
    for n, (_width, height, words) in enumerate(pdf_pages(pdfs[lang]), start=1):
        foot = height - 0.42 * 72  # the footer's top (slides.FOOT_TOP), in points
        body = [w for w in words if w[1] < foot - 1]
        assert all(w[3] <= foot + 1 for w in body), f"slide {n}: {[w for w in body if w[3] > foot + 1][:5]}"


def test_a_new_project_without_data_gets_a_short_deck_that_says_so():
    from diagnosis.project.files import new_project

    project = new_project("customer_service_diagnosis", title="新项目", language="zh")
    deck = deck_of(render(build_report(project, catalog.get("customer_service_diagnosis").questionnaire, lang="zh"), "pptx"))
    assert titles(deck)[:2] == ["新项目", "执行摘要"]
    text = " ".join(shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame)
    assert "尚未设定指标" in text
    assert all(0 <= s.top and s.top + s.height <= deck.slide_height for slide in deck.slides for s in slide.shapes)


def test_a_long_plans_timeline_runs_over_slides_on_one_time_axis():
    from diagnosis import plan
    from diagnosis.report.document import Figure
    from diagnosis.report.slides import TIMELINE_ROWS, _timelines

    project = demo_project("zh")
    project.measures = [m.model_copy(update={"id": f"{m.id}-{n}"}) for n in range(6) for m in project.measures]
    rows = plan.plan_rows(project, catalog.get(project.questionnaire.id).questionnaire)
    whole = Figure("<svg/>", b"", "措施时间线", "gantt")
    parts = _timelines(rows, whole, "zh")
    assert len(parts) == -(-len(rows) // TIMELINE_ROWS) == 3
    domains = [p.spec["encoding"]["x"]["scale"]["domain"] for p in parts]
    assert all(d == domains[0] for d in domains)
    assert sum(len(p.spec["data"]["values"]) for p in parts) == len(rows)
    assert _timelines(rows[:TIMELINE_ROWS], whole, "zh") == [whole]  # a plan that fits keeps the document's chart
