"""Charts (Altair) and diagrams (graphviz) as report figures: SVG for HTML/PDF, PNG for the rest."""

from __future__ import annotations

from typing import Any

from diagnosis.report.document import Figure


def chart_figure(chart: Any, caption: str, name: str) -> Figure:
    import vl_convert as vlc

    spec = chart.to_dict() if hasattr(chart, "to_dict") else chart
    svg = vlc.vegalite_to_svg(spec)
    png = vlc.vegalite_to_png(spec, scale=2)
    return Figure(svg=svg, png=png, caption=caption, name=name)


def svg_png_figure(svg: str | bytes, png: bytes, caption: str, name: str) -> Figure:
    return Figure(svg=svg.decode("utf-8") if isinstance(svg, bytes) else svg, png=png, caption=caption, name=name)
