"""Typed table cells: a value and how it is shown, so that a document shows the text and a
spreadsheet keeps the number (or date) with a number format that shows the same text.

A table's row holds plain text (a `str`) or a `Cell`; `str(cell)` is what every document
(HTML, PDF, Word, slides, Markdown) prints, and `diagnosis.spreadsheet` writes `cell.value`
with `cell.number_format`. Numbers read the same in Chinese and English (thousands with ",",
ISO dates); the words of a missing value (`blank`) are chosen in the report's language when
the cell is made. A leaf: it imports nothing of the program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Union

Number = Union[int, float]


@dataclass(frozen=True, slots=True)
class Cell:
    value: Number | dt.date | None
    # "number", "percent" (`value` a fraction: 0.358 shows "35.8%") or "date"
    kind: str = "number"
    # digits after the point; `trim`: drop the trailing zeros (and the point) as `number` does
    places: int = 2
    trim: bool = True
    thousands: bool = True
    # "+1.5" / "-1.5" / "+0.0"
    signed: bool = False
    # what a missing value shows ("", "—", "n/a")
    blank: str = ""

    # nothing a user typed (`diagnosis.text.clean_data` passes the cell by unchanged)
    HOLDS_NO_USER_TEXT = True  # not a field: no annotation

    # the text, made on first use (a renderer asks several times: widths, then the cell)
    _text: str | None = field(default=None, init=False, repr=False, compare=False)

    def __str__(self) -> str:
        if self._text is None:
            object.__setattr__(self, "_text", self._format())
        return self._text  # type: ignore[return-value]

    def _format(self) -> str:
        value = self.value
        if value is None:
            return self.blank
        if self.kind == "date":
            assert isinstance(value, dt.date)
            return value.isoformat()
        assert isinstance(value, (int, float))
        spec = f"{'+' if self.signed else ''}{',' if self.thousands else ''}.{self.places}f"
        shown: Number | Decimal = value
        if self.kind == "percent" or not _exact(value, self.places):
            # rounded half away from zero on the decimal digits, as a spreadsheet rounds (Python's
            # format rounds 6.25 to "6.2", Excel and Calc show "6.3")
            shown = (Decimal(value) if isinstance(value, int) else Decimal(repr(value))).scaleb(2 if self.kind == "percent" else 0)
            shown = shown.quantize(Decimal(1).scaleb(-self.places), ROUND_HALF_UP)
        text = format(shown, spec)
        if self.trim and "." in text:
            text = text.rstrip("0").rstrip(".")
        return text + ("%" if self.kind == "percent" else "")

    @property
    def number_format(self) -> str:
        """The spreadsheet's number format that shows `str(self)` for `self.value`."""
        if self.kind == "date":
            return "yyyy-mm-dd hh:mm" if isinstance(self.value, dt.datetime) else "yyyy-mm-dd"
        text = str(self)
        decimals = len(text.rstrip("%").partition(".")[2]) if self.value is not None else 0
        body = ("#,##0" if self.thousands else "0") + ("." + "0" * decimals if decimals else "") + ("%" if self.kind == "percent" else "")
        return f"+{body};-{body};+{body}" if self.signed else body


def _exact(value: Number, places: int) -> bool:
    """`value` has at most `places` decimals: formatting it rounds nothing."""
    if isinstance(value, int):
        return True
    text = repr(value)
    return "e" not in text and len(text.partition(".")[2]) <= places  # "nan" and "inf" too, as Python shows them


def number(value: Number | None, places: int = 2, *, trim: bool = True, thousands: bool = True, signed: bool = False,
           blank: str = "") -> Cell:
    """A number: by default thousands separated with at most two decimals ("1,450", "88.5")."""
    return Cell(value, "number", places, trim, thousands, signed, blank)


def fixed(value: Number | None, places: int, *, signed: bool = False, blank: str = "") -> Cell:
    """A number with exactly `places` decimals and no thousands separator, as `f"{x:.1f}"` shows it."""
    return Cell(value, "number", places, False, False, signed, blank)


def percent(fraction: Number | None, places: int = 1, *, signed: bool = False, thousands: bool = True, blank: str = "") -> Cell:
    """A share shown in percent: `percent(0.358)` shows "35.8%" (a spreadsheet keeps 0.358)."""
    return Cell(fraction, "percent", places, False, thousands, signed, blank)


def date(value: dt.date | None, blank: str = "") -> Cell:
    """A day, ISO ("2025-10-10") in every language."""
    return Cell(value, "date", blank=blank)
