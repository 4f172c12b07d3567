"""Ticket imports have limits: a zip bomb, a sheet too wide or a cell too big is refused before it costs memory."""

from __future__ import annotations

import io
import re
import tomllib
import zipfile

import pytest

from diagnosis.spreadsheet import to_xlsx
from diagnosis.tickets import reader
from diagnosis.tickets.reader import MAX_UPLOAD_MB, ExportError, read_export
from tests.conftest import ROOT


def _bomb(rows: int) -> bytes:
    """A valid workbook whose sheet XML repeats one row: tiny compressed, huge expanded."""
    good = to_xlsx(["工单号", "渠道"], [["T1", "微信"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                text = data.decode()
                row = '<row><c t="inlineStr"><is><t>T</t></is></c><c t="inlineStr"><is><t>x</t></is></c></row>'
                text = re.sub(r"</sheetData>", row * rows + "</sheetData>", text)
                data = text.encode()
            target.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_from_its_directory_before_reading():
    data = _bomb(40_000)  # about 3.5 MB of XML in a few KB
    assert len(data) < 100_000
    with pytest.raises(ExportError, match=r"^bomb\.xlsx: xl/worksheets/sheet1\.xml expands [\d,]+ times \(limit 250\)"):
        read_export(data, "bomb.xlsx")


def test_a_workbook_expanding_past_the_total_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_XLSX_UNCOMPRESSED", 10_000)
    with pytest.raises(ExportError, match=r"expands to .* MB \(limit 0 MB\); export as CSV"):
        read_export(to_xlsx(["工单号"], [[f"T{i}"] for i in range(2000)]), "big.xlsx")


def test_rows_columns_and_cells_over_the_limits_are_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 3)
    with pytest.raises(ExportError, match=r"more than 3 rows"):
        read_export(to_xlsx(["工单号"], [[f"T{i}"] for i in range(5)]), "rows.xlsx")
    with pytest.raises(ExportError, match=r"5 rows \(limit 3\)"):
        read_export(("工单号\n" + "".join(f"T{i}\n" for i in range(5))).encode(), "rows.csv")
    monkeypatch.setattr(reader, "MAX_COLUMNS", 4)
    with pytest.raises(ExportError, match=r"^wide\.csv:1: 6 columns \(limit 4\)"):
        read_export(b"a,b,c,d,e,f\n1,2,3,4,5,6\n", "wide.csv")
    with pytest.raises(ExportError, match=r"^wide\.xlsx:1: more than 4 columns"):
        read_export(to_xlsx(list("abcdef"), [list("123456")]), "wide.xlsx")
    monkeypatch.setattr(reader, "MAX_CELL_CHARS", 100)  # openpyxl itself reads at most 32,767
    with pytest.raises(ExportError, match=r"^cell\.xlsx:3: column '渠道' has a value of 400 characters \(limit 100\)"):
        read_export(to_xlsx(["工单号", "渠道"], [["T1", "微信"], ["T2", "x" * 400]]), "cell.xlsx")


def test_the_upload_limit_is_what_the_server_is_configured_with():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB
