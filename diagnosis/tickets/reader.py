"""Reading a ticket export (CSV with any delimiter, or .xlsx) into an Arrow table of text.

Text columns stay text (ticket "00123" keeps its zeros). Columns recognized as dates, numbers
or yes/no are typed by Arrow while it reads, in parallel, when every value parses; when one
does not, that column is read as text and `clean.py` parses it, counting the bad values. The encoding is found by trying UTF-8 (with or without BOM), then
GB18030 (a superset of GBK/GB2312, the usual Chinese export encoding), then
charset-normalizer's detection. The source facts (name, size, SHA-256, rows) are kept for
the project; the rows themselves are not.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Callable, Optional, Union

from diagnosis.errors import DiagnosisError
from diagnosis.text import ARROW_CONTROL_PATTERN, clean_text

if TYPE_CHECKING:  # pyarrow loads when an export is read, not with the CLI
    import pyarrow as pa

Progress = Callable[[float, str], None]
Source = Union[str, Path, bytes, IO[bytes]]

SAMPLE_BYTES = 256 * 1024
BLOCK_BYTES = 1 << 20  # Arrow's CSV block (its default); a GB18030 file is decoded one block at a time
# Arrow parses these (after ISO 8601) while reading, in parallel; any other format stays text for `clean.py`
TIMESTAMP_FORMATS = ["%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d"]
DELIMITERS = [",", "\t", ";", "|"]
NULL_VALUES = ["", "NULL", "null", "None", "N/A", "n/a", "NaN", "nan", "-", "--", "\\N"]

# What an import supports (the README states them; the upload pages say MAX_UPLOAD_MB):
MAX_UPLOAD_MB = 100  # .streamlit/config.toml server.maxUploadSize
MAX_ROWS = 2_000_000
MAX_COLUMNS = 500
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
# an .xlsx is a zip: refuse one that would expand past this, or that compresses suspiciously well
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 250


class ExportError(DiagnosisError):
    """A ticket export that cannot be read (missing, empty, malformed, unknown encoding)."""


@dataclass(frozen=True)
class SourceFacts:
    """What the project keeps about an imported file (never its rows)."""

    name: str
    size: int
    sha256: str
    rows: int
    format: str  # csv | xlsx
    encoding: str = ""
    delimiter: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Export:
    """An export: Arrow columns named by the file's (deduplicated) headers.

    Columns are text, except those recognized as dates, numbers or yes/no whose every value
    Arrow could parse while reading (a timestamp, number or boolean column)."""

    table: pa.Table
    facts: SourceFacts
    # 1-based line (CSV) or sheet row (xlsx) of the first data row, for bad-row examples
    first_line: int = 2

    @property
    def headers(self) -> list[str]:
        return list(self.table.column_names)

    def preview(self, n: int = 5) -> list[dict]:
        return self.table.slice(0, n).to_pylist()


def _report(progress: Optional[Progress], fraction: float, stage: str) -> None:
    if progress is not None:
        progress(fraction, stage)


def _load_bytes(source: Source, name: Optional[str]) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except FileNotFoundError:
            raise ExportError(f"{path}：文件不存在", f"{path}: no such file") from None
        except IsADirectoryError:
            raise ExportError(f"{path}：这是文件夹，不是文件", f"{path}: is a folder, not a file") from None
        except OSError as exc:
            raise ExportError(f"{path}：无法读取（{exc.strerror}）", f"{path}: cannot read ({exc.strerror})") from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or "upload"
    data = source.read()
    return data, name or getattr(source, "name", None) or "upload"


def detect_encoding(sample: bytes, filename: str = "file") -> str:
    """utf-8-sig, then gb18030, then charset-normalizer (short samples misdetect, see PLATFORM)."""
    if b"\x00" in sample[:4096]:
        raise ExportError(f"{filename}：不是文本文件（含 NUL 字节）；请导出为 CSV（UTF-8 或 GB18030）或 .xlsx", f"{filename}: not a text file (contains NUL bytes); export as CSV (UTF-8 or GB18030) or .xlsx")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # final=False: the sample may end in the middle of a character
            _incremental(encoding).decode(sample, final=len(sample) < SAMPLE_BYTES)
            return "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or not best.encoding:
        raise ExportError(f"{filename}：无法判断文字编码（已尝试 UTF-8、GB18030 和自动检测）；请另存为 UTF-8 CSV", f"{filename}: cannot tell the text encoding (tried UTF-8, GB18030 and detection); save it as UTF-8 CSV")
    return best.encoding


def _incremental(encoding: str):
    import codecs

    return codecs.getincrementaldecoder(encoding)()


def _sample_text(sample: bytes, encoding: str) -> str:
    text = _incremental("utf-8-sig" if encoding == "utf-8" else encoding).decode(sample, final=False)
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same, largest number of fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not text.endswith("\n"):
        lines = lines[:-1]  # the sample may cut the last line
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters="".join(DELIMITERS))
        if dialect.delimiter in DELIMITERS:
            counts = {len(row) for row in csv.reader(lines[:20], delimiter=dialect.delimiter)}
            if len(counts) == 1 and counts.pop() > 1:
                return dialect.delimiter
    except csv.Error:
        pass
    best, best_fields = ",", 1
    for delimiter in DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(lines[:20], delimiter=delimiter)]
        except csv.Error:  # a field over csv's limit (131,072 characters): the size check reports it
            continue
        if widths and widths[0] > best_fields and widths.count(widths[0]) >= 0.8 * len(widths):
            best, best_fields = delimiter, widths[0]
    return best


def _unique_headers(raw: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, header in enumerate(raw, start=1):
        header = clean_text(header or "").strip().lstrip("\ufeff") or f"column_{i}"
        if header in seen:
            seen[header] += 1
            header = f"{header}.{seen[header]}"
        else:
            seen[header] = 1
        out.append(header)
    return out


def _hash_in_background(data: bytes) -> tuple[threading.Thread, list[str]]:
    # hashlib releases the GIL on large buffers: hashing runs while Arrow parses
    out: list[str] = []
    thread = threading.Thread(target=lambda: out.append(hashlib.sha256(data).hexdigest()), daemon=True)
    thread.start()
    return thread, out


_ARROW_ROW = re.compile(r"Expected (\d+) columns, got (\d+): (.*)", re.S)
_ARROW_CONVERSION = re.compile(r"In CSV column #(\d+): .*conversion error")


def _typed_columns(headers: list[str]) -> set[str]:
    """Columns whose type Arrow may infer: those recognized as dates, numbers or yes/no.

    Everything else stays text, so that agent "007" or ticket "00123" keep their zeros."""
    from diagnosis.tickets.fields import BY_NAME, auto_mapping

    mapping = auto_mapping(headers)
    return {h for f, h in mapping.items() if h and BY_NAME[f].kind in ("datetime", "number", "yesno")}



def _utf8_stream(data: bytes, encoding: str):
    """The file as UTF-8 for Arrow's reader: the bytes themselves, or decoded in chunks while
    Arrow reads (its transcoding stream keeps the codec's state, so a character split between
    two chunks is decoded whole)."""
    import pyarrow as pa

    source = pa.BufferReader(data)
    return source if encoding == "utf-8" else pa.transcoding_input_stream(source, encoding, "utf-8")


# delimiters that no GB18030 character holds as one of its bytes (a second byte may be '|', 0x7c);
# nor does any hold a quote or a line break
_GB18030_SAFE_DELIMITERS = (",", "\t", ";")


class _NulInValue(Exception):
    """A text value holds a NUL byte: `_gb18030_column` cannot split its column (the file is transcoded whole instead)."""


def _gb18030_text(table: pa.Table) -> pa.Table:
    """The text columns of a table Arrow read from GB18030 bytes (binary columns, or text Arrow
    inferred without checking it), as UTF-8 text; UnicodeDecodeError when a value is not GB18030."""
    import pyarrow as pa

    columns = [
        pa.chunked_array([_gb18030_chunk(chunk) for chunk in column.chunks], pa.string())
        if pa.types.is_binary(column.type) or pa.types.is_string(column.type) else column
        for column in table.columns
    ]
    return pa.Table.from_arrays(columns, names=table.column_names)


def _gb18030_chunk(chunk):
    """One column chunk of GB18030 bytes as UTF-8 text: as it is when it is ASCII (the same bytes);
    a column of few distinct values (channels, agents, yes/no) by decoding each value once; any
    other by decoding its values in one call of the codec, joined by NUL and split again after it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(chunk)
    validity, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, np.int32)[chunk.offset : chunk.offset + n + 1]
    data = np.frombuffer(data_buffer, np.uint8)[offsets[0] : offsets[-1]] if n and data_buffer is not None else np.zeros(0, np.uint8)
    if not (data >= 0x80).any():
        return pa.Array.from_buffers(pa.string(), n, [validity, offsets_buffer, data_buffer], chunk.null_count, chunk.offset)
    chunk = chunk.cast(pa.binary())  # (a column Arrow took for text holds the same bytes)
    encoded = pc.dictionary_encode(chunk)
    if len(encoded.dictionary) * 4 <= n:
        words = _arrow_array([value.decode("gb18030") for value in encoded.dictionary.to_pylist()], "string")
        return pc.take(words, encoded.indices)
    joined = pc.binary_join_element_wise(chunk, b"", b"\x00", null_handling="replace")  # each value and a NUL
    joined_offsets = np.frombuffer(joined.buffers()[1], np.int32)
    utf8 = np.frombuffer(str(memoryview(joined.buffers()[2])[joined_offsets[0] : joined_offsets[-1]], "gb18030").encode("utf-8"), np.uint8)
    separators = utf8 == 0
    ends = np.flatnonzero(separators)
    if len(ends) != n:
        raise _NulInValue
    new_offsets = np.zeros(n + 1, np.int64)
    new_offsets[1:] = ends - np.arange(n)  # each value's end less the separators before it
    large = new_offsets[-1] >= 2**31
    bitmap = pa.py_buffer(np.packbits(chunk.is_valid().to_numpy(zero_copy_only=False), bitorder="little")) if chunk.null_count else None
    buffers = [bitmap, pa.py_buffer(new_offsets if large else new_offsets.astype(np.int32)), pa.py_buffer(utf8[~separators])]
    array = pa.Array.from_buffers(pa.large_string() if large else pa.string(), n, buffers, chunk.null_count)
    return array.cast(pa.string()) if large else array


def _read_csv(data: bytes, name: str, progress: Optional[Progress]) -> Export:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    sample = data[:SAMPLE_BYTES]
    encoding = detect_encoding(sample, name)
    text = _sample_text(sample, encoding)
    if not text.strip():
        raise ExportError(f"{name}：文件是空的", f"{name}: the file is empty")
    delimiter = sniff_delimiter(text)
    first = text.splitlines()[0] if text.splitlines() else ""
    try:
        raw_headers = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        raise ExportError(f"{name}:1：表头有超过 {MAX_CELL_CHARS:,} 个字符的字段；这是工单导出文件吗？", f"{name}:1: the header line has a field over {MAX_CELL_CHARS:,} characters; is this a ticket export?") from None
    if len(raw_headers) > MAX_COLUMNS:
        raise ExportError(f"{name}:1：{len(raw_headers):,} 列（上限 {MAX_COLUMNS:,}）", f"{name}:1: {len(raw_headers):,} columns (limit {MAX_COLUMNS:,})")
    headers = _unique_headers(raw_headers)
    _report(progress, 0.1, "reading")
    hasher, digest = _hash_in_background(data)
    table = None
    detected = True  # False once the encoding is a guess made after a failed read
    typed = _typed_columns(headers)
    newlines_in_values = False
    # GB18030 parsed as bytes (its delimiter, quotes and line breaks are the ASCII bytes), then only
    # the text columns decoded, each in a few calls of the codec: the dates and numbers never are
    raw = True
    for _attempt in range(len(headers) + 4):
        raw = raw and encoding == "gb18030" and delimiter in _GB18030_SAFE_DELIMITERS
        try:
            table = pacsv.read_csv(
                pa.BufferReader(data) if raw else _utf8_stream(data, encoding),
                read_options=pacsv.ReadOptions(column_names=headers, skip_rows=1, block_size=BLOCK_BYTES),
                parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=newlines_in_values),
                convert_options=pacsv.ConvertOptions(
                    column_types={h: pa.binary() if raw else pa.string() for h in headers if h not in typed},
                    null_values=NULL_VALUES,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    timestamp_parsers=[pacsv.ISO8601, *TIMESTAMP_FORMATS],
                    # what the codec wrote is UTF-8: checking it again would only cost time
                    check_utf8=encoding == "utf-8",
                ),
            )
            if raw:
                table = _gb18030_text(table)
            break
        except _NulInValue:
            raw = False
            continue
        except UnicodeDecodeError:  # raised by the transcoding stream, in the middle of the file
            if encoding == "gb18030" and not detected:
                raise ExportError(f"{name}：文字编码混杂或未知（既非 UTF-8 也非 GB18030）；请另存为 UTF-8 CSV", f"{name}: mixed or unknown text encoding (not UTF-8 nor GB18030); save it as UTF-8 CSV") from None
            raise ExportError(f"{name}：不是有效的 {encoding} 文本；请另存为 UTF-8 CSV", f"{name}: not valid {encoding} text; save it as UTF-8 CSV") from None
        except pa.ArrowInvalid as exc:
            message = str(exc)
            if "invalid UTF8" in message or "invalid UTF-8" in message:  # (also a text column's "conversion error")
                if encoding != "utf-8":
                    raise ExportError(f"{name}：不是有效的 {encoding} 文本；请另存为 UTF-8 CSV", f"{name}: not valid {encoding} text; save it as UTF-8 CSV") from None
                # UTF-8 at the start, something else further down: GB18030 is the usual suspect
                encoding, detected = "gb18030", False
                continue
            conversion = _ARROW_CONVERSION.search(message)
            if conversion and int(conversion.group(1)) < len(headers):
                # the type Arrow inferred from the first rows fails further down: read it as text
                typed.discard(headers[int(conversion.group(1))])
                continue
            if not newlines_in_values:
                newlines_in_values = True  # a quoted value may span lines: try again, slower
                continue
            if raw:  # refused as bytes: decoded whole, the file gives the error it always gave (a bad byte first)
                raw = False
                continue
            match = _ARROW_ROW.search(message)
            if match:
                row = match.group(3).strip().splitlines()[0][:80] if match.group(3).strip() else ""
                raise ExportError(
                    f"{name}：CSV 格式有误：有一行有 {match.group(2)} 个字段，而表头有 {match.group(1)} 个（分隔符 {delimiter!r}）：{row}", f"{name}: malformed CSV: a row has {match.group(2)} fields but the header has {match.group(1)} "
                    f"(delimiter {delimiter!r}): {row}"
                ) from None
            raise ExportError(f"{name}：CSV 格式有误：{message.splitlines()[0]}", f"{name}: malformed CSV: {message.splitlines()[0]}") from None
    if table is None:
        raise ExportError(f"{name}：CSV 格式有误", f"{name}: malformed CSV")
    hasher.join()
    if table.num_rows > MAX_ROWS:
        raise ExportError(f"{name}：{table.num_rows:,} 行（上限 {MAX_ROWS:,}）；请导出较短的时期", f"{name}: {table.num_rows:,} rows (limit {MAX_ROWS:,}); export a shorter period")
    _check_cell_sizes(table, name, first_line=2)
    facts = SourceFacts(name, len(data), digest[0], table.num_rows, "csv", encoding, delimiter)
    return Export(table, facts, first_line=2)


def _too_long(name: str, line: int, header: str, length: int) -> ExportError:
    return ExportError(f"{name}:{line}：列“{header}”有一个 {length:,} 个字符的值（上限 {MAX_CELL_CHARS:,}）", f"{name}:{line}: column '{header}' has a value of {length:,} characters (limit {MAX_CELL_CHARS:,})")


def _check_cell_sizes(table: pa.Table, name: str, first_line: int) -> None:
    """No text cell over MAX_CELL_CHARS (the line is the first offending row's, for a file
    without line breaks inside values)."""
    too_long = _first_long_cell(table)
    if too_long is not None:
        row, header, length = too_long
        raise _too_long(name, first_line + row, header, length)


def _first_long_cell(table: pa.Table) -> Optional[tuple[int, str, int]]:
    """The first row with a text cell over MAX_CELL_CHARS: (row index, column, longest length in that column)."""
    import pyarrow as pa

    found = None
    for header, column in zip(table.column_names, table.columns):
        if not pa.types.is_string(column.type) or column.null_count == len(column):
            continue
        # a value has no more characters than bytes: its offsets tell the bytes, without pyarrow.compute
        if all(_longest_bytes(chunk) <= MAX_CELL_CHARS for chunk in column.chunks):
            continue
        import pyarrow.compute as pc

        lengths = pc.utf8_length(column)
        longest = pc.max(lengths).as_py()
        if longest is not None and longest > MAX_CELL_CHARS:
            row = pc.index(pc.greater(lengths, MAX_CELL_CHARS), True).as_py()
            if found is None or row < found[0]:
                found = (row, header, longest)
    return found


def _longest_bytes(chunk) -> int:
    import numpy as np

    if not len(chunk):
        return 0
    offsets = np.frombuffer(chunk.buffers()[1], np.int32)[chunk.offset : chunk.offset + len(chunk) + 1]
    return int(np.diff(offsets).max())


def _cell_text(value: object) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _read_xlsx(data: bytes, name: str, progress: Optional[Progress], engine: str = "calamine") -> Export:
    """The first sheet, read by python-calamine (Rust); openpyxl when calamine is missing or
    cannot read the file (openpyxl then reads it, or gives the located error)."""
    _check_archive(data, name)
    hasher, digest = _hash_in_background(data)
    rows = None
    if engine == "calamine":
        rows = _calamine_rows(data)
    if rows is None:
        rows = _openpyxl_rows(data, name)
    _report(progress, 0.5, "reading")
    table, first_line = _sheet_table(rows, name)
    hasher.join()
    facts = SourceFacts(name, len(data), digest[0], table.num_rows, "xlsx")
    return Export(table, facts, first_line=first_line)


def _calamine_rows(data: bytes) -> Optional[list]:
    """Every row of the first worksheet from sheet row 1 (empty cells None), or None when
    calamine is not installed or cannot read the file."""
    try:
        from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum
    except ImportError:
        return None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        try:
            first = next((i for i, sheet in enumerate(workbook.sheets_metadata) if sheet.typ == SheetTypeEnum.WorkSheet), None)
            if first is None:
                return None
            # from A1, as openpyxl gives them: the lines of located errors are the sheet's rows
            rows = workbook.get_sheet_by_index(first).to_python(skip_empty_area=False)
        finally:
            workbook.close()
    except (CalamineError, ValueError, OSError):
        return None
    return rows


def _openpyxl_rows(data: bytes, name: str) -> list:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError) as exc:
        raise _unreadable_workbook(name, exc) from None
    try:
        sheet = workbook.worksheets[0]
        # rows are padded to the sheet's declared width: never past the column limit
        declared = sheet.max_column
        return list(sheet.iter_rows(values_only=True, max_col=min(declared, MAX_COLUMNS + 1) if declared else None))
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _unreadable_workbook(name, exc) from None
    except SyntaxError as exc:  # xml ParseError (and lxml's XMLSyntaxError) derive from it
        raise ExportError(f"{name}：第一个工作表已损坏（{exc}）；请在 Excel 中打开并重新保存，或导出为 CSV", f"{name}: the first sheet is damaged ({exc}); open and save it again in Excel, or export as CSV") from None
    finally:
        workbook.close()


def _unreadable_workbook(name: str, exc: BaseException) -> ExportError:
    return ExportError(f"{name}：不是可读取的 .xlsx 工作簿（{exc}）", f"{name}: not a readable .xlsx workbook ({exc})")


def _check_archive(data: bytes, name: str) -> None:
    """Refuse a zip bomb before anything is decompressed: the sizes are in the zip's directory
    (and zipfile never reads more than the size a member declares)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _unreadable_workbook(name, exc) from None
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise ExportError(f"{name}：工作簿解压后有 {total / 2**20:,.0f} MB（上限 {MAX_XLSX_UNCOMPRESSED // 2**20} MB）；请导出为 CSV", f"{name}: the workbook expands to {total / 2**20:,.0f} MB (limit {MAX_XLSX_UNCOMPRESSED // 2**20} MB); export as CSV")
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1):
            raise ExportError(
                f"{name}：{member.filename} 解压后膨胀 {member.file_size / max(member.compress_size, 1):,.0f} 倍"
                f"（上限 {MAX_XLSX_RATIO}）；不是普通的导出文件，已拒绝", f"{name}: {member.filename} expands {member.file_size / max(member.compress_size, 1):,.0f} times "
                f"(limit {MAX_XLSX_RATIO}); not a plain export, refused"
            )


def _sheet_table(rows: list, name: str) -> tuple[pa.Table, int]:
    """The sheet's rows (from row 1) as Arrow columns named by the header row, with the row,
    column and cell limits; and the sheet row of the first data row."""
    from itertools import islice, zip_longest

    import pyarrow as pa

    # the header is the first row with any text
    header_line = next((i for i, row in enumerate(rows, start=1) if any(v is not None and str(v).strip() for v in row)), 0)
    if not header_line:
        raise ExportError(f"{name}：第一个工作表是空的", f"{name}: the first sheet is empty")
    raw_headers = list(rows[header_line - 1])
    while raw_headers and (raw_headers[-1] is None or not str(raw_headers[-1]).strip()):
        raw_headers.pop()
    if len(raw_headers) > MAX_COLUMNS:
        raise ExportError(f"{name}:{header_line}：超过 {MAX_COLUMNS:,} 列", f"{name}:{header_line}: more than {MAX_COLUMNS:,} columns")
    headers = _unique_headers([_cell_text(h) or "" for h in raw_headers])
    # rows whose every cell is empty (None from openpyxl, "" from calamine) are skipped
    lines = [line for line, row in enumerate(rows[header_line:], start=header_line + 1) if row.count(None) + row.count("") < len(row)]
    if len(lines) > MAX_ROWS:
        raise ExportError(f"{name}：超过 {MAX_ROWS:,} 行（上限）；请导出较短的时期", f"{name}: more than {MAX_ROWS:,} rows (limit); export a shorter period")
    body = rows[header_line:] if len(lines) == len(rows) - header_line else [rows[line - 1] for line in lines]
    width = len(headers)
    cells = list(islice(zip_longest(*body), width)) if body else []
    cells += [(None,) * len(body)] * (width - len(cells))  # rows narrower than the header
    typed = _typed_columns(headers)
    table = pa.Table.from_arrays([_sheet_column(list(values), h in typed) for h, values in zip(headers, cells)], names=headers)
    too_long = _first_long_cell(table)
    if too_long is not None:
        row, header, length = too_long
        raise _too_long(name, lines[row], header, length)
    return table, header_line + 1


_NONE = type(None)


def _sheet_column(values: list, typed: bool):
    """One sheet column as Arrow: a recognized date, number or yes/no column whose every cell
    is a date, number or boolean keeps that type (as a CSV column Arrow types while reading);
    anything else is text as `_cell_text` writes it."""

    kinds = set(map(type, values))
    if str in kinds and len(kinds) > 1:  # calamine's empty cells are "": None, as openpyxl gives them
        values = [None if v == "" else v for v in values]
        kinds = set(map(type, values))
    if dt.date in kinds:  # calamine gives a date-only cell as a date, openpyxl as midnight
        values = [dt.datetime(v.year, v.month, v.day) if type(v) is dt.date else v for v in values]
        kinds = set(map(type, values))
    kinds.discard(_NONE)
    if typed and kinds == {dt.datetime}:
        return _arrow_array(values, "timestamp")
    if typed and kinds and kinds <= {int, float}:
        return _arrow_array(values, "double")
    if typed and kinds == {bool}:
        return _arrow_array(values, "bool")
    if kinds <= {str}:
        return _arrow_array([None if v is None else (v.strip() or None) for v in values], "string")
    return _arrow_array([_cell_text(v) for v in values], "string")


def _arrow_array(values: list, kind: str):
    """An Arrow array of Python values (None is missing) from numpy buffers: `pa.array` on
    Python objects imports pandas (half a second of a command's start) to check their type."""
    import numpy as np
    import pyarrow as pa

    n = len(values)
    valid = np.fromiter((v is not None for v in values), bool, n)
    nulls = n - int(valid.sum())
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    if kind == "string":
        encoded = [b"" if v is None else v.encode() for v in values]
        offsets = np.zeros(n + 1, np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, n), out=offsets[1:])
        large = offsets[-1] >= 2**31  # (the workbook limits keep a column far below)
        buffers = [bitmap, pa.py_buffer(offsets if large else offsets.astype(np.int32)), pa.py_buffer(b"".join(encoded))]
        return pa.Array.from_buffers(pa.large_string() if large else pa.string(), n, buffers, null_count=nulls)
    if kind == "bool":
        bits = np.packbits(np.fromiter((v is True for v in values), bool, n), bitorder="little")
        return pa.Array.from_buffers(pa.bool_(), n, [bitmap, pa.py_buffer(bits)], null_count=nulls)
    if kind == "timestamp":  # microseconds since 1970 (numpy's own datetime conversion is 6 times slower)
        epoch, micro = dt.datetime(1970, 1, 1), dt.timedelta(microseconds=1)
        stamps = np.fromiter((0 if v is None else (v - epoch) // micro for v in values), np.int64, n)
        return pa.Array.from_buffers(pa.timestamp("us"), n, [bitmap, pa.py_buffer(stamps)], null_count=nulls)
    numbers = np.array(values, dtype=np.float64)
    return pa.Array.from_buffers(pa.float64(), n, [bitmap, pa.py_buffer(numbers)], null_count=nulls)


def _without_controls(table: pa.Table) -> pa.Table:
    """Text columns without control characters (see `diagnosis.text`), CR/CRLF as LF."""
    import pyarrow as pa

    for i, column in enumerate(table.columns):
        if not pa.types.is_string(column.type) or column.null_count == len(column):
            continue
        if not any(map(_holds_controls, column.chunks)):
            continue
        import pyarrow.compute as pc

        column = pc.replace_substring(column, "\r\n", "\n")
        column = pc.replace_substring(column, "\r", "\n")
        column = pc.replace_substring_regex(column, ARROW_CONTROL_PATTERN, "")
        table = table.set_column(i, table.field(i), column)
    return table


# `ARROW_CONTROL_PATTERN` and CR over UTF-8 bytes (Latin-1 to RE2: one byte, one character): C0
# controls and DEL are single bytes, U+0080-U+009F are C2 80-9F, U+FFFE/U+FFFF are EF BF BE/BF;
# in valid UTF-8 (Arrow checks it) C2 and EF only ever start a character
_CONTROL_BYTES = rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xef\xbf[\xbe\xbf]"
_control_bytes = None


def _holds_controls(chunk) -> bool:
    """Whether any text of an Arrow string array holds a control character or CR: one RE2 search
    over the array's text bytes (a character class cannot match across two values), instead of
    one search per value; pyarrow.compute (0.07 s to import) only loads when one is found."""
    global _control_bytes
    import numpy as np

    if len(chunk) == chunk.null_count or chunk.buffers()[2] is None:
        return False
    if _control_bytes is None:
        import re2

        options = re2.Options()
        options.encoding = re2.Options.Encoding.LATIN1
        _control_bytes = re2.compile(_CONTROL_BYTES, options)
    offsets = np.frombuffer(chunk.buffers()[1], np.int32)
    start, end = int(offsets[chunk.offset]), int(offsets[chunk.offset + len(chunk)])
    return _control_bytes.search(memoryview(chunk.buffers()[2])[start:end]) is not None


def read_export(source: Source, name: Optional[str] = None, progress: Optional[Progress] = None,
                xlsx_engine: str = "calamine") -> Export:
    """Read a CSV or .xlsx export from a path, bytes or a binary file object (an upload).

    `xlsx_engine` "openpyxl" skips calamine (the fallback, compared with it by the tests)."""
    data, name = _load_bytes(source, name)
    _report(progress, 0.02, "reading")
    if not data:
        raise ExportError(f"{name}：文件是空的", f"{name}: the file is empty")
    if data[:4] == b"PK\x03\x04":
        export = _read_xlsx(data, name, progress, xlsx_engine)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ExportError(f"{name}：不支持旧版 Excel .xls 文件；请另存为 .xlsx 或 CSV", f"{name}: old Excel .xls files are not supported; save it as .xlsx or CSV")
    else:
        export = _read_csv(data, name, progress)
    export.table = _without_controls(export.table)
    _report(progress, 0.7, "read")
    return export
