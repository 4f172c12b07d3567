"""`diagnosis spc` as a user runs it, on the demo project."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli as run


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.diagnosis.yaml"
    assert run("demo", "--lang", "en", "-o", str(path)).returncode == 0
    return path


@pytest.mark.parametrize("suffix,magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_spc_writes_the_chart_of_a_row_and_prints_its_signals(demo, tmp_path, suffix, magic):
    out = tmp_path / f"chart.{suffix}"
    result = run("spc", str(demo), "--metric", "complaint_rate", "-o", str(out), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:200].find(magic) >= 0 and out.stat().st_size > 5000
    assert result.stdout.startswith("p-chart (daily, varying n")
    assert "baseline stage: n=62" in result.stdout and "after launch" in result.stdout
    if suffix == "svg":
        svg = out.read_text(encoding="utf-8")
        assert "Complaint rate: control chart" in svg


def test_spc_json_gives_points_limits_stages_and_signals_by_definition_id(demo):
    result = run("spc", str(demo), "--metric", "frt_mean", "--interval", "week", "--format", "json", "--lang", "zh")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["chart"] == "xmr" and data["interval"] == "week" and data["row"] == "frt_mean"
    assert {"day", "value", "n", "stage", "center", "lcl", "ucl"} <= set(data["points"][0])
    assert [s["calibration"] for s in data["stages"]] == ["baseline", "own"]
    assert all(s["text"].startswith(("西电", "Nelson", "Anhøj")) for s in data["signals"])


def test_spc_without_stages_keeps_one_stage(demo):
    data = json.loads(run("spc", str(demo), "--metric", "complaint_rate", "--no-stages", "--format", "json").stdout)
    assert len(data["stages"]) == 1 and data["signals"]


def test_spc_on_an_unknown_metric_or_a_wrong_suffix_fails_cleanly(demo, tmp_path):
    result = run("spc", str(demo), "--metric", "nope")
    assert result.returncode == 1 and "no step-1 row or metric definition 'nope'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("spc", str(demo), "--metric", "complaint_rate", "-o", str(tmp_path / "x.pdf"))
    assert result.returncode == 2 and ".svg or .png" in result.stderr
