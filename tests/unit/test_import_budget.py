"""Issue 13 item 3: a ticket export is read under a memory budget (`diagnosis.tickets.budget`);
an export needing more is refused in one line naming the file and the limit, and the process
that asked goes on (the reading child is the one stopped)."""

from __future__ import annotations

import os
import threading

import pytest

from diagnosis.errors import DiagnosisError
from diagnosis.spreadsheet import to_xlsx
from diagnosis.tickets import analyze, analyze_file, budget, resolve_mapping
from diagnosis.tickets.budget import MEMORY_ENV, memory_budget_mb, read_export_within_budget
from diagnosis.tickets.reader import ExportError, read_export
from tests.ticket_samples import csv_bytes, large_csv_bytes

BUDGET_MB = 64  # a small budget: the ten-row sample reads in it, the large export (130-190 MB to read) does not


@pytest.fixture(scope="module")
def large_csv() -> bytes:
    return large_csv_bytes()


@pytest.fixture(params=["fork", "fork server"])
def start(request):
    """A child forked from this process (a command: one thread) or from the fork server (a Streamlit server:
    many threads)."""
    if request.param == "fork":
        if threading.active_count() > 1:
            pytest.skip("this test process runs other threads (pytest-xdist): the fork server case covers it")
        yield
        return
    done = threading.Event()
    other = threading.Thread(target=done.wait, daemon=True)
    other.start()
    yield
    done.set()
    other.join()


def test_an_export_past_the_budget_is_refused_in_one_line_and_this_process_goes_on(large_csv, start):
    with pytest.raises(ExportError) as refused:
        read_export_within_budget(large_csv, "大导出.csv", budget_mb=BUDGET_MB)
    assert refused.value.en == (
        "大导出.csv: reading it needs more memory than the import's budget of 64 MB (DIAGNOSIS_IMPORT_MEMORY_MB); "
        "export a shorter period or fewer columns, or ask the administrator to raise the budget"
    )
    assert refused.value.zh.startswith("大导出.csv：读取该文件需要的内存超过了导入的内存上限 64 MB（DIAGNOSIS_IMPORT_MEMORY_MB）")
    assert "\n" not in refused.value.en + refused.value.zh
    # this process is alive and reads: a small export within the same small budget, the large one within the default
    small = read_export_within_budget(csv_bytes(), "tickets.csv", budget_mb=BUDGET_MB)
    assert small.table.equals(read_export(csv_bytes(), "tickets.csv").table) and small.facts.rows == 10
    large = read_export_within_budget(large_csv, "大导出.csv")
    assert large.facts.rows == 1_000_000 and large.table.column("工单号")[999_999].as_py() == "T999999"


def test_the_export_read_in_the_child_is_the_one_read_here():
    # every kind of column (text, times, numbers, yes/no), the facts, the first data line, and an xlsx
    data = csv_bytes(delimiter=";", encoding="gb18030")
    here, there = read_export(data, "导出.csv"), read_export_within_budget(data, "导出.csv")
    assert there.table.equals(here.table) and there.table.schema == here.table.schema
    assert there.facts == here.facts and there.first_line == here.first_line
    book = to_xlsx(["", "工单号", "创建时间"], [["", "T1", "2025-08-01 10:00"]])
    assert read_export_within_budget(book, "b.xlsx").table.equals(read_export(book, "b.xlsx").table)
    mapping = resolve_mapping(here.headers)
    assert analyze(there, mapping, 15).overall == analyze(here, mapping, 15).overall


def test_a_refusal_of_the_reader_comes_back_as_it_is_and_the_progress_is_reported():
    seen: list[float] = []
    with pytest.raises(ExportError, match=r"^bad\.csv: malformed CSV: a row has 4 fields but the header has 2"):
        read_export_within_budget(b"a,b\n1,2,3,4\n", "bad.csv")
    read_export_within_budget(csv_bytes(), "tickets.csv", progress=lambda f, _stage: seen.append(f))
    assert seen and seen == sorted(seen) and seen[-1] == 0.7


def test_analyze_file_computes_in_the_child_and_only_the_facts_and_the_result_come_back(tmp_path, start):
    path = tmp_path / "导出.csv"
    path.write_bytes(csv_bytes(delimiter=";", encoding="gb18030"))
    facts, mapping, result = analyze_file(path, sla_minutes=15)
    here = read_export(path)
    assert facts == here.facts and facts.rows == 10 and mapping == resolve_mapping(here.headers)
    there = analyze(here, mapping, 15)
    assert result.overall == pytest.approx(there.overall) and result.bad_rows == there.bad_rows
    assert result.bad_examples == there.bad_examples and result.warnings == there.warnings


def test_metrics_computed_in_the_child_past_the_budget_are_refused_in_one_line(tmp_path, monkeypatch, start):
    # read within 64 MB, but grouping 200,000 distinct agents needs more (as in the test above, in the child)
    rows = "".join(f"T{i},2025-08-01 10:00,2025-08-01 10:0{i % 10},客服{i}\n" for i in range(200_000))
    path = tmp_path / "多客服.csv"
    path.write_bytes(("工单号,创建时间,首次响应时间,客服\n" + rows).encode())
    monkeypatch.setenv(MEMORY_ENV, "64")
    with pytest.raises(ExportError, match=r"^多客服\.csv: computing its metrics needs more memory than the import's budget of 64 MB"):
        analyze_file(path, groupings=["agent"])
    monkeypatch.delenv(MEMORY_ENV)
    assert analyze_file(path, groupings=["agent"])[2].overall["volume"] == 200_000


def test_the_budget_is_a_setting_with_a_default(monkeypatch):
    monkeypatch.delenv(MEMORY_ENV, raising=False)
    assert memory_budget_mb() == 2048
    monkeypatch.setenv(MEMORY_ENV, "512")
    assert memory_budget_mb() == 512
    for wrong in ("lots", "10", "-1"):
        monkeypatch.setenv(MEMORY_ENV, wrong)
        with pytest.raises(DiagnosisError, match=f"the setting DIAGNOSIS_IMPORT_MEMORY_MB must be a whole number of MB, at least 64, not '{wrong}'"):
            memory_budget_mb()


def test_the_metrics_past_the_budget_are_refused_in_one_line(monkeypatch):
    # DuckDB gets the same budget (its memory_limit, nothing spilled to disk): grouping 200,000 distinct
    # agents needs more than 64 MB in its hash table
    rows = "".join(f"T{i},2025-08-01 10:00,2025-08-01 10:0{i % 10},客服{i}\n" for i in range(200_000))
    export = read_export(("工单号,创建时间,首次响应时间,客服\n" + rows).encode(), "多客服.csv")
    mapping = resolve_mapping(export.headers)
    monkeypatch.setenv(MEMORY_ENV, "64")
    with pytest.raises(ExportError, match=r"^多客服\.csv: computing its metrics needs more memory than the import's budget of 64 MB"):
        analyze(export, mapping, 15, groupings=["agent"])
    monkeypatch.delenv(MEMORY_ENV)
    assert analyze(export, mapping, 15, groupings=["agent"]).overall["volume"] == 200_000
    assert not os.path.exists(".tmp")  # nothing spilled into the working folder


def test_the_table_comes_back_through_the_temporary_folder_without_dev_shm_and_no_file_stays(monkeypatch, tmp_path):
    from diagnosis.tickets import budget

    if threading.active_count() > 1:
        pytest.skip("the fork server's children do not see this process's patch")
    monkeypatch.setattr(budget, "_TABLES", str(tmp_path / "no shm"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    export = read_export_within_budget(csv_bytes(), "tickets.csv")
    assert export.facts.rows == 10 and export.table.equals(read_export(csv_bytes(), "tickets.csv").table)
    assert os.listdir(tmp_path) == []  # read, mapped, removed


def test_a_child_ended_otherwise_is_one_line_and_a_bug_in_it_stays_a_bug(monkeypatch):
    import signal

    from diagnosis.tickets import reader

    if threading.active_count() > 1:
        pytest.skip("the fork server's children do not see this process's patch")

    def terminated(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(reader, "read_export", terminated)
    with pytest.raises(ExportError, match=r"^t\.csv: the reading process ended unexpectedly \(exit code -15\); nothing was imported$"):
        read_export_within_budget(csv_bytes(), "t.csv")

    def broken(*_args, **_kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(reader, "read_export", broken)
    with pytest.raises(RuntimeError, match=r"(?s)reading t\.csv failed in its child process:.*ValueError: a bug"):
        read_export_within_budget(csv_bytes(), "t.csv")


def _wide_workbook(rows: int) -> bytes:
    """A workbook of `rows` distinct tickets, its sheet written directly (inline strings): quick to make."""
    import io
    import re
    import zipfile

    good = to_xlsx(["工单号", "渠道", "备注"], [["T0", "微信", "x"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    body = "<row>" + "".join(cell.format(h) for h in ("工单号", "渠道", "备注")) + "</row>" + "".join(f"<row>{cell.format(f'T{i}')}{cell.format('微信')}{cell.format(f'客户反映问题编号{i * 7919 % 100003}')}</row>"
                   for i in range(rows))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(r"<sheetData>.*</sheetData>", lambda _m: f"<sheetData>{body}</sheetData>", data.decode(), flags=re.S).encode()
            target.writestr(name, data)
    return out.getvalue()


def test_a_workbook_past_the_budget_is_refused_the_same_way():
    book = _wide_workbook(200_000)  # needs 2-3 times the budget: a margin for the 20 ms sampling
    with pytest.raises(ExportError, match=r"^大\.xlsx: reading it needs more memory than the import's budget of 64 MB"):
        read_export_within_budget(book, "大.xlsx", budget_mb=BUDGET_MB)
    assert read_export_within_budget(book, "大.xlsx").facts.rows == 200_000


def test_a_peak_between_the_parents_looks_is_still_refused(monkeypatch):
    # a busy machine can hold the parent's 20 ms looks back for seconds: here it sees nothing at all
    # (a child's memory is unreadable to it), and the child's own peak (VmHWM) must still refuse the file
    real = budget._resident_bytes
    monkeypatch.setattr(budget, "_resident_bytes", lambda pid: real(pid) if pid == os.getpid() else None)
    book = _wide_workbook(200_000)
    with pytest.raises(ExportError, match=r"^大\.xlsx: reading it needs more memory than the import's budget of 64 MB"):
        read_export_within_budget(book, "大.xlsx", budget_mb=BUDGET_MB)
