"""Typed table cells: the text every document prints, and the number format a spreadsheet shows the same text with."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnosis import cells


@pytest.mark.parametrize(
    "cell, text, number_format",
    [
        (cells.number(1450), "1,450", "#,##0"),
        (cells.number(88.5), "88.5", "#,##0.0"),
        (cells.number(96.0), "96", "#,##0"),
        (cells.number(1234.5678), "1,234.57", "#,##0.00"),
        (cells.number(7.9, 1, thousands=False, blank="—"), "7.9", "0.0"),
        (cells.fixed(21.755, 1), "21.8", "0.0"),
        (cells.fixed(3.0, 2), "3.00", "0.00"),
        (cells.fixed(-18.75, 1, signed=True), "-18.8", "+0.0;-0.0;+0.0"),
        (cells.fixed(0.0, 1, signed=True), "+0.0", "+0.0;-0.0;+0.0"),
        (cells.percent(0.358, signed=True), "+35.8%", "+#,##0.0%;-#,##0.0%;+#,##0.0%"),
        (cells.percent(12.345, thousands=True), "1,234.5%", "#,##0.0%"),
        (cells.percent(0.999, thousands=False), "99.9%", "0.0%"),
        (cells.date(dt.date(2025, 9, 20)), "2025-09-20", "yyyy-mm-dd"),
    ],
)
def test_a_cell_reads_as_python_would_format_it_and_its_number_format_shows_the_same(cell, text, number_format):
    assert str(cell) == text and cell.number_format == number_format


def test_ties_round_half_away_from_zero_as_a_spreadsheet_does():
    # Python's format gives "6.2" and "2.67" (6.25 rounds to even; 2.675 is stored just below);
    # Excel and LibreOffice show 6.3% and 2.68: the documents print what the spreadsheet shows
    assert f"{0.0625 * 100:.1f}" == "6.2" and str(cells.percent(0.0625)) == "6.3%"
    assert f"{2.675:.2f}" == "2.67" and str(cells.number(2.675)) == "2.68"
    assert str(cells.fixed(-0.125, 2)) == "-0.13"


def test_a_missing_value_shows_its_blank_and_keeps_no_number():
    assert str(cells.number(None)) == "" and str(cells.number(None, blank="—")) == "—"
    assert str(cells.percent(None, blank="n/a")) == "n/a"


def test_the_report_number_helper_formats_through_the_same_cell():
    from diagnosis.report.inputs import number

    assert [number(v) for v in (1450, 88.5, 2.675, None, "a")] == ["1,450", "88.5", "2.68", "—", "a"]
