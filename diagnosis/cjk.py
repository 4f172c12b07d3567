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
    """Breakable units: a Latin word (with its trailing space, or up to its own hyphen), or one wide character."""
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
        elif ch == "-" and word:  # a line may break after a word's own hyphen ("cross-|department")
            tokens.append(word + ch)
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def _cut_word(word: str, width: int) -> list[str]:
    """A word longer than a line in pieces of at most `width` columns, each but the last ending in "-"
    (a letter never ends a line without it; a piece ending in a hyphen of its own gets none)."""
    pieces: list[str] = []
    piece = ""
    rest = word.rstrip()
    for n, ch in enumerate(rest):
        last = n == len(rest) - 1
        room = width if last else width - 1  # keep a column for the hyphen unless this ends the word
        if piece and display_width(piece + ch) > room:
            pieces.append(piece if piece.endswith("-") else piece + "-")
            piece = ""
        piece += ch
    pieces.append(piece + word[len(rest):])
    return pieces


def wrap(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """Lines of at most `width` columns, broken at spaces (Latin) or between wide characters; a word
    longer than a line is cut with a hyphen; a too long result ends in an ellipsis."""
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
            # a word longer than a line (wherever it comes): cut it, each cut marked with a hyphen
            for piece in _cut_word(token, width):
                if line:
                    lines.append(line)
                line = piece
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
