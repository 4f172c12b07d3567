"""A report as format-neutral blocks; every renderer (HTML, PDF, Word, slides, Excel,
Markdown) draws the same document, so the formats never disagree on content.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Union

from diagnosis.i18n import pick


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
    # each cell text, a number or a typed `diagnosis.cells.Cell` (a number, percent or date with
    # its format): documents show `str(cell)`, the Excel sheet keeps the value with its number format
    rows: list[list[Any]]
    caption: str = ""
    # the Excel sheet this table becomes (None: not exported as a sheet)
    sheet: str | None = None
    # these columns hold numbers: right-aligned
    numeric: set[int] = field(default_factory=set)
    # rows to highlight (e.g. the vital few, overdue measures)
    highlight: set[int] = field(default_factory=set)
    # False: a wide data table that goes to Excel only (documents show a readable summary)
    in_document: bool = True


class Figure:
    """A chart or diagram, as SVG (HTML/PDF) and PNG (Word/slides); each is made only when
    a renderer first asks for it, since converting a chart costs a few hundred ms."""

    def __init__(self, svg: Callable[[], str] | str, png: Callable[[], bytes] | bytes, caption: str = "", name: str = "figure", wide: bool = False,
                 spec: dict[str, Any] | None = None):
        self._svg, self._png = svg, png
        self.caption, self.name = caption, name
        # a wide figure (the fishbone) gets a landscape page in print
        self.wide = wide
        # a chart's Vega-Lite spec (None for a diagram): a renderer may lay it out anew (the slides' grids)
        self.spec = spec

    @property
    def svg(self) -> str:
        if callable(self._svg):
            self._svg = self._svg()
        return self._svg

    @property
    def png(self) -> bytes:
        if callable(self._png):
            self._png = self._png()
        return self._png


def prefetch(figures: Iterable[Any], kind: str) -> None:
    """Make the `kind` ("svg" or "png") of these figures now, two or more at a time: graphviz draws
    each diagram in a process of its own, so on several cores the diagrams (the large fishbone's
    detail pages) are drawn beside each other and beside the charts (vl-convert holds Python's lock
    while it converts: charts do not overlap each other). A renderer calls it with every figure it
    is about to draw; an error is raised here as it would be there."""
    todo = list({id(f): f for f in figures if isinstance(f, Figure) and callable(getattr(f, f"_{kind}"))}.values())
    workers = min(len(todo), os.cpu_count() or 1, 4)
    if workers < 2:
        return
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda figure: getattr(figure, kind), todo))


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
    # the slide deck's outline (`diagnosis.report.slides.Deck`), worked out when slides are asked for;
    # None: the slides show a slide per section
    deck: Any = None

    def t(self, zh: str, en: str) -> str:
        return pick(self.lang, zh, en)

    def walk(self):
        """Every (depth, section) in reading order."""
        stack = [(0, s) for s in reversed(self.sections)]
        while stack:
            depth, section = stack.pop()
            yield depth, section
            stack.extend((depth + 1, c) for c in reversed(section.children))

    def tables(self) -> list[Table]:
        return [b for _, s in self.walk() for b in s.blocks if isinstance(b, Table)]

    def figures(self) -> list[Figure]:
        return [b for _, s in self.walk() for b in s.blocks if isinstance(b, Figure)]
