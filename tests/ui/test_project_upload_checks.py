"""Uploading a project file runs the consistency checks of `check-project` (issue 13 item 6)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from diagnosis.demo import demo_project
from diagnosis.project import dumps
from ui.projects import UPLOAD


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.run()
    uploader = next(u for u in at.get("file_uploader") if u.key == UPLOAD)
    return uploader.set_value((name, content, "application/x-yaml")).run()


def line_of(text: str, needle: str) -> int:
    return next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)


def test_an_uploaded_file_with_two_causes_of_one_id_is_refused_with_the_line(app, store):
    text = dumps(demo_project("zh")).replace("  - id: c02\n", "  - id: c01\n", 1)
    at = upload(app, "dup.diagnosis.yaml", text.encode())
    assert not at.exception
    assert at.error[0].value.startswith("无法打开")
    line = [n for n, row in enumerate(text.splitlines(), 1) if row == "  - id: c01"][1]
    assert at.code[0].value == f"dup.diagnosis.yaml:{line}:9: duplicate cause id 'c01' (first used at line {line_of(text, '  - id: c01')})"
    assert store.head("demo") is None


def test_an_uploaded_file_with_a_check_in_of_a_missing_measure_opens_with_the_warning_as_plain_text(app, store):
    hostile = "[Sign in](http://evil.invalid/login)"
    text = dumps(demo_project("zh")).replace("  measure: m01\n", f"  measure: '{hostile}'\n", 1)
    at = upload(app, "p.diagnosis.yaml", text.encode())
    assert not at.exception
    warning = at.warning[0].value
    assert f"p.diagnosis.yaml:{line_of(text, hostile)}:12: check-in 'k01' is about measure" in warning.replace("\\", "")
    assert "](http" not in warning  # the file's text is shown, never a live link
    assert store.head("demo") is not None
