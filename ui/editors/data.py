"""Step-2 editor: import a ticket export, confirm the column mapping, see the metrics and pass them on.

The work is done by `diagnosis.tickets`; this module only draws widgets (keys `data.*`).
The parsed export stays in session state while the page is open (for re-mapping); the
project keeps only the mapping, the source file's facts and the results.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from diagnosis.demo_tickets import demo_sample_export
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import months_text
from diagnosis.metric_definitions import definitions
from diagnosis.tickets import FIELDS, GROUPINGS, METRICS, analyze, resolve_mapping
from diagnosis.tickets import charts, flow
from diagnosis.tickets.clean import REASONS, time_zone_choices
from diagnosis.tickets.fields import BY_NAME, DURATION_FIELDS, UNITS, header_unit, unit_text
from diagnosis.tickets.metrics import format_value, label
from diagnosis.tickets.budget import read_export_within_budget
from diagnosis.tickets.reader import MAX_UPLOAD_MB
from ui import state
from ui.context import StepContext
from ui.editors.definitions import definition_form
from ui.texts import md, refusal

NONE = "—"


def _read(ctx: StepContext, upload, key: str):
    """The export of an upload, read once per file (kept in session state under `key`)."""
    token = (upload.name, upload.size)
    cached = st.session_state.get(key)
    if cached is not None and cached[0] == token:
        return cached[1]
    bar = st.progress(0.0, text=ctx.t("正在读取文件…", "Reading the file…"))
    try:
        export = read_export_within_budget(upload.getvalue(), upload.name, progress=lambda f, _s: bar.progress(min(f, 1.0)))
    except DiagnosisError as exc:
        bar.empty()
        st.error(refusal(exc, ctx.lang))
        return None
    bar.empty()
    st.session_state[key] = (token, export)
    return export


def _mapping_form(ctx: StepContext, export) -> tuple[dict, dict]:
    """The column mapping and the unit of each mapped duration column, as the user confirms them."""
    saved = flow.stored_mapping(ctx.project) or {}
    usable = {k: v for k, v in saved.items() if v in export.headers or v is None}
    mapping = resolve_mapping(export.headers, usable)
    st.markdown(ctx.t("**列对应关系**（已自动识别，请确认或修改）", "**Column mapping** (recognized automatically; confirm or fix)"))
    options = [NONE, *export.headers]
    columns = st.columns(4)
    chosen = {}
    for i, field in enumerate(FIELDS):
        current = mapping.get(field.name)
        with columns[i % 4]:
            pick = st.selectbox(ctx.t(field.zh, field.en), options, index=options.index(current) if current in options else 0,
                                key=f"data.map.{field.name}", disabled=ctx.read_only)  # fmt: skip
        chosen[field.name] = None if pick == NONE else pick
    units = _unit_form(ctx, chosen)
    preview = pd.DataFrame(export.preview(5))
    reverse = {h: f for f, h in chosen.items() if h}

    def heading(header: str) -> str:
        if header not in reverse:
            return header
        name = reverse[header]
        unit = units.get(name)
        label = ctx.t(BY_NAME[name].zh, BY_NAME[name].en)  # the field as people read it, never its id
        if name not in DURATION_FIELDS:
            return f"{header} → {label}"
        read = ctx.t(f"（{unit_text(unit, 'zh')} → 秒）", f" ({unit_text(unit, 'en')} → s)") if unit else ctx.t("（单位？）", " (unit?)")
        return f"{header} → {label}{read}"

    preview.columns = [heading(h) for h in preview.columns]
    st.caption(ctx.t("前 5 行预览", "First 5 rows"))
    st.dataframe(preview, hide_index=True, key="data.preview", placeholder="—")
    return chosen, units


def _unit_form(ctx: StepContext, chosen: dict) -> dict:
    """A unit per mapped duration column: the last import's choice, else the header's unit, else seconds."""
    mapped = [f for f in DURATION_FIELDS if chosen.get(f)]
    if not mapped:
        return {}
    saved = flow.stored_units(ctx.project, chosen)
    options = list(UNITS)
    units = {}
    columns = st.columns(4)
    for i, name in enumerate(mapped):
        header = chosen[name]
        found, unknown = header_unit(header)
        default = saved.get(name) or found or (None if unknown else BY_NAME[name].unit)
        field = BY_NAME[name]
        with columns[i % 4]:
            pick = st.selectbox(ctx.t(f"{field.zh}的单位", f"{field.en}: unit of the column"), options,
                                index=options.index(default) if default in options else None,
                                format_func=lambda u: ctx.t(unit_text(u, "zh"), unit_text(u, "en")),
                                placeholder=ctx.t("请选择单位", "Choose the unit"),
                                key=f"data.unit.{name}.{header}", disabled=ctx.read_only)  # fmt: skip
        if pick is None:
            st.warning(ctx.t(f"列「{md(header)}」的单位「{md(unknown)}」无法识别：请选择该列的单位",
                             f"The unit '{md(unknown)}' of column '{md(header)}' is not known: choose the column's unit"))  # fmt: skip
            continue
        units[name] = pick
    return units


def _warnings(ctx: StepContext, warnings: list[dict]) -> None:
    """The import's time zone and date warnings (they name the file's headers: user text)."""
    for warning in warnings:
        st.warning(md(ctx.t(warning.get("zh", ""), warning.get("en", ""))))


def _results(ctx: StepContext, result) -> None:
    st.subheader(ctx.t("指标结果", "Metrics"))
    _warnings(ctx, result.warnings)
    read = [ctx.t(f"{BY_NAME[f].zh} 按{unit_text(u, 'zh')}读取，换算为秒", f"{BY_NAME[f].en} read in {unit_text(u, 'en')}, converted to seconds")
            for f, u in result.units.items() if f in BY_NAME and u != BY_NAME[f].unit]  # fmt: skip
    st.caption(" · ".join([ctx.t(f"时间按 {result.time_zone} 时区", f"Times in {result.time_zone}"), *read]))
    overall = pd.DataFrame(
        [{ctx.t("指标", "Metric"): label(m.name, ctx.lang), ctx.t("数值", "Value"): format_value(m.name, result.overall.get(m.name), ctx.lang),
          ctx.t("口径", "Definition"): ctx.t(m.definition_zh, m.definition_en)} for m in METRICS]  # fmt: skip
    )
    st.dataframe(overall, hide_index=True, key="data.overall", placeholder="—")
    available = [g for g in GROUPINGS if result.groups.get(g)]
    if available:
        state.choice("data.by", available, lang=ctx.lang)
        by = st.selectbox(ctx.t("分组", "Group by"), available, key="data.by",
                          format_func=lambda g: ctx.t(GROUPINGS[g][0], GROUPINGS[g][1]))  # fmt: skip
        rows = []
        for value, metrics in result.groups[by].items():
            row = {ctx.t(*GROUPINGS[by][:2]): value, ctx.t("占比", "Share"): f"{(metrics['volume'] or 0) / result.rows * 100:.1f}%"}
            row.update({label(m.name, ctx.lang): format_value(m.name, metrics.get(m.name), ctx.lang) for m in METRICS})
            rows.append(row)
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="data.groups", placeholder="—")
    if result.bad_rows:
        st.warning(ctx.t("以下问题行已计数，并只从会被其扭曲的指标中排除：", "Bad rows, counted and left out only of the metrics they would distort:"))
        for reason in REASONS:
            count = result.bad_rows.get(reason.id)
            if not count:
                continue
            title = f"{ctx.t(reason.zh, reason.en)}: {count:,} · {ctx.t('排除于', 'left out of')} {ctx.t(reason.excluded_zh, reason.excluded_en)}"
            with st.expander(title):
                examples = result.bad_examples.get(reason.id, [])
                st.dataframe(pd.DataFrame([{ctx.t("行", "Line"): e["line"], **e["values"]} for e in examples]), hide_index=True,
                             key=f"data.bad.{reason.id}", placeholder="—")  # fmt: skip
    for name, chart in (("heatmap", charts.heatmap(result, ctx.lang)), ("trends", charts.monthly_trends(result, ctx.lang)),
                        ("channels", charts.channel_comparison(result, ctx.lang))):  # fmt: skip
        if chart is not None:
            st.altair_chart(chart, key=f"data.chart.{name}")


PERIOD_CHOICES = {
    "baseline": ("基线期（本次诊断的时期）", "the baseline (the period diagnosed)"),
    "reference": ("参照期（更早的时期，用于环比）", "a reference (an earlier period, for month on month)"),
}
PERIOD_NAMES = {"baseline": ("基线期", "baseline"), "reference": ("参照期", "reference"), "checkpoint": ("评估节点", "checkpoint"),
                flow.CLOSED: ("上一轮的评估节点", "an earlier cycle's checkpoint")}


def _periods(ctx: StepContext) -> None:
    """Every imported period, and the month-on-month change of a definition across them."""
    entries = flow.imports(ctx.project)
    if not entries:
        return
    t = ctx.t
    st.subheader(t("已导入的时期", "Imported periods"))
    rows = []
    for e in entries:
        facts, source = e.get("facts") or {}, e.get("source") or {}
        name = t(*PERIOD_NAMES.get(e.get("period"), (e.get("period"), e.get("period"))))
        if e.get("period") in ("checkpoint", flow.CLOSED):
            count = e.get("months") or (e.get("was") or {}).get("months")
            name += t(f"（{months_text(count, 'zh')}）", f" ({months_text(count, 'en')})")
        rows.append({t("时期", "Period"): name, t("文件", "File"): source.get("name", ""),
                     t("起", "From"): facts.get("start"), t("止", "To"): facts.get("end"), t("工单数", "Tickets"): source.get("rows"),
                     t("高峰日", "Peak day"): facts.get("peak_day"), t("高峰日工单", "Peak-day tickets"): facts.get("peak_volume")})  # fmt: skip
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="data.periods", placeholder="—")
    known = definitions(ctx.questionnaire, ctx.project)
    choices = flow.month_on_month_definitions(ctx.project, known)
    if not choices:
        st.caption(t("环比需要至少两个月的数据（可再导入一份更早的参照期导出）。",
                     "Month on month needs two months of data or more (import an earlier export as a reference period)."))
        return
    state.choice("data.mom", choices, "volume", lang=ctx.lang)
    chosen = st.selectbox(t("环比：指标口径", "Month on month: definition"), choices, key="data.mom",
                          format_func=lambda d: known[d].label(ctx.lang))  # fmt: skip
    definition = known[chosen]
    rows = []
    for m in flow.month_on_month(ctx.project, chosen, count=definition.statistic == "count"):
        rows.append({t("月份", "Month"): m["month"] + ("" if m["complete"] else t("（不完整）", " (partial)")),
                     t("数值", "Value"): flow.rounded(definition, m["value"]), "n": m["n"],
                     t("环比", "Change on the month before"): f"{m['change_pct']:+.1f}%" if m["comparable"] else NONE})
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="data.mom.table", placeholder="—")  # fmt: skip
    st.caption(definition.describe(ctx.lang) + " · " + t("检查点导出不计入环比。", "checkpoint exports are not part of month on month."))


def _flow_on(ctx: StepContext, result) -> None:
    st.subheader(ctx.t("用于后续步骤", "Use in other steps"))
    # step 1: baseline
    known = definitions(ctx.questionnaire, ctx.project)
    base = flow.baseline_import(ctx.project)
    computable = flow.computable(ctx.project, known)
    state.choice("data.baseline_metric", computable, lang=ctx.lang)
    metric = st.selectbox(ctx.t("指标口径", "Metric definition"), computable, key="data.baseline_metric",
                          format_func=lambda d: known[d].label(ctx.lang))  # fmt: skip
    if metric:
        found = flow.period_value(base, metric)
        st.caption(f"{known[metric].describe(ctx.lang)} · n = {found.n:,}" if found else known[metric].describe(ctx.lang))
    if st.button(ctx.t("设为第一步基线", "Use as baseline"), key="data.use_baseline", disabled=ctx.read_only or not computable):
        try:
            row = flow.use_as_baseline(ctx.project, ctx.questionnaire, known[metric])
        except DiagnosisError as exc:
            st.error(refusal(exc, ctx.lang))
        else:
            name = row.get("name") or known[metric].label(ctx.lang)
            ctx.save(ctx.t(f"基线：{name} = {row['baseline']}", f"baseline: {name} = {row['baseline']}"))
            st.success(ctx.t(f"已写入第一步目标指标：{name} 基线 {row['baseline']}", f"Step-1 metric {name}: baseline {row['baseline']}"))
    # step 3: causes
    counts = flow.category_counts(result)
    causes = flow.all_causes(ctx.project)
    if counts and causes:
        with st.expander(ctx.t("把问题类型的工单数关联到原因（帕累托依据）", "Attach ticket counts per category to causes (for the Pareto)")):
            suggested = flow.suggest_causes(ctx.project, counts)
            ids = ["", *(c.id for c in causes)]
            names = {c.id: c.text for c in causes}
            assignment = {}
            for i, (category, count) in enumerate(counts.items()):
                pick = st.selectbox(f"{category} ({count:,})", ids, index=ids.index(suggested.get(category, "")), key=f"data.cause.{i}",
                                    format_func=lambda cid: names.get(cid, NONE), disabled=ctx.read_only)  # fmt: skip
                assignment[category] = pick
            if st.button(ctx.t("关联到原因", "Attach category counts to causes"), key="data.attach_causes", disabled=ctx.read_only):
                changed = flow.attach_counts(ctx.project, assignment, counts, ctx.lang)
                if changed:
                    ctx.save(ctx.t(f"原因数值来自工单数据（{len(changed)} 个原因）", f"cause values from ticket data ({len(changed)} causes)"))
                    st.success(ctx.t(f"已更新 {len(changed)} 个原因", f"{len(changed)} causes updated"))
    elif counts:
        st.caption(ctx.t("第三步还没有原因；添加原因后可在此关联工单数。", "No causes in step 3 yet; add some to attach ticket counts."))


def _checkpoint(ctx: StepContext, mapping: dict, sla: float) -> None:
    if ctx.read_only:
        return
    with st.expander(ctx.t("用后续导出填写第六步评估检查点", "Fill a step-6 checkpoint from a later export")):
        months = list(ctx.questionnaire.evaluation.checkpoints_months)
        month = st.selectbox(ctx.t("检查点（上线后月数）", "Checkpoint (months after launch)"), months, key="data.checkpoint")
        upload = st.file_uploader(ctx.t("后续导出文件", "Later export"), type=["csv", "txt", "tsv", "xlsx"], key="data.checkpoint_upload")
        st.caption(_limit_text(ctx))
        if upload is None:
            return
        export = _read(ctx, upload, "data.checkpoint_export")
        if export is None:
            return
        if st.button(ctx.t("填写检查点", "Fill the checkpoint"), key="data.fill_checkpoint"):
            try:
                usable = {k: v for k, v in mapping.items() if v in export.headers}
                later = resolve_mapping(export.headers, usable)
                entry = flow.measure_and_store(ctx.project, ctx.questionnaire, export, later, "checkpoint", int(month), sla,
                                               units=flow.stored_units(ctx.project, later))  # fmt: skip
                filled = flow.fill_checkpoint(ctx.project, definitions(ctx.questionnaire, ctx.project), entry, int(month),
                                              dt.date.today())  # fmt: skip
            except DiagnosisError as exc:
                st.error(refusal(exc, ctx.lang))
                return
            values = filled.values
            ctx.save(ctx.t(f"第 {month} 个月检查点：{len(values)} 个指标", f"checkpoint month {month}: {len(values)} metrics"))
            st.success(", ".join(f"{v.metric} = {v.value} (n = {v.n:,})" for v in values))
            _warnings(ctx, entry.get("warnings") or [])


def _limit_text(ctx: StepContext) -> str:
    return ctx.t(f"单个文件最大 {MAX_UPLOAD_MB} MB", f"Files up to {MAX_UPLOAD_MB} MB")


def data_editor(ctx: StepContext) -> None:
    st.subheader(ctx.t("工单数据导入", "Ticket data import"))
    source = ctx.project.data.get("source")
    if source:
        st.caption(ctx.t(f"已导入：{md(source['name'])}（{source['rows']:,} 行，{source['size']:,} 字节，SHA-256 {source['sha256'][:12]}…）",
                         f"Imported: {md(source['name'])} ({source['rows']:,} rows, {source['size']:,} bytes, SHA-256 {source['sha256'][:12]}…)"))  # fmt: skip
    upload = None
    if not ctx.read_only:
        upload = st.file_uploader(ctx.t("上传工单导出（CSV 或 Excel .xlsx）", "Upload a ticket export (CSV or Excel .xlsx)"),
                                  type=["csv", "txt", "tsv", "xlsx"], key="data.upload")  # fmt: skip
        st.caption(_limit_text(ctx))
        st.download_button(ctx.t("下载示例导出（演示案例，2025年8月）", "Download a sample export (the demo case, August 2025)"),
                           data=demo_sample_export, file_name="工单导出_2025-08.csv", mime="text/csv", key="data.sample")
    sla = st.number_input(ctx.t("响应时限 SLA（分钟）", "Response SLA (minutes)"), min_value=0.5, max_value=10080.0,
                          value=flow.sla_minutes(ctx.project), step=1.0, key="data.sla", disabled=ctx.read_only)  # fmt: skip
    zones = time_zone_choices(flow.time_zone(ctx.project))
    zone = st.selectbox(ctx.t("时区（带时区的时间换算到此；不带时区的时间按此读取）",
                              "Time zone (times with an offset are converted to it; times without one are read as its)"),
                        zones, index=zones.index(flow.time_zone(ctx.project)), key="data.time_zone", disabled=ctx.read_only)  # fmt: skip
    if upload is not None:
        export = _read(ctx, upload, "data.export")
        if export is not None:
            facts = export.facts
            st.info(ctx.t(f"编码 {facts.encoding or 'xlsx'} · 分隔符 {facts.delimiter!r} · {facts.rows:,} 行",
                          f"Encoding {facts.encoding or 'xlsx'} · delimiter {facts.delimiter!r} · {facts.rows:,} rows"))  # fmt: skip
            mapping, units = _mapping_form(ctx, export)
            state.choice("data.period", ["baseline", "reference"], lang=ctx.lang)
            period = st.radio(ctx.t("这份导出是", "This export is"), ["baseline", "reference"], horizontal=True, key="data.period",
                              format_func=lambda p: ctx.t(*PERIOD_CHOICES[p]))  # fmt: skip
            replaces = period == "baseline" and source is not None and source.get("sha256") != facts.sha256
            confirmed = True
            if replaces:
                confirmed = st.checkbox(ctx.t(f"替换当前基线导入 {md(source['name'])}（{source['rows']:,} 行）：步骤二的总览与基线将改用新文件",
                                              f"Replace the current baseline import {md(source['name'])} ({source['rows']:,} rows): "
                                              "the step-2 overview and the baselines will come from the new file"),
                                        key="data.replace_baseline")  # fmt: skip
            if period == "reference":
                if st.button(ctx.t("保存为参照期", "Save as a reference period"), key="data.compute_reference", type="primary"):
                    try:
                        entry = flow.measure_and_store(ctx.project, ctx.questionnaire, export, mapping, "reference", None, sla,
                                                       units=units, zone=zone)  # fmt: skip
                    except DiagnosisError as exc:
                        st.error(refusal(exc, ctx.lang))
                    else:
                        ctx.save(ctx.t(f"导入参照期：{facts.name}（{facts.rows:,} 行）", f"reference period import: {facts.name} ({facts.rows:,} rows)"))
                        _warnings(ctx, entry.get("warnings") or [])
            elif st.button(ctx.t("计算指标并保存", "Compute and save"), key="data.compute", type="primary", disabled=not confirmed):
                bar = st.progress(0.0, text=ctx.t("正在计算指标…", "Computing the metrics…"))
                try:
                    result = analyze(export, mapping, sla, progress=lambda f, _s: bar.progress(min(f, 1.0)), units=units, time_zone=zone)
                except DiagnosisError as exc:
                    st.error(refusal(exc, ctx.lang))
                else:
                    flow.store_import(ctx.project, facts, mapping, result)
                    flow.measure_and_store(ctx.project, ctx.questionnaire, export, mapping, "baseline", None, sla, units=units, zone=zone)
                    ctx.save(ctx.t(f"导入工单数据：{facts.name}（{facts.rows:,} 行）", f"ticket data import: {facts.name} ({facts.rows:,} rows)"))
                finally:
                    bar.empty()
    definition_form(ctx)
    result = flow.stored_result(ctx.project)
    if result is None:
        st.caption(ctx.t("尚无工单数据。", "No ticket data yet."))
        return
    _results(ctx, result)
    _periods(ctx)
    _flow_on(ctx, result)
    _checkpoint(ctx, flow.stored_mapping(ctx.project) or {}, flow.sla_minutes(ctx.project))
