"""CSV and Excel files of plain rows, safe to open in a spreadsheet program.

User text is data: a cell that starts with `=`, `+`, `-` or `@` (or a tab / carriage
return) would run as a formula in Excel or WPS, so text cells get a leading apostrophe.
Numbers, dates and booleans stay typed (they never carry a formula), and a typed cell
(`diagnosis.cells.Cell`) keeps its number with the number format that shows its text. CSV is written as
UTF-8 with a BOM so Excel on a Chinese Windows opens the Chinese headers correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any, Collection, Sequence

from diagnosis.cells import Cell
from diagnosis.text import clean_text

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # CR arrives as a newline (clean_text)


def neutralize(value: Any) -> Any:
    """A text cell that cannot run as a formula (nor hold a control character); other types pass unchanged.

    The one policy for every CSV and Excel file the program writes (reports, plan, Pareto, kpi):
    a text starting with a formula character gets an apostrophe, unless it is a plain number
    ("-3.5", which a spreadsheet reads as that number and never runs)."""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_STARTS) and not _is_number(value):
            return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text  # " 5" or "\t5" is text, not the number


def _cell(value: Any) -> Any:
    """What a file keeps of a cell: a typed cell's value (its text when missing), a number, date or
    boolean as it is, any other value as neutralized text."""
    if isinstance(value, Cell):
        if value.value is None:
            return neutralize(str(value)) or None
        return value.value
    if value is None:
        return None
    if isinstance(value, (bool, int, float, dt.date)):
        return value
    return neutralize(str(value))


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(h) for h in headers])
    for row in rows:
        out = []
        for value in row:
            value = _cell(value)
            if value is None:
                out.append("")
            elif isinstance(value, bool):
                out.append("TRUE" if value else "FALSE")  # as Excel writes them
            elif isinstance(value, dt.date):
                out.append(value.isoformat())
            else:
                out.append(value)
        writer.writerow(out)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """A workbook of one sheet (`write_sheet`)."""
    from openpyxl import Workbook  # only here: a CSV, or the CLI starting, does not load openpyxl

    wb = Workbook()
    write_sheet(wb.active, headers, rows, title=sheet)
    return save(wb)


HEADER_FILL = "DDE7F3"
HIGHLIGHT_FILL = "FFF4E5"
WIDTH_ROWS = 200  # the rows a column's width is fitted to


def write_sheet(ws: Any, headers: Sequence[Any], rows: Sequence[Sequence[Any]], *, title: str,
                highlight: Collection[int] = (), taken: Collection[str] = ()) -> None:
    """The one way the program writes a sheet (every Excel file: reports, plan, exports): the title
    made a legal sheet name not in `taken`, a bold shaded header row frozen on top, an auto filter
    over the data, typed cells (a `Cell`'s value with its number format, dates as dates, text
    neutralized), the rows in `highlight` shaded and each column as wide as its text."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.title = sheet_title(title, taken)
    ws.append([neutralize(str(h)) for h in headers])
    bold, shade = Font(bold=True), PatternFill("solid", fgColor=HEADER_FILL)
    for cell in ws[1]:
        cell.font, cell.fill = bold, shade
    marked = PatternFill("solid", fgColor=HIGHLIGHT_FILL)
    for r, row in enumerate(rows):
        ws.append([_cell(v) for v in row])
        for c, value in enumerate(row, start=1):
            if isinstance(value, Cell):
                shown = value.number_format if value.value is not None else None
            else:
                shown = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd" if isinstance(value, dt.date) else None
            if shown is not None or r in highlight:
                cell = ws.cell(r + 2, c)  # not `ws.max_row`: it counts every cell each time
                if shown is not None:
                    cell.number_format = shown
                if r in highlight:
                    cell.fill = marked
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{max(ws.max_row, 1)}"
    for i, header in enumerate(headers, start=1):
        width = max([_width(header)] + [_width(r[i - 1]) for r in rows[:WIDTH_ROWS] if i - 1 < len(r)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def sheet_title(title: str, taken: Collection[str] = ()) -> str:
    """A legal sheet name (no []:*?/\\, at most 31 characters) that differs from those `taken`."""
    name = re.sub(r"[\[\]:*?/\\]", " ", clean_text(title))[:31].strip() or "Sheet"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]} {n}"
        n += 1
    return name


def save(wb: Any) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
