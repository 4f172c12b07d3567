"""Width-aware text wrapping for mixed Chinese / Latin labels (diagrams, charts, tables).

A Chinese character takes about twice the width of a Latin letter, Chinese text breaks
between any two characters while Latin text breaks at spaces, and a line must not start
with closing punctuation (，。、）). Widths are counted in "columns": 2 for wide characters,
1 for the rest, 0 for combining marks.
"""

from __future__ import annotations

import unicodedata

# closing punctuation that must stay on the line before it (simple kinsoku rule)
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…,.;:?!)]}%")
ELLIPSIS = "…"


def char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(ch) for ch in text)


def clean(text: str) -> str:
    """One line of printable text: control characters and line breaks become spaces."""
    out = "".join(" " if (unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\u200d") else ch for ch in str(text))
    return " ".join(out.split())


def _tokens(text: str) -> list[str]:
    """Breakable units: a Latin word (with its trailing space), or one wide character."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if char_width(ch) == 2:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Lines of at most `width` columns; a too long result ends in an ellipsis."""
    width = max(width, 2)
    lines: list[str] = []
    line = ""
    for token in _tokens(clean(text)):
        if line.strip() and display_width(line + token.rstrip()) > width:
            if token[0] in _NO_LINE_START and display_width(line + token.rstrip()) <= width + 2:
                line += token
                continue
            lines.append(line.rstrip())
            line = ""
            token = token.lstrip()
        if not line.strip() and display_width(token.rstrip()) > width:
            # a word longer than a line (wherever it comes): cut it
            for ch in token:
                if display_width(line + ch) > width and line:
                    lines.append(line.rstrip())
                    line = ""
                line += ch
            continue
        line += token
    if line.strip():
        lines.append(line.rstrip())
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and display_width(last + ELLIPSIS) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + ELLIPSIS
    return lines or [""]


def pad(text: str, width: int, right: bool = False) -> str:
    """Pad to `width` columns for a plain-text table."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill
