"""Charts convert through a small copy of the CJK font (`diagnosis.report.chart_font`) and come
out exactly as vl-convert draws them with the full font: same layout, same pixels, the same font
named in the SVG."""

from __future__ import annotations

import io
import re

import uharfbuzz as hb
import vl_convert as vlc
from PIL import Image, ImageChops

from diagnosis.report import chart_font
from diagnosis.report.figures import FONT, _with_fonts, spec_png, spec_svg


def bar_chart(labels: list[str], title: str) -> dict:
    spec = {"data": {"values": [{"cause": label, "n": 3 + i} for i, label in enumerate(labels)]},
            "mark": "bar", "title": title,
            "encoding": {"x": {"field": "cause", "type": "nominal", "axis": {"labelAngle": 0}, "title": "原因 / Cause"},
                         "y": {"field": "n", "type": "quantitative", "title": "票数"}}}
    return _with_fonts(spec, 1.0)


def same_drawing(a: str, b: str) -> bool:
    # Vega numbers its gradients per conversion
    return re.sub(r"gradient_\d+", "gradient", a) == re.sub(r"gradient_\d+", "gradient", b)


def test_a_chart_through_the_subset_is_the_chart_vl_convert_draws_with_the_full_font():
    spec = bar_chart(["客服排班不足", "Knowledge base outdated", "退款流程 3 步", "ＭＩＸ全角 abc"], "关键少数 Vital few")
    svg = spec_svg(spec)
    assert same_drawing(svg, vlc.vegalite_to_svg(spec))  # every label measured and placed as with Noto Sans CJK SC itself
    assert chart_font.family_for(str(spec)) is not None  # ... and it did go through a subset
    assert "Diagnosis Chart Font" not in svg and f'font-family="{FONT}"' in svg  # the document names the full font


def test_a_charts_png_is_its_svg_rasterized_pixel_for_pixel_as_vl_convert_draws_it():
    spec = bar_chart(["排队时间长", "转接过多"], "渠道对比")
    ours = Image.open(io.BytesIO(spec_png(spec))).convert("RGBA")
    theirs = Image.open(io.BytesIO(vlc.vegalite_to_png(spec, scale=2))).convert("RGBA")
    assert ours.size == theirs.size and ImageChops.difference(ours, theirs).getbbox() is None


def test_a_later_chart_with_new_characters_gets_a_subset_holding_them():
    first = bar_chart(["甲类原因"], "一")
    spec_svg(first)
    before = chart_font.family_for(str(first))
    later = bar_chart(["龘龘靐齉 (rare)", "鬱"], "罕见字")
    assert chart_font.family_for(str(later)) != before  # a new generation
    assert same_drawing(spec_svg(later), vlc.vegalite_to_svg(later))


def test_the_subset_has_the_full_fonts_glyph_advances_for_its_characters():
    path, index = chart_font._font_files()["Regular"]
    text = "客服流程诊断 Vital few 80%，一次解决率（FCR）"
    cut = hb.Face(hb.Blob(chart_font.subset(path, index, frozenset(text), "Test Subset", "Regular")))
    full = hb.Face(hb.Blob.from_file_path(path), index)

    def advances(face: hb.Face) -> list[int]:
        font = hb.Font(face)
        buffer = hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {"kern": True, "palt": True})
        return [p.x_advance for p in buffer.glyph_positions]

    assert advances(cut) == advances(full)  # shaped with kerning, as a label is measured
    assert cut.get_name(hb.OTNameIdPredefined.FONT_FAMILY) == "Test Subset"
