"""Charts (Altair) and diagrams (graphviz) as report figures: SVG for HTML/PDF, PNG for the rest."""

from __future__ import annotations

from typing import Any, Callable

from diagnosis.report.document import Figure
from diagnosis.text import clean_data


def chart_figure(chart: Any, caption: str, name: str) -> Figure:
    import vl_convert as vlc

    # vl-convert aborts the whole process on a control character in a label: never pass one
    spec = clean_data(chart.to_dict() if hasattr(chart, "to_dict") else chart)
    return Figure(svg=lambda: vlc.vegalite_to_svg(spec), png=lambda: vlc.vegalite_to_png(spec, scale=2), caption=caption, name=name)


def svg_png_figure(svg: Callable[[], bytes], png: Callable[[], bytes], caption: str, name: str, wide: bool = False) -> Figure:
    """A figure from two renderers (e.g. graphviz to SVG and to PNG), each run when needed."""
    return Figure(svg=lambda: svg().decode("utf-8"), png=png, caption=caption, name=name, wide=wide)
