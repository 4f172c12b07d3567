"""How wide a text is, for laying out tables in Word and in the slides: a CJK (or full-width)
character counts as two Latin ones. A leaf: it imports nothing of the report.
"""

from __future__ import annotations

import re
from typing import Any, Sequence


def text_width(value: Any) -> int:
    """The text's width in half-width characters (a CJK or full-width character counts 2)."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(value))


def longest_token(value: Any) -> int:
    """The longest run that cannot break across lines (a date, a number, a Latin word)."""
    return max((len(t) for t in re.findall(r"[\x21-\x7e]+", str(value))), default=0)


def column_widths(columns: Sequence[Any], rows: Sequence[Sequence[Any]], total: int, char: int, padding: int,
                  header_share: float = 1.0) -> list[int]:
    """Widths that fill `total`: each column first gets room for its longest unbreakable token
    (at least 4 characters, at most 12) of `char` each plus `padding`, the rest is shared in
    proportion to each column's longest text (a CJK character counts twice, at most 30; the
    header's length times `header_share`, below 1 where a header may take two lines)."""
    floors, weights = [], []
    for c, name in enumerate(columns):
        cells = [name, *(row[c] for row in rows[:200] if c < len(row) and row[c] is not None)]
        floor = min(12, max(4, *(longest_token(v) for v in cells)))
        floors.append(int(floor * char + padding))
        longest = max([text_width(name) * header_share, *(text_width(v) for v in cells[1:])])
        weights.append(max(1, min(30, longest) - floor))
    rest = max(0, total - sum(floors))
    return [f + int(rest * w / sum(weights)) for f, w in zip(floors, weights)]
