"""A report as format-neutral blocks; every renderer (HTML, PDF, Word, slides, Excel,
Markdown) draws the same document, so the formats never disagree on content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union


@dataclass
class Paragraph:
    text: str
    emphasis: bool = False


@dataclass
class Bullets:
    items: list[str]


@dataclass
class KeyValues:
    """Label/value pairs (cover facts, a measure's details)."""

    pairs: list[tuple[str, str]]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]
    caption: str = ""
    # the Excel sheet this table becomes (None: not exported as a sheet)
    sheet: str | None = None
    # cells of these columns are numbers (right-aligned, typed in Excel)
    numeric: set[int] = field(default_factory=set)
    # rows to highlight (e.g. the vital few, overdue measures)
    highlight: set[int] = field(default_factory=set)


@dataclass
class Figure:
    """A chart or diagram, as SVG (HTML/PDF) and PNG (Word/slides/Markdown)."""

    svg: str
    png: bytes
    caption: str = ""
    name: str = "figure"


@dataclass
class Note:
    """A short line standing in for a section without data."""

    text: str


Block = Union[Paragraph, Bullets, KeyValues, Table, Figure, Note]


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    # sub-sections one level down
    children: list["Section"] = field(default_factory=list)


@dataclass
class Report:
    lang: str
    title: str
    subtitle: str
    organization: str
    date: str
    cover: list[tuple[str, str]]
    sections: list[Section]

    def t(self, zh: str, en: str) -> str:
        return zh if self.lang == "zh" else en

    def walk(self):
        """Every (depth, section) in reading order."""
        stack = [(0, s) for s in reversed(self.sections)]
        while stack:
            depth, section = stack.pop()
            yield depth, section
            stack.extend((depth + 1, c) for c in reversed(section.children))

    def tables(self) -> list[Table]:
        return [b for _, s in self.walk() for b in s.blocks if isinstance(b, Table)]
