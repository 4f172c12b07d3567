"""A report's figures are made once and shared: the formats of one build use the same drawings,
several formats come from one `diagnosis report` run, and the shortcuts taken for speed (a grid
spec put together by hand, Word rows copied from a prototype, figures drawn several at a time)
give what the slow way gives."""

from __future__ import annotations

import datetime as dt
import json
import zipfile

import altair as alt
import pytest
from docx import Document
from lxml import etree

from diagnosis import catalog, spc, spc_chart
from diagnosis.demo import demo_project
from diagnosis.report import build_report
from diagnosis.report.document import Table, prefetch
from diagnosis.report import word
from tests.conftest import run_cli

AS_OF = dt.date(2025, 10, 10)
Q = catalog.get("customer_service_diagnosis").questionnaire


def test_the_control_chart_grid_is_the_spec_altair_concat_gives():
    from diagnosis.report.figures import grid

    project = demo_project("zh")
    charts = [spc_chart.chart(c, "zh", width=470, height=170) for c in spc.project_charts(project, Q)]
    assert len(charts) > 1
    config = {"axis": {"labelFont": "Noto Sans CJK SC"}, "title": {"font": "Noto Sans CJK SC"}}
    altair = alt.concat(*charts, columns=1).configure_axis(labelFont="Noto Sans CJK SC").configure_title(font="Noto Sans CJK SC")
    assert json.dumps(grid(charts, 1, config), sort_keys=True) == json.dumps(altair.to_dict(), sort_keys=True)


def test_figures_drawn_several_at_a_time_are_the_ones_drawn_one_by_one():
    together = build_report(demo_project("en"), Q, lang="en", as_of=AS_OF)
    prefetch(together.figures(), "svg")
    alone = build_report(demo_project("en"), Q, lang="en", as_of=AS_OF)
    names = [f.name for f in together.figures()]
    assert "fishbone" in names and "control-charts" in names
    assert [f.svg for f in together.figures()] == [f.svg for f in alone.figures()]


def python_docx_table(doc, block: Table) -> None:
    """The table as python-docx's own row and cell setters write it (what `word._table` did)."""
    word._caption(doc, block.caption, keep_with_next=True)
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = "Table Grid"
    table.alignment = word.WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = word.column_widths(block, doc.sections[-1].page_width - 2 * word.MARGIN)
    for column, width in zip(table.columns, widths):
        column.width = width
    header = table.rows[0]
    word._row_flag(header, "w:tblHeader")
    word._row_flag(header, "w:cantSplit")
    for cell, name, width in zip(header.cells, block.columns, widths):
        cell.width = width
        cell.text = str(name)
        cell.paragraphs[0].runs[0].bold = True
        word._shade(cell, word.HEADER_FILL)
    for r, values in enumerate(block.rows):
        row = table.add_row()
        word._row_flag(row, "w:cantSplit")
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = widths[c]
            cell.text = "" if value is None else str(value)
            if c in block.numeric:
                cell.paragraphs[0].alignment = word.WD_ALIGN_PARAGRAPH.RIGHT
            if r in block.highlight:
                word._shade(cell, word.HIGHLIGHT_FILL)


def test_word_table_rows_are_the_xml_python_docx_makes_row_by_row():
    block = Table(["Cause", "Votes", "Evidence"], [["客服\n排班", 3, "a\tb"], ["  spaced ", None, ""], ["short row"], ["退款", 12, "工单 #42"]],
                  caption="All causes", numeric={1}, highlight={1, 3})
    xml = []
    for draw in (word._table, python_docx_table):
        doc = Document()
        draw(doc, block)
        word._every_run_in_cjk_font(doc.element.body)  # as to_docx ends
        xml.append(etree.tostring(doc.tables[0]._tbl))
    assert xml[0].count(b"<w:tr>") == 5
    assert xml[0] == xml[1]


def test_several_formats_come_from_one_report_command(tmp_path):
    project = tmp_path / "demo.diagnosis.yaml"
    run_cli("demo", "--lang", "en", "-o", project)
    (tmp_path / "out").mkdir()
    result = run_cli("report", project, "--format", "md", "--format", "xlsx", "--as-of", "2025-10-10", "-o", tmp_path / "out" / "report.pdf")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.md", "report.xlsx"]
    assert (tmp_path / "out" / "report.md").read_text(encoding="utf-8").startswith("# ")
    with zipfile.ZipFile(tmp_path / "out" / "report.xlsx") as book:
        assert any(name.startswith("xl/worksheets/") for name in book.namelist())


@pytest.mark.parametrize("output, formats, expected", [
    ("r.pdf", ["pdf"], {"pdf": "r.pdf"}),
    ("out/report", ["html", "pdf"], {"html": "out/report.html", "pdf": "out/report.pdf"}),
    ("out/report.docx", ["html", "md"], {"html": "out/report.html", "md": "out/report.md"}),
    ("out/v1.2", ["md", "xlsx"], {"md": "out/v1.2.md", "xlsx": "out/v1.2.xlsx"}),
])
def test_each_format_of_a_report_command_goes_beside_the_output_named(output, formats, expected):
    from diagnosis.cli.report import output_paths

    assert output_paths(output, formats) == expected


def test_the_report_command_offers_every_format_the_report_draws():
    from diagnosis.cli.report import FORMATS as CLI_FORMATS
    from diagnosis.report import FORMATS

    assert CLI_FORMATS == list(FORMATS)
