"""The command line as a user runs it: exit codes, messages, never a traceback.

In-process (`run`, click's CliRunner) for what the commands print; in a fresh process
(`run_cli_process`) for exit codes and tracebacks as the shell sees them."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import DATA, PYTHON, ROOT, run_cli_process
from tests.conftest import run_cli as run


def test_help_is_available_on_every_command():
    top = run("--help")
    assert top.returncode == 0
    commands = [line.split()[0] for line in top.stdout.split("Commands:")[1].splitlines() if line.strip()]
    assert {"validate", "check-project", "demo", "schema"} <= set(commands)
    for command in commands:
        result = run(command, "--help")
        assert result.returncode == 0 and "Usage:" in result.stdout, command


def test_validate_accepts_the_shipped_questionnaires():
    result = run("validate", *sorted(str(p) for p in (ROOT / "questionnaires").glob("*.yaml")))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_validate_prints_one_line_per_problem_and_exits_1():
    result = run_cli_process("validate", "many_problems.yaml", cwd=DATA / "broken")
    assert result.returncode == 1
    assert result.stdout.splitlines() == (DATA / "broken" / "many_problems.expected").read_text(encoding="utf-8").splitlines()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [[], ["validate"], ["no-such-command"], ["demo"], ["check-project", "a", "b"]])
def test_wrong_usage_exits_2(args):
    result = run_cli_process(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_demo_writes_a_project_that_checks_clean(tmp_path):
    out = tmp_path / "demo.diagnosis.yaml"
    assert run("demo", "-o", str(out)).returncode == 0
    check = run("check-project", str(out))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "在线商城" in out.read_text(encoding="utf-8")


def test_demo_in_english(tmp_path):
    out = tmp_path / "demo.diagnosis.yaml"
    assert run("demo", "--lang", "en", "-o", str(out)).returncode == 0
    assert "Online shop service centre" in out.read_text(encoding="utf-8")


def test_check_project_lists_problems_and_exits_1(tmp_path):
    bad = tmp_path / "bad.diagnosis.yaml"
    bad.write_text("format: process-diagnosis-project\nformat_version: 2\nmeta: {language: fr}\n", encoding="utf-8")
    result = run("check-project", str(bad))
    assert result.returncode == 1
    assert f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary", b"- a\n- list\n", b"format: [unclosed\n"])
def test_check_project_on_garbage_is_a_one_line_error(tmp_path, content):
    bad = tmp_path / "x.diagnosis.yaml"
    bad.write_bytes(content)
    result = run_cli_process("check-project", str(bad))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_check_project_on_a_missing_file():
    result = run("check-project", "/nonexistent/p.diagnosis.yaml")
    assert result.returncode == 1
    assert "cannot read file" in result.stderr


def test_schema_prints_the_committed_json_schema():
    result = run("schema")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((ROOT / "questionnaires" / "schema.json").read_text(encoding="utf-8"))


def test_the_console_script_is_installed():
    import shutil
    from pathlib import Path

    script = Path(PYTHON).parent / "diagnosis"
    assert script.exists() or shutil.which("diagnosis")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "diagnosis" in result.stdout


def test_demo_can_write_its_ticket_export_for_the_kpi_command(tmp_path):
    tickets = tmp_path / "tickets.csv"
    assert run("demo", "-o", str(tmp_path / "d.diagnosis.yaml"), "--tickets", str(tickets)).returncode == 0
    result = run("kpi", str(tickets), "--by", "channel", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["overall"]["volume"] == 9872
    assert set(data["groups"]) == {"微信", "网页在线", "电话"}
