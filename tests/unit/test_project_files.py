"""Project files: round trip, migration, checks against the questionnaire, atomic saves."""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnosis.errors import ProjectFileError, UnsupportedVersion
from diagnosis.project import Cause, CheckIn, Measure, Project, dumps, load_project, new_project, save_project
from diagnosis.project import files
from diagnosis.project.files import atomic_write
from diagnosis.project.model import MetricValue
from tests.conftest import DATA, ROOT

# control characters are dropped on load by policy (see diagnosis.text): a round trip keeps every other text
PRINTABLE = st.characters(exclude_categories=("Cc", "Cs"), exclude_characters="\ufffe\uffff", include_characters="\t\n")


@pytest.fixture(autouse=True)
def test_questionnaires(monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_QUESTIONNAIRES", str(DATA / "questionnaires"))


def make_project(**answers) -> Project:
    project = new_project("all_types", title="测试项目 Test", organization="某商城")
    project.answers.update(answers)
    return project


# --- round trip ----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(PRINTABLE, max_size=40),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(PRINTABLE, min_size=1, max_size=8), inner, max_size=4)),
    max_leaves=12,
)
text = st.text(PRINTABLE, max_size=60)
levels = st.sampled_from([None, "high", "medium", "low"])
causes = st.recursive(
    st.builds(Cause, category=st.sampled_from(["people", "machine", "method"]), text=text, frequency=levels, impact=levels,
              value=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
              votes=st.dictionaries(st.text(PRINTABLE, min_size=1, max_size=6), st.integers(0, 9), max_size=3)),
    lambda inner: st.builds(Cause, category=st.just("people"), text=text, children=st.lists(inner, max_size=3)),
    max_leaves=8,
)
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@st.composite
def projects(draw):
    project = make_project()
    project.meta.title = draw(text)
    project.meta.organization = draw(text)
    project.meta.language = draw(st.sampled_from(["zh", "en"]))
    project.answers = draw(st.dictionaries(st.from_regex(r"[a-z_]{1,10}", fullmatch=True), values, max_size=6))
    project.fishbone.problem = draw(text)
    project.fishbone.causes = draw(st.lists(causes, max_size=4))
    project.measures = draw(st.lists(st.builds(Measure, title=text, owner=text, start=st.one_of(st.none(), dates), due=st.one_of(st.none(), dates)), max_size=3))
    project.checkins = draw(st.lists(st.builds(CheckIn, measure=text, date=dates, status=st.sampled_from(["on_track", "late"]), deviation=text), max_size=3))
    project.evaluation.values = draw(st.lists(st.builds(MetricValue, metric=text, checkpoint=st.integers(0, 12), value=st.floats(allow_nan=False, allow_infinity=False)), max_size=3))
    return project


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_loading_a_saved_project_gives_the_same_project(project):
    loaded = load_project(dumps(project).encode("utf-8"), "p.diagnosis.yaml")
    assert loaded.project == project


def test_the_file_is_readable_yaml_with_chinese_kept_as_is(tmp_path):
    project = make_project(name="在线商城", notes="第一行\n第二行")
    path = tmp_path / "p.diagnosis.yaml"
    save_project(project, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("format: process-diagnosis-project\nformat_version: 3\n")
    assert "在线商城" in text
    assert "notes: |-\n    第一行\n    第二行" in text


def test_json_project_files_are_accepted():
    project = make_project(name="JSON")
    raw = json.dumps(project.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")
    assert load_project(raw, "p.json").project == project


# --- problems ------------------------------------------------------------------------------------


def test_answers_to_questions_that_no_longer_exist_are_kept_and_reported():
    project = make_project(name="Shop", removed_question="still here")
    loaded = load_project(dumps(project).encode(), "p.yaml")
    assert loaded.project.answers["removed_question"] == "still here"
    assert [str(w) for w in loaded.warnings] == [
        f"p.yaml:{dumps(project).splitlines().index('  removed_question: still here') + 1}:3: answer to unknown question 'removed_question' (kept, not shown)"
    ]


def test_an_answer_of_the_wrong_shape_is_reported_with_its_path():
    loaded = load_project(dumps(make_project(agents="many", channel="fax")).encode(), "p.yaml")
    messages = sorted(w.message for w in loaded.warnings)
    assert messages == [
        "answer does not fit question 'agents' (integer): Enter a number",
        "answer does not fit question 'channel' (single_choice): Not one of the options",
    ]


def test_structural_problems_are_all_listed_with_their_lines():
    text = dumps(make_project()).replace("  title: 测试项目 Test\n", "  title: 测试项目 Test\n  colour: red\n")
    text = text.replace("language: zh", "language: fr")
    with pytest.raises(ProjectFileError) as info:
        load_project(text.encode(), "p.yaml")
    lines = [str(p) for p in info.value.problems]
    assert any(line.startswith("p.yaml:") and "unknown key 'colour'" in line for line in lines)
    assert any("'zh' or 'en'" in line for line in lines)


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "not a process-diagnosis project file"),
        (b"title: a shopping list\n", "not a process-diagnosis project file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"format: process-diagnosis-project\nformat_version: 2\nmeta: {title: [\n", "YAML syntax error"),
        (b"format: process-diagnosis-project\nformat_version: two\n", "must be a whole number"),
    ],
)
def test_a_corrupt_or_foreign_file_gets_a_clear_error(raw, message):
    with pytest.raises(ProjectFileError, match=message):
        load_project(raw, "x.yaml")


def test_a_file_from_a_newer_version_is_refused():
    text = dumps(make_project()).replace("format_version: 3", "format_version: 99")
    with pytest.raises(UnsupportedVersion, match="newer version.*format 99"):
        load_project(text.encode(), "p.yaml")


def test_a_format_1_file_is_migrated():
    old = (DATA / "projects" / "format1.diagnosis.yaml").read_bytes()
    loaded = load_project(old, "old.yaml")
    assert loaded.project.format_version == 3
    assert loaded.project.meta.title == "旧项目 Old project"
    assert loaded.project.meta.language == "en"
    assert loaded.project.answers == {"name": "Old shop", "frt": 4.5, "plan_start": "2025-09-01"}
    assert any("migrated from format 1" in w.message for w in loaded.warnings)


def test_an_unknown_questionnaire_is_a_clear_error():
    text = dumps(make_project()).replace("id: all_types", "id: no_such_questionnaire")
    with pytest.raises(Exception, match="unknown questionnaire 'no_such_questionnaire'"):
        load_project(text.encode(), "p.yaml")


# --- saving --------------------------------------------------------------------------------------


def test_saving_keeps_the_previous_file_as_backup(tmp_path):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="first"), path)
    save_project(make_project(name="second"), path)
    assert "second" in path.read_text(encoding="utf-8")
    assert "first" in (tmp_path / "p.diagnosis.yaml.bak").read_text(encoding="utf-8")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="kept"), path)

    class Boom:
        def __len__(self):
            return 1

    with pytest.raises(TypeError):
        atomic_write(path, Boom())  # type: ignore[arg-type]
    assert "kept" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.diagnosis.yaml"]


def _leftover(folder, name, age_seconds):
    path = folder / name
    path.write_bytes(b"half a file")
    old = time.time() - age_seconds
    os.utime(path, (old, old))
    return path


def test_the_next_save_removes_temporary_files_left_by_killed_or_failed_saves_of_that_file(tmp_path):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="first"), path)
    _leftover(tmp_path, ".p.diagnosis.yaml.ab12cd_9.tmp", 60)  # a save killed before its rename
    _leftover(tmp_path, ".p.diagnosis.yaml.bak.zz34yy56.tmp", 60)  # a backup copy cut by a full disk
    save_project(make_project(name="second"), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.diagnosis.yaml", "p.diagnosis.yaml.bak"]
    assert "second" in path.read_text(encoding="utf-8")


def test_temporary_files_of_a_live_save_a_fresh_one_and_other_files_temporaries_are_left_alone(tmp_path):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="first"), path)
    fresh = _leftover(tmp_path, ".p.diagnosis.yaml.fresh123.tmp", 0)  # may be a save that just began
    held = _leftover(tmp_path, ".p.diagnosis.yaml.held1234.tmp", 60)  # a slow save still writing
    other = _leftover(tmp_path, ".q.diagnosis.yaml.other123.tmp", 60)  # another file's
    with open(held, "rb") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        save_project(make_project(name="second"), path)
        assert held.exists()
    assert fresh.exists() and other.exists()
    # once the slow save is gone (its lock with it) and the fresh one is old, the next save removes them
    os.utime(fresh, (time.time() - 60,) * 2)
    save_project(make_project(name="third"), path)
    assert not held.exists() and not fresh.exists() and other.exists()


STUCK_SAVE = '''
import os, sys, time
from diagnosis.project import files
os.fsync = lambda fd: time.sleep(600)  # the save stops after writing, before its rename
files.atomic_write(sys.argv[1], b"from the other process", backup=False)
'''


def test_a_save_in_another_process_keeps_its_temporary_file_until_that_process_is_killed(tmp_path):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="first"), path)
    other = subprocess.Popen([sys.executable, "-c", STUCK_SAVE, str(path)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        # written (so locked: the lock is taken before the first byte) and stuck before its rename
        while not (temporaries := [p for p in tmp_path.iterdir() if p.name.endswith(".tmp") and p.stat().st_size]):
            assert time.monotonic() < deadline and other.poll() is None
            time.sleep(0.05)
        assert len(temporaries) == 1
        os.utime(temporaries[0], (time.time() - 60,) * 2)  # old enough to be stale, but held
        save_project(make_project(name="second"), path)
        assert temporaries[0].exists()
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    save_project(make_project(name="third"), path)  # the killed save's lock went with it
    assert not temporaries[0].exists()
    assert "third" in path.read_text(encoding="utf-8")


def test_a_full_disk_during_the_backup_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="kept"), path)
    save_project(make_project(name="kept"), path)
    fsync = os.fsync
    calls = []

    def full(fd):
        calls.append(fd)
        if len(calls) == 2:  # the first fsync is the new file's, the second the backup copy's
            raise OSError(errno.ENOSPC, "No space left on device")
        fsync(fd)

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        save_project(make_project(name="lost"), path)
    assert "kept" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.diagnosis.yaml", "p.diagnosis.yaml.bak"]


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600])
def test_the_backup_gets_the_files_own_mode(tmp_path, mode):
    path = tmp_path / "p.diagnosis.yaml"
    save_project(make_project(name="first"), path)
    os.chmod(path, mode)
    save_project(make_project(name="second"), path)
    assert os.stat(tmp_path / "p.diagnosis.yaml.bak").st_mode & 0o777 == mode
    assert os.stat(path).st_mode & 0o777 == mode


def test_a_new_project_starts_with_the_questionnaire_defaults():
    project = new_project("all_types")
    assert project.answers == {"agents": 10}
    assert project.questionnaire.hash.startswith("sha256:")
