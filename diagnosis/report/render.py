"""Renderers: one function per format, all drawing the same `Report`.

HTML is one self-contained file (figures inline as SVG); the PDF is printed from it by
WeasyPrint (A4, CJK fonts embedded, page numbers, table of contents with page numbers).
Word, slides and Excel are real documents of their kind, editable by the consultant.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import re
import threading
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from diagnosis.report.document import Bullets, Figure, KeyValues, Note, Paragraph, Report, Table, prefetch
from diagnosis.text import clean_data

CJK_FONT = "Noto Sans CJK SC"

def _clean_input(renderer: Callable[..., bytes]) -> Callable[..., bytes]:
    """Every renderer draws a report without control characters, whatever built it: the
    libraries behind them abort (vl-convert) or raise (openpyxl, python-docx) on one."""

    @functools.wraps(renderer)
    def draw(report: Report, *args: Any, **kwargs: Any) -> bytes:
        return renderer(clean_data(report), *args, **kwargs)

    return draw


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("diagnosis.report", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _safe_svg(svg: str) -> Markup:
    """Inline an SVG we generated (graphviz, Vega): drop the XML prolog and anything active."""
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S | re.I)
    svg = re.sub(r"\son[a-z]+\s*=\s*(\"[^\"]*\"|'[^']*')", "", svg, flags=re.I)
    return Markup(svg.strip())


_env.filters["safe_svg"] = _safe_svg


def _svg_data_uri(svg: str) -> str:
    """An SVG we generated as an image address: WeasyPrint reads it with its XML parser and draws it
    as vectors (text stays text), instead of parsing and styling every SVG element as part of the HTML."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(str(_safe_svg(svg)).encode("utf-8")).decode("ascii")


_env.filters["svg_data_uri"] = _svg_data_uri


def _paper(figures: list[Figure]) -> str:
    """The landscape paper of a section with wide figures: the largest any of them needs."""
    from diagnosis.report.figures import WIDE_PAPERS, wide_paper

    names = [name for name, _short, _long in WIDE_PAPERS]
    return max((wide_paper(f.svg) for f in figures), key=names.index, default=names[0])


_env.filters["paper"] = _paper


@_clean_input
def to_html(report: Report, *, for_print: bool = False) -> bytes:
    """The self-contained HTML file (figures inline); `for_print`: the page WeasyPrint prints, whose
    figures are SVG images (the same vectors and text, read several times faster than inline SVG)."""
    prefetch(report.figures(), "svg")
    return _env.get_template("report.html.j2").render(report=report, for_print=for_print).encode("utf-8")


_gc_pauses = {"depth": 0, "was_enabled": True}
_gc_lock = threading.Lock()


@contextlib.contextmanager
def _cyclic_gc_paused():
    """Python's cycle collector off meanwhile (reference counting still frees nearly everything).
    WeasyPrint allocates millions of small objects for a long report, each batch of which starts
    a collection that walks the heap: about a sixth of the large report's PDF time (13.6-13.7 s
    instead of 15.5-16.2 s CPU, alternate runs), for about 2 % more peak memory. The collector is
    process-wide: it is on again when the last of the PDFs being printed at once is done."""
    with _gc_lock:
        if _gc_pauses["depth"] == 0:
            _gc_pauses["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pauses["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses["depth"] -= 1
            if _gc_pauses["depth"] == 0 and _gc_pauses["was_enabled"]:
                gc.enable()


@_clean_input
def to_pdf(report: Report) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    page = to_html(report, for_print=True).decode("utf-8")
    with _cyclic_gc_paused():
        return HTML(string=page).write_pdf()


# --- Markdown -----------------------------------------------------------------------------------


def _md_escape(text: Any) -> str:
    text = "" if text is None else str(text)
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*_\[\]<>|#])", r"\\\1", text)
    return text.replace("\r", "").replace("\n", "<br>")


@_clean_input
def to_markdown(report: Report, figure_links: dict[int, str] | None = None) -> bytes:
    out = [f"# {_md_escape(report.title)}", "", f"*{_md_escape(report.subtitle)}*", ""]
    out += [f"- **{_md_escape(k)}**: {_md_escape(v)}" for k, v in report.cover] + [""]
    for depth, section in report.walk():
        out += [f"{'#' * (depth + 2)} {_md_escape(section.title)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [f"**{_md_escape(block.text)}**" if block.emphasis else _md_escape(block.text), ""]
            elif isinstance(block, Note):
                out += [f"_{_md_escape(block.text)}_", ""]
            elif isinstance(block, Bullets):
                out += [f"- {_md_escape(i)}" for i in block.items] + [""]
            elif isinstance(block, KeyValues):
                out += [f"- **{_md_escape(k)}**: {_md_escape(v)}" for k, v in block.pairs] + [""]
            elif isinstance(block, Table) and block.in_document:
                if block.caption:
                    out += [f"**{_md_escape(block.caption)}**", ""]
                out.append("| " + " | ".join(_md_escape(c) for c in block.columns) + " |")
                out.append("|" + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.columns))) + "|")
                out += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in block.rows]
                out.append("")
            elif isinstance(block, Figure):
                out += [f"*{_md_escape(block.caption or block.name)}* ({_md_escape(block.name)}.svg)", ""]
    return "\n".join(out).encode("utf-8")


# --- Word ---------------------------------------------------------------------------------------


@_clean_input
def to_docx(report: Report) -> bytes:
    from diagnosis.report.word import to_docx as draw  # python-docx loads only when Word is asked for

    return draw(report)


# --- slides -------------------------------------------------------------------------------------


@_clean_input
def to_pptx(report: Report) -> bytes:
    from diagnosis.report.slides import draw  # python-pptx loads only when slides are asked for

    return draw(report)


# --- Excel --------------------------------------------------------------------------------------

@_clean_input
def to_xlsx(report: Report) -> bytes:
    """One sheet per table that names one (`Table.sheet`), written by `spreadsheet.write_sheet`."""
    from openpyxl import Workbook

    from diagnosis.spreadsheet import save, write_sheet

    wb = Workbook()
    wb.remove(wb.active)
    for table in report.tables():
        if table.sheet:
            taken = wb.sheetnames
            write_sheet(wb.create_sheet(), table.columns, table.rows, title=table.sheet, highlight=table.highlight, taken=taken)
    if not wb.sheetnames:
        wb.create_sheet(report.t("说明", "About")).append([report.t("尚无数据", "No data yet")])
    return save(wb)


FORMATS: dict[str, tuple[Callable[[Report], bytes], str, str]] = {
    # name: (renderer, file suffix, MIME type)
    "html": (to_html, ".html", "text/html"),
    "pdf": (to_pdf, ".pdf", "application/pdf"),
    "docx": (to_docx, ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pptx": (to_pptx, ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "xlsx": (to_xlsx, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": (to_markdown, ".md", "text/markdown"),
}
