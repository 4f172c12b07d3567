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


@pytest.fixture
def all_types():
    from diagnosis.questionnaire import load_questionnaire

    return load_questionnaire(DATA / "questionnaires" / "all_types.yaml")
