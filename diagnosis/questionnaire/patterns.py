"""User-authored `pattern` regular expressions, matched in linear time.

A questionnaire author writes `pattern`s; Python's `re` backtracks, so `(a+)+$` against 30
characters takes minutes and holds the GIL (every session of the server freezes). These
patterns are therefore run by RE2 (the `google-re2` package), whose matching time is linear
in the text. RE2 has no backreferences (`\\1`) nor look-around (`(?=`, `(?<!`) and caps a
repetition at 1000: a questionnaire using them is refused when it loads, as a located
problem. `\\uXXXX` escapes (Python syntax) are accepted and translated.

An answer checked against a pattern is at most `MAX_TEXT_ANSWER` characters (longer answers
are reported as too long, whatever the questionnaire says).
"""

from __future__ import annotations

import functools
import re

import re2

# longest text answer the app accepts (characters); a question's max_length may lower it
MAX_TEXT_ANSWER = 20_000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # RE2 would print its own copy of the error on stderr
_OPTIONS.max_mem = 8 << 20

# \uXXXX / \UXXXXXXXX not preceded by an escaped backslash: RE2 writes them \x{...}
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))")


class PatternError(ValueError):
    """A pattern that cannot be used; the message says why."""


def _re2_syntax(pattern: str) -> str:
    return _UNICODE_ESCAPE.sub(lambda m: f"{m.group(1)}\\x{{{m.group(2) or m.group(3)}}}", pattern)


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> "re2._Regexp":
    """The compiled pattern, or `PatternError` (bad syntax, or a feature RE2 does not have)."""
    try:
        re.compile(pattern)  # compiling never backtracks; its messages are the familiar ones
    except re.error as exc:
        raise PatternError(f"invalid regular expression: {exc}") from None
    except (RecursionError, OverflowError):
        raise PatternError("invalid regular expression: too complex") from None
    try:
        return re2.compile(_re2_syntax(pattern), options=_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PatternError(
            f"regular expression not supported ({reason}): patterns run with RE2, in linear time; "
            "backreferences, look-around and repetitions over 1000 are not available"
        ) from None


def matches(pattern: str, text: str) -> bool:
    """`text` matches all of `pattern` (a pattern that cannot be used matches nothing)."""
    try:
        compiled = compile_pattern(pattern)
    except PatternError:
        return False
    return compiled.fullmatch(text) is not None
