"""Renderers: one function per format, all drawing the same `Report`.

HTML is one self-contained file (figures inline as SVG); the PDF is printed from it by
WeasyPrint (A4, CJK fonts embedded, page numbers, table of contents with page numbers).
Word, slides and Excel are real documents of their kind, editable by the consultant.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from diagnosis.spreadsheet import neutralize as safe_cell
from diagnosis.report.document import Bullets, Figure, KeyValues, Note, Paragraph, Report, Table
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


def _paper(figures: list[Figure]) -> str:
    """The landscape paper of a section with wide figures: the largest any of them needs."""
    from diagnosis.report.figures import WIDE_PAPERS, wide_paper

    names = [name for name, _short, _long in WIDE_PAPERS]
    return max((wide_paper(f.svg) for f in figures), key=names.index, default=names[0])


_env.filters["paper"] = _paper


@_clean_input
def to_html(report: Report) -> bytes:
    return _env.get_template("report.html.j2").render(report=report).encode("utf-8")


@_clean_input
def to_pdf(report: Report) -> bytes:
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=to_html(report).decode("utf-8")).write_pdf()


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
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    width, height = prs.slide_width, prs.slide_height

    def style_text(frame: Any, size: int = 14) -> None:
        for paragraph in frame.paragraphs:
            for run in paragraph.runs:
                run.font.name = CJK_FONT
                run.font.size = Pt(size)

    title_slide = prs.slides.add_slide(prs.slide_layouts[0])
    title_slide.shapes.title.text = report.title
    title_slide.placeholders[1].text = "\n".join([report.subtitle, *[f"{k}: {v}" for k, v in report.cover]])
    style_text(title_slide.shapes.title.text_frame, 32)
    style_text(title_slide.placeholders[1].text_frame, 16)

    def new_slide(title: str) -> Any:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        slide.shapes.title.text = title
        style_text(slide.shapes.title.text_frame, 26)
        return slide

    top = Inches(1.4)
    for _, sec in report.walk():
        blocks = [b for b in sec.blocks if not (isinstance(b, Table) and not b.in_document)]
        if not blocks:
            # a section made only of sub-sections opens with a divider slide
            new_slide(sec.title)
            continue
        slide = new_slide(sec.title)
        y = top
        for block in blocks:
            remaining = height - y - Inches(0.3)
            if remaining < Inches(0.8):
                slide = new_slide(sec.title + " " + report.t("（续）", "(cont.)"))
                y, remaining = top, height - top - Inches(0.3)
            if isinstance(block, Figure):
                from PIL import Image

                with Image.open(io.BytesIO(block.png)) as image:
                    w, h = image.size
                box_w, box_h = width - Inches(1), remaining
                scale = min(box_w / w, box_h / h)
                pic_w, pic_h = int(w * scale), int(h * scale)
                slide.shapes.add_picture(io.BytesIO(block.png), int((width - pic_w) / 2), y, pic_w, pic_h)
                y += Emu(pic_h) + Inches(0.1)
            elif isinstance(block, Table):
                rows = block.rows[:12]
                shape = slide.shapes.add_table(len(rows) + 1, len(block.columns), Inches(0.5), y, width - Inches(1), Inches(0.35) * (len(rows) + 1))
                table = shape.table
                for c, name in enumerate(block.columns):
                    table.cell(0, c).text = str(name)
                for r, row in enumerate(rows, start=1):
                    for c, value in enumerate(row):
                        table.cell(r, c).text = "" if value is None else str(value)
                for r in range(len(rows) + 1):
                    for c in range(len(block.columns)):
                        style_text(table.cell(r, c).text_frame, 11)
                y += Inches(0.35) * (len(rows) + 1) + Inches(0.2)
                if len(block.rows) > len(rows):
                    more = report.t(f"另有 {len(block.rows) - len(rows)} 行见报告", f"{len(block.rows) - len(rows)} more rows in the report")
                    box = slide.shapes.add_textbox(Inches(0.5), y, width - Inches(1), Inches(0.4))
                    box.text_frame.text = more
                    style_text(box.text_frame, 11)
                    y += Inches(0.45)
            else:
                lines: list[str]
                if isinstance(block, (Paragraph, Note)):
                    lines = [block.text]
                elif isinstance(block, Bullets):
                    lines = [f"• {i}" for i in block.items]
                else:
                    lines = [f"{k}: {v}" for k, v in block.pairs]  # type: ignore[union-attr]
                box_h = min(remaining, Inches(0.32) * max(1, len(lines)) + Inches(0.2))
                box = slide.shapes.add_textbox(Inches(0.5), y, width - Inches(1), box_h)
                box.text_frame.word_wrap = True
                box.text_frame.text = "\n".join(lines)
                style_text(box.text_frame, 14)
                y += box_h + Inches(0.1)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --- Excel --------------------------------------------------------------------------------------

def _typed(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.replace(",", "")
        if re.fullmatch(r"-?\d+(\.\d+)?", stripped):
            return float(stripped) if "." in stripped else int(stripped)
    return safe_cell(value)


@_clean_input
def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in report.tables():
        if not table.sheet:
            continue
        name = re.sub(r"[\[\]:*?/\\]", " ", table.sheet)[:31] or "Sheet"
        base, n = name, 2
        while name in used:
            name = f"{base[:28]} {n}"
            n += 1
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append([safe_cell(c) for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE7F3")
        for r, row in enumerate(table.rows):
            ws.append([_typed(v) if i in table.numeric else safe_cell(v) for i, v in enumerate(row)])
            if r in table.highlight:
                for cell in ws[ws.max_row]:
                    cell.fill = PatternFill("solid", fgColor="FFF4E5")
        ws.freeze_panes = "A2"
        if table.rows:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
        for i, col in enumerate(table.columns, start=1):
            longest = max([len(str(col))] + [len(str(row[i - 1])) for row in table.rows[:200] if i - 1 < len(row)])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(10, longest * 1.6))
    if not wb.sheetnames:
        wb.create_sheet(report.t("说明", "About")).append([report.t("尚无数据", "No data yet")])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


FORMATS: dict[str, tuple[Callable[[Report], bytes], str, str]] = {
    # name: (renderer, file suffix, MIME type)
    "html": (to_html, ".html", "text/html"),
    "pdf": (to_pdf, ".pdf", "application/pdf"),
    "docx": (to_docx, ".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pptx": (to_pptx, ".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "xlsx": (to_xlsx, ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "md": (to_markdown, ".md", "text/markdown"),
}
