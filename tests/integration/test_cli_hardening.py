"""Hostile inputs on the command line: they end quickly, with one located line, never a traceback."""

from __future__ import annotations

import subprocess

from tests.conftest import DATA, PYTHON, ROOT

HOSTILE = DATA / "hostile"


def run(*args, cwd=ROOT, timeout=60):
    # a timeout here is a hang guard (the audit saw validate run past 300 s), not a measurement
    return subprocess.run([PYTHON, "-m", "diagnosis", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout)


def test_validate_checks_a_catastrophic_pattern_against_its_default_without_hanging():
    result = run("validate", "catastrophic_pattern.yaml", cwd=HOSTILE)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["catastrophic_pattern.yaml:19:22: default does not match 'pattern'"]
    assert "Traceback" not in result.stderr
