"""The analysis sections of the report (fishbone, Pareto, root causes, plan, tracking,
evaluation), built on the domain modules of steps 3-6 (the summary's lists: `summary.py`). `diagnosis.report.build.SECTIONS` lists them in reading order.
"""

from __future__ import annotations

from typing import Any

from diagnosis import cells, diagram, economics, evaluation, evaluation_stats, pareto, pareto_chart, plan, tracking
from diagnosis.fishbone import walk
from diagnosis.i18n import months_text, tr
from diagnosis.report.inputs import ReportInput, join, number
from diagnosis.report.document import Bullets, KeyValues, Note, Paragraph, Section, Table
from diagnosis.report.figures import PAGE_WIDTH_PX, WIDE_WIDTH_PX, chart_figure, grid, svg_png_figure
from diagnosis.report.spc_blocks import spc_blocks

FONT = "Noto Sans CJK SC"


def _category_label(inp: ReportInput, category_id: str) -> str:
    for category in inp.questionnaire.cause_categories:
        if category.id == category_id:
            return tr(category.label, inp.lang)
    return category_id


def _pareto(inp: ReportInput) -> pareto.ParetoResult | None:
    if not inp.project.fishbone.causes:
        return None
    return pareto.pareto_table(inp.project, inp.questionnaire, by=pareto.default_measure(inp.project.fishbone), lang=inp.lang)


def _stage_label(inp: ReportInput, stage: str | None) -> str:
    """A cause's process stage (information gathering / handling / follow-up) in words."""
    for option in inp.questionnaire.analysis.stages:
        if str(option.id) == str(stage):
            return tr(option.label, inp.lang)
    return stage or ""


def _number(value: Any) -> str:
    return "" if value is None else number(value)


# --- data findings from the ticket import -----------------------------------------------------


def ticket_findings(inp: ReportInput) -> Section | None:
    """The ticket import of step 2: file, overall metrics, by channel, and its charts."""
    from diagnosis.tickets import charts as ticket_charts
    from diagnosis.tickets import metrics as ticket_metrics
    from diagnosis.tickets.flow import stored_result

    result = stored_result(inp.project)
    if result is None or not result.overall:
        return None
    t, lang = inp.t, inp.lang
    section = Section("data-tickets", t("工单数据指标", "Ticket data metrics"))
    source = inp.project.data.get("source") or {}
    facts = [(t("文件", "File"), str(source.get("name", ""))), (t("工单数", "Tickets"), _number(result.rows)),
             (t("响应时限 SLA", "Response SLA"), t(f"{result.sla_minutes:g} 分钟", f"{result.sla_minutes:g} min"))]
    if result.bad_rows:
        facts.append((t("问题行（已从相关指标中排除）", "Bad rows (left out of the metrics they distort)"), _number(sum(result.bad_rows.values()))))
    section.blocks.append(KeyValues(facts))
    names = [n for n in result.overall if n in ticket_metrics.METRIC_NAMES]
    section.blocks.append(Table(
        [t("指标", "Metric"), t("数值", "Value")],
        [[ticket_metrics.label_with_unit(n, lang), ticket_metrics.value_cell(n, result.overall[n], lang)] for n in names],
        caption=t("总体", "Overall"), numeric={1},
    ))
    channels = result.groups.get("channel") or {}
    if channels:
        shown = [n for n in ("volume", "frt_mean_min", "sla_rate", "fcr", "transfer_rate", "csat_mean", "complaint_rate") if n in names]
        section.blocks.append(Table(
            [t("渠道", "Channel"), *[ticket_metrics.label_with_unit(n, lang) for n in shown]],
            [[channel, *[ticket_metrics.value_cell(n, values.get(n), lang) for n in shown]] for channel, values in channels.items()],
            caption=t("按渠道", "By channel"), numeric=set(range(1, len(shown) + 1)),
        ))
    for builder, caption, name in (
        (ticket_charts.channel_comparison, t("渠道对比", "Channel comparison"), "channels"),
        (ticket_charts.heatmap, t("工单量：小时 × 星期", "Ticket volume by hour and weekday"), "heatmap"),
        (ticket_charts.monthly_trends, t("月度趋势", "Monthly trends"), "months"),
    ):
        chart = builder(result, lang)
        if chart is not None and not (name == "months" and len(result.groups.get("month") or {}) < 2):
            section.blocks.append(chart_figure(chart, caption, f"tickets-{name}"))
    rows = [[n, *[ticket_metrics.value_cell(m, v.get(m), lang) for m in names]] for g in result.groups.values() for n, v in g.items()]
    if rows:
        section.blocks.append(Table([t("分组", "Group"), *[ticket_metrics.label_with_unit(m, lang) for m in names]], rows,
                                    sheet=t("工单指标", "Ticket metrics"), numeric=set(range(1, len(names) + 1)), in_document=False))
    return section


def method_findings(inp: ReportInput) -> Section | None:
    """Step 2 against the method's rules of thumb (survey sample, interview targets)."""
    from diagnosis.method_checks import data_collection_findings

    findings = data_collection_findings(inp.project)
    if not findings:
        return None
    marks = {"ok": "✔", "warning": "⚠"}
    return Section("data-method", inp.t("数据收集检查", "Data collection checks"),
                   [Bullets([f"{marks[f.level]} {f.text(inp.lang)}" for f in findings])])


def suggestion_findings(inp: ReportInput) -> Section | None:
    """The frontline's anonymous suggestions, only once enough arrived that none points at its
    writer (`diagnosis.sharing.threshold`); the report of a project file alone has none."""
    found = inp.suggestions
    if found is None or not found.count:
        return None
    section = Section("data-suggestions", inp.t("一线员工匿名建议", "Anonymous suggestions from the frontline"))
    if found.visible:
        shown = len(found.texts)
        section.blocks.append(Paragraph(inp.t(f"共 {shown} 条（顺序随机，不含任何身份信息）。", f"{shown} suggestions (in a random order, with nothing that identifies their writers).")))
        section.blocks.append(Bullets(list(found.texts)))
        if found.waiting:
            section.blocks.append(Note(inp.t(f"另有 {found.waiting} 条等待凑满 {found.threshold} 条后一起显示。",
                                             f"{found.waiting} more wait until {found.threshold} can show together.")))
    else:
        section.blocks.append(Note(inp.t(f"已收到 {found.count} 条，至少 {found.threshold} 条后才显示，以免能认出是谁写的。",
                                         f"{found.count} received so far; they show once at least {found.threshold} arrived, so nobody can be singled out.")))
    return section


# --- step 3 -------------------------------------------------------------------------------------


def fishbone_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("fishbone", t("鱼骨图（人机料法环）", "Fishbone diagram"))
    fishbone = inp.project.fishbone
    if not fishbone.causes:
        section.blocks.append(Note(t("尚未收集原因。", "No causes collected yet.")))
        return section
    views = diagram.fishbone_views(inp.project, inp.questionnaire, inp.lang)
    if len(views) > 1:
        section.blocks.append(Paragraph(t(
            f"共 {sum(1 for _ in walk(fishbone))} 项原因：先看总览（每类的前 {diagram.OVERVIEW_RIBS} 项原因），再看每类的详图（全部原因与追问链）。",
            f"{sum(1 for _ in walk(fishbone))} causes: an overview first (each category's first {diagram.OVERVIEW_RIBS} causes), then each category in detail (every cause and why-chain).")))
    for view in views:
        if view.kind == "overview":
            caption = t("鱼骨图总览：红色粗体为确认的根因", "Fishbone overview: root causes in bold red")
        elif view.kind == "detail":
            part = f"（{view.part}/{view.parts}）" if view.parts > 1 else ""
            caption = t(f"鱼骨图详图：{view.label}{part}", f"Fishbone detail: {view.label}" + (f" ({view.part}/{view.parts})" if view.parts > 1 else ""))
        else:
            caption = t("鱼骨图：红色粗体为确认的根因", "Fishbone: root causes in bold red")
        name = "fishbone" if view.kind != "detail" else f"fishbone-{view.category}-{view.part}"
        section.blocks.append(svg_png_figure(lambda dot=view.dot: diagram.render_dot(dot, "svg"), lambda dot=view.dot: diagram.render_dot(dot, "png"),
                                             caption, name, wide=True))
    rows = []
    for cause, _parent, depth in walk(fishbone):
        rows.append([
            _category_label(inp, cause.category),
            ("　" * depth if inp.lang == "zh" else "  " * depth) + cause.text,
            f"{_number(cause.value)} {cause.unit}".strip(),
            cells.number(cause.vote_total or None),
            cause.evidence,
        ])
    section.blocks.append(Table(
        [t("类别", "Category"), t("原因", "Cause"), t("数值", "Value"), t("票数", "Votes"), t("证据", "Evidence")],
        rows, caption=t("全部原因", "All causes"), sheet=t("原因", "Causes"), numeric={3},
    ))
    return section


def pareto_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("pareto", t("帕累托分析（80/20）", "Pareto analysis (80/20)"))
    result = _pareto(inp)
    if result is None or not result.rows:
        section.blocks.append(Note(t("没有可排序的原因数值。", "No cause values to rank yet.")))
        return section
    measure = pareto.MEASURE_TITLES[result.by][inp.lang if inp.lang in ("zh", "en") else "en"]
    section.blocks.append(Paragraph(t(
        f"按「{measure}」排序；累计占比达到 {result.threshold:g}% 的最短前缀（及与其最后一项数值相同者）为关键少数（共 {len(result.vital_few)} 项）。",
        f"Ranked by {measure.lower()}; the vital few are the shortest prefix reaching {result.threshold:g}%, with any cause tied with its last ({len(result.vital_few)} causes).",
    )))
    # on its own landscape page, every bar's name wrapped under it at a size that prints
    drawn = pareto_chart.fold_to_fit(result, WIDE_WIDTH_PX)
    note = pareto_chart.cut_note(drawn, inp.lang)
    section.blocks.append(chart_figure(pareto_chart.chart(drawn, inp.lang, fit_width=WIDE_WIDTH_PX), t("帕累托图", "Pareto chart") + (t(f"：{note}", f": {note}") if note else ""),
                                       "pareto", wide=True))
    if drawn is not result:
        section.blocks.append(Note(t(f"图中画出前 {len(drawn.rows)} 项，其余 {len(drawn.other.rows)} 项合为“其他”；下表列出全部原因。",
                                     f"The chart draws the first {len(drawn.rows)}; the other {len(drawn.other.rows)} are folded into \"Other\"; the table lists every cause.")))
    table = Table(
        [t("排名", "Rank"), t("原因", "Cause"), t("类别", "Category"), t("数值", "Value"), "%", t("累计", "Cumulative"), t("累计 %", "Cumulative %"), t("关键少数", "Vital few")],
        [], sheet="Pareto", numeric={0, 3, 4, 5, 6},
    )
    for i, row in enumerate(result.rows + (result.other.rows if result.other else [])):
        table.rows.append([row.rank, row.cause, row.category, cells.number(row.value), cells.fixed(row.percent, 1), cells.number(row.cumulative),
                           cells.fixed(row.cumulative_percent, 1), pareto.vital_mark(row.vital_few, row.tied_at_cut, inp.lang)])
        if row.vital_few:
            table.highlight.add(i)
    section.blocks.append(table)
    if result.cut_note(inp.lang):
        section.blocks.append(Paragraph(result.cut_note(inp.lang)))
    if result.excluded:
        section.blocks.append(Bullets([
            t(f"未计入：{e.cause}（{e.reason_text(inp.lang)}）", f"Left out: {e.cause} ({e.reason_text(inp.lang)})") for e in result.excluded
        ]))
    before_after = pareto_chart.before_after(inp.project, inp.questionnaire, inp.lang, fit_width=WIDE_WIDTH_PX)
    if before_after is not None:
        section.blocks.append(chart_figure(before_after, t("上一轮与本轮对比（同一刻度）", "Previous and current cycle (same scale)"), "pareto-before-after", wide=True))
    return section


def root_cause_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("root-causes", t("根本原因", "Root causes"))
    if not inp.project.fishbone.causes:
        section.blocks.append(Note(t("尚未确认根因。", "No root causes confirmed yet.")))
        return section
    roots = pareto.root_causes(inp.project, inp.questionnaire)
    if inp.project.fishbone.confirmed is None:
        section.blocks.append(Paragraph(t("团队尚未确认，以下为帕累托关键少数建议。", "Not confirmed by the team yet: the Pareto vital few are proposed.")))
    measures_by_cause: dict[str, list[str]] = {}
    for m in inp.project.measures:
        measures_by_cause.setdefault(m.root_cause, []).append(m.title)
    rows = [[_category_label(inp, c.category), _stage_label(inp, c.stage), c.text, cells.number(c.value), c.evidence,
             join(measures_by_cause.get(c.id, []), inp.lang) or t("⚠ 尚无措施", "⚠ no measure yet")] for c in roots]
    section.blocks.append(Table([t("类别", "Category"), t("环节", "Stage"), t("根因", "Root cause"), t("数值", "Value"), t("证据", "Evidence"), t("对应措施", "Measures")], rows, numeric={3}))
    return section


# --- steps 4-6 ----------------------------------------------------------------------------------


# the timeline's bars beside its row labels ("owner · measure"), together the page's width
GANTT_WIDTH_PX = int(PAGE_WIDTH_PX - plan.GANTT_LABEL_PX - 40)
PAGE_TIMELINE_ROWS = 25  # measures on one timeline figure: with its axis, legend and caption it fits an A4 page at 8 pt


def plan_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("plan", t("行动方案（按期限）", "Action plan by horizon"))
    rows = plan.plan_rows(inp.project, inp.questionnaire)
    if not rows:
        section.blocks.append(Note(t("尚未制定措施。", "No measures planned yet.")))
        return section
    start = plan.plan_start(inp.project)
    if start:
        section.blocks.append(Paragraph(t(f"方案开始日期：{start.isoformat()}", f"Plan start: {start.isoformat()}")))
    # a long plan's timeline over several pages (`PAGE_TIMELINE_ROWS` measures each, one time axis), its labels at 8 pt
    caption = t("措施时间线：每行一项措施（负责人 · 措施）", "Timeline: one row per measure (owner · measure)")
    for n, gantt in enumerate(plan.gantt_charts(rows, inp.lang, PAGE_TIMELINE_ROWS, width=GANTT_WIDTH_PX)):
        section.blocks.append(chart_figure(gantt, caption + (t("（续）", " (continued)") if n else ""), "gantt" if n == 0 else f"gantt-{n + 1}"))
    section.blocks.extend(economics_blocks(inp, rows))
    for horizon in plan.HORIZONS:
        chosen = [r for r in rows if r.horizon == horizon]
        if not chosen:
            continue
        child = Section(f"plan-{horizon}", plan.horizon_label(horizon, inp.lang, inp.questionnaire.priority))
        child.blocks.append(Table(
            [t("措施", "Measure"), t("根因", "Root cause"), t("负责人", "Owner"), t("截止", "Due"), t("得分", "Score"), t("预期效果", "Expected effect"), t("风险 → 预案", "Risk → contingency")],
            [[
                r.measure.title + (t("（期限已调整）", " (horizon overridden)") if r.horizon_overridden else ""),
                r.root_cause,
                f"{r.measure.owner} / {r.measure.department}".strip(" /"),
                cells.date(r.measure.due),
                cells.fixed(r.score, 2),
                f"{r.effect_metric(inp.lang)}{t('：', ': ')}{_number(r.measure.metric_from)} → {_number(r.measure.metric_to)}" if r.effect_metric(inp.lang) else "",
                " → ".join(x for x in (r.measure.risk, r.measure.contingency) if x),
            ] for r in chosen],
            numeric={4},
        ))
        for r in chosen:
            details = measure_details(inp, r.measure)
            if details:
                child.blocks += [Paragraph(r.measure.title, emphasis=True), KeyValues(details)]
        section.children.append(child)
    headers, values = plan.plan_table(rows, inp.lang)
    keys = [key for key, *_ in plan.COLUMNS]
    numeric = {keys.index(k) for k in ("score", "urgency", "importance", "cost", "metric_from", "metric_to", "progress")}
    section.blocks.append(Table(headers, [[_cell(v, inp.lang) for v in row] for row in values], sheet=t("行动方案", "Plan"), numeric=numeric, in_document=False))
    missing = plan.root_causes_without_measure(inp.project, inp.questionnaire)
    if missing:
        section.blocks.append(Bullets([t(f"⚠ 根因尚无措施：{c.text}", f"⚠ Root cause without a measure: {c.text}") for c in missing]))
    return section


def plan_economics_pairs(inp: ReportInput, total: economics.Economics) -> list[tuple[str, str]]:
    """The plan's totals, payback and ROI as label/value pairs (the plan section and the summary)."""
    t, lang = inp.t, inp.lang
    return [
        (t("一次性投入合计", "Total one-off investment"), economics.money(total.one_off, lang, inp.currency)),
        (t("每年运行成本合计", "Total running cost per year"), economics.money(total.running, lang, inp.currency)),
        (t("预期年收益合计", "Total expected yearly benefit"), economics.money(total.benefit, lang, inp.currency)),
        (t("每年净收益", "Net yearly benefit"), economics.money(total.net_yearly, lang, inp.currency)),
        (t("回本周期", "Payback period"), economics.payback_text(total, lang)),
        (t("首年投资回报率", "ROI, first year"), economics.roi_text(total.roi_first_year)),
        (t(f"{economics.YEARS} 年投资回报率", f"ROI over {economics.YEARS} years"), economics.roi_text(total.roi_three_years)),
    ]


def economics_blocks(inp: ReportInput, rows: list[plan.PlanRow]) -> list[Any]:
    """The effort-impact matrix, each measure's cost and benefit and the plan's totals."""
    t, lang = inp.t, inp.lang
    priority = inp.questionnaire.priority
    blocks: list[Any] = [chart_figure(economics.matrix_chart(rows, lang),
                                      t("投入-影响矩阵：编号为下表中措施的序号", "Effort-impact matrix: numbers are the measures of the table below"), "effort-impact")]
    cur = economics.currency(lang, inp.currency)  # in the money columns' headers: the spreadsheet's cells are bare numbers
    table = Table(
        ["#", t("措施", "Measure"), t("象限", "Quadrant"), t(f"一次性投入（{cur}）", f"One-off ({cur})"), t(f"每年运行成本（{cur}）", f"Running / year ({cur})"),
         t(f"预期年收益（{cur}）", f"Benefit / year ({cur})"), t("回本（月）", "Payback (months)"), t("首年 ROI", "ROI year 1"),
         t(f"{economics.YEARS} 年 ROI", f"ROI {economics.YEARS} years")],
        [], caption=t("投入与收益", "Cost and benefit"),
        sheet=t("投入与收益", "Cost and benefit"), numeric={0, 3, 4, 5, 6, 7, 8},
    )
    for i, r in enumerate(rows, start=1):
        e = economics.of_measure(r.measure)
        figures = [""] * 6 if e is None else _economics_cells(e)
        table.rows.append([i, r.measure.title, economics.quadrant_label(economics.quadrant(r.measure, priority), lang, short=True), *figures])
    total = economics.of_plan([r.measure for r in rows])
    if total is not None:
        table.rows.append(["", t("合计", "Total"), "", *_economics_cells(total)])
        table.highlight.add(len(table.rows) - 1)
    blocks.append(table)
    if total is None:
        blocks.append(Note(t("措施尚未填写投入与预期收益，无法计算回本周期与投资回报率。",
                             "No measure gives an investment or an expected benefit yet: no payback or ROI to compute.")))
    else:
        blocks.append(KeyValues(plan_economics_pairs(inp, total)))
        blocks.append(Paragraph(economics.rule_text(lang)))
    return blocks


def _economics_cells(e: economics.Economics) -> list[cells.Cell]:
    """One-off, running, benefit, payback months (one decimal; "—": never), ROI year 1 and over the years ("—": nothing invested)."""
    def roi(value: float | None) -> cells.Cell:  # `economics.roi_text`: "+35.8%"
        return cells.percent(None if value is None else value / 100, signed=True, blank="—")

    return [cells.number(e.one_off), cells.number(e.running), cells.number(e.benefit),
            cells.number(e.payback_months, 1, thousands=False, blank="—"), roi(e.roi_first_year), roi(e.roi_three_years)]


def measure_details(inp: ReportInput, measure: Any) -> list[tuple[str, str]]:
    """What a measure's owner needs beyond the plan table (owner, department, risk and contingency are in it)."""
    t = inp.t
    resources = [(t("预算", "budget"), measure.budget), (t("人员", "people"), measure.people), (t("系统权限", "system access"), measure.system_access)]
    pairs = [
        (t("问题", "Problem"), measure.problem),
        (t("实施步骤", "Steps"), measure.steps),
        (t("资源", "Resources"), join([t(f"{k}：{v}", f"{k}: {v}") for k, v in resources if v], inp.lang)),
        (t("投入与收益", "Cost and benefit"), _measure_money(inp, measure)),
    ]
    return [(k, v) for k, v in pairs if v]


def _measure_money(inp: ReportInput, measure: Any) -> str:
    """"一次性投入 8,000 元；每年运行成本 2,000 元；预期年收益 36,000 元", or "" without figures."""
    t, lang = inp.t, inp.lang
    parts = [(t("一次性投入", "one-off"), measure.invest_once), (t("每年运行成本", "running per year"), measure.invest_yearly),
             (t("预期年收益", "expected benefit per year"), measure.benefit_yearly)]
    return join([t(f"{k} {economics.money(v, lang, inp.currency)}", f"{k} {economics.money(v, lang, inp.currency)}") for k, v in parts if v is not None], lang)


def _cell(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if hasattr(value, "isoformat"):
        return cells.date(value)
    if isinstance(value, (int, float)):
        return cells.number(value)
    return "" if value is None else value


def tracking_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("tracking", t("执行跟踪", "Tracking status"))
    rows = tracking.track(inp.project, inp.as_of)
    if not rows:
        section.blocks.append(Note(t("尚无措施可跟踪。", "No measures to track yet.")))
        return section
    counts = tracking.summary_by_status(rows)
    section.blocks.append(KeyValues([(tracking.status_label(s, inp.lang), str(n)) for s, n in counts.items()]))
    table = Table(
        [t("措施", "Measure"), t("负责人", "Owner"), t("状态", "Status"), t("进度 %", "Progress %"), t("最近检查", "Last check-in"), t("截止", "Due"), t("提示", "Flags")],
        [], sheet=t("跟踪", "Tracking"), numeric={3},
    )
    for i, r in enumerate(rows):
        flags = [t("逾期", "overdue")] * r.overdue + [t(f"{tracking.STALE_DAYS} 天以上未跟进", f"no check-in for over {tracking.STALE_DAYS} days")] * r.stale
        table.rows.append([r.measure.title, r.owner, tracking.status_label(r.status, inp.lang), r.progress,
                           cells.date(r.latest.date if r.latest else None), cells.date(r.measure.due), join(flags, inp.lang)])
        if flags or r.status in ("late", "at_risk"):
            table.highlight.add(i)
    section.blocks.append(table)
    checkins = sorted(inp.project.checkins, key=lambda c: (c.date, c.measure))
    titles = {m.id: m.title for m in inp.project.measures}
    deviations = [c for c in checkins if c.deviation]
    if deviations:
        section.blocks.append(Table(
            [t("日期", "Date"), t("措施", "Measure"), t("偏差", "Deviation"), t("原因", "Cause"), t("调整计划", "Adjusted plan")],
            [[cells.date(c.date), titles.get(c.measure, c.measure), c.deviation, c.cause, c.adjusted_plan] for c in deviations],
            caption=t("偏差与调整", "Deviations and adjustments"),
        ))
    section.children.append(Section("tracking-history", t("周检查记录", "Weekly check-ins"), [Table(
        [t("日期", "Date"), t("措施", "Measure"), t("状态", "Status"), t("进度 %", "Progress %"), t("偏差", "Deviation"), t("记录人", "By")],
        [[cells.date(c.date), titles.get(c.measure, c.measure), tracking.status_label(c.status, inp.lang), c.progress, c.deviation, c.author] for c in checkins],
        sheet=t("周检查", "Check-ins"), numeric={3},
    )] if checkins else [Note(t("尚无检查记录。", "No check-ins yet."))]))
    return section


def _with_n(value: Any, n: Any, t: Any) -> str:
    if value is None:
        return ""
    return _number(value) + (t(f"（n={n:,}）", f" (n={n:,})") if n else "")


def _definitions_table(inp: ReportInput) -> Table | None:
    """Each step-1 row with how it is computed (or "typed in by hand"), baseline and checkpoints with n."""
    from diagnosis.tickets.flow import row_view

    rows = row_view(inp.project, inp.questionnaire, inp.lang)
    if not rows:
        return None
    t = inp.t
    points = evaluation.checkpoints(inp.questionnaire, inp.project.evaluation)
    table = Table(
        [t("指标", "Metric"), t("口径", "Definition"), t("单位", "Unit"), t("基线", "Baseline"), t("目标", "Target"),
         *[months_text(p, inp.lang) for p in points]],
        [], caption=t("指标口径：每行的基线与各节点值都按同一口径计算；n 为所依据的工单数",
                      "Metric definitions: each row's baseline and checkpoint values come from one definition; n is the tickets behind a value"),
        sheet=t("指标口径", "Metric definitions"),
    )
    for row in rows:
        checkpoints = row["checkpoints"]
        table.rows.append([
            row["name"], row["definition_text"], row["unit"], _with_n(row["baseline"], row["baseline_n"], t), cells.number(row["target"]),
            *[_with_n(checkpoints[p]["value"], checkpoints[p]["n"], t) if p in checkpoints else "" for p in points],
        ])
    return table


def evaluation_section(inp: ReportInput) -> Section:
    t = inp.t
    section = Section("evaluation", t("效果评估与预警", "Evaluation and alerts"))
    results = evaluation.evaluate(inp.project, inp.questionnaire)
    measured = [r for r in results if r.value is not None]
    if inp.project.evaluation.launch:
        section.blocks.append(Paragraph(t(f"上线日期：{inp.project.evaluation.launch.isoformat()}", f"Launch: {inp.project.evaluation.launch.isoformat()}")))
    definitions_table = _definitions_table(inp)
    if definitions_table is not None:
        section.blocks.append(definitions_table)
    stats = before_after_section(inp)
    if stats:
        section.children.append(stats)
    if not measured:
        section.blocks.append(Note(t("尚无评估数据。", "No evaluation values yet.")))
        section.blocks.extend(spc_blocks(inp))
        return section
    table = Table(
        [t("指标", "Metric"), t("检查点（月）", "Checkpoint (months)"), t("基线", "Baseline"), t("目标", "Target"), t("实测", "Measured"), t("变化", "Change"), t("变化 %", "Change %"), t("达成", "Met")],
        [], sheet=t("效果评估", "Evaluation"), numeric={1, 2, 3, 4, 5, 6},
    )
    for i, r in enumerate(measured):
        label = r.goal.label(inp.questionnaire, inp.lang)
        table.rows.append([label, r.checkpoint, cells.number(r.goal.baseline), cells.number(r.goal.target), cells.number(r.value), cells.number(r.change),
                           cells.fixed(r.change_pct, 1, signed=True), t("✔ 达成", "✔ met") if r.target_met else t("✘ 未达成", "✘ missed")])
        if r.target_met is False:
            table.highlight.add(i)
    section.blocks.append(table)
    charts = [
        evaluation.metric_chart(goal, results, inp.lang, inp.questionnaire).properties(width=220, height=160)
        for goal in evaluation.metric_goals(inp.project.answers)
        if any(r.goal.key == goal.key for r in measured)
    ]
    if charts:
        # small multiples in one figure: one conversion instead of one per metric
        # two a row: the page's width at print size
        section.blocks.append(chart_figure(grid(charts, columns=2), t("各指标：基线、检查点与目标", "Each metric: baseline, checkpoints and target"), "metrics"))
    alerts = evaluation.fired_alerts(inp.project, inp.questionnaire)
    if alerts:
        section.blocks.append(Table(
            [t("预警规则", "Alert rule"), t("检查点", "Checkpoints"), t("数值", "Values"), t("行动", "Action")],
            [[a.condition(inp.lang), t("、", ", ").join(map(str, a.checkpoints)), t("、", ", ").join(_number(v) for v in a.values), a.action(inp.lang)] for a in alerts],
            caption=t("已触发的预警", "Alerts fired"),
        ))
    else:
        section.blocks.append(Note(t("没有触发预警。", "No alert fired.")))
    section.blocks.extend(spc_blocks(inp))
    adjust = evaluation.measures_to_adjust(inp.project, inp.questionnaire)
    missed_alone = evaluation.missed_without_measure(inp.project, inp.questionnaire)
    items = [t(f"调整措施：{a.measure.title}", f"Adjust measure: {a.measure.title}") for a in adjust]
    items += [t(f"未达标且无对应措施：{g.label(inp.questionnaire, inp.lang)}（进入下一轮改进）", f"Missed with no measure on it: {g.label(inp.questionnaire, inp.lang)} (carry into the next cycle)") for g in missed_alone]
    if items:
        section.blocks.append(Paragraph(t("需调整（下一轮 PDCA）", "To adjust (next cycle)"), emphasis=True))
        section.blocks.append(Bullets(items))
    return section


def before_after_section(inp: ReportInput) -> Section | None:
    """The before/after tests (`diagnosis.evaluation_stats`): a table per checkpoint, the hints, the method."""
    t = inp.t
    tests = evaluation_stats.row_tests(inp.project, inp.questionnaire, inp.lang)
    if not tests:
        return None
    confidence = evaluation_stats.confidence_of(inp.questionnaire)
    headers = evaluation_stats.headers(confidence, inp.lang)
    section = Section("evaluation-stats", t("是否真的改变？前后对比检验", "Did it really change? Before/after tests"))
    section.blocks.append(Paragraph(evaluation_stats.method_line(confidence, inp.lang)))
    section.blocks.append(Bullets(evaluation_stats.reading(tests, inp.lang)))
    for checkpoint, group in evaluation_stats.by_checkpoint(tests).items():
        # documents: the numbers; the definition's wording goes to the Excel sheet below
        table = Table([h for i, h in enumerate(headers) if i != 1],
                      [[c for i, c in enumerate(evaluation_stats.cells(test, inp.lang)) if i != 1] for test in group],
                      caption=months_text(checkpoint, inp.lang))
        table.highlight = {i for i, test in enumerate(group) if test.verdict == "worsening"}
        section.blocks.append(table)
    hints = [f"{test.name}（{test.checkpoint} 个月）：{test.hint(inp.lang)}" if inp.lang == "zh"
             else f"{test.name} ({test.checkpoint} mo): {test.hint(inp.lang)}" for test in tests if test.hint(inp.lang)]
    if hints:
        section.blocks.append(Bullets(hints))
    section.blocks.append(Table([t("检查点（月）", "Checkpoint (months)"), *headers],
                                [[test.checkpoint, *evaluation_stats.cells(test, inp.lang)] for test in tests],
                                sheet=t("前后对比检验", "Before-after tests"), numeric={0}, in_document=False))
    return section
