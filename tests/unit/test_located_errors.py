"""What a user can get wrong ends as one located line (a `DiagnosisError`), never a traceback."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import event

from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError, InvalidFile
from diagnosis.project import dumps, load_project
from diagnosis.questionnaire import load_questionnaire
from diagnosis.spreadsheet import to_xlsx
from diagnosis.store import ProjectNotFound, Store, StoreError
from diagnosis.tickets.reader import ExportError, read_export
from diagnosis.yamlsafe import load_located
from tests.conftest import DATA


def test_an_unquoted_impossible_date_is_a_located_problem():
    located = load_located("title: x\nlaunch: 2025-02-30\n", "p.yaml")
    assert [str(p) for p in located.problems] == [
        "p.yaml:2:9: invalid date or time '2025-02-30' (day is out of range for month); write it in quotes to keep it as text"
    ]


def test_an_integer_of_five_thousand_digits_is_a_located_problem():
    located = load_located("votes:\n  ann: " + "9" * 5000 + "\n", "p.yaml")
    assert [str(p) for p in located.problems] == [
        "p.yaml:2:8: number too large ('999999999999999999999999...', 5,000 characters); write it in quotes to keep it as text"
    ]
    assert load_located("n: 0x" + "f" * 5000, "p.yaml").problems  # a power-of-two base has no digit limit: bounded too


def test_a_project_file_with_an_invalid_date_does_not_load_and_says_where():
    text = dumps(demo_project("zh")).replace("  launch_date: '2025-09-15'", "  launch_date: 2025-02-30")
    assert "launch_date: 2025-02-30" in text
    with pytest.raises(InvalidFile) as info:
        load_project(text.encode(), "demo.diagnosis.yaml")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "launch_date: 2025-02-30" in row)
    assert [str(p).split(": ")[0] for p in info.value.problems] == [f"demo.diagnosis.yaml:{line}:16"]


def test_a_questionnaire_with_a_huge_integer_does_not_load_and_says_where():
    text = (DATA / "questionnaires" / "all_types.yaml").read_text(encoding="utf-8").replace("max: 500, default: 10", "max: " + "9" * 4400 + ", default: 10")
    with pytest.raises(InvalidFile) as info:
        load_questionnaire(text.encode(), "big.yaml")
    assert any("number too large" in str(p) and str(p).startswith("big.yaml:") for p in info.value.problems)


def test_a_csv_field_over_the_csv_modules_limit_is_a_located_error():
    big = ("工单号,渠道,创建时间\nT1,微信,2025-08-01 10:00\nT2,\"" + "x" * 140_000 + "\",2025-08-01 10:00\n").encode()
    with pytest.raises(ExportError, match=r"^big\.csv:3: column '渠道' has a value of 140,000 characters \(limit 32,767\)$"):
        read_export(big, "big.csv")
    with pytest.raises(ExportError, match=r"^head\.csv:1: "):
        read_export(("工单号,渠" + "y" * 140_000 + "\nT1,x\n").encode(), "head.csv")


def test_an_xlsx_with_damaged_sheet_xml_is_a_clean_error():
    good = to_xlsx(["工单号", "渠道"], [["T1", "微信"], ["T2", "电话"]])
    source, out = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data)
    with pytest.raises(ExportError, match=r"^broken\.xlsx: the first sheet is damaged"):
        read_export(out.getvalue(), "broken.xlsx")


def test_a_project_id_with_a_nul_is_simply_not_found(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert store.head("a\x00b") is None
    assert store.revisions("a\x00b") == [] and store.conflicts("a\x00b") == []
    with pytest.raises(ProjectNotFound, match=r"^no project 'ab'$"):
        store.load("a\x00b")


@pytest.mark.postgres
def test_a_project_id_with_a_nul_is_not_found_on_postgresql_either(postgres):
    store = Store(postgres.new_database())
    with pytest.raises(ProjectNotFound):
        store.load("a\x00b")
    assert store.head("a\x00b") is None


def test_a_full_disk_is_one_line_saying_so(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    store.save(demo_project("zh"))

    @event.listens_for(store.engine, "connect")
    def _small(dbapi_connection, _record):  # SQLite's own "disk is full" once the file would grow
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    project = demo_project("zh")
    project.answers["obstacles_notes"] = "x" * 2_000_000
    with pytest.raises(StoreError) as info:
        store.save(project)
    message = str(info.value)
    assert message == "cannot save the project: the database says: database or disk is full"
    assert isinstance(info.value, DiagnosisError)
