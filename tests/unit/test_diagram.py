"""The fishbone diagram: every label in the SVG (Chinese too), nesting kept, user text escaped."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from diagnosis import catalog
from diagnosis.cjk import display_width, wrap
from diagnosis.demo import demo_project
from diagnosis.diagram import OVERVIEW_RIBS, fishbone_dot, fishbone_views, render_dot, render_fishbone
from diagnosis.errors import DiagnosisError
from diagnosis.fishbone import add_cause, iter_causes
from diagnosis.project.model import Cause, Fishbone
from diagnosis.report.figures import MIN_LABEL_PT, printed_label_pt, wide_paper
from tests.factories import project_of

Q = catalog.get("customer_service_diagnosis").questionnaire
SVG = "{http://www.w3.org/2000/svg}"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def svg_texts(svg: bytes) -> str:
    """All visible text of the SVG, joined (wrapped labels come back together without spaces)."""
    root = ET.fromstring(svg)
    return squash("".join(el.text or "" for el in root.iter(f"{SVG}text")))


def node_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [squash("".join(t.text or "" for t in g.iter(f"{SVG}text"))) for g in root.iter(f"{SVG}g") if g.get("class") == "node"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_cause_of_the_demo_appears_in_the_svg(lang):
    project = demo_project(lang)
    svg = render_fishbone(project, Q, lang, "svg")
    text = svg_texts(svg)
    for cause in iter_causes(project.fishbone):
        assert squash(cause.text) in text, cause.text
    assert squash(project.fishbone.problem) in text
    for label in (("人（人员）", "机（系统与设备）") if lang == "zh" else ("People", "Method(process)")):
        assert squash(label) in text


def test_nesting_is_kept_a_sub_cause_joins_its_parents_rib_not_the_bone():
    project = demo_project("zh")
    dot = fishbone_dot(project, Q, "zh")
    # a sub-cause is smaller and indented under its parent: its rib is drawn thinner
    assert dot.count("penwidth=1.1") >= 5 and dot.count("penwidth=0.9") >= 2
    svg = render_fishbone(project, Q, "zh", "svg")
    texts = node_texts(svg)
    order = [squash(c.text) for c in iter_causes(project.fishbone) if c.category == "machine"]
    found = [next(i for i, t in enumerate(texts) if t == squash(c)) for c in order]
    assert found == sorted(found)  # drawn depth-first, parents before their sub-causes


def node_tops(svg: bytes) -> dict[str, float]:
    """Each node's text (squashed) -> the y of its first line (SVG: y grows downwards)."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "node":
            texts = list(g.iter(f"{SVG}text"))
            if texts:
                out[squash("".join(t.text or "" for t in texts))] = float(texts[0].get("y"))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_bone_reads_top_to_bottom_in_the_why_chain_order_above_and_below_the_spine(lang):
    project = demo_project(lang)
    tops = node_tops(render_fishbone(project, Q, lang, "svg"))
    for category in ("machine", "method", "people", "material"):  # below the spine: machine, method
        chain = [squash(c.text) for c in iter_causes(project.fishbone) if c.category == category]
        ys = [tops[text] for text in chain]
        assert ys == sorted(ys) and len(set(ys)) == len(ys), (category, chain)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Co", "Cn"]),
                              min_size=1, max_size=30).filter(lambda s: s.strip()), min_size=1, max_size=8))
@example(texts=["]"]).via("graphviz's HTML lexer failed on a label starting with ]")
@example(texts=["]]", "[", "a]b"])
def test_any_text_a_user_types_is_drawn_as_text(texts):
    project = demo_project("zh")
    project.fishbone = Fishbone()
    for n, text in enumerate(texts):
        add_cause(project.fishbone, text, ["people", "machine", "method"][n % 3])
    svg = render_fishbone(project, Q, "zh", "svg")
    titles = [html.unescape(m) for m in re.findall(rb'xlink:title="([^"]*)"', svg) for m in [m.decode()]]
    for cause in project.fishbone.causes:
        assert " ".join(cause.text.split()) in [" ".join(t.split()) for t in titles]


def test_markup_quotes_braces_and_backslashes_are_escaped():
    project = demo_project("zh")
    nasty = ['<script>alert("x")</script>', 'a "q" {b} [c] \\N \\G \\l end\\', "&amp; & <b>bold</b>"]
    for text in nasty:
        add_cause(project.fishbone, text, "method")
    project.fishbone.problem = '<img src=x onerror=alert(1)> \\'
    svg = render_fishbone(project, Q, "zh", "svg")
    assert b"<script" not in svg and b"<img" not in svg and b"<b>" not in svg
    text = "".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg.decode()))
    for expected in nasty + [project.fishbone.problem]:
        assert squash(expected) in squash(text)


def test_an_empty_fishbone_still_draws_the_head_the_spine_and_every_bone():
    project = demo_project("en")
    project.fishbone = Fishbone()
    project.answers.pop("problem_statement")
    text = svg_texts(render_fishbone(project, Q, "en", "svg"))
    assert "problemnotstatedyet" in text and "Environment" in text


def test_pdf_and_png_are_real_files_and_unknown_formats_are_refused():
    project = demo_project("zh")
    assert render_fishbone(project, Q, "zh", "png").startswith(b"\x89PNG")
    assert render_fishbone(project, Q, "zh", "pdf").startswith(b"%PDF")
    with pytest.raises(DiagnosisError):
        render_fishbone(project, Q, "zh", "gif")


def test_three_hundred_causes_render_without_failing():
    project = project_of(300)
    svg = render_fishbone(project, Q, "zh", "svg")
    assert svg.count(b'class="node"') > 300


def test_causes_in_a_category_the_questionnaire_does_not_know_get_their_own_bone():
    project = demo_project("zh")
    project.fishbone.causes.append(Cause(category="measurement", text="指标口径不一"))
    text = svg_texts(render_fishbone(project, Q, "zh", "svg"))
    assert "measurement" in text and "指标口径不一" in text


def test_wrapping_breaks_chinese_anywhere_latin_at_spaces_and_keeps_punctuation_off_line_starts():
    assert wrap("客户历史记录未同步，客服需让客户重复描述", 18) == ["客户历史记录未同步，", "客服需让客户重复描", "述"]
    assert wrap("Customer history not synced", 12) == ["Customer", "history not", "synced"]
    lines = wrap("很长" * 40, 10, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(display_width(x) <= 10 for x in lines)


def test_a_latin_word_longer_than_a_line_is_cut_with_a_hyphen_and_a_hyphenated_word_breaks_at_its_hyphen():
    assert wrap("Promotionresponsibilities", 8) == ["Promoti-", "onrespo-", "nsibili-", "ties"]
    assert wrap("Unclear responsibilities in cross-department transfers", 12) == [
        "Unclear", "responsibil-", "ities in", "cross-", "department", "transfers"]
    for text, width in (("Promotionresponsibilities", 8), ("internationalization of the bot", 6), ("a-b-c-defghijklm", 5)):
        lines = wrap(text, width)
        assert all(display_width(line) <= width for line in lines), lines
        # every line but the last ends a word (a space followed) or with a hyphen: nothing is cut silently
        joined = " ".join(lines)
        for line in lines[:-1]:
            assert line.endswith("-") or f"{line} " in text + " " or text.split(line, 1)[1].startswith(" "), (line, lines)
        assert joined.replace("- ", "").replace("-", "").replace(" ", "") == text.replace("-", "").replace(" ", "")
    assert wrap("客户历史记录未同步", 6) == ["客户历", "史记录", "未同步"]  # Chinese breaks between characters, no hyphen


@pytest.mark.parametrize("length", [17_600, 100_000])
def test_a_huge_problem_statement_and_cause_are_drawn_cut_with_an_ellipsis(length):
    from diagnosis.diagram import MAX_TEXT

    project = demo_project("zh")
    project.fishbone.problem = "问题" * (length // 2)
    project.fishbone.causes[0].text = "原因 " * (length // 3)
    svg = render_fishbone(project, Q, "zh", "svg")
    root = ET.fromstring(svg)
    head = next(g for g in root.iter(f"{SVG}g") if g.get("id") == "head")
    assert "".join(t.text or "" for t in head.iter(f"{SVG}text")).endswith("…")
    tooltips = [a.get("{http://www.w3.org/1999/xlink}title") or "" for a in root.iter(f"{SVG}a")]
    assert tooltips and max(len(t) for t in tooltips) <= MAX_TEXT


def test_a_dying_graphviz_is_a_diagram_error_not_a_broken_pipe(monkeypatch):
    import graphviz

    from diagnosis.diagram import DiagramError, render_dot

    def broken(*_args, **_kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(graphviz.Source, "pipe", broken)
    with pytest.raises(DiagramError, match="graphviz could not draw the diagram"):
        render_dot("graph { a }")


def test_a_fishbone_of_forty_causes_or_fewer_is_one_drawing():
    views = fishbone_views(demo_project("zh"), Q, "zh")
    assert [v.kind for v in views] == ["whole"]
    assert views[0].dot == fishbone_dot(demo_project("zh"), Q, "zh")


def test_sixty_causes_give_an_overview_of_top_level_causes_and_a_detail_page_per_category():
    project = project_of(60)
    views = fishbone_views(project, Q, "zh")
    assert views[0].kind == "overview" and {v.kind for v in views[1:]} == {"detail"}
    categories = [c.id for c in Q.cause_categories]
    assert list(dict.fromkeys(v.category for v in views[1:])) == [c for c in categories if any(x.category == c for x in project.fishbone.causes)]
    overview = node_texts(render_dot(views[0].dot, "svg"))
    top = {squash(c.text) for c in project.fishbone.causes}
    subs = {squash(c.text) for c in iter_causes(project.fishbone)} - top
    assert not subs & set(overview)  # the overview draws top-level causes only
    for category in categories:
        firsts = [squash(c.text) for c in project.fishbone.causes if c.category == category][:OVERVIEW_RIBS]
        assert set(firsts) <= set(overview)
    # the details together draw every cause once (its whole text is the tooltip), each under its
    # own category, in the order of the causes and their why-chains
    drawn: list[str] = []
    for view in views[1:]:
        titles = [html.unescape(m.decode()) for m in re.findall(rb'<g id="a_cause[^"]*"><a xlink:title="([^"]*)"', render_dot(view.dot, "svg"))]
        mine = [c.text for c in iter_causes(project.fishbone) if c.category == view.category]
        assert titles == [t for t in mine if t in titles]
        drawn += titles
    assert sorted(drawn) == sorted(c.text for c in iter_causes(project.fishbone))


def test_three_hundred_causes_spread_a_category_over_several_detail_pages_each_printable_at_8_pt():
    views = fishbone_views(project_of(300), Q, "zh")
    assert any(v.parts > 1 for v in views) and all(1 <= v.part <= v.parts for v in views)
    for view in views:
        svg = render_dot(view.dot, "svg").decode()
        assert printed_label_pt(svg, True, wide_paper(svg)) >= MIN_LABEL_PT, (view.kind, view.category, view.part)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lines_of_a_wrapped_label_are_a_line_and_a_quarter_apart_not_touching(lang):
    """Graphviz's own line breaks set two lines of a Chinese label about one font size apart, so that
    they nearly touched ("10:00-12:00 排班不足，电话排 / 队超 5 分钟")."""
    svg = render_fishbone(demo_project(lang), Q, lang, "svg")
    pairs = 0
    for g in ET.fromstring(svg).iter(f"{SVG}g"):
        texts = [t for t in g.iter(f"{SVG}text")] if g.get("class") == "node" else []
        for upper, lower in zip(texts, texts[1:]):
            size = float(upper.get("font-size"))
            assert float(lower.get("y")) - float(upper.get("y")) >= 1.25 * size, (upper.text, lower.text)
            pairs += 1
    assert pairs >= 3  # the demo has wrapped causes and a two-line head in both languages
