"""Shared test helpers: paths, the shipped questionnaires, and running the command line."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PYTHON = sys.executable

os.environ.setdefault("DIAGNOSIS_QUESTIONNAIRES", str(ROOT / "questionnaires"))


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: object, cwd: Path = ROOT) -> CliResult:
    """`diagnosis ARGS` in this process (click's CliRunner), from `cwd`: fast, for what a command prints.

    An exception a command lets escape fails the test with its traceback (a user would have
    seen it), instead of becoming an exit code. Exit codes and "no traceback" as the shell sees
    them are checked by a few `run_cli_process` tests."""
    from click.testing import CliRunner

    from diagnosis.cli import cli

    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="diagnosis")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception.with_traceback(result.exc_info[2])
    return CliResult(result.exit_code, result.stdout, result.stderr)


def run_cli_process(*args: object, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m diagnosis ARGS` in a fresh process of this checkout, as a user runs it."""
    return subprocess.run([PYTHON, "-m", "diagnosis", *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def pytest_collection_modifyitems(config, items):
    """Tests marked `slow` run only when asked: `-m slow` (an -m naming them) or DIAGNOSIS_SLOW_TESTS=1."""
    if "slow" in (config.getoption("markexpr") or "") or os.environ.get("DIAGNOSIS_SLOW_TESTS") == "1":
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server per test process, started on first use (see tests/postgres.py)."""
    from tests.postgres import PostgresServer

    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A fresh, empty store database: a SQLite file, then a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'diagnosis.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def all_types():
    from diagnosis.questionnaire import load_questionnaire

    return load_questionnaire(DATA / "questionnaires" / "all_types.yaml")


class Clock:
    """A clock a test moves by hand (`clock.now += 1.0`)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def checkpoint_import(project, months: int):
    """The project's import for the checkpoint `months` after launch, None when there is none."""
    from diagnosis.tickets.flow import imports

    return next((e for e in imports(project) if e.get("period") == "checkpoint" and e.get("months") == months), None)


def validate_answers(questionnaire, answers: dict) -> dict:
    """Problems of every visible question, by question id (`rules.validate_answer` on each)."""
    from diagnosis.questionnaire.rules import validate_answer, visible_questions

    out: dict = {}
    for step in questionnaire.steps:
        for _, q in visible_questions(step, answers, questionnaire):
            problems = validate_answer(q, answers.get(q.id))
            if problems:
                out[q.id] = problems
    return out
