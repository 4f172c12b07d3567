"""The fast import paths give what the slow ones gave: xlsx through calamine as through openpyxl,
GB18030 decoded while Arrow reads, or parsed as bytes and decoded column by column, as the same
text in UTF-8."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import zipfile

import pytest

from diagnosis.tickets import analyze, read_export, resolve_mapping
from diagnosis.tickets import reader
from diagnosis.tickets.reader import ExportError
from tests.ticket_samples import HEADERS, RAW, SERIAL, SLA, TRUTH, csv_bytes, expected


def _workbook(rows: list[list], at: str = "A1") -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    first_row, first_col = sheet[at].row, sheet[at].column
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.cell(first_row + r, first_col + c, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sample_rows() -> list[list]:
    """The shared sample as a help desk's workbook: real date cells, numbers, text dates, bad values."""
    rows: list[list] = [list(HEADERS)]
    for raw, truth in zip(RAW, TRUTH):
        row: list = list(raw)
        if truth["created"] is not None and raw[1] != str(SERIAL):
            row[1] = truth["created"]  # a real Excel date cell
        row[8] = int(raw[8])
        row[11] = int(raw[11]) if raw[11] else None  # CSAT as numbers (the 7 is out of range)
        rows.append([None if v == "" else v for v in row])
    return rows


def _odd_rows() -> list[list]:
    """Date-only cells, booleans, a blank row in the middle, padded text, a time of day, numbers in a text column."""
    return [
        ["工单号", "创建时间", "首次响应时间", "渠道", "客服", "是否重开", "满意度"],
        ["T1", dt.date(2025, 8, 1), dt.datetime(2025, 8, 1, 0, 10), " 微信 ", 7, True, 5],
        [None] * 7,
        ["T2", dt.datetime(2025, 8, 2, 9, 30, 15), "2025/08/02 09:40", "电话", "李强", False, 4.5],
        ["T3", "2025年8月3日 10:00", dt.time(10, 20), "   ", 8, None, 9],
        ["T4", SERIAL, None, "网页", "赵敏", "是", None],
    ]


def _results(data: bytes, engine: str):
    export = read_export(data, "t.xlsx", xlsx_engine=engine)
    result = analyze(export, resolve_mapping(export.headers), SLA, ["channel", "agent", "hour", "month"])
    return export, result


@pytest.mark.parametrize("rows, at", [(_sample_rows(), "A1"), (_odd_rows(), "A1"), (_odd_rows(), "C3")],
                         ids=["sample", "odd cells", "starting at C3"])  # fmt: skip
def test_calamine_and_openpyxl_give_the_same_table_and_metrics(rows, at):
    data = _workbook(rows, at)
    assert reader._calamine_rows(data) is not None  # calamine read it: no silent fallback to openpyxl
    fast, slow = _results(data, "calamine"), _results(data, "openpyxl")
    assert fast[0].table.equals(slow[0].table), (fast[0].table.to_pylist(), slow[0].table.to_pylist())
    assert fast[0].first_line == slow[0].first_line
    assert fast[1].to_dict() == slow[1].to_dict()
    assert fast[1].rows == len(rows) - 1 - sum(1 for row in rows if all(v is None for v in row))


def test_the_sample_workbook_through_calamine_gives_the_metrics_of_their_definitions():
    export, result = _results(_workbook(_sample_rows()), "calamine")
    assert export.facts.format == "xlsx" and export.facts.rows == 10
    wanted = expected(TRUTH)
    for name, value in wanted.items():
        assert result.overall[name] == (None if value is None else pytest.approx(value, rel=1e-9)), name
    assert result.bad_rows["csat_out_of_range"] == 1
    assert result.bad_examples["csat_out_of_range"][0] == {"line": 8, "values": {"工单号": "T07", "满意度": "7"}}


def test_a_workbook_starting_below_row_one_keeps_the_sheet_rows_in_its_errors(monkeypatch):
    monkeypatch.setattr(reader, "MAX_CELL_CHARS", 10)
    data = _workbook([["工单号", "渠道"], ["T1", "微信"], [None, None], ["T2", "x" * 40]], at="B4")
    with pytest.raises(ExportError, match=r"^t\.xlsx:7: column '渠道' has a value of 40 characters \(limit 10\)$"):
        read_export(data, "t.xlsx")


def _damaged_sheet() -> bytes:
    good = _workbook([["工单号", "渠道"], ["T1", "微信"], ["T2", "电话"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    return out.getvalue()


def test_a_damaged_workbook_that_calamine_refuses_is_one_located_line():
    data = _damaged_sheet()
    assert reader._calamine_rows(data) is None  # calamine refuses it: the message comes from the fallback
    with pytest.raises(ExportError) as info:
        read_export(data, "broken.xlsx")
    message = str(info.value)
    assert message.startswith("broken.xlsx: the first sheet is damaged (") and "\n" not in message


# --- GB18030 decoded in chunks ------------------------------------------------------------------

def _chinese_rows(n: int) -> list[list[str]]:
    # 2-byte (微信, 华东) and 4-byte (é, 😀) GB18030 characters in every row, at shifting offsets
    return [[f"T{i:05d}", f"2025-08-{1 + i % 28:02d} {i % 24:02d}:{i % 60:02d}:00", "", "", ["微信", "电话é", "网页😀"][i % 3],
             "华东" * (1 + i % 3), "退款", f"客服{i % 7}", str(60 + i), str(i % 2), "否是"[i % 2], str(1 + i % 5), "否"]
            for i in range(n)]  # fmt: skip


def test_gb18030_decoded_while_reading_gives_what_utf8_gives_even_with_characters_split_between_chunks(monkeypatch):
    rows = _chinese_rows(3000)
    utf8, gb = csv_bytes(rows), csv_bytes(rows, encoding="gb18030")
    block = 997  # Arrow's reader asks the decoding stream for this much at a time
    monkeypatch.setattr(reader, "BLOCK_BYTES", block)
    # the test means something only if chunks of the file end inside a character
    splits = sum(1 for k in range(block, len(gb), block) if _cuts_a_character(gb, k))
    assert splits >= 10
    from_utf8, from_gb = read_export(utf8, "u.csv"), read_export(gb, "g.csv")
    assert from_gb.facts.encoding == "gb18030" and from_utf8.facts.encoding == "utf-8"
    assert from_gb.table.equals(from_utf8.table)
    mapping = resolve_mapping(from_utf8.headers)
    a, b = analyze(from_utf8, mapping, SLA, ["channel", "region"]), analyze(from_gb, mapping, SLA, ["channel", "region"])
    assert a.to_dict() == b.to_dict()
    assert set(a.groups["channel"]) == {"微信", "电话é", "网页😀"}


def _cuts_a_character(data: bytes, k: int) -> bool:
    """Whether decoding data[:k] on its own leaves bytes of an unfinished character."""
    decoder = codecs.getincrementaldecoder("gb18030")()
    decoder.decode(data[:k], final=False)
    return decoder.getstate()[0] != b""


def test_a_gb18030_file_with_a_bad_byte_far_down_is_one_clear_error():
    data = csv_bytes(_chinese_rows(8000), encoding="gb18030") + b"T9,\xff\xfe,,,\n"
    assert len(data) > reader.SAMPLE_BYTES
    with pytest.raises(ExportError, match=r"^g\.csv: not valid gb18030 text; save it as UTF-8 CSV$"):
        read_export(data, "g.csv")


# a character whose second GB18030 byte is '|' (0x7c): a '|'-delimited file is never parsed as bytes
_PIPE_BYTE = "亅"
assert _PIPE_BYTE.encode("gb18030")[1:] == b"|"


def _mixed_rows(n: int) -> list[list[str]]:
    # a Chinese date, a quoted delimiter and line break, empty and NULL cells, 2- and 4-byte characters,
    # channels of few values and notes of many (the two ways a column is decoded), an ASCII column
    rows = _chinese_rows(n)
    for i, row in enumerate(rows):
        row[2] = f"备注{i}·é😀{_PIPE_BYTE}" if i % 4 else ""
        row[3] = "NULL" if i % 5 == 0 else f"2025-08-{1 + i % 28:02d} 12:00:00"
    rows[1][1] = "2025年8月2日 10:00"
    rows[2][4] = "含,;|\t分隔符\n和换行"
    return rows


@pytest.mark.parametrize("delimiter, as_bytes", [(",", True), (";", True), ("\t", True), ("|", False)])
def test_gb18030_parsed_as_bytes_gives_what_utf8_gives(monkeypatch, delimiter, as_bytes):
    headers = [*HEADERS[:2], "备注", *HEADERS[3:]]
    rows = _mixed_rows(3000)
    decoded = []
    monkeypatch.setattr(reader, "_gb18030_text", lambda table, real=reader._gb18030_text: decoded.append(1) or real(table))
    from_utf8 = read_export(csv_bytes(rows, headers, delimiter), "u.csv")
    from_gb = read_export(csv_bytes(rows, headers, delimiter, "gb18030"), "g.csv")
    assert bool(decoded) == as_bytes  # ('|' may be half of a character: that file is decoded whole)
    assert from_gb.facts.encoding == "gb18030" and from_gb.facts.delimiter == delimiter
    assert from_gb.table.schema == from_utf8.table.schema and from_gb.table.equals(from_utf8.table)
    assert from_gb.table.column("备注")[1].as_py() == "备注1·é😀亅" and from_gb.table.column("备注")[0].as_py() is None
    assert from_gb.table.column("创建时间")[1].as_py() == "2025年8月2日 10:00"  # a date column Arrow could not type
    mapping = resolve_mapping(from_utf8.headers)
    a, b = analyze(from_gb, mapping, SLA, ["channel"]), analyze(from_utf8, mapping, SLA, ["channel"])
    # (DuckDB's threads may add the same numbers in another order: the last bits of a mean may differ)
    assert a.overall == pytest.approx(b.overall) and list(a.groups["channel"]) == list(b.groups["channel"])
    assert all(a.groups["channel"][k] == pytest.approx(v) for k, v in b.groups["channel"].items())
    assert a.bad_rows == b.bad_rows and a.bad_examples == b.bad_examples


def test_a_gb18030_value_holding_nul_is_read_by_decoding_the_whole_file(monkeypatch):
    # NUL splits a column decoded in one call again: such a column cannot be split, the file is decoded whole
    headers = [*HEADERS[:2], "备注", *HEADERS[3:]]
    rows = _mixed_rows(3000)
    rows[2000][2] = "前\x00后"
    streams = []
    monkeypatch.setattr(reader, "_utf8_stream", lambda data, encoding, real=reader._utf8_stream: streams.append(encoding) or real(data, encoding))
    from_utf8 = read_export(csv_bytes(rows, headers), "u.csv")
    from_gb = read_export(csv_bytes(rows, headers, encoding="gb18030"), "g.csv")
    assert streams == ["utf-8", "gb18030"]  # the GB18030 file went through the decoding stream after all
    assert from_gb.table.equals(from_utf8.table)
    assert from_gb.table.column("备注")[2000].as_py() == "前后"  # (a control character, removed)


@pytest.mark.parametrize("kind, values", [
    ("string", ["微信", None, "", "a😀"]),
    ("double", [1.5, None, 3, -0.0]),
    ("timestamp", [dt.datetime(2025, 8, 1, 10, 0, 0, 500000), None, dt.datetime(1900, 1, 1)]),
    ("bool", [True, None, False]),
    ("string", []),
])  # fmt: skip
def test_sheet_columns_built_from_buffers_equal_what_arrow_converts(kind, values):
    import pyarrow as pa

    arrow_type = {"string": pa.string(), "double": pa.float64(), "timestamp": pa.timestamp("us"), "bool": pa.bool_()}[kind]
    built = reader._arrow_array(values, kind)
    built.validate(full=True)
    assert built.equals(pa.array(values, arrow_type))
