"""The fishbone (Ishikawa) diagram, laid out here and drawn by graphviz.

The head (the problem statement) sits on the right at the end of a horizontal spine; the
category bones slant into the spine, alternately above and below, one pair per column
from the head leftwards. Each cause is a rib: its text sits on a horizontal line that runs
into its bone. A sub-cause ("why?") is a smaller rib below its parent whose line slants up
into its parent's rib, so any depth nests the same way and no two lines cross. Every bone
reads top to bottom in the causes' order, each why-chain downwards (a cause, its sub-causes
in their order, then the next cause), above the spine and below it alike.

We compute every position ourselves (graphviz's `neato` only draws the pinned nodes and
straight edges): dot's rank layout cannot make a fishbone. Text widths are estimated from
the characters (a Chinese character is 1 em wide), labels are wrapped with `diagnosis.cjk`
and every user text is escaped for graphviz's HTML-like labels.
"""

from __future__ import annotations

import html
import subprocess
from dataclasses import dataclass, field
from typing import Optional

import graphviz

from diagnosis.cjk import ELLIPSIS, clean, display_width, wrap
from diagnosis.errors import DiagnosisError
from diagnosis.fishbone import category_label
from diagnosis.project.model import Cause, Project
from diagnosis.questionnaire.model import Questionnaire

FONT = "Noto Sans CJK SC"
FORMATS = ("svg", "png", "pdf")
PALETTE = ("#2874a6", "#b03a2e", "#1e8449", "#7d3c98", "#ca6f1e", "#117a65", "#5d6d7e", "#a93226")
TEXT = "#1c2833"
ROOT = "#c0392b"
SPINE = "#34495e"

LEADING = 1.3  # a label's line height, in font sizes
K = 0.45  # horizontal run of a bone per unit of height (bones lean towards the tail)
NEAR_SPINE = 22.0  # first rib's distance from the spine
ROW_GAP = 7.0
CHILD_GAP = 12.0  # between the points where sub-causes join their parent's rib
COLUMN_GAP = 34.0
EM_PER_COLUMN = 0.56  # one display column (half a CJK character) in em, slightly generous
# longest text drawn or put in a tooltip (graphviz refuses strings over 16 KB and dies on
# longer ones); labels are further cut to a few wrapped lines, each cut ends in an ellipsis
MAX_TEXT = 400


class DiagramError(DiagnosisError):
    """The diagram could not be drawn (graphviz missing, or failing)."""


@dataclass(frozen=True)
class _Style:
    size: float
    columns: int
    max_lines: int
    pen: float


STYLES = (_Style(12, 28, 4, 1.6), _Style(10.5, 26, 3, 1.1), _Style(9.5, 24, 3, 0.9))


def _style(depth: int) -> _Style:
    return STYLES[min(depth, len(STYLES) - 1)]


@dataclass
class _Row:
    cause: Cause
    depth: int
    lines: list[str]
    width: float
    height: float
    children: list[_Row] = field(default_factory=list)
    d: float = 0.0  # distance of the rib line from the spine
    right: float = 0.0  # x of the text's right end (relative to the bone's foot)
    seg_end: float = 0.0  # right end of the horizontal part of the rib
    attach: float = 0.0  # where it joins the parent's rib (or the bone)


@dataclass
class _Bone:
    category: str
    label: list[str]
    color: str
    upper: bool
    ribs: list[_Row]
    length: float = 0.0
    box_w: float = 0.0
    box_h: float = 0.0
    x: float = 0.0  # the foot, where the bone meets the spine


def _text_size(lines: list[str], size: float) -> tuple[float, float]:
    width = max(display_width(line) for line in lines) * size * EM_PER_COLUMN + 6
    return width, len(lines) * size * LEADING + 3


def _rows(cause: Cause, depth: int) -> _Row:
    style = _style(depth)
    lines = wrap(shorten(cause.text), style.columns, style.max_lines)
    width, height = _text_size(lines, style.size)
    row = _Row(cause, depth, lines, width, height)
    row.children = [_rows(child, depth + 1) for child in cause.children]
    return row


def _flat(rows: list[_Row]) -> list[_Row]:
    out = []
    for row in rows:
        out.append(row)
        out.extend(_flat(row.children))
    return out


def _clear(row: _Row, upper: bool) -> float:
    """Room between a rib's text and the first sub-cause joining it (the sub-causes are below
    the rib, its text above it, on either side of the spine)."""
    return 8.0


def _place_children(row: _Row, upper: bool) -> None:
    for i, child in enumerate(row.children):
        child.attach = row.right + _clear(row, upper) + i * CHILD_GAP
        # the slanted line runs from the sub-cause's rib up to its parent's, leaning like the bone
        child.seg_end = child.attach - abs(row.d - child.d) * K
        room = _clear(child, upper) + (len(child.children) - 1) * CHILD_GAP + 6 if child.children else 4
        child.right = child.seg_end - room
        _place_children(child, upper)


def _layout_bone(bone: _Bone) -> None:
    """Distances from the spine (top to bottom in the causes' order: above the spine the first
    cause is farthest out, below it nearest), then x relative to the foot."""
    order = _flat(bone.ribs)  # top -> bottom
    cursor = NEAR_SPINE
    for row in (reversed(order) if bone.upper else order):  # near -> far
        row.d = cursor + (0 if bone.upper else row.height)
        cursor += row.height + ROW_GAP
    bone.length = max(cursor, 60.0)
    for row in bone.ribs:
        row.attach = row.seg_end = -row.d * K
        to_bone = (row.height * K if bone.upper else 0) + 8
        room = _clear(row, bone.upper) + (len(row.children) - 1) * CHILD_GAP + 8 if row.children else 0
        row.right = row.seg_end - max(to_bone, room, 16)
        _place_children(row, bone.upper)
    size = 14
    bone.box_w, bone.box_h = _text_size(bone.label, size)
    bone.box_w += 16
    bone.box_h += 8


def _extent(bone: _Bone) -> list[tuple[float, float, float]]:
    """(near, far, left x relative to the foot): the bands a bone's texts occupy."""
    out = []
    for row in _flat(bone.ribs):
        near, far = (row.d, row.d + row.height) if bone.upper else (row.d - row.height, row.d)
        out.append((near, far, row.right - row.width))
    tip = -bone.length * K
    out.append((bone.length, bone.length + bone.box_h, tip - bone.box_w / 2))
    return out


def _place_columns(bones: list[_Bone], head_left: float) -> None:
    """Bones pair up (above / below) in columns from the head leftwards, close but clear."""
    columns = [bones[i:i + 2] for i in range(0, len(bones), 2)]
    foot = head_left - COLUMN_GAP - 10
    previous: list[_Bone] = []
    for column in columns:
        if previous:
            limit = foot
            for bone in column:
                for other in previous:
                    if other.upper != bone.upper:
                        continue
                    for near, far, left in _extent(other):
                        left += other.x
                        # this bone's line at distance `near` must stay left of the other's text
                        limit = min(limit, left + near * K - COLUMN_GAP)
                        # and so must this bone's category box at its tip
                        if far >= bone.length and near <= bone.length + bone.box_h:
                            limit = min(limit, left + bone.length * K - bone.box_w / 2 - COLUMN_GAP / 2)
            foot = min(foot, limit)
        for bone in column:
            bone.x = foot
        previous = column
        foot -= 40


def _escape(text: str) -> str:
    # graphviz expands \N, \G, \l... even inside HTML labels: a backslash is written doubled;
    # and its HTML-label lexer fails on a text that starts with "]", so brackets are entities
    escaped = html.escape(clean(text), quote=True).replace("&#x27;", "'").replace("\\", "&#92;&#92;")
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


def _label(lines: list[str], size: float, color: str, bold: bool, width: float, height: float, align: str) -> str:
    """A fixed box of text, one row of the box's height / lines per line (Graphviz's own line breaks set
    the lines of a CJK label so close that they nearly touch). Every cell has a fixed size, so a text
    wider than its box overflows it as a single cell does, instead of failing Graphviz's table layout."""
    line_h = height / max(1, len(lines))
    rows = []
    for line in lines:
        text = f"<B>{_escape(line)}</B>" if bold else _escape(line)
        rows.append(f'<TR><TD FIXEDSIZE="TRUE" WIDTH="{width:.0f}" HEIGHT="{line_h:.0f}" ALIGN="{align}">'
                    f'<FONT POINT-SIZE="{size:g}" COLOR="{color}">{text}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(rows)}</TABLE>>'


def shorten(text: str, limit: int = MAX_TEXT) -> str:
    """At most `limit` characters, an ellipsis marking a cut (the report body has the full text)."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _tooltip(text: str) -> str:
    # a tooltip is expanded once more than a label: \N in it would become the node's name
    return graphviz.nohtml(_escape(shorten(text)).replace("&#92;&#92;", "&#92;" * 4))


class _Drawing:
    def __init__(self, name: str) -> None:
        self.graph = graphviz.Graph(name, engine="neato")
        self.graph.attr(inputscale="72", splines="line", outputorder="edgesfirst", bgcolor="white", pad="0.3")
        self.graph.attr("node", fontname=FONT, fontsize="12", margin="0")
        self.graph.attr("edge", fontname=FONT)
        self.count = 0

    def point(self, x: float, y: float) -> str:
        self.count += 1
        name = f"p{self.count}"
        self.graph.node(name, label="", shape="point", width="0.01", height="0.01", style="invis", pos=f"{x:.1f},{y:.1f}!")
        return name

    def text(self, x: float, y: float, label: str, tooltip: str = "", **attrs: str) -> str:
        self.count += 1
        name = f"t{self.count}"
        extra = {"shape": "plaintext", **({"tooltip": tooltip} if tooltip else {}), **attrs}
        self.graph.node(name, label=label, pos=f"{x:.1f},{y:.1f}!", **extra)
        return name

    def line(self, a: str, b: str, color: str, pen: float) -> None:
        self.graph.edge(a, b, color=color, penwidth=f"{pen:g}")


def _draw_row(drawing: _Drawing, row: _Row, bone: _Bone, parent_y: Optional[float], roots: set[str]) -> None:
    sign = 1 if bone.upper else -1
    y = sign * row.d
    style = _style(row.depth)
    root = row.cause.id in roots
    left, right = bone.x + row.right - row.width, bone.x + row.right
    label = _label(row.lines, style.size, ROOT if root else TEXT, root or row.depth == 0, row.width, row.height, "RIGHT")
    drawing.text(right - row.width / 2, y + row.height / 2 + 1, label, _tooltip(row.cause.text), id=f"cause-{drawing.count + 1}")
    start = drawing.point(left, y)
    end = drawing.point(bone.x + row.seg_end, y)
    drawing.line(start, end, bone.color, style.pen)
    if parent_y is not None:
        drawing.line(end, drawing.point(bone.x + row.attach, parent_y), bone.color, style.pen)
    for child in row.children:
        _draw_row(drawing, child, bone, y, roots)


def _categories(project: Project, questionnaire: Questionnaire) -> list[str]:
    ids = [c.id for c in questionnaire.cause_categories]
    ids += [c.category for c in project.fishbone.causes if c.category not in ids]  # unknown ones kept
    return list(dict.fromkeys(ids))


def _bone(category: str, label: str, n: int, ribs: list[_Row], upper: bool) -> _Bone:
    return _Bone(category, wrap(shorten(label), 22, 3), PALETTE[n % len(PALETTE)], upper=upper, ribs=ribs)


def _bones(project: Project, questionnaire: Questionnaire, lang: str) -> list[_Bone]:
    bones = []
    for n, category in enumerate(_categories(project, questionnaire)):
        ribs = [_rows(cause, 0) for cause in project.fishbone.causes if cause.category == category]
        bones.append(_bone(category, category_label(questionnaire, category, lang, short=False), n, ribs, upper=n % 2 == 0))
    return bones


# --- a large fishbone: an overview and a detail page per category ------------------------------

LARGE = 40  # more causes than this: an overview plus detail pages, so every label prints at 8 pt
OVERVIEW_RIBS = 5  # top-level causes per bone on the overview (the rest: one "n more" rib)
DETAIL_ROWS = 6  # rows (causes and sub-causes) per bone on a detail page
DETAIL_BONES = 4  # bones per detail page (two above the spine, two below)
DETAIL_PAGE_PT = 600  # the bones' height on a detail page (above and below the spine together)


@dataclass(frozen=True)
class FishboneView:
    """One page of the diagram: the whole fishbone, the overview, or a category's detail
    (`part` of `parts` when the category fills several pages)."""

    kind: str  # "whole" | "overview" | "detail"
    dot: str
    category: str = ""
    label: str = ""
    part: int = 1
    parts: int = 1


def _overview_bones(project: Project, questionnaire: Questionnaire, lang: str) -> list[_Bone]:
    bones = []
    for n, category in enumerate(_categories(project, questionnaire)):
        top = [c for c in project.fishbone.causes if c.category == category]
        ribs = [_rows(cause.model_copy(update={"children": []}), 0) for cause in top[:OVERVIEW_RIBS]]
        if len(top) > OVERVIEW_RIBS:
            more = len(top) - OVERVIEW_RIBS
            text = f"……另有 {more} 项，见分类详图" if lang == "zh" else f"... {more} more, see the category's detail page"
            ribs.append(_rows(Cause(id="__more__", category=category, text=text), 2))
        bones.append(_bone(category, category_label(questionnaire, category, lang, short=False), n, ribs, upper=n % 2 == 0))
    return bones


def _size(cause: Cause) -> int:
    return 1 + sum(_size(child) for child in cause.children)


def _chunks(causes: list[Cause]) -> list[list[Cause]]:
    """Top-level causes in order, grouped so each group's rows (with sub-causes) fill one bone."""
    groups: list[list[Cause]] = []
    rows = DETAIL_ROWS
    for cause in causes:
        size = _size(cause)
        if not groups or rows + size > DETAIL_ROWS:
            groups.append([])
            rows = 0
        groups[-1].append(cause)
        rows += size
    return groups


def _height(bones: list[_Bone]) -> float:
    """The height of a page of these bones (alternately above and below the spine)."""
    def tallest(side: list[_Bone]) -> float:
        return max((b.length + b.box_h for b in side), default=0.0)
    return tallest(bones[0::2]) + tallest(bones[1::2])


def _detail_pages(project: Project, questionnaire: Questionnaire, lang: str, category: str, n: int) -> list[list[_Bone]]:
    """The category's bones (`DETAIL_ROWS` rows each, a why-chain never split) in pages of at
    most `DETAIL_BONES` bones and `DETAIL_PAGE_PT` of height (a long chain gets a page alone)."""
    label = category_label(questionnaire, category, lang, short=False)
    pages: list[list[_Bone]] = []
    for group in _chunks([c for c in project.fishbone.causes if c.category == category]):
        bone = _bone(category, label, n, [_rows(c, 0) for c in group], upper=True)
        _layout_bone(bone)
        if not pages or len(pages[-1]) == DETAIL_BONES or _height(pages[-1] + [bone]) > DETAIL_PAGE_PT:
            pages.append([])
        pages[-1].append(bone)
    for page in pages:
        for k, bone in enumerate(page):
            bone.upper = k % 2 == 0
    return pages


def fishbone_views(project: Project, questionnaire: Questionnaire, lang: str = "zh") -> list[FishboneView]:
    """The diagram's pages: the whole fishbone, or, with more than `LARGE` causes, an overview
    (every bone with its first top-level causes) and the detail of each category, every cause
    and why-chain, over as many pages as its causes need."""
    if sum(_size(c) for c in project.fishbone.causes) <= LARGE:
        return [FishboneView("whole", fishbone_dot(project, questionnaire, lang))]
    views = [FishboneView("overview", _dot(fishbone_graph(project, questionnaire, lang, bones=_overview_bones(project, questionnaire, lang))))]
    for n, category in enumerate(_categories(project, questionnaire)):
        pages = _detail_pages(project, questionnaire, lang, category, n)
        label = category_label(questionnaire, category, lang, short=False)
        for part, bones in enumerate(pages, start=1):
            views.append(FishboneView("detail", _dot(fishbone_graph(project, questionnaire, lang, bones=bones)), category, label, part, len(pages)))
    return views


def fishbone_graph(project: Project, questionnaire: Questionnaire, lang: str = "zh", highlight: Optional[set[str]] = None,
                   bones: Optional[list[_Bone]] = None) -> graphviz.Graph:
    """The laid-out diagram as a graphviz graph (engine `neato`, every node pinned).

    `highlight`: ids drawn in bold red, by default the root causes (confirmed, else proposed);
    `bones`: the bones to draw (an overview's or a detail page's), by default every cause."""
    if highlight is None:
        from diagnosis.pareto import root_causes

        highlight = {c.id for c in root_causes(project, questionnaire)}
    drawing = _Drawing("fishbone")
    problem = project.fishbone.problem or project.answers.get("problem_statement") or ""
    head_lines = wrap(shorten(problem), 26, 6) if clean(str(problem)) else [("（问题尚未填写）" if lang == "zh" else "(problem not stated yet)")]
    head_w, head_h = _text_size(head_lines, 14)
    head_w, head_h = head_w + 20, head_h + 16
    head = drawing.text(head_w / 2 + 14, 0, _label(head_lines, 14, TEXT, True, head_w - 20, head_h - 16, "LEFT"),
                        _tooltip(str(problem)), shape="box", style="rounded,filled", fillcolor="#fdebd0", color=SPINE,
                        penwidth="2", margin="0.1", id="head")

    bones = _bones(project, questionnaire, lang) if bones is None else bones
    for bone in bones:
        _layout_bone(bone)
    _place_columns(bones, 0)
    lefts = [bone.x + left for bone in bones for _n, _f, left in _extent(bone)] or [-200]
    tail_x = min(lefts) - 24

    # the spine: tail -> each foot -> head
    feet = sorted({round(bone.x, 1) for bone in bones})
    spine = [drawing.point(tail_x, 0)] + [drawing.point(x, 0) for x in feet] + [drawing.point(14, 0)]
    for a, b in zip(spine, spine[1:]):
        drawing.line(a, b, SPINE, 4)
    drawing.line(spine[-1], head, SPINE, 4)

    for bone in bones:
        sign = 1 if bone.upper else -1
        tip_x, tip_y = bone.x - bone.length * K, sign * bone.length
        drawing.text(tip_x, tip_y + sign * bone.box_h / 2, _label(bone.label, 14, "white", True, bone.box_w - 16, bone.box_h - 8, "CENTER"),
                     shape="box", style="rounded,filled", fillcolor=bone.color, color=bone.color, margin="0.05")
        drawing.line(drawing.point(tip_x, tip_y), drawing.point(bone.x, 0), bone.color, 2.6)
        for row in bone.ribs:
            _draw_row(drawing, row, bone, None, highlight)

    if highlight:
        note = "红色粗体：根本原因" if lang == "zh" else "Bold red: root causes"
        low = min([-(b.length + b.box_h) for b in bones if not b.upper] + [-60])
        w, h = _text_size([note], 10)
        drawing.text(tail_x + w / 2, low - 20, _label([note], 10, ROOT, False, w, h, "LEFT"))
    return drawing.graph


def fishbone_dot(project: Project, questionnaire: Questionnaire, lang: str = "zh") -> str:
    """DOT source of the diagram; lay it out with `neato` (the graph says `layout=neato`)."""
    return _dot(fishbone_graph(project, questionnaire, lang))


def _dot(graph: graphviz.Graph) -> str:
    graph.attr(layout="neato")
    return graph.source


def render_fishbone(project: Project, questionnaire: Questionnaire, lang: str = "zh", fmt: str = "svg") -> bytes:
    """The diagram as SVG, PNG or PDF bytes (Chinese rendered with Noto Sans CJK SC)."""
    return render_dot(fishbone_dot(project, questionnaire, lang), fmt)


def render_dot(dot: str, fmt: str = "svg") -> bytes:
    """Draw a `fishbone_dot` source (with neato, positions pinned) as SVG, PNG or PDF."""
    if fmt not in FORMATS:
        raise DiagramError(f"未知的图形格式“{fmt}”（可选：{', '.join(FORMATS)}）", f"unknown diagram format '{fmt}' (choose {', '.join(FORMATS)})")
    try:
        return graphviz.Source(dot, engine="neato").pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise DiagramError("未安装 graphviz（缺少 `neato` 程序）", "graphviz is not installed (the `neato` program is missing)") from exc
    except BrokenPipeError as exc:  # graphviz died while reading its input
        raise DiagramError("graphviz 无法绘制图形（它中途停止读取输入）", "graphviz could not draw the diagram (it stopped reading its input)") from exc
    except (graphviz.CalledProcessError, subprocess.CalledProcessError) as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        why = f": {detail[-1]}" if detail else ""
        raise DiagramError(f"graphviz 无法绘制图形{why}", f"graphviz could not draw the diagram{why}") from exc
