"""`diagnosis pareto` and `diagnosis fishbone` as a user runs them, on the demo project."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest

from tests.conftest import run_cli_process
from tests.conftest import run_cli as run

ROW_KEYS = ["rank", "cause", "category", "value", "percent", "cumulative", "cumulative_percent", "vital_few", "tied_at_cut"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.diagnosis.yaml"
    assert run("demo", "-o", str(path)).returncode == 0
    return path


def test_pareto_json_has_the_documented_shape(demo):
    result = run("pareto", str(demo), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["by", "threshold", "rows", "excluded"]
    assert data["by"] == "value" and data["threshold"] == 80
    assert all(list(row) == ROW_KEYS for row in data["rows"])
    assert [r["rank"] for r in data["rows"]] == list(range(1, len(data["rows"]) + 1))
    assert data["rows"][0]["cause"].startswith("客户历史记录未同步") and data["rows"][0]["value"] == 1450
    assert abs(sum(r["percent"] for r in data["rows"]) - 100) < 0.1 and data["rows"][-1]["cumulative_percent"] == 100
    assert [r["vital_few"] for r in data["rows"]].count(True) == 8
    assert data["excluded"] == [{"cause": "工单系统无法按问题类型统计", "category": "机", "value": None, "reason": "missing"}]


def test_pareto_options_change_the_measure_the_level_and_the_threshold(demo):
    data = json.loads(run("pareto", str(demo), "--by", "votes", "--level", "category", "--threshold", "50",
                          "--format", "json", "--lang", "en").stdout)
    assert data["by"] == "votes" and data["threshold"] == 50
    assert data["rows"][0]["cause"] == "Machine"
    assert [r["vital_few"] for r in data["rows"]] == [True, True, False, False, False]


def test_pareto_csv_has_a_header_and_one_line_per_cause(demo):
    result = run("pareto", str(demo), "--format", "csv", "--by", "score")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert result.returncode == 0 and list(rows[0]) == ROW_KEYS and len(rows) == 16


def test_pareto_table_lists_the_vital_few_and_what_was_left_out(demo):
    result = run("pareto", str(demo))
    assert result.returncode == 0
    assert "★" in result.stdout and "未计入" in result.stdout and "没有数值" in result.stdout


def test_pareto_table_marks_causes_tied_at_the_cut_and_says_why(demo, tmp_path):
    from diagnosis.project import load_project, save_project

    loaded = load_project(demo)
    ribs = loaded.project.fishbone.causes
    for rib, value in zip(ribs, [70, 10, 10, 10]):
        rib.value = value
        for child in rib.children:
            child.value = None
    for rib in ribs[4:]:
        rib.value = 0
    path = tmp_path / "tied.diagnosis.yaml"
    save_project(loaded.project, path)
    result = run("pareto", str(path), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("★ (tie)") == 3
    assert "3 items are tied at the 80% cut (value 10)" in result.stdout
    rows = json.loads(run("pareto", str(path), "--format", "json").stdout)["rows"]
    assert [(r["vital_few"], r["tied_at_cut"]) for r in rows] == [(True, False), (True, True), (True, True), (True, True)]


@pytest.mark.parametrize("args", [["--by", "cost"], ["--threshold", "0"], ["--threshold", "120"], ["--format", "xml"], []])
def test_pareto_wrong_usage_exits_2(demo, args):
    result = run("pareto", *([str(demo)] if args else []), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_pareto_on_a_broken_file_exits_1_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.diagnosis.yaml"
    bad.write_text("format: [unclosed\n", encoding="utf-8")
    for args in (["pareto", str(bad)], ["pareto", str(tmp_path / "missing.yaml")], ["fishbone", str(bad), "-o", str(tmp_path / "x.svg")]):
        result = run_cli_process(*args)
        assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr.strip()


@pytest.mark.parametrize("suffix,magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF"), ("SVG", b"<?xml")])
def test_fishbone_writes_the_format_its_suffix_names(demo, tmp_path, suffix, magic):
    out = tmp_path / f"fish.{suffix}"
    result = run("fishbone", str(demo), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(magic) and len(data) > 5000
    if suffix.lower() == "svg":
        assert "客户历史记录未同步" in data.decode("utf-8")


def test_the_pdf_carries_the_chinese_text(demo, tmp_path):
    import shutil

    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    out = tmp_path / "fish.pdf"
    assert run("fishbone", str(demo), "-o", str(out)).returncode == 0
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "退款需三级审批" in text


def test_fishbone_with_an_unknown_suffix_exits_2(demo, tmp_path):
    result = run("fishbone", str(demo), "-o", str(tmp_path / "fish.jpg"))
    assert result.returncode == 2 and ".svg, .png or .pdf" in result.stderr
    assert not (tmp_path / "fish.jpg").exists()
