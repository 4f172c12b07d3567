"""Charts (Altair) and diagrams (graphviz) as report figures: SVG for HTML/PDF, PNG for the rest.

Legible in print: the PDF shrinks a figure wider than its page to the page's width (a wide
figure gets an A4 landscape page), so every chart's text is set large enough that, shrunk, no
label prints under `MIN_LABEL_PT` (`legible_spec`: a floor of 11 px, 8.25 pt unshrunk, and
every font enlarged when the chart is shrunk).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any, Callable

from diagnosis.report.document import Figure
from diagnosis.text import clean_data

MIN_LABEL_PT = 8.0
PX_PER_MM = 96 / 25.4
PT_PER_PX = 0.75
# the text width of the report's A4 pages (report.html.j2: 16 mm margins portrait, 12 mm
# landscape), in CSS px: the width a chart is drawn for
PAGE_WIDTH_PX = (210 - 2 * 16) * PX_PER_MM
WIDE_WIDTH_PX = (297 - 2 * 12) * PX_PER_MM
# (name, short side, long side) in mm of the landscape papers a wide figure may get, smallest
# first: a fishbone too big for A4 at 8 pt gets an A3 page (a fold-out, as printed ones are);
# on each, the figure is at most the page's text width and its height less room for the
# heading and the caption (36 mm: 150 mm on A4)
WIDE_PAPERS = (("A4", 210, 297), ("A3", 297, 420))
WIDE_MARGIN_MM = 12
WIDE_TEXT_ROOM_MM = 36


def _room_px(paper: str) -> tuple[float, float]:
    _, short, long = next(p for p in WIDE_PAPERS if p[0] == paper)
    return (long - 2 * WIDE_MARGIN_MM) * PX_PER_MM, (short - 2 * WIDE_MARGIN_MM - WIDE_TEXT_ROOM_MM) * PX_PER_MM
# Vega-Lite's own sizes where a spec sets none (axis, legend, title, facet header, text mark)
_DEFAULT_FONTS = {
    "axis": {"labelFontSize": 10, "titleFontSize": 11},
    "legend": {"labelFontSize": 10, "titleFontSize": 11},
    "title": {"fontSize": 13, "subtitleFontSize": 10},
    "header": {"labelFontSize": 10, "titleFontSize": 11},
    "text": {"fontSize": 11},
}
_FLOOR_PX = 11
FONT = "Noto Sans CJK SC, Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"


def _scale_fonts(spec: Any, factor: float) -> Any:
    """Every font size of a spec times `factor` (none below the floor), data left alone."""
    if isinstance(spec, dict):
        return {k: (max(_FLOOR_PX, v) * factor if k.endswith(("fontSize", "FontSize")) and isinstance(v, (int, float)) and not isinstance(v, bool)
                    else v if k in ("datasets", "data", "values") else _scale_fonts(v, factor)) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_scale_fonts(v, factor) for v in spec]
    return spec


def _with_fonts(spec: dict, factor: float) -> dict:
    spec = copy.deepcopy(spec)
    config = spec.setdefault("config", {})
    # text measured in the font it prints in (else Vega sizes labels for a narrower sans-serif
    # and the PDF's wider fallback font runs them past the figure's edge or into each other)
    config.setdefault("font", FONT)
    for part, sizes in _DEFAULT_FONTS.items():
        for key, size in sizes.items():
            config.setdefault(part, {}).setdefault(key, size)
    return _scale_fonts(spec, factor)


def printed_scale(svg: str, wide: bool = False, paper: str = "A4") -> float:
    """How much the PDF shrinks the figure (1: printed at its own size); a wide one on its
    landscape `paper`."""
    size = svg_size_pt(svg)
    if not size or size[0] <= 0:
        return 1.0
    width_px, height_px = size[0] / PT_PER_PX, size[1] / PT_PER_PX
    room_w, room_h = _room_px(paper) if wide else (PAGE_WIDTH_PX, 0.0)
    scale = room_w / width_px
    if wide and height_px > 0:
        scale = min(scale, room_h / height_px)
    return min(1.0, scale)


def printed_label_pt(svg: str, wide: bool = False, paper: str = "A4") -> float | None:
    """The smallest text of the figure as the PDF prints it, in points."""
    size = svg_size_pt(svg)
    if not size:
        return None
    return smallest_label_pt(svg, size[0] * printed_scale(svg, wide, paper))


def wide_paper(svg: str) -> str:
    """The smallest landscape paper on which the PDF prints every label of the figure at 8 pt or
    more (the largest when none does)."""
    for name, _short, _long in WIDE_PAPERS:
        smallest = printed_label_pt(svg, True, name)
        if smallest is None or smallest >= MIN_LABEL_PT:
            return name
    return WIDE_PAPERS[-1][0]


def legible_spec(spec: dict, wide: bool = False) -> tuple[dict, str]:
    """The spec with fonts large enough for print, and its SVG: every font at least 11 px and,
    when the chart is wider than its page, enlarged by the shrinking (a couple of tries, as larger
    labels widen the chart a little)."""
    factor = 1.0
    for _ in range(4):
        chosen = _with_fonts(spec, factor)
        svg = spec_svg(chosen)
        smallest = printed_label_pt(svg, wide)
        if smallest is None or smallest >= MIN_LABEL_PT:
            break
        factor *= MIN_LABEL_PT / smallest * 1.02
    return chosen, svg


# Vega-Lite's keys that name fonts (a font list, as CSS writes it)
_FONT_KEYS = frozenset({"font", "labelFont", "titleFont", "subtitleFont"})


def _with_family(spec: Any, family: str) -> Any:
    """Every font list of a spec with `family` named first, data left alone."""
    if isinstance(spec, dict):
        return {k: (f"{family}, {v}" if k in _FONT_KEYS and isinstance(v, str)
                    else v if k in ("datasets", "data", "values") else _with_family(v, family)) for k, v in spec.items()}
    if isinstance(spec, list):
        return [_with_family(v, family) for v in spec]
    return spec


def _key(spec: dict) -> str:
    return json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# A chart is converted once per process whatever asks for it (each format of a report, the next
# report of the same revision, the slides' copy of a figure): the caches below are keyed by the
# spec's JSON (the SVG) and hold the most recent charts.
@functools.lru_cache(maxsize=64)
def _converted(key: str) -> tuple[str, str | None]:
    """(the SVG vl-convert drew, the chart font subset it names) of the spec whose JSON is `key`."""
    import vl_convert as vlc

    from diagnosis.report import chart_font

    family = chart_font.family_for(key)
    spec = json.loads(key)
    return vlc.vegalite_to_svg(_with_family(spec, family) if family else spec), family


def spec_svg(spec: dict) -> str:
    """The chart of a Vega-Lite spec as SVG (converted once per process)."""
    from diagnosis.report import chart_font

    return chart_font.strip(*_converted(_key(spec)))


@functools.lru_cache(maxsize=64)
def _rasterized(key: str) -> bytes:
    import vl_convert as vlc

    return vlc.svg_to_png(_converted(key)[0], scale=2)


def forget_charts() -> None:
    """Empty the conversion caches (a benchmark timing conversions from scratch)."""
    _converted.cache_clear()
    _rasterized.cache_clear()


def spec_png(spec: dict) -> bytes:
    """The chart as PNG at twice its size: its SVG rasterized (no second run of the chart engine)."""
    return _rasterized(_key(spec))


def chart_figure(chart: Any, caption: str, name: str, wide: bool = False) -> Figure:
    from diagnosis.report import chart_font

    # vl-convert aborts the whole process on a control character in a label: never pass one
    spec = clean_data(chart.to_dict() if hasattr(chart, "to_dict") else chart)
    chart_font.expect(_key(spec))
    legible = functools.cache(lambda: legible_spec(spec, wide))

    def png() -> bytes:
        # the PDF's fonts when its SVG was made; else the floor only, without measuring (Word and
        # slides place the picture at their own sizes; measuring would convert the chart twice)
        return spec_png(legible()[0] if legible.cache_info().currsize else _with_fonts(spec, 1.0))

    return Figure(svg=lambda: legible()[1], png=png, caption=caption, name=name, wide=wide, spec=spec)


def grid(charts: list[Any], columns: int, config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The spec `alt.concat(*charts, columns=columns)` gives, configured with `config` (as
    `.configure_axis(...)` sets `config["axis"]`), put together from each chart's own spec:
    Altair would copy and validate the whole grid again for each chart in it (half a second for
    the demo's control charts). Charts with selections go through Altair, which lifts them."""
    parts = [chart.to_dict() for chart in charts]
    if any("params" in part for part in parts):
        import altair as alt

        spec = alt.concat(*charts, columns=columns).to_dict()
        spec["config"] = {**spec.get("config", {}), **(config or {})}
        return spec
    datasets: dict[str, Any] = {}
    for part in parts:
        datasets.update(part.pop("datasets", {}))
        schema, theme = part.pop("$schema", None), part.pop("config", {})
    spec = {"config": {**theme, **(config or {})}, "concat": parts, "columns": columns}
    if schema:
        spec["$schema"] = schema
    if datasets:
        spec["datasets"] = datasets
    return spec


def svg_png_figure(svg: Callable[[], bytes], png: Callable[[], bytes], caption: str, name: str, wide: bool = False) -> Figure:
    """A figure from two renderers (e.g. graphviz to SVG and to PNG), each run when needed."""
    return Figure(svg=lambda: svg().decode("utf-8"), png=png, caption=caption, name=name, wide=wide)


def svg_size_pt(svg: str) -> tuple[float, float] | None:
    """The drawing's natural size in points (graphviz writes `width="1174pt"`, vl-convert
    `width="981"`: CSS px, as a number without a unit is), None if unknown."""
    match = re.search(r'<svg\b[^>]*\bwidth="([\d.]+)(pt|px)?"[^>]*\bheight="([\d.]+)(pt|px)?"', svg)
    if not match:
        return None
    to_pt = 1.0 if match.group(2) == "pt" else PT_PER_PX
    return float(match.group(1)) * to_pt, float(match.group(3)) * to_pt


def smallest_label_pt(svg: str, printed_width_pt: float) -> float | None:
    """The smallest text of an SVG drawing, in points, when printed `printed_width_pt` wide.

    A label's printed size is its `font-size` (user units) times the drawing's own scale
    (`transform="scale(s ...)"`) times printed width / viewBox width."""
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)(?:px|pt)?"', svg)]
    box = re.search(r'viewBox="[-\d.]+[ ,]+[-\d.]+[ ,]+([\d.]+)[ ,]+[\d.]+"', svg)
    if not sizes or not box or float(box.group(1)) <= 0:
        return None
    scale = re.search(r'transform="scale\(([\d.]+)', svg)
    inner = float(scale.group(1)) if scale else 1.0
    return min(sizes) * inner * printed_width_pt / float(box.group(1))
