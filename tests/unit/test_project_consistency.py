"""A project file that does not hold together is reported where it is written (issue 13 item 6).

Each `tests/data/inconsistent/NAME.diagnosis.yaml` differs from a small valid project in one
way; `NAME.expected` holds what loading it reports, one `FILE:LINE:COLUMN: message` per line:
the errors that refuse the file, or, when it opens, its warnings.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from diagnosis.errors import ProjectFileError
from diagnosis.project import Cause, load_project
from diagnosis.project.model import MAX_VOTES
from diagnosis.questionnaire import questionnaire_hash
from tests.conftest import DATA

CASES = sorted((DATA / "inconsistent").glob("*.diagnosis.yaml"))
REFUSED = {"duplicate_cause_id", "duplicate_measure_id", "negative_votes", "absurd_votes", "progress_over_100",
           "not_finite_numbers", "data_block_garbage"}  # fmt: skip


@pytest.fixture(autouse=True)
def test_questionnaires(monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_QUESTIONNAIRES", str(DATA / "questionnaires"))


def name_of(path: Path) -> str:
    return path.name.removesuffix(".diagnosis.yaml")


def expected(path: Path) -> list[str]:
    text = (path.parent / f"{name_of(path)}.expected").read_text(encoding="utf-8")
    current = questionnaire_hash((DATA / "questionnaires" / "all_types.yaml").read_bytes())
    return text.replace("{all_types_hash}", current).splitlines()


def test_every_inconsistency_of_the_issue_has_its_file():
    assert {name_of(p) for p in CASES} == REFUSED | {
        "measure_missing_cause", "confirmed_missing_cause", "checkin_missing_measure", "votes_over_limit",
        "due_before_start", "junk_table_rows", "questionnaire_changed"}  # fmt: skip


@pytest.mark.parametrize("path", CASES, ids=name_of)
def test_an_inconsistent_project_file_is_reported_line_by_line(path: Path, monkeypatch):
    monkeypatch.chdir(path.parent)
    if name_of(path) in REFUSED:
        with pytest.raises(ProjectFileError) as info:
            load_project(path.name)
        got = [str(p) for p in info.value.problems]
    else:
        got = [str(w) for w in load_project(path.name).warnings]
    assert got == expected(path)
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in got)


def test_the_base_of_the_inconsistent_files_is_itself_clean(monkeypatch):
    text = (DATA / "inconsistent" / "duplicate_cause_id.diagnosis.yaml").read_text(encoding="utf-8")
    assert load_project(text.replace("{id: c1, category: machine", "{id: c3, category: machine").encode(), "p.yaml").warnings == []


def test_check_project_prints_the_warnings_and_exits_1():
    from tests.conftest import run_cli

    path = DATA / "inconsistent" / "measure_missing_cause.diagnosis.yaml"
    result = run_cli("check-project", str(path))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{DATA / 'inconsistent'}/{line}" for line in expected(path)]


def test_the_model_itself_refuses_impossible_votes():
    from pydantic import ValidationError

    for votes in ({"ann": -1}, {"ann": MAX_VOTES + 1}):
        with pytest.raises(ValidationError):
            Cause(category="people", text="x", votes=votes)
    assert Cause(category="people", text="x", votes={"ann": MAX_VOTES}).vote_total == 1_000_000


def test_an_embedded_questionnaire_is_not_reported_as_changed_for_its_hash(monkeypatch):
    # the store normalizes the embedded text (line ends): its hash no longer matches the upload's bytes
    source = (DATA / "questionnaires" / "all_types.yaml").read_text(encoding="utf-8")
    path = DATA / "inconsistent" / "questionnaire_changed.diagnosis.yaml"
    text = path.read_text(encoding="utf-8").replace('version: "0.9"', 'version: "1"')
    data = yaml.safe_load(text)
    data["questionnaire"]["source"] = source
    assert load_project(yaml.safe_dump(data, allow_unicode=True).encode(), "p.yaml").warnings == []
