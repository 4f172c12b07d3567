"""The slide deck (16:9): what each slide holds, and how it is drawn with python-pptx.

`outline(inp, sections)` says what the deck shows, in `SLIDES` order: the executive summary
condensed to one slide, then one message per slide whose title says that message (an "action
title": "8 个关键少数原因占问题的 80%", not "帕累托分析"), written from the project's data with
fixed zh/en sentence templates, never invented; the fishbone and the Pareto chart each on a full
slide, the plan as a timeline, the evaluation where there is data. It reuses the report's own
blocks (tables, figures), so the deck never disagrees with the document. `build_report` hands
it to the `Report` as a `Deck`, worked out only when the slides are asked for.

`draw(report)` lays the deck out (the title slide comes from the report's cover): every text is
measured (a CJK character counts as two Latin ones, lines as tall as Noto Sans CJK draws them),
tables get column widths fitted to their content and run onto continuation slides ("（续）" /
"(cont.)") with their header repeated, figures are scaled into the room left, so nothing lies
outside the slide; every run carries the East Asian font (`a:ea`) besides the Latin one, so a
machine without Noto still draws the Chinese.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Optional

from diagnosis.i18n import months_text
from diagnosis.report.document import Bullets, Figure, KeyValues, Note, Paragraph, Report, Section, Table, prefetch
from diagnosis.report.inputs import ReportInput, metric_rows, number, with_unit
from diagnosis.report.widths import column_widths
from diagnosis.text import clean_data

CJK_FONT = "Noto Sans CJK SC"
LATIN_FONT = "Noto Sans CJK SC"

# --- geometry (EMU: 914,400 an inch, 12,700 a point) ------------------------------------------------

INCH, PT = 914400, 12700
WIDTH, HEIGHT = 12192000, 6858000  # 13.333 x 7.5 in, 16:9
SIDE = int(0.5 * INCH)
TITLE_TOP, TITLE_HEIGHT = int(0.3 * INCH), int(1.0 * INCH)
BODY_TOP = int(1.45 * INCH)
BODY_BOTTOM = HEIGHT - int(0.55 * INCH)
FOOT_TOP, FOOT_HEIGHT = HEIGHT - int(0.42 * INCH), int(0.3 * INCH)
GAP = int(0.15 * INCH)
COLUMN_GAP = int(0.3 * INCH)
MIN_FIGURE = int(1.6 * INCH)
TIMELINE_ROWS = 15  # measures on one timeline slide: their labels print at about 8 pt  # a figure with less room than this starts a new slide

# --- type ---------------------------------------------------------------------------------------------

TITLE_SIZES = (26, 24, 22, 20)  # an action title takes at most two lines at the largest that fits
BODY_SIZE, TABLE_SIZE, CAPTION_SIZE, FOOT_SIZE = 14, 11, 10, 9
SUMMARY_SIZE = 12
EM_PER_CHAR = 0.56  # a half-width character of Noto Sans, in em (a CJK character: twice that), for column widths
LINE_EM = 1.25  # a line of single spacing in a text box as LibreOffice draws Noto Sans CJK (1.2 em measured), in em
CELL_LINE_EM = 1.5  # the same in a table cell (1.45 em measured: the font's ascent + descent)
WRAP_SLACK = 0.96  # of a line's width, what text may fill
BOX_MARGIN = int(0.05 * INCH)
CELL_MARGIN_X, CELL_MARGIN_Y = int(0.06 * INCH), int(0.03 * INCH)
BULLET = "• "
HANGING = int(0.16 * INCH)
MAX_CELL_LINES = 8  # a longer cell is cut with an ellipsis (the document has it whole)

INK, MUTED, ACCENT = "1F2937", "58667A", "1F3864"
HEADER_FILL, ROW_FILL, HIGHLIGHT_FILL = "DDE7F3", "FFFFFF", "FFF4E5"


# --- what a slide holds -------------------------------------------------------------------------------


@dataclass
class Lists:
    """Headed lists (the summary's quick wins, decisions, next steps). `condensed`: each item on
    one line, each list cut to what fits the room (its heading then says how many there are)."""

    groups: list[tuple[str, list[str]]]
    condensed: bool = False
    more: str = "（共 {n} 项）"


@dataclass
class Slide:
    title: str
    body: list[Any] = field(default_factory=list)  # blocks, top to bottom (the left column when `side` is set)
    side: Optional[list[Any]] = None  # a right column
    split: float = 0.5  # the left column's share of the width
    lead: str = ""  # a sentence under the title, across the slide (the summary's headline)
    whole: bool = False  # one slide, never continued: tables take smaller type, condensed lists the room left
    caption: str = ""  # a line at the foot of the slide (a figure's caption, the method)


class Deck:
    """A report's slides, outlined from its input and sections on first use (only the slides need it)."""

    def __init__(self, inp: ReportInput, sections: list[Section]):
        self._inp, self._sections = inp, sections
        self._slides: Optional[list[Slide]] = None

    @property
    def slides(self) -> list[Slide]:
        if self._slides is None:
            self._slides = clean_data(outline(self._inp, self._sections))
        return self._slides


def _walk(sections: list[Section]) -> Iterator[Section]:
    for section in sections:
        yield section
        yield from _walk(section.children)


class _Found:
    """The report's sections by id, and their blocks by kind."""

    def __init__(self, sections: list[Section]):
        self.by_id = {s.id: s for s in _walk(sections)}

    def blocks(self, section_id: str, kind: type, deep: bool = False) -> list[Any]:
        section = self.by_id.get(section_id)
        if section is None:
            return []
        sections = list(_walk([section])) if deep else [section]
        return [b for s in sections for b in s.blocks if isinstance(b, kind) and not (isinstance(b, Table) and not b.in_document)]

    def figure(self, section_id: str, name: str) -> Optional[Figure]:
        return next((f for f in self.blocks(section_id, Figure) if f.name == name), None)


def _inline(name: str, lang: str) -> str:
    """A metric's name inside an English sentence: "first-contact resolution", but "FCR"."""
    if lang == "en" and len(name) > 1 and name[0].isupper() and name[1].islower():
        return name[0].lower() + name[1:]
    return name


def _pct(value: float) -> str:
    return f"{value:.0f}%"


# --- the slides, one builder each: (input, sections) -> slides ------------------------------------------


def summary_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis import plan
    from diagnosis.report import summary

    t = inp.t
    vital, share = summary.vital_few(inp)
    rows = plan.plan_rows(inp.project, inp.questionnaire)
    gap = summary.widest_gap(inp)
    parts = []
    if vital:
        parts.append(t(f"{len(vital)} 个关键少数原因占问题的 {_pct(share)}", f"{len(vital)} causes explain {_pct(share)} of the problem"))
    if rows and gap is not None:
        verb = t("降至", "down to") if gap.direction == "lower" else t("提升至", "up to")
        name = _inline(gap.name, inp.lang)
        parts.append(t(f"{len(rows)} 项措施目标将{name}从 {gap.amount(gap.baseline)} {verb} {gap.amount(gap.target)}",
                       f"{len(rows)} measures aim to bring {name} from {gap.amount(gap.baseline)} {verb} {gap.amount(gap.target)}"))
    elif rows:
        parts.append(t(f"{len(rows)} 项措施", f"{len(rows)} measures"))
    title = t("，", "; ").join(parts) or t("执行摘要", "Executive summary")
    targets = []
    for row in metric_rows(inp):
        latest = number(row["latest"]) if row["latest"] is not None else "—"
        targets.append([with_unit(row["name"], row["unit"], inp.lang), f"{number(row['baseline'])} → {latest} → {number(row['target'])}",
                        {True: "✔", False: "✘", None: "—"}[row["met"]]])
    left: list[Any] = []
    if targets:
        left.append(Table([t("指标", "Metric"), t("基线 → 最新 → 目标", "Baseline → latest → target"), t("达成", "Met")], targets,
                          caption=t("目标", "Targets"), highlight={i for i, r in enumerate(targets) if r[2] == "✘"}))
    more = t("（共 {n} 项）", " ({n} in all)")
    if vital:
        left.append(Lists([(t(f"关键根因：合计占问题的 {_pct(share)}", f"Vital few: {_pct(share)} of the problem"),
                            [t(f"{v.cause}（{v.percent:.0f}%{'，已确认' if v.confirmed else ''}）",
                               f"{v.cause} ({v.percent:.0f}%{', confirmed' if v.confirmed else ''})") for v in vital])], True, more))
    quick = [r for r in rows if r.horizon == "short"]
    groups = [
        (plan.horizon_label("short", inp.lang, inp.questionnaire.priority),
         [f"{r.measure.title} — {r.measure.owner}{t('，', ', ')}{r.measure.due.isoformat() if r.measure.due else '—'}" for r in quick]),
        (t(f"延期或有风险（截至 {inp.as_of.isoformat()}）", f"Late or at risk (as of {inp.as_of.isoformat()})"), summary.late_or_at_risk(inp)),
        (t("需要您决定与提供的资源", "Decisions and resources needed from you"), summary.decisions(inp)),
        (t("下一步", "Next steps"), summary.next_steps(inp)),
    ]
    groups = [(h, items) for h, items in groups if items]
    headline = summary.headline(inp) or inp.project.fishbone.problem or inp.text("problem_statement")
    if not left and not groups and not headline:  # nothing to say yet: the summary's own note
        left = found.blocks("summary", Note)
    return [Slide(title, left, [Lists(groups, True, more)] if groups else [], split=0.46, lead=headline, whole=True)]


def goals_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis.report import summary

    t = inp.t
    tables = found.blocks("goals", Table, deep=True)
    pairs = [b for b in found.blocks("goals-scope", KeyValues)]
    if not tables and not pairs:
        return []
    gap = summary.widest_gap(inp)
    if gap is not None:
        now = t("最新", "latest") if gap.measured else t("基线", "baseline")
        name = _inline(gap.name, inp.lang)
        title = t(f"差距最大的是{name}：{now} {gap.amount(gap.current)}，目标 {gap.amount(gap.target)}",
                  f"The widest gap is {name}: {now} {gap.amount(gap.current)} against a target of {gap.amount(gap.target)}")
    elif metric_rows(inp):
        title = t("每项目标指标都已达到目标值", "Every target metric has reached its target")
    else:
        title = t("优化目标与范围", "Goals and scope")
    # the team is on the title slide
    return [Slide(title, [*[b for b in tables if b.caption != _team_caption(inp)], *pairs])]


def _team_caption(inp: ReportInput) -> str:
    from diagnosis.i18n import tr

    try:
        return tr(inp.questionnaire.question("team").label, inp.lang)
    except KeyError:
        return ""


def data_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis.tickets import metrics as ticket_metrics
    from diagnosis.tickets.flow import stored_result

    result = stored_result(inp.project)
    if result is None or not result.overall:
        return []
    t, lang = inp.t, inp.lang
    facts = [f"{_inline(ticket_metrics.label(n, lang), lang)} {ticket_metrics.format_value(n, result.overall[n], lang)}"
             for n in ("fcr", "transfer_rate", "complaint_rate") if result.overall.get(n) is not None]
    volume = number(int(result.rows)) if result.rows else ""
    title = t(f"{volume} 张工单：" + "，".join(facts), f"{volume} tickets: " + ", ".join(facts)) if facts else t(f"{volume} 张工单", f"{volume} tickets")
    body = [b for b in found.blocks("data-tickets", Table) if b.caption == t("按渠道", "By channel")]
    chart = found.figure("data-tickets", "tickets-channels")
    if chart is not None:
        body.append(chart)
    return [Slide(title, body or found.blocks("data-tickets", Table)[:1])]


def fishbone_slides(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis.fishbone import walk

    figures = found.blocks("fishbone", Figure)
    if not figures:
        return []
    t = inp.t
    causes = [c for c, _parent, _depth in walk(inp.project.fishbone)]
    categories = {c.category for c in causes}
    roots = len(inp.project.fishbone.confirmed or [])
    title = t(f"{len(causes)} 个原因分布在 {len(categories)} 个类别" + (f"，{roots} 个确认为根因" if roots else ""),
              f"{len(causes)} causes in {len(categories)} categories" + (f"; {roots} confirmed as root causes" if roots else ""))
    return [Slide(title if i == 0 else f"{title} {_cont(inp)}", [f], caption=f.caption) for i, f in enumerate(figures)]


def _cont(inp: ReportInput) -> str:
    return inp.t("（续）", "(cont.)")


def _pareto(inp: ReportInput) -> Any:
    from diagnosis import pareto

    if not inp.project.fishbone.causes:
        return None
    result = pareto.pareto_table(inp.project, inp.questionnaire, by=pareto.default_measure(inp.project.fishbone), lang=inp.lang)
    return result if result.rows else None


def pareto_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    chart = found.figure("pareto", "pareto")
    result = _pareto(inp)
    if chart is None or result is None:
        return []
    t = inp.t
    vital = result.vital_few
    share = max((r.cumulative_percent for r in vital), default=0.0)
    title = t(f"{len(vital)} 个关键少数原因占问题的 {_pct(share)}，优先解决", f"The vital few: {len(vital)} causes explain {_pct(share)} of the problem")
    ranking = found.blocks("pareto", Paragraph)
    return [Slide(title, [chart], caption=ranking[0].text if ranking else chart.caption)]


def root_cause_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    tables = found.blocks("root-causes", Table)
    result = _pareto(inp)
    if not tables:
        return []
    t = inp.t
    if result is not None and result.rows:
        top = result.rows[0]
        title = t(f"「{top.cause}」占问题的 {top.percent:.0f}%，居首位",
                  f"“{top.cause}” accounts for {top.percent:.0f}% of the problem, more than any other cause")
    else:
        title = t(f"{len(tables[0].rows)} 个根因及其证据与措施", f"{len(tables[0].rows)} root causes with their evidence and measures")
    notes = found.blocks("root-causes", Paragraph)
    return [Slide(title, tables, caption=notes[0].text if notes else "")]


def plan_slides(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis import economics, plan

    rows = plan.plan_rows(inp.project, inp.questionnaire)
    if not rows:
        return []
    t, lang = inp.t, inp.lang
    quick = [r for r in rows if r.horizon == "short"]
    months = inp.questionnaire.priority.short_term_months
    out = []
    gantt = found.figure("plan", "gantt")
    if gantt is not None:
        within = t("一个月内" if months == 1 else f"{months} 个月内", f"within {'a month' if months == 1 else f'{months} months'}")
        title = t(f"{len(rows)} 项措施，{len(quick)} 项{within}见效", f"{len(rows)} measures, {len(quick)} of them paying off {within}")
        start = plan.plan_start(inp.project)
        caption = gantt.caption + (t(f"；方案开始日期 {start.isoformat()}", f"; plan start {start.isoformat()}") if start else "")
        parts = _timelines(rows, gantt, lang)
        out += [Slide(title if i == 0 else f"{title} {_cont(inp)}", [part], caption=caption) for i, part in enumerate(parts)]
    total = economics.of_plan([r.measure for r in rows])
    matrix = found.figure("plan", "effort-impact")
    if total is not None and matrix is not None:
        title = t(f"一次性投入 {economics.money(total.one_off, lang, inp.currency)}，每年净收益 {economics.money(total.net_yearly, lang, inp.currency)}，回本周期 {economics.payback_text(total, lang)}",
                  f"{economics.money(total.one_off, lang, inp.currency)} one-off for {economics.money(total.net_yearly, lang, inp.currency)} net a year: paid back in {economics.payback_text(total, lang)}")
        pairs = found.blocks("plan", KeyValues)
        out.append(Slide(title, [matrix], pairs, split=0.6, caption=matrix.caption))
    dated = [r for r in rows if r.measure.due]
    last = max((r.measure.due for r in dated), default=None)
    last_quick = max((r.measure.due for r in quick if r.measure.due), default=None)
    if last_quick is not None and last is not None:
        title = t(f"{len(quick)} 项速赢于 {last_quick.isoformat()} 前完成，全部 {len(rows)} 项措施于 {last.isoformat()} 前完成",
                  f"{len(quick)} quick wins due by {last_quick.isoformat()}, all {len(rows)} measures by {last.isoformat()}")
    elif last is not None:
        title = t(f"{len(rows)} 项措施于 {last.isoformat()} 前完成", f"{len(rows)} measures due by {last.isoformat()}")
    else:
        title = t(f"{len(rows)} 项措施，各有负责人", f"{len(rows)} measures, each with an owner")
    order = {h: i for i, h in enumerate(plan.HORIZONS)}
    chosen = sorted(rows, key=lambda r: (order[r.horizon], r.measure.due or inp.as_of.max, r.measure.title))
    table = Table(
        [t("期限", "Horizon"), t("措施", "Measure"), t("负责人", "Owner"), t("截止", "Due"), t("预期效果", "Expected effect")],
        [[plan.horizon_label(r.horizon, lang, inp.questionnaire.priority).split("（")[0].split(" (")[0], r.measure.title,
          f"{r.measure.owner} / {r.measure.department}".strip(" /"), r.measure.due.isoformat() if r.measure.due else "",
          f"{r.effect_metric(lang)}{t('：', ': ')}{number(r.measure.metric_from)} → {number(r.measure.metric_to)}" if r.effect_metric(lang) else ""]
         for r in chosen],
    )
    out.append(Slide(title, [table]))
    return out


def _timelines(rows: list[Any], gantt: Figure, lang: str) -> list[Figure]:
    """The plan's timeline, `TIMELINE_ROWS` measures a slide on one shared time axis (a long plan's
    single chart would print its labels at 2 pt); the document's own figure when it fits one slide."""
    from diagnosis import plan
    from diagnosis.report.figures import chart_figure

    charts = plan.gantt_charts(rows, lang, TIMELINE_ROWS)
    if len(charts) == 1:
        return [gantt]
    return [chart_figure(chart, gantt.caption, gantt.name) for chart in charts]


def tracking_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis import tracking

    tables = found.blocks("tracking", Table)
    rows = tracking.track(inp.project, inp.as_of)
    if not rows or not tables:
        return []
    t = inp.t
    done = sum(1 for r in rows if r.status == "done")
    bad = sum(1 for r in rows if r.status != "done" and (r.status in ("late", "at_risk") or r.overdue))
    title = t(f"{done}/{len(rows)} 项措施已完成，{bad} 项延期或有风险（截至 {inp.as_of.isoformat()}）",
              f"{done} of {len(rows)} measures done, {bad} late or at risk (as of {inp.as_of.isoformat()})")
    out = [Slide(title, tables[:1])]
    deviations = [c for c in inp.project.checkins if c.deviation]
    if deviations and len(tables) > 1:
        planned = sum(1 for c in deviations if c.adjusted_plan)
        out.append(Slide(t(f"{len(deviations)} 项偏差，{planned} 项已有调整计划", f"{len(deviations)} deviations, {planned} with an adjusted plan"), tables[1:]))
    return out


def evaluation_slides(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis import evaluation, evaluation_stats, spc

    t = inp.t
    out = []
    tests = evaluation_stats.row_tests(inp.project, inp.questionnaire, inp.lang)
    tables = found.blocks("evaluation-stats", Table)
    method = found.blocks("evaluation-stats", Paragraph)
    for (checkpoint, group), table in zip(evaluation_stats.by_checkpoint(tests).items(), tables):
        better = sum(1 for x in group if x.verdict == "improvement")
        worse = sum(1 for x in group if x.verdict == "worsening")
        title = t(f"上线 {months_text(checkpoint, 'zh')}：{better}/{len(group)} 项指标显著改善" + (f"，{worse} 项显著恶化" if worse else ""),
                  f"{months_text(checkpoint, 'en')} after launch: {better} of {len(group)} metrics improved significantly"
                  + (f", {worse} worsened" if worse else ""))
        out.append(Slide(title, [table], caption=method[0].text if method else ""))
    if not tests:
        measured = [r for r in evaluation.evaluate(inp.project, inp.questionnaire) if r.value is not None]
        table = next((b for b in found.blocks("evaluation", Table) if t("实测", "Measured") in b.columns), None)
        if measured and table is not None:
            latest = max(r.checkpoint for r in measured)
            last = [r for r in measured if r.checkpoint == latest]
            met = sum(1 for r in last if r.target_met)
            out.append(Slide(t(f"上线 {months_text(latest, 'zh')}：{met}/{len(last)} 项指标达到目标", f"{months_text(latest, 'en')} after launch: {met} of {len(last)} metrics on target"), [table]))
    grid = found.figure("evaluation", "control-charts")
    if grid is not None:
        charts = spc.project_charts(inp.project, inp.questionnaire)
        signalled = sum(1 for c in charts if c.signals)
        title = t(f"控制图：{signalled}/{len(charts)} 项指标出现特殊原因信号", f"Control charts: {signalled} of {len(charts)} metrics show a special cause")
        out.append(Slide(title, [_wider(grid, 4)], caption=grid.caption))
    return out


def _wider(figure: Figure, columns: int) -> Figure:
    """A grid of charts with `columns` a row (the document's has two): a 16:9 slide is wide, not tall."""
    if figure.spec is None or "concat" not in figure.spec:
        return figure
    from diagnosis.report.figures import chart_figure

    return chart_figure({**figure.spec, "columns": columns}, figure.caption, figure.name)


def decisions_slide(inp: ReportInput, found: _Found) -> list[Slide]:
    from diagnosis.report import summary

    t = inp.t
    decisions, steps, late = summary.decisions(inp), summary.next_steps(inp), summary.late_or_at_risk(inp)
    if not decisions and not steps:
        return []
    if decisions:
        title = t(f"需要您的 {len(decisions)} 项决定与资源", f"{len(decisions)} decisions and resources needed from you")
    else:
        title = t(f"下一步：{len(steps)} 个日期", f"Next steps: {len(steps)} dates")
    right = [(t("下一步", "Next steps"), steps), (t(f"延期或有风险（截至 {inp.as_of.isoformat()}）", f"Late or at risk (as of {inp.as_of.isoformat()})"), late)]
    return [Slide(title, [Lists([(t("需要您决定与提供的资源", "Decisions and resources needed from you"), decisions)])] if decisions else [],
                  [Lists([(h, items) for h, items in right if items])], split=0.55)]


SLIDES: list[Callable[[ReportInput, _Found], list[Slide]]] = [
    summary_slide, goals_slide, data_slide, fishbone_slides, pareto_slide, root_cause_slide,
    plan_slides, tracking_slide, evaluation_slides, decisions_slide,
]


def outline(inp: ReportInput, sections: list[Section]) -> list[Slide]:
    """The deck's slides after the title slide, from the report's input and its sections."""
    found = _Found(sections)
    return [slide for builder in SLIDES for slide in builder(inp, found)]


def plain_outline(report: Report) -> list[Slide]:
    """A report built without a deck (by hand): a slide per section, titled with its name."""
    return [Slide(s.title, [b for b in s.blocks if not (isinstance(b, Table) and not b.in_document)]) for _, s in report.walk()]


# --- measuring text -------------------------------------------------------------------------------------


def _em(ch: str) -> float:
    """A character's advance in em, a little wide of Noto Sans CJK's own (so estimates err long)."""
    if ord(ch) > 0x2E80:  # CJK, full-width forms
        return 1.0
    if ch == " ":
        return 0.28
    if ch.isupper() or ch in "mw%&@—":
        return 0.68
    if ch in "ijlft.,:;'!|()[]{}/-·":
        return 0.34
    return 0.54


_TOKENS = re.compile(r" +|[^\s\u2e80-\uffff]+|\S")  # spaces, a Latin word, one CJK character


def _wrap(text: str, limit: float) -> list[float]:
    """The widths (em) of the lines `text` wraps into at `limit` em: words break at spaces, CJK anywhere."""
    lines = [0.0]
    for token in _TOKENS.findall(text):
        width = sum(_em(ch) for ch in token)
        if token[0] == " ":
            lines[-1] += width if lines[-1] else 0.0
        elif lines[-1] + width <= limit:
            lines[-1] += width
        elif width <= limit:
            lines.append(width)
        else:  # a word longer than the line breaks anywhere
            for ch in token:
                if lines[-1] + _em(ch) > limit:
                    lines.append(0.0)
                lines[-1] += _em(ch)
    return lines


def _limit(width: int, size: float) -> float:
    return max(1.0, width / PT / size * WRAP_SLACK)


def line_count(text: str, width: int, size: float) -> int:
    """How many lines `text` takes in a box `width` EMU wide at `size` pt."""
    return sum(len(_wrap(p, _limit(width, size))) for p in str(text).split("\n"))


def line_height(size: float) -> int:
    return int(size * LINE_EM * PT)


def cut(text: str, width: int, size: float, lines: int = 1) -> str:
    """`text` shortened with an ellipsis to at most `lines` lines of `width` at `size`."""
    text = str(text)
    if line_count(text, width, size) <= lines:
        return text
    text = text.replace("\n", " ")
    budget, used, end = _limit(width, size) * lines, 0.0, 0
    while end < len(text) and used + _em(text[end]) <= budget:
        used += _em(text[end])
        end += 1
    while end > 0 and line_count(text[:end].rstrip() + "…", width, size) > lines:
        end -= 1
    return text[:end].rstrip() + "…"


@dataclass
class _Line:
    """A paragraph of a text box: runs of (text, bold), its size, colour and whether it is a list item."""

    runs: list[tuple[str, bool]]
    size: float = BODY_SIZE
    color: str = INK
    italic: bool = False
    space_before: float = 0.0  # pt

    @property
    def text(self) -> str:
        return "".join(r for r, _ in self.runs)

    def height(self, width: int) -> int:
        inner = width - 2 * BOX_MARGIN - (HANGING if self.text.startswith(BULLET) else 0)
        return line_count(self.text, inner, self.size) * line_height(self.size) + int(self.space_before * PT)


@dataclass
class _Text:
    lines: list[_Line]


def _as_text(block: Any, lang: str) -> _Text:
    colon = "：" if lang == "zh" else ": "
    if isinstance(block, _Text):  # what a slide before left over
        return block
    if isinstance(block, Paragraph):
        return _Text([_Line([(block.text, block.emphasis)])])
    if isinstance(block, Note):
        return _Text([_Line([(block.text, False)], color=MUTED, italic=True)])
    if isinstance(block, Bullets):
        return _Text([_Line([(BULLET + i, False)]) for i in block.items])
    if isinstance(block, KeyValues):
        return _Text([_Line([(k + colon, True), (v, False)]) for k, v in block.pairs])
    if isinstance(block, Lists):
        lines = []
        for n, (heading, items) in enumerate(block.groups):
            lines.append(_Line([(heading, True)], size=BODY_SIZE - 1, color=ACCENT, space_before=0 if n == 0 else 6))
            lines += [_Line([(BULLET + i, False)], size=BODY_SIZE - 1) for i in items]
        return _Text(lines)
    raise TypeError(type(block).__name__)


def _condense(block: Lists, width: int, room: int) -> _Text:
    """The lists in `room`: every item on one line, the longest lists shortened first."""
    size = SUMMARY_SIZE
    head, item = line_height(size + 1) + int(5 * PT), line_height(size)
    shown = [len(items) for _, items in block.groups]
    groups = list(block.groups)
    while groups and len(groups) * head + sum(shown) * item > room:
        longest = max(range(len(shown)), key=lambda i: shown[i])
        if shown[longest] > 1:
            shown[longest] -= 1
        else:  # one item each and still too much: the last list goes
            groups.pop()
            shown.pop()
    text_w = width - 2 * BOX_MARGIN
    lines = []
    for n, ((heading, items), k) in enumerate(zip(groups, shown)):
        label = heading + (block.more.format(n=len(items)) if k < len(items) else "")
        lines.append(_Line([(cut(label, text_w, size + 1), True)], size=size + 1, color=ACCENT, space_before=0 if n == 0 else 5))
        lines += [_Line([(cut(BULLET + i, text_w - HANGING, size), False)], size=size) for i in items[:k]]
    return _Text(lines)


# --- drawing ------------------------------------------------------------------------------------------


def _rgb(hex_color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color)


def _fonts_on_every_run(element: Any, lang: str) -> None:
    """Latin, East Asian and complex-script typefaces and the language on every run."""
    from pptx.oxml.ns import qn

    for run in element.iter(qn("a:r")):
        rpr = run.get_or_add_rPr()
        rpr.set("lang", "zh-CN" if lang == "zh" else "en-US")
        rpr.set("altLang", "en-US" if lang == "zh" else "zh-CN")
        latin = rpr.get_or_add_latin()
        latin.set("typeface", LATIN_FONT)
        previous = latin
        for tag in ("a:ea", "a:cs"):
            node = rpr.find(qn(tag))
            if node is None:
                node = rpr.makeelement(qn(tag), {})
                previous.addnext(node)
            node.set("typeface", CJK_FONT)
            previous = node


def _frame(frame: Any, margin: int = BOX_MARGIN) -> None:
    from pptx.enum.text import MSO_AUTO_SIZE, MSO_ANCHOR

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    frame.margin_left = frame.margin_right = margin
    frame.margin_top = frame.margin_bottom = int(margin / 2)


def _fill(frame: Any, lines: list[_Line], align: Any = None) -> None:
    from pptx.util import Pt

    for n, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if line.space_before:
            paragraph.space_before = Pt(line.space_before)
        if line.runs and line.runs[0][0].startswith(BULLET):  # wrapped lines start under the text, not the bullet
            ppr = paragraph._p.get_or_add_pPr()
            ppr.set("marL", str(HANGING))
            ppr.set("indent", str(-HANGING))
        for text, bold in line.runs:
            run = paragraph.add_run()
            run.text = text
            run.font.size = Pt(line.size)
            run.font.bold = bold
            run.font.italic = line.italic
            run.font.color.rgb = _rgb(line.color)


def _textbox(slide: Any, x: int, y: int, w: int, h: int, lines: list[_Line], align: Any = None) -> Any:
    box = slide.shapes.add_textbox(x, y, w, h)
    _frame(box.text_frame)
    _fill(box.text_frame, lines, align)
    return box


@dataclass
class _Box:
    left: int
    top: int
    width: int
    bottom: int


def _row_height(cells: list[str], widths: list[int], size: float) -> int:
    lines = max(line_count(c, w - 2 * CELL_MARGIN_X, size) for c, w in zip(cells, widths))
    return int(lines * size * CELL_LINE_EM * PT) + 2 * CELL_MARGIN_Y + int(6 * PT)  # 1 line: 25 pt at 11 pt measured


def _cells(table: Table, widths: list[int], size: float) -> list[list[str]]:
    return [[cut("" if v is None else v, w - 2 * CELL_MARGIN_X, size, MAX_CELL_LINES) for v, w in zip(row, widths)] for row in table.rows]


@dataclass
class _Measured:
    """A table laid out at one type size: column widths, the cells (cut when very long), row heights."""

    size: float
    widths: list[int]
    header: list[str]
    cells: list[list[str]]
    heights: list[int]
    header_h: int
    caption_h: int

    @property
    def height(self) -> int:
        return self.caption_h + self.header_h + sum(self.heights)


def _measure(block: Table, width: int, size: float) -> _Measured:
    widths = column_widths(block.columns, block.rows, width, int(size * EM_PER_CHAR * PT), 2 * CELL_MARGIN_X + int(4 * PT), header_share=0.5)
    header = [str(c) for c in block.columns]
    cells = _cells(block, widths, size)
    return _Measured(size, widths, header, cells, [_row_height(row, widths, size) for row in cells], _row_height(header, widths, size),
                     line_height(BODY_SIZE - 2) if block.caption else 0)


def _draw_table(slide: Any, block: Table, box: _Box, y: int, first: bool, cont: str, sizes: tuple[float, ...] = (TABLE_SIZE,),
                reserve: int = 0) -> tuple[int, Optional[Table]]:
    """As many rows as fit from `y` down (the header on top), at the largest of `sizes` at which the
    whole table fits (leaving `reserve` below it), else the smallest; the rest for the next slide."""
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    room = box.bottom - y
    for size in sizes:
        m = _measure(block, box.width, size)
        if m.height + reserve <= room:
            break
    heights, size = m.heights, m.size
    fit, used = 0, m.caption_h + m.header_h
    while fit < len(heights) and used + heights[fit] <= room:
        used += heights[fit]
        fit += 1
    if fit == 0 and not first:
        return y, block  # not even one row: all of it on the next slide
    fit = max(fit, 1) if heights else 0
    if block.caption:
        _textbox(slide, box.left, y, box.width, m.caption_h,
                 [_Line([(cut(block.caption, box.width - 2 * BOX_MARGIN, BODY_SIZE - 2), True)], size=BODY_SIZE - 2, color=ACCENT)])
        y += m.caption_h
    shape = slide.shapes.add_table(fit + 1, len(m.header), box.left, y, box.width, m.header_h + sum(heights[:fit]))
    table = shape.table
    for c, w in enumerate(m.widths):
        table.columns[c].width = w
    # a cell of each kind is styled by python-pptx, the others are copies of it with their own text:
    # the same XML at a fraction of the setters' cost (seconds for a large plan's tables)
    prototypes: dict[tuple[str, bool], Any] = {}
    for r, row in enumerate([m.header, *m.cells[:fit]]):
        table.rows[r].height = m.header_h if r == 0 else heights[r - 1]
        fill = HEADER_FILL if r == 0 else HIGHLIGHT_FILL if (r - 1) in block.highlight else ROW_FILL
        for c, value in enumerate(row):
            cell, kind = table.cell(r, c), (fill, c in block.numeric and r > 0)
            if kind in prototypes:
                tc = copy.deepcopy(prototypes[kind])
                cell._tc.getparent().replace(cell._tc, tc)
                tc.find(qn("a:txBody")).find(qn("a:p")).find(qn("a:r")).text = value
                continue
            cell.margin_left = cell.margin_right = CELL_MARGIN_X
            cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
            cell.vertical_anchor = MSO_ANCHOR.TOP
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(fill)
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            if kind[1]:
                paragraph.alignment = PP_ALIGN.RIGHT
            run = paragraph.add_run()
            run.text = value
            run.font.size = Pt(size)
            run.font.bold = r == 0
            run.font.color.rgb = _rgb(INK)
            prototypes[kind] = cell._tc
    y += m.header_h + sum(heights[:fit]) + GAP
    if fit < len(block.rows):
        rest = replace(block, rows=block.rows[fit:], highlight={i - fit for i in block.highlight if i >= fit},
                       caption=block.caption and f"{block.caption} {cont}")
        return y, rest
    return y, None


def _draw_figure(slide: Any, figure: Figure, box: _Box, y: int) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(figure.png)) as image:
        w, h = image.size
    room_h = box.bottom - y
    scale = min(box.width / w, room_h / h)
    pic_w, pic_h = int(w * scale), int(h * scale)
    slide.shapes.add_picture(io.BytesIO(figure.png), box.left + (box.width - pic_w) // 2, y, pic_w, pic_h)
    return y + pic_h + GAP


def _place(slide: Any, blocks: list[Any], box: _Box, lang: str, cont: str, whole: bool = False, grow: bool = True) -> list[Any]:
    """Draw `blocks` top to bottom in `box`; what does not fit is returned for a continuation slide
    (`whole`: the slide has to hold everything, so tables take smaller type; `grow`: a table alone
    may take larger type, not on a continuation slide, whose type stays that of the first)."""
    y = box.top
    for n, block in enumerate(blocks):
        empty = y == box.top
        room = box.bottom - y
        if isinstance(block, Figure):
            if room < MIN_FIGURE and not empty:
                return blocks[n:]
            y = _draw_figure(slide, block, box, y)
        elif isinstance(block, Table):
            if len(blocks) == 1 and grow:  # a table alone on its slide: as large as fits
                sizes, reserve = (14, 12, TABLE_SIZE), 0
            elif whole:  # a slide that must hold everything: smaller type, room kept for what follows
                sizes, reserve = (TABLE_SIZE, 10, 9), line_height(SUMMARY_SIZE + 1) + 3 * line_height(SUMMARY_SIZE)
            else:
                sizes, reserve = (TABLE_SIZE,), 0
            y, rest = _draw_table(slide, block, box, y, empty, cont, sizes, reserve if n + 1 < len(blocks) else 0)
            if rest is not None:
                return [rest, *blocks[n + 1:]]
        else:
            text = _condense(block, box.width, room) if isinstance(block, Lists) and block.condensed else _as_text(block, lang)
            fit, used = 0, 0
            while fit < len(text.lines) and used + text.lines[fit].height(box.width) <= room:
                used += text.lines[fit].height(box.width)
                fit += 1
            if fit == 0 and not empty:
                return blocks[n:]
            if fit == 0:  # one paragraph taller than the whole box: cut it
                line = text.lines[0]
                lines = max(1, room // line_height(line.size))
                text.lines[0] = replace(line, runs=[(cut(line.text, box.width - 2 * BOX_MARGIN, line.size, lines), False)])
                fit, used = 1, room
            _textbox(slide, box.left, y, box.width, used + BOX_MARGIN, text.lines[:fit])
            y += used + BOX_MARGIN + GAP
            if fit < len(text.lines):
                return [_Text(text.lines[fit:]), *blocks[n + 1:]]
    return []


def _title(slide: Any, text: str) -> None:
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN

    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = SIDE, TITLE_TOP, WIDTH - 2 * SIDE, TITLE_HEIGHT
    width = WIDTH - 2 * SIDE - 2 * BOX_MARGIN
    size = next((s for s in TITLE_SIZES if line_count(text, width, s) * line_height(s) <= TITLE_HEIGHT - BOX_MARGIN), TITLE_SIZES[-1])
    text = cut(text, width, size, max(1, (TITLE_HEIGHT - BOX_MARGIN) // line_height(size)))
    frame = shape.text_frame
    _frame(frame)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.text = ""
    _fill(frame, [_Line([(text, True)], size=size, color=ACCENT)], PP_ALIGN.LEFT)


def _foot(slide: Any, left: str, number_: int) -> None:
    from pptx.enum.text import PP_ALIGN

    width = WIDTH - 2 * SIDE
    _textbox(slide, SIDE, FOOT_TOP, width - int(0.8 * INCH), FOOT_HEIGHT,
             [_Line([(cut(left, width - int(0.8 * INCH) - 2 * BOX_MARGIN, FOOT_SIZE), False)], size=FOOT_SIZE, color=MUTED)])
    _textbox(slide, WIDTH - SIDE - int(0.7 * INCH), FOOT_TOP, int(0.7 * INCH), FOOT_HEIGHT,
             [_Line([(str(number_), False)], size=FOOT_SIZE, color=MUTED)], align=PP_ALIGN.RIGHT)


def _title_slide(prs: Any, report: Report) -> None:
    from pptx.enum.text import PP_ALIGN

    slide = prs.slides.add_slide(prs.slide_layouts[0])
    width = WIDTH - 4 * SIDE
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = 2 * SIDE, int(1.6 * INCH), width, int(1.7 * INCH)
    _frame(title.text_frame)
    title.text_frame.text = ""
    size = next((s for s in (36, 32, 28) if line_count(report.title, width - 2 * BOX_MARGIN, s) <= 2), 28)
    _fill(title.text_frame, [_Line([(cut(report.title, width - 2 * BOX_MARGIN, size, 2), True)], size=size, color=ACCENT)], PP_ALIGN.LEFT)
    colon = "：" if report.lang == "zh" else ": "
    project_label = report.t("项目", "Project")
    lines = [_Line([(report.subtitle, False)], size=20, color=INK)]
    for key, value in report.cover:
        if key == project_label:
            continue
        lines.append(_Line([(key + colon, True), (cut(value, width - 2 * BOX_MARGIN, 16, 2), False)], size=16, color=MUTED, space_before=4))
    body = slide.placeholders[1]
    top = int(3.5 * INCH)
    height = min(BODY_BOTTOM - top, sum(line.height(width) for line in lines) + 2 * BOX_MARGIN)
    body.left, body.top, body.width, body.height = 2 * SIDE, top, width, height
    _frame(body.text_frame)
    body.text_frame.text = ""
    _fill(body.text_frame, lines, PP_ALIGN.LEFT)


def _content_slide(prs: Any, report: Report, spec: Slide, cont: str) -> None:
    """One slide of `spec`, and as many continuation slides as its tables and lists need."""
    body, side, first = list(spec.body), list(spec.side or []), True
    while first or body or side:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        _title(slide, spec.title if first else f"{spec.title} {cont}")
        top, bottom, inner = BODY_TOP, BODY_BOTTOM, WIDTH - 2 * SIDE
        if first and spec.lead:
            width = inner - 2 * BOX_MARGIN
            size = next((z for z in (BODY_SIZE, BODY_SIZE - 1, SUMMARY_SIZE) if line_count(spec.lead, width, z) <= 4), SUMMARY_SIZE)
            lead = cut(spec.lead, width, size, 5)
            height = line_count(lead, width, size) * line_height(size) + BOX_MARGIN
            _textbox(slide, SIDE, top, inner, height, [_Line([(lead, False)], size=size)])
            top += height + GAP
        if spec.caption:
            caption = cut(spec.caption, inner - 2 * BOX_MARGIN, CAPTION_SIZE, 3)
            height = line_count(caption, inner - 2 * BOX_MARGIN, CAPTION_SIZE) * line_height(CAPTION_SIZE) + BOX_MARGIN
            bottom -= height
            _textbox(slide, SIDE, bottom, inner, height, [_Line([(caption, False)], size=CAPTION_SIZE, color=MUTED)])
            bottom -= GAP // 2
        if spec.side is not None:
            left = int((inner - COLUMN_GAP) * spec.split)
            body = _place(slide, body, _Box(SIDE, top, left, bottom), report.lang, cont, spec.whole)
            side = _place(slide, side, _Box(SIDE + left + COLUMN_GAP, top, inner - left - COLUMN_GAP, bottom), report.lang, cont, spec.whole)
        else:
            body = _place(slide, body, _Box(SIDE, top, inner, bottom), report.lang, cont, spec.whole, grow=first)
        if spec.whole:  # condensed: the details are on the slides after it
            body, side = [], []
        _foot(slide, f"{report.title} · {report.t('截至', 'as of')} {report.date}", len(prs.slides))
        first = False


def draw(report: Report) -> bytes:
    """The deck of `report` as a .pptx file."""
    from pptx import Presentation

    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = report.title
    prs.core_properties.subject = report.subtitle
    prs.core_properties.language = "zh-CN" if report.lang == "zh" else "en-US"
    cont = report.t("（续）", "(cont.)")
    deck = getattr(report, "deck", None)
    slides = deck.slides if deck is not None else plain_outline(report)
    prefetch([block for spec in slides for block in [*spec.body, *(spec.side or [])]], "png")
    _title_slide(prs, report)
    for spec in slides:
        _content_slide(prs, report, spec, cont)
    for slide in prs.slides:
        _fonts_on_every_run(slide._element, report.lang)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
