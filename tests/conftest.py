"""Shared test helpers: paths, and the shipped questionnaires."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
PYTHON = sys.executable

os.environ.setdefault("DIAGNOSIS_QUESTIONNAIRES", str(ROOT / "questionnaires"))


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
