"""CSV and Excel files of plain rows, safe to open in a spreadsheet program.

User text is data: a cell that starts with `=`, `+`, `-` or `@` (or a tab / carriage
return) would run as a formula in Excel or WPS, so text cells get a leading apostrophe.
Numbers, dates and booleans stay typed (they never carry a formula). CSV is written as
UTF-8 with a BOM so Excel on a Chinese Windows opens the Chinese headers correctly.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Sequence

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
    """One sheet: bold frozen header row, an auto filter over the data, typed cells."""
    from openpyxl import Workbook  # only here: a CSV, or the CLI starting, does not load openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = clean_text(sheet)[:31]
    ws.append([neutralize(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    for column in ws.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{max(ws.max_row, 1)}"
    for i, header in enumerate(headers, start=1):
        width = max([_width(header)] + [_width(r[i - 1]) for r in rows if i - 1 < len(r)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(value: Any) -> int:
    text = "" if value is None else str(value)
    # CJK characters take two columns
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
