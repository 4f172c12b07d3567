"""A refusal of the core is written once, in both languages, and each reader gets theirs (issue 12 item 14)."""

from __future__ import annotations

import ast
import re

import pytest

from diagnosis import fishbone as fb
from diagnosis import sharing, tracking
from diagnosis.demo import demo_project
from diagnosis.errors import DiagnosisError, InvalidFile, Problem
from diagnosis.i18n import system_language
from diagnosis.project.model import CheckIn
from tests.conftest import ROOT, run_cli

# the modules whose refusals reach a page: each one is raised with its Chinese and its English
USER_FACING = [
    "fishbone.py", "tracking.py", "sharing.py", "merge.py", "metric_definitions.py", "pareto.py", "spc.py", "catalog.py",
    "signing.py", "access.py", "store/__init__.py", "store/revisions.py", "tickets/flow.py", "tickets/reader.py",
    "tickets/analyze.py", "tickets/clean.py", "tickets/fields.py", "diagram.py", "report/__init__.py", "cli/kpi.py",
]
CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_MESSAGES = {"InvalidFile", "ProjectFileError", "QuestionnaireError", "YamlProblems", "ConflictError", "ProjectExists"}


def test_an_error_gives_the_text_of_each_language_and_its_english_as_str():
    exc = DiagnosisError("原因需要填写文字", "a cause needs a text")
    assert (exc.text("zh"), exc.text("en"), str(exc)) == ("原因需要填写文字", "a cause needs a text", "a cause needs a text")
    one = DiagnosisError("graphviz: syntax error")
    assert one.text("zh") == one.text("en") == str(one) == "graphviz: syntax error"
    located = InvalidFile([Problem("q.yaml", "unknown key", 3, 1)])
    assert located.text("zh") == str(located) == "q.yaml:3:1: unknown key"


@pytest.mark.parametrize("name", USER_FACING)
def test_every_refusal_of_a_module_a_page_calls_is_written_in_chinese_and_english(name):
    tree = ast.parse((ROOT / "diagnosis" / name).read_text(encoding="utf-8"))
    raised = [node.exc for node in ast.walk(tree) if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)]
    raised += [node.value for node in ast.walk(tree) if isinstance(node, ast.Return) and isinstance(node.value, ast.Call)
               and getattr(node.value.func, "id", "").endswith(("Error", "NotFound"))]  # helpers that make one
    one_language = []
    for call in raised:
        kind = getattr(call.func, "id", None) or getattr(call.func, "attr", "")
        if not (kind.endswith(("Error", "Cause", "NotFound", "Reached", "Revoked", "Misconfigured", "ToUndo")) and kind not in NOT_MESSAGES):
            continue
        if kind in {"ValueError", "TypeError", "KeyError", "AssertionError", "PatternError"}:
            continue
        texts = [ast.unparse(arg) for arg in call.args]
        if len(texts) < 2 or not CJK.search(texts[0]):
            one_language.append(f"line {call.lineno}: {ast.unparse(call)[:90]}")
    assert not one_language, "\n".join(one_language)


def test_the_cores_refusals_read_in_each_language():
    project = demo_project("zh")
    with pytest.raises(fb.InvalidCause) as empty:
        fb.add_cause(project.fishbone, "  ", "people")
    assert (empty.value.text("zh"), empty.value.text("en")) == ("原因需要填写文字", "a cause needs a text")
    with pytest.raises(DiagnosisError) as missing:
        tracking.record_checkin(project, CheckIn(measure="gone", date="2025-09-01", progress=10, status="on_track"))
    assert "找不到措施" in missing.value.text("zh") and "no measure with id 'gone'" in missing.value.text("en")
    with pytest.raises(sharing.LinkNotFound) as link:
        sharing.resolve(None, "", "join")
    assert (link.value.text("zh"), link.value.text("en")) == ("链接无效", "no such link")


@pytest.mark.parametrize(("locale", "lang"), [("zh_CN.UTF-8", "zh"), ("zh_TW", "zh"), ("en_US.UTF-8", "en"), ("C.UTF-8", "en"), ("", "en")])
def test_the_command_line_speaks_the_language_of_the_shells_locale(monkeypatch, locale, lang):
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", locale)
    assert system_language() == lang


def test_a_command_line_refusal_is_chinese_in_a_chinese_shell(monkeypatch, tmp_path):
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    result = run_cli("kpi", tmp_path / "missing.csv")
    assert result.returncode == 1 and "错误" in result.stderr and "文件不存在" in result.stderr
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    result = run_cli("kpi", tmp_path / "missing.csv")
    assert result.returncode == 1 and "error: " in result.stderr and "no such file" in result.stderr
