"""The Word report: a document a consultant edits and sends, not a print-out.

Real heading styles (Heading 1 starts a page, Heading 2/3 below), an automatic table of
contents (a `TOC` field over Heading 1-2, updated by Word when the file opens and by
LibreOffice on conversion), page numbers in the footer (`PAGE` / `NUMPAGES` fields), tables
whose header row repeats on every page (`w:tblHeader`) and whose rows do not split, the East
Asian font set on every run (`w:eastAsia`, else Word falls back to a font without the
glyphs), and the fishbone on a landscape page of a paper size chosen so that its smallest
label prints at 8 pt or more (`figures.smallest_label_pt`, from the SVG's own size).
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from diagnosis.report.widths import column_widths as fit_columns
from diagnosis.report.document import Bullets, Figure, KeyValues, Note, Paragraph, Report, Section, Table, prefetch
from diagnosis.report.figures import MIN_LABEL_PT, WIDE_PAPERS, smallest_label_pt, svg_size_pt

CJK_FONT = "Noto Sans CJK SC"
# the landscape papers a wide figure may get, smallest first (the PDF's: `figures.WIDE_PAPERS`)
PAPERS = tuple((name, Cm(short / 10), Cm(long / 10)) for name, short, long in WIDE_PAPERS)
MARGIN = Cm(2.0)
WIDE_MARGIN = Cm(1.5)
# a wide page also holds the section heading and the caption above and below the figure
WIDE_TEXT_ROOM = Cm(4.0)
FIGURE_WIDTH = Cm(16)
HEADER_FILL, KEY_FILL, HIGHLIGHT_FILL = "DDE7F3", "F2F5F9", "FFF4E5"
SUMMARY_PT = 9  # the executive summary's text, set tighter to hold on one page (the PDF's too)


# --- low-level OOXML helpers -----------------------------------------------------------------------


# the ids of the styles used by name below, in python-docx's own template (`to_docx` reads them):
# set as ids, a paragraph or table skips python-docx's look-up of the name, which scans every
# style of the document each time (a tenth of the large report's Word time)
STYLE_IDS = {"Caption": "Caption", "List Bullet": "ListBullet", "Table Grid": "TableGrid"}


def _styled(doc: Any, text: str, style: str) -> Any:
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = STYLE_IDS[style]
    return paragraph


def _set_fonts(rpr: Any) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), CJK_FONT)


def _style_font(style: Any, lang: str) -> None:
    style.font.name = CJK_FONT
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr)
    language = rpr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        rpr.append(language)
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")


def _every_run_in_cjk_font(root: Any) -> None:
    """`w:eastAsia` on each run, not only on the styles: a run pasted elsewhere keeps it."""
    for run in root.iter(qn("w:r")):
        rpr = run.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            run.insert(0, rpr)
        _set_fonts(rpr)


def _field(paragraph: Any, instruction: str, shown: str = "") -> None:
    """A complex field (`PAGE`, `TOC ...`): begin, instruction, separate, the shown result, end."""

    def char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        if kind == "begin":
            element.set(qn("w:dirty"), "true")  # stale until updated: Word refreshes it on open
        paragraph.add_run()._r.append(element)

    char("begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    paragraph.add_run()._r.append(text)
    char("separate")
    paragraph.add_run(shown)
    char("end")


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flag(row: Any, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


# --- page layout ---------------------------------------------------------------------------------------


def _portrait(section: Any) -> None:
    _, short, long = PAPERS[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = short, long
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = MARGIN


@dataclass(frozen=True)
class WidePlacement:
    """Where a wide figure goes: the paper, its printed width and its smallest label."""

    paper: str
    short: int
    long: int
    width: int  # EMU
    smallest_label_pt: float | None


def place_wide_figure(svg: str) -> WidePlacement:
    """The smallest landscape paper on which the drawing fits with every label at 8 pt or more.

    On each paper the figure is as wide as the page allows (within its height too); a drawing
    that is too big even for the largest paper fills that one and reports its smallest label."""
    size = svg_size_pt(svg)
    aspect = size[1] / size[0] if size and size[0] > 0 else 0.5
    placement = None
    for name, short, long in PAPERS:
        room_w, room_h = long - 2 * WIDE_MARGIN, short - 2 * WIDE_MARGIN - WIDE_TEXT_ROOM
        width = int(min(room_w, room_h / aspect))
        label = smallest_label_pt(svg, Emu(width).pt)
        placement = WidePlacement(name, short, long, width, label)
        if label is None or label >= MIN_LABEL_PT:
            break
    assert placement is not None
    return placement


def _landscape(doc: Any, placement: WidePlacement) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = placement.long, placement.short
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = WIDE_MARGIN


# --- blocks --------------------------------------------------------------------------------------------


def _caption(doc: Any, text: str, keep_with_next: bool) -> None:
    paragraph = _styled(doc, text, "Caption")
    paragraph.paragraph_format.keep_with_next = keep_with_next


def column_widths(block: Table, total: int) -> list[int]:
    """Widths (EMU) that fill the page's text width, fitted to each column's content (`widths.column_widths`)."""
    return fit_columns(block.columns, block.rows, total, Pt(10.5 * 0.55), Cm(0.4))  # a half-width character of the body font


def _table(doc: Any, block: Table) -> None:
    if block.caption:
        _caption(doc, block.caption, keep_with_next=True)
    table = doc.add_table(rows=1, cols=len(block.columns))
    table._tbl.tblPr.style = STYLE_IDS["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = column_widths(block, doc.sections[-1].page_width - 2 * MARGIN)
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid (LibreOffice reads it), the cells below (Word reads them)
    header = table.rows[0]
    _row_flag(header, "w:tblHeader")  # repeated at the top of every page the table runs onto
    _row_flag(header, "w:cantSplit")
    for cell, name, width in zip(header.cells, block.columns, widths):
        cell.width = width
        cell.text = str(name)
        cell.paragraphs[0].runs[0].bold = True
        _shade(cell, HEADER_FILL)
    _body_rows(table, block, widths)
    doc.add_paragraph()


def _body_rows(table: Any, block: Table, widths: list[int]) -> None:
    """The rows of `block`, each a copy of a prototype row (plain or highlighted) made with
    python-docx's `add_row` and cell setters, its texts filled in: the same XML at a fraction of
    their cost (a report with a thousand table rows spent seconds there)."""
    prototypes = {}
    for shaded in (False, True):
        row = table.add_row()
        _row_flag(row, "w:cantSplit")
        for c, cell in enumerate(row.cells):
            cell.width = widths[c]
            cell.text = ""
            if c in block.numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if shaded:
                _shade(cell, HIGHLIGHT_FILL)
        _every_run_in_cjk_font(row._tr)  # as the document's last pass sets them
        prototypes[shaded] = row._tr
        table._tbl.remove(row._tr)
    for r, values in enumerate(block.rows):
        tr = copy.deepcopy(prototypes[r in block.highlight])
        cells = tr.findall(qn("w:tc"))
        for tc, value in zip(cells, values):
            _run_text(tc.find(qn("w:p")).find(qn("w:r")), "" if value is None else str(value))
        for tc in cells[len(values):]:  # a short row: its last cells as add_row left them, blank
            paragraph, shading = tc.find(qn("w:p")), tc.find(qn("w:tcPr")).find(qn("w:shd"))
            for child in list(paragraph):
                paragraph.remove(child)
            if shading is not None:
                shading.getparent().remove(shading)
        table._tbl.append(tr)


def _run_text(run: Any, text: str) -> None:
    """`run.text = text` on an empty run: one `w:t` made directly for a text without a line break
    or a tab (python-docx's setter first searches the run for content to clear)."""
    if not text:
        return
    if "\n" in text or "\t" in text or "\r" in text:
        run.text = text  # python-docx turns them into w:br and w:tab
        return
    t = run.makeelement(qn("w:t"))
    t.text = text
    if len(text.strip()) < len(text):
        t.set(qn("xml:space"), "preserve")
    run.append(t)


def _key_values(doc: Any, pairs: list[tuple[str, str]], style: str | None = "Table Grid") -> None:
    table = doc.add_table(rows=0, cols=2)
    if style:
        table._tbl.tblPr.style = STYLE_IDS[style]
    for key, value in pairs:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = key, value
        cells[0].paragraphs[0].runs[0].bold = True
        if style:
            _shade(cells[0], KEY_FILL)
    doc.add_paragraph()


def _figure(doc: Any, figure: Figure, width: int) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run().add_picture(io.BytesIO(figure.png), width=width)  # doc.add_picture, keeping the paragraph
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = bool(figure.caption)
    if figure.caption:
        _caption(doc, figure.caption, keep_with_next=False)


def _block(doc: Any, block: Any) -> None:
    if isinstance(block, Paragraph):
        doc.add_paragraph().add_run(block.text).bold = block.emphasis
    elif isinstance(block, Note):
        run = doc.add_paragraph().add_run(block.text)
        run.italic = True
        run.font.color.rgb = RGBColor(0x58, 0x66, 0x7A)
    elif isinstance(block, Bullets):
        for item in block.items:
            _styled(doc, item, "List Bullet")
    elif isinstance(block, KeyValues):
        _key_values(doc, block.pairs)
    elif isinstance(block, Table) and block.in_document:
        _table(doc, block)
    elif isinstance(block, Figure):
        _figure(doc, block, FIGURE_WIDTH)


def _wide_figure(doc: Any, report: Report, figure: Figure, heading: tuple[str, int] | None) -> None:
    """A landscape section holding (the section's heading and) the figure, then portrait again."""
    placement = place_wide_figure(figure.svg)
    _landscape(doc, placement)
    if heading:
        paragraph = doc.add_heading(heading[0], level=heading[1])
        paragraph.paragraph_format.page_break_before = False  # the section break made the page
    _figure(doc, figure, placement.width)
    label = placement.smallest_label_pt
    if label is not None and label < MIN_LABEL_PT:
        _caption(doc, report.t(f"图较大：最小文字约 {label:.1f} pt，全部原因见下表。",
                               f"A large diagram: its smallest text prints at about {label:.1f} pt; every cause is in the table below."), False)
    _portrait(doc.add_section(WD_SECTION.NEW_PAGE))


def _compact(doc: Any, first_paragraph: int, first_table: int) -> None:
    """The paragraphs and tables from these on set tighter (`SUMMARY_PT`, little spacing), so the
    executive summary holds on one page as in the PDF; headings keep their style."""
    paragraphs = doc.paragraphs[first_paragraph:]
    for table in doc.tables[first_table:]:
        paragraphs += [p for row in table.rows for cell in row.cells for p in cell.paragraphs]
    for paragraph in paragraphs:
        if (paragraph._p.style or "").startswith("Heading"):  # the style's id ("Heading1"): no look-up by name
            paragraph.paragraph_format.space_before = Pt(0)
            continue
        if not paragraph.text and paragraph._p.getparent() is doc.element.body:
            paragraph._p.getparent().remove(paragraph._p)  # the blank line after a table
            continue
        lead = any(run.bold for run in paragraph.runs)
        form = paragraph.paragraph_format
        # exact lines (a CJK font's own line height is about 1.45 em), as the PDF's 1.35
        form.space_before, form.space_after, form.line_spacing = Pt(4 if lead else 0), Pt(1), Pt(SUMMARY_PT * 1.35)
        for run in paragraph.runs:
            run.font.size = Pt(SUMMARY_PT)


def _section(doc: Any, report: Report, depth: int, section: Section) -> None:
    if section.id == "summary":
        first_paragraph, first_table = len(doc.paragraphs), len(doc.tables)
        _section_blocks(doc, report, depth, section)
        _compact(doc, first_paragraph, first_table)
    else:
        _section_blocks(doc, report, depth, section)


def _section_blocks(doc: Any, report: Report, depth: int, section: Section) -> None:
    level = min(depth + 1, 3)
    blocks = list(section.blocks)
    if blocks and isinstance(blocks[0], Figure) and blocks[0].wide:
        _wide_figure(doc, report, blocks.pop(0), (section.title, level))
    else:
        doc.add_heading(section.title, level=level)
    for block in blocks:
        if isinstance(block, Figure) and block.wide:
            _wide_figure(doc, report, block, None)
        else:
            _block(doc, block)


# --- the document ------------------------------------------------------------------------------------


def _footer(doc: Any, report: Report) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.lang == "zh":
        paragraph.add_run("第 ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" 页，共 ")
        _field(paragraph, "NUMPAGES", "1")
        paragraph.add_run(" 页")
    else:
        paragraph.add_run("Page ")
        _field(paragraph, "PAGE", "1")
        paragraph.add_run(" of ")
        _field(paragraph, "NUMPAGES", "1")


def _contents(doc: Any, report: Report) -> None:
    title = doc.add_paragraph()
    run = title.add_run(report.t("目录", "Contents"))
    run.bold, run.font.size = True, Pt(16)
    # shown until the field is updated (Word asks on open, `w:updateFields`)
    _field(doc.add_paragraph(), r'TOC \o "1-2" \h \z \u',
           report.t("（目录：在 Word 中右键选择“更新域”即可生成页码）", "(Contents: right-click and choose Update Field in Word)"))
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    doc.settings.element.append(update)


def to_docx(report: Report) -> bytes:
    prefetch([f for f in report.figures() if f.wide], "svg")  # placed by its drawing's size (and its PNG drawn from it)
    prefetch(report.figures(), "png")
    doc = Document()
    STYLE_IDS.update({name: doc.styles[name].style_id for name in STYLE_IDS})
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Caption", "List Bullet"):
        _style_font(doc.styles[name], report.lang)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    doc.core_properties.title = report.title
    doc.core_properties.subject = report.subtitle
    doc.core_properties.language = "zh-CN" if report.lang == "zh" else "en-US"
    _portrait(doc.sections[0])
    _footer(doc, report)

    doc.add_paragraph(report.title, style="Title")
    doc.add_paragraph(report.subtitle, style="Subtitle")
    _key_values(doc, report.cover, style=None)
    doc.add_page_break()
    _contents(doc, report)
    for depth, section in report.walk():
        _section(doc, report, depth, section)

    _every_run_in_cjk_font(doc.element.body)
    for section in doc.sections:
        _every_run_in_cjk_font(section.footer._element)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
