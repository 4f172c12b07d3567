"""Charts (Altair) and diagrams (graphviz) as report figures: SVG for HTML/PDF, PNG for the rest."""

from __future__ import annotations

import re
from typing import Any, Callable

from diagnosis.report.document import Figure
from diagnosis.text import clean_data


def chart_figure(chart: Any, caption: str, name: str) -> Figure:
    import vl_convert as vlc

    # vl-convert aborts the whole process on a control character in a label: never pass one
    spec = clean_data(chart.to_dict() if hasattr(chart, "to_dict") else chart)
    return Figure(svg=lambda: vlc.vegalite_to_svg(spec), png=lambda: vlc.vegalite_to_png(spec, scale=2), caption=caption, name=name, spec=spec)


def svg_png_figure(svg: Callable[[], bytes], png: Callable[[], bytes], caption: str, name: str, wide: bool = False) -> Figure:
    """A figure from two renderers (e.g. graphviz to SVG and to PNG), each run when needed."""
    return Figure(svg=lambda: svg().decode("utf-8"), png=png, caption=caption, name=name, wide=wide)


def svg_size_pt(svg: str) -> tuple[float, float] | None:
    """The drawing's natural size in points (graphviz writes `width="1174pt"`), None if unknown."""
    match = re.search(r'<svg\b[^>]*\bwidth="([\d.]+)(pt|px)?"[^>]*\bheight="([\d.]+)(pt|px)?"', svg)
    if not match:
        return None
    to_pt = 0.75 if match.group(2) == "px" else 1.0
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
