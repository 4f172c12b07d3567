"""Questionnaire `pattern`s run in linear time (RE2); answers have a bounded length."""

from __future__ import annotations

import subprocess
import textwrap

import pytest

from diagnosis.questionnaire.patterns import MAX_TEXT_ANSWER, PatternError, compile_pattern, matches
from diagnosis.questionnaire.rules import validate_answer
from tests.conftest import PYTHON, ROOT


def test_a_catastrophic_pattern_checks_a_long_answer_without_freezing_the_process():
    # in a child process with a hang guard: Python's re needed minutes (doubling per character)
    script = textwrap.dedent(
        """
        from types import SimpleNamespace
        from diagnosis.questionnaire.rules import validate_answer
        q = SimpleNamespace(type="text", required=False, min_length=None, max_length=None, pattern="(a+)+$",
                            pattern_message=None)
        print(validate_answer(q, "a" * 40 + "!"))
        """
    )
    done = subprocess.run([PYTHON, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Wrong format" in done.stdout


def test_patterns_keep_their_meaning_for_ordinary_answers():
    assert matches(r"^[A-Z]{2,6}-[0-9]{2,4}$", "CS-123")
    assert not matches(r"[A-Z]{2}-[0-9]{3}", "CS-1234")  # the whole answer must match
    assert matches(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "a@b.cn")
    assert matches(r"[\u4e00-\u9fff]+", "中文")  # Python's \u escapes are accepted
    assert not matches(r"\\u0041", "A") and matches(r"\\u0041", "\\u0041")  # an escaped backslash stays one


@pytest.mark.parametrize("pattern, reason", [
    (r"(\w)\1", "invalid escape sequence"),
    (r"(?=a)a", "invalid perl operator"),
    (r"(?<!a)b", "invalid perl operator"),
    (r"a{2000}", "invalid repetition size"),
])
def test_a_pattern_re2_cannot_run_is_refused_with_the_reason(pattern, reason):
    with pytest.raises(PatternError, match=reason):
        compile_pattern(pattern)
    assert not matches(pattern, "aa")


def test_a_broken_pattern_keeps_pythons_familiar_message():
    with pytest.raises(PatternError, match="unterminated character set"):
        compile_pattern("[A-Z{2")


def test_a_text_answer_longer_than_the_limit_is_reported_whatever_the_questionnaire_allows(all_types):
    question = all_types.question("notes")
    long = "x" * (MAX_TEXT_ANSWER + 1)
    assert {"zh": f"最多 {MAX_TEXT_ANSWER} 个字符", "en": f"At most {MAX_TEXT_ANSWER} characters"} in validate_answer(question, long)
    assert validate_answer(question, "x" * MAX_TEXT_ANSWER) == []
    assert validate_answer(all_types.question("name"), "x" * 21) == [{"zh": "最多 20 个字符", "en": "At most 20 characters"}]
