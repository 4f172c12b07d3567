"""Control characters (ESC, NUL, C1 codes) never reach storage nor a renderer."""

from __future__ import annotations

import io
import subprocess
import textwrap
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnosis import catalog
from diagnosis.demo import demo_project
from diagnosis.store import Store
from diagnosis.text import clean_data, clean_text
from diagnosis.tickets.reader import read_export
from diagnosis.yamlsafe import load_located
from tests.conftest import PYTHON, ROOT

ESC = "\x1b"

# a demo project whose texts carry control characters, as if stored before this was fixed
HOSTILE_PROJECT = textwrap.dedent(
    """
    from diagnosis.demo import demo_project
    project = demo_project("zh")
    project.fishbone.problem = "投诉\\x1b[31m上升\\x85\\x00"
    project.fishbone.causes[0].text = "系统\\x1b卡顿\\x07"
    project.answers["problem_statement"] = "慢\\x1b"
    channels = project.data["results"]["groups"]["channel"]
    channels["微\\x1b信"] = channels.pop("微信")
    """
)


def test_clean_text_removes_c0_and_c1_controls_but_keeps_tab_and_newline():
    assert clean_text("a\x1bb\x00c\x07d\x7fe\x85f\x9fg") == "abcdefg"
    assert clean_text("one\ttwo\nthree") == "one\ttwo\nthree"
    assert clean_text("crlf\r\nline\rend") == "crlf\nline\nend"
    assert clean_text("lone \ud800 surrogate \ufffe") == "lone  surrogate "
    assert clean_text("中文：不变") == "中文：不变"


@given(st.text())
def test_clean_text_leaves_no_character_an_xml_writer_refuses(text):
    out = clean_text(text)
    assert all(ch in "\t\n" or 0x20 <= ord(ch) < 0x7F or 0x9F < ord(ch) < 0xD800 or 0xDFFF < ord(ch) < 0xFFFE or ord(ch) > 0xFFFF for ch in out)


def test_clean_data_returns_the_same_object_when_nothing_changes_and_cleans_keys_and_values():
    data = {"a": ["x", ("y", {"z": 1})]}
    assert clean_data(data) is data
    assert clean_data({"k\x1b": ["v\x00", ("w\x85",)]}) == {"k": ["v", ("w",)]}


def test_a_ticket_export_with_esc_in_a_column_is_read_without_it():
    csv = "工单号,渠道,创建时间\nT1,微\x1b信,2025-08-01 10:00\nT2,电话\x85,2025-08-01 11:00\nT3,\"网\r\n页\",2025-08-01 12:00\n".encode()
    export = read_export(csv, "export.csv")
    assert export.table.column("渠道").to_pylist() == ["微信", "电话", "网\n页"]


def test_yaml_escapes_cannot_put_control_characters_into_a_value():
    located = load_located('title: "bad\\e[31m\\x07 name"\nlist: ["\\x00x"]\n', "q.yaml")
    assert located.data == {"title": "bad[31m name", "list": ["x"]}


def test_an_answer_with_control_characters_is_stored_without_them(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    project = demo_project("zh")
    project.answers["problem_statement"] = "慢\x1b[31m回复\x00"
    project.fishbone.causes[0].text = "系统\x1b卡顿"
    saved = store.commit(project, author="an\x1bna")
    assert saved.project.answers["problem_statement"] == "慢[31m回复"
    loaded = store.load(project.meta.id).project
    assert loaded.answers["problem_statement"] == "慢[31m回复"
    assert loaded.fishbone.causes[0].text == "系统卡顿"


@pytest.mark.parametrize("fmt", ["html", "pdf", "pptx", "docx", "xlsx", "md"])
def test_every_report_format_renders_a_project_holding_control_characters(fmt, tmp_path):
    # in a child process: before the fix vl-convert aborted the whole interpreter
    script = HOSTILE_PROJECT + textwrap.dedent(
        f"""
        from diagnosis import catalog
        from diagnosis.report import render_report
        out = render_report(project, catalog.get(project.questionnaire.id).questionnaire, {fmt!r}, "zh")
        open({str(tmp_path / "out")!r}, "wb").write(out)
        """
    )
    done = subprocess.run([PYTHON, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    data = (tmp_path / "out").read_bytes()
    if fmt in ("docx", "pptx", "xlsx"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
        assert b"\x1b" not in xml and b"\x07" not in xml
    elif fmt != "pdf":  # a PDF is binary
        assert b"\x1b" not in data


def test_a_chart_with_esc_in_a_label_converts_to_svg_and_png():
    script = textwrap.dedent(
        """
        from diagnosis.report.figures import chart_figure
        spec = {"data": {"values": [{"a": "x\\x1by", "b": 1}]}, "mark": "bar",
                "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
        figure = chart_figure(spec, "cap\\x1b", "chart")
        assert "\\x1b" not in figure.svg and figure.png[:4] == b"\\x89PNG"
        """
    )
    done = subprocess.run([PYTHON, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_fishbone_diagram_draws_control_characters_and_lone_surrogates():
    from diagnosis.diagram import render_fishbone

    project = demo_project("zh")
    project.fishbone.problem = "投诉\x1b上升\ud800"
    project.fishbone.causes[0].text = "系统\x1b卡顿\x85"
    svg = render_fishbone(project, catalog.get(project.questionnaire.id).questionnaire, "zh", "svg")
    assert b"\x1b" not in svg and "系统 卡顿".encode() in svg


def test_spreadsheet_cells_lose_control_characters_before_openpyxl_sees_them():
    from openpyxl import load_workbook

    from diagnosis.spreadsheet import to_csv, to_xlsx

    book = load_workbook(io.BytesIO(to_xlsx(["渠道\x1b"], [["微\x1b信"], ["=\x00SUM(A1)"]], sheet="s\x1b")))
    sheet = book.active
    assert [c.value for c in sheet["A"]] == ["渠道", "微信", "'=SUM(A1)"]
    assert b"\x1b" not in to_csv(["a"], [["b\x1bc"]])


def test_every_spreadsheet_cell_follows_one_formula_policy_and_plain_numbers_stay_numbers():
    from diagnosis.cli.kpi import _cell
    from diagnosis.spreadsheet import neutralize

    for write in (neutralize, _cell):
        assert write("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
        assert write("+1+1") == "'+1+1" and write("@SUM(A1)") == "'@SUM(A1)" and write("-2+3") == "'-2+3"
        assert write("\t=1") == "'\t=1" and write("\r=1") == "'\n=1"  # a group key opening with TAB / CR
        assert write("-3.5") == "-3.5" and write("+12") == "+12"  # a number a spreadsheet reads, never runs
        assert write("退款") == "退款"


@pytest.mark.parametrize("title, expected", [
    ("在线商城 / 8月:诊断?", "在线商城 _ 8月_诊断.diagnosis.yaml"), ("../../etc/passwd", "etc_passwd.diagnosis.yaml"),
    ("a\x1bb\nc", "a_b_c.diagnosis.yaml"), ("CON", "p1.diagnosis.yaml"), ("  ", "p1.diagnosis.yaml"),
])  # fmt: skip
def test_a_downloaded_project_file_is_named_by_the_one_file_name_rule_and_falls_back_on_the_id(title, expected):
    from diagnosis.project import new_project
    from ui.projects import file_name

    project = new_project("customer_service_diagnosis", title="x")
    project.meta.title, project.meta.id = title, "p1"
    assert file_name(project) == expected


@pytest.mark.parametrize("code", [*range(0x00, 0x20), *range(0x7F, 0xA0), 0xD800, 0xFFFE, 0xFFFF])
def test_clean_data_finds_every_control_character_in_a_json_tree_in_keys_and_values_at_any_depth(code):
    from diagnosis.text import clean_data

    ch = chr(code)
    tree = {"answers": {"metrics": [{"名称" + ch: "值"}, {"k": ["a", "b" + ch]}]}}
    cleaned = clean_data(tree)
    if ch in "\t\n":
        assert cleaned is tree
    else:
        assert cleaned is not tree and ch not in repr(cleaned)
        assert cleaned["answers"]["metrics"][1]["k"][1] == ("b\n" if ch == "\r" else "b")


@pytest.mark.parametrize("code", [*range(0x00, 0x20), *range(0x7F, 0xA0), 0xD800, 0xFFFE, 0xFFFF])
def test_a_save_never_stores_a_control_character_whichever_text_holds_it(code, tmp_path):
    # the store checks the JSON bytes it is about to write (diagnosis.text.json_bytes_clean), not each string
    ch = chr(code)
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite'}")
    project = demo_project("en")
    project.answers["problem_statement"] = f"slow{ch}reply"
    project.fishbone.causes[0].children[0].text = f"deep{ch}cause" if project.fishbone.causes[0].children else f"top{ch}cause"
    saved = store.commit(project, author="a")
    expected = "slow\nreply" if ch in "\r\n" else "slow\treply" if ch == "\t" else "slowreply"
    assert saved.project.answers["problem_statement"] == expected  # what the session goes on with
    assert store.load(project.meta.id).project.answers["problem_statement"] == expected


@given(st.text(max_size=40))
def test_the_json_bytes_check_agrees_with_the_walk_over_every_string(text):
    from pydantic import TypeAdapter

    from diagnosis.text import json_bytes_clean

    tree = {"answers": {"t": text, "list": ["a", text]}}
    try:
        raw = TypeAdapter(dict).dump_json(tree)
    except ValueError:  # a lone surrogate cannot be written as UTF-8: the store then walks the strings
        assert clean_data(tree) is not tree
        return
    if clean_data(tree) is not tree:
        assert not json_bytes_clean(raw)  # never misses a dirty text
    else:  # and flags a clean one only for a literal backslash (then the walk decides)
        assert json_bytes_clean(raw) or "\\" in text
