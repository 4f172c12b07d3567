"""The shipped questionnaires (the `questionnaires/` folder) found by id.

The folder is the repository's `questionnaires/` in a checkout and `diagnosis/questionnaires` in an
installed package (pyproject.toml ships it there); the environment variable
`DIAGNOSIS_QUESTIONNAIRES` points elsewhere. Loaded questionnaires are cached by file content.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from diagnosis.errors import DiagnosisError, Problem, QuestionnaireError
from diagnosis.i18n import tr
from diagnosis.questionnaire import Questionnaire, load_questionnaire, questionnaire_hash


def questionnaire_dir() -> Path:
    env = os.environ.get("DIAGNOSIS_QUESTIONNAIRES")
    if env:
        return Path(env)
    package = Path(__file__).resolve().parent
    installed = package / "questionnaires"
    return installed if installed.is_dir() else package.parent / "questionnaires"


@dataclass(frozen=True)
class Entry:
    questionnaire: Questionnaire
    path: Path
    hash: str
    source: str


@lru_cache(maxsize=64)
def _load_cached(raw: bytes, filename: str) -> Questionnaire:
    return load_questionnaire(raw, filename)


def load_source(raw: bytes, filename: str) -> Entry:
    """Load a questionnaire from bytes (an upload or an embedded copy)."""
    return Entry(_load_cached(raw, filename), Path(filename), questionnaire_hash(raw), raw.decode("utf-8-sig"))


def shipped() -> dict[str, Entry]:
    """Every valid questionnaire in the folder, by id (broken files are skipped; see `problems`)."""
    entries: dict[str, Entry] = {}
    folder = questionnaire_dir()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            entry = load_source(path.read_bytes(), str(path))
        except (QuestionnaireError, OSError):
            continue
        entries.setdefault(entry.questionnaire.id, entry)
    return entries


def get(questionnaire_id: str) -> Entry:
    entries = shipped()
    if questionnaire_id not in entries:
        known = ", ".join(sorted(entries)) or "none"
        raise DiagnosisError(f"未知的问卷“{questionnaire_id}”（可用：{known}）", f"unknown questionnaire '{questionnaire_id}' (available: {known})")
    return entries[questionnaire_id]


def title_of(questionnaire_id: str, lang: str) -> str | None:
    """A shipped questionnaire's title in `lang` (what people read instead of its id), None when not shipped."""
    entry = shipped().get(questionnaire_id)
    return tr(entry.questionnaire.title, lang) if entry else None


def problems() -> list[Problem]:
    out: list[Problem] = []
    folder = questionnaire_dir()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            load_source(path.read_bytes(), str(path))
        except QuestionnaireError as exc:
            out.extend(exc.problems)
    return out
