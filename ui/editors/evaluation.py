"""Step 6 editor: measured values per checkpoint, results, charts, alerts, next cycle."""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import streamlit as st

from diagnosis import evaluation as ev
from diagnosis import plan
from diagnosis.i18n import months_text
from diagnosis.project.model import Project
from diagnosis.tickets.flow import row_view
from diagnosis.tracking import status_label
from ui import state
from ui.context import StepContext
from ui.editors.evaluation_spc import control_charts
from ui.texts import md
from ui.editors.evaluation_stats import before_after_tests


def evaluation_editor(ctx: StepContext) -> None:
    t = ctx.t
    project = ctx.project
    # the checkpoints' months, which the step's help texts refer to without repeating them
    st.caption(t(f"当前为第 {project.cycle} 轮改善。", f"This is improvement cycle {project.cycle}. ")
               + ev.checkpoints_rule(ctx.lang, ctx.questionnaire))
    goals = ev.metric_goals(project.answers)
    if not goals:
        st.info(t("第一步还没有填写目标指标（基线与目标）。", "Step 1 has no target metrics (baseline and target) yet."))
    else:
        _values_editor(ctx, goals)
        _results(ctx, project, goals, key="evaluation")
        before_after_tests(ctx)
        control_charts(ctx)
        _adjustments(ctx)
    _next_cycle(ctx)
    _history(ctx)


def _values_editor(ctx: StepContext, goals: list[ev.MetricGoal]) -> None:
    t = ctx.t
    project, questionnaire = ctx.project, ctx.questionnaire
    launch = ev.launch_date(project)
    points = ev.checkpoints(questionnaire, project.evaluation)
    st.subheader(t("录入测量值", "Measured values"))
    if launch:
        dates = ", ".join(f"{months_text(p, ctx.lang)}: {ev.checkpoint_date(launch, p)}" for p in points)
        st.caption(t(f"上线日期 {launch}；评估节点 {dates}", f"Launched {launch}; checkpoints {dates}"))
    else:
        st.caption(t("请先在上方填写上线日期，评估节点从这一天起算。", "Fill in the launch date above; the checkpoints count from it."))
    columns = {p: months_text(p, ctx.lang) for p in points}
    metric_col = t("指标", "Metric")
    fixed = {"definition": t("口径", "Definition"), "baseline": t("基线", "Baseline"), "target": t("目标", "Target"),
             "unit": t("单位", "Unit")}  # fmt: skip
    described = state.by_revision(project, "evaluation.definitions", lambda: {
        row["row"]: row["definition_text"] for row in row_view(project, questionnaire, ctx.lang)}, ctx.lang)
    frame = pd.DataFrame(
        [
            {metric_col: g.label(questionnaire, ctx.lang), fixed["baseline"]: g.baseline, fixed["target"]: g.target,
             fixed["unit"]: g.unit, **{label: _value(project, g.key, p) for p, label in columns.items()},
             # last: the long text would push the checkpoint columns out of sight
             fixed["definition"]: described.get(g.key, "")}
            for g in goals
        ]
    )
    st.caption(t("由工单导出按口径计算的值可在第二步“按口径填入评估节点”；在此手工修改的值记为手工录入。",
                 "Values computed from a ticket export by each row's definition come from step 2 (fill a checkpoint); "
                 "a value changed here is recorded as typed in."))
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", disabled=[metric_col, *fixed.values()] if not ctx.read_only else True,
        # the key changes with the stored values, so edits already saved are never replayed
        # onto a new state (e.g. after the next cycle starts)
        num_rows="fixed", key=f"evaluation.values.{project.cycle}.{_digest(project)}",
        column_config={label: st.column_config.NumberColumn(label, format="%g") for label in columns.values()},
        placeholder="",
    )
    if ctx.read_only:
        return
    _value_form(ctx, goals, points)
    changes = []
    for n, goal in enumerate(goals):
        for p, label in columns.items():
            old, new = _value(project, goal.key, p), edited.iloc[n][label]
            new = None if new is None or (isinstance(new, float) and math.isnan(new)) else float(new)
            if old != new:
                changes.append((goal, p, new))
    if changes:
        if project.evaluation.launch is None and launch is not None:
            project.evaluation.launch = launch
        for goal, p, value in changes:
            ev.set_value(project.evaluation, goal.key, p, value)
        what = "、".join(f"{g.label(questionnaire, ctx.lang)}（{months_text(p, ctx.lang)}）" for g, p, _ in changes)
        ctx.save(t(f"录入评估值：{what}", f"Evaluation values: {what}"))
        st.rerun()


def _value_form(ctx: StepContext, goals: list[ev.MetricGoal], points: list[int]) -> None:
    """One value with its measurement date and a note (the grid above is for quick entry)."""
    t = ctx.t
    labels = {g.key: g.label(ctx.questionnaire, ctx.lang) for g in goals}
    with st.expander(t("录入单个测量值（可附日期与说明）", "Record one value (with date and note)")):
        with st.form("evaluation.value_form", clear_on_submit=True):
            c1, c2, c3 = st.columns(3)
            metric = c1.selectbox(t("指标", "Metric"), list(labels), format_func=labels.get, key="evaluation.form.metric")
            state.choice("evaluation.form.checkpoint", points, lang=ctx.lang)
            checkpoint = c2.selectbox(t("节点", "Checkpoint"), points, format_func=lambda p: months_text(p, ctx.lang),
                                      key="evaluation.form.checkpoint")
            value = c3.number_input(t("测量值", "Value"), value=None, key="evaluation.form.value")
            c1, c2 = st.columns([1, 2])
            day = c1.date_input(t("测量日期", "Measured on"), None, key="evaluation.form.date")
            note = c2.text_input(t("说明（口径、数据来源）", "Note (definition, data source)"), key="evaluation.form.note")
            submitted = st.form_submit_button(t("保存测量值", "Save value"))
    if not submitted:
        return
    if value is None:
        st.error(t("请填写测量值。", "Enter the measured value."))
        return
    project = ctx.project
    project.evaluation.launch = ev.launch_date(project)
    ev.set_value(project.evaluation, metric, checkpoint, float(value), date=day, note=note.strip())
    ctx.save(t(f"录入评估值：{labels[metric]}（{months_text(checkpoint, 'zh')}）= {value:g}", f"Evaluation value: {labels[metric]} ({months_text(checkpoint, 'en')}) = {value:g}"))
    st.rerun()


def _digest(project: Project) -> str:
    raw = repr(sorted((v.metric, v.checkpoint, v.value) for v in project.evaluation.values))
    return hashlib.sha1(raw.encode()).hexdigest()[:8]


def _value(project: Project, metric: str, checkpoint: int) -> float | None:
    found = ev.value_at(project.evaluation, metric, checkpoint)
    return found.value if found else None


def _n(project: Project, key: str, checkpoint: int) -> int | None:
    """The tickets behind a value computed from an export (None for a typed-in value)."""
    found = ev.value_at(project.evaluation, key, checkpoint)
    return found.n if found else None


def _results(ctx: StepContext, project: Project, goals: list[ev.MetricGoal], key: str) -> None:
    t = ctx.t
    questionnaire = ctx.questionnaire
    results = state.by_revision(project, "evaluation.results", lambda: ev.evaluate(project, questionnaire))
    measured = [r for r in results if r.value is not None]
    st.subheader(t("评估结果", "Results"))
    if not measured:
        st.caption(t("还没有测量值。", "No values measured yet."))
    else:
        better = {"lower": t("越低越好", "lower is better"), "higher": t("越高越好", "higher is better")}
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("指标", "Metric"): r.goal.label(questionnaire, ctx.lang),
                        t("节点", "Checkpoint"): months_text(r.checkpoint, ctx.lang),
                        t("基线", "Baseline"): r.goal.baseline,
                        t("目标", "Target"): r.goal.target,
                        t("方向", "Direction"): better[r.goal.direction],
                        t("测量值", "Value"): r.value,
                        t("样本 n", "n"): _n(project, r.goal.key, r.checkpoint),
                        t("变化", "Change"): r.change,
                        t("变化 %", "Change %"): r.change_pct,
                        t("达标", "Target met"): t("达标", "met") if r.target_met else t("未达标", "missed"),
                    }
                    for r in measured
                ]
            ),
            hide_index=True, width="stretch", key=f"{key}.results",
            placeholder="—",
        )
        # the specs once per revision and language (building and validating Altair charts costs a
        # good part of a second on every rerun otherwise)
        specs = state.by_revision(project, "evaluation.charts", lambda: [
            ev.metric_chart(goal, results, ctx.lang, questionnaire).to_dict() for goal in goals], ctx.lang)
        cols = st.columns(2)
        for n, spec in enumerate(specs):
            with cols[n % 2]:
                st.vega_lite_chart(spec=spec, width="stretch", key=f"{key}.chart.{n}")

    alerts = state.by_revision(project, "evaluation.alerts", lambda: ev.fired_alerts(project, questionnaire))
    st.subheader(t("预警", "Alerts"))
    if not alerts:
        st.success(t("没有触发的预警规则。", "No alert rule fired."))
    for a in alerts:
        at = t("、", ", ").join(months_text(c, ctx.lang) for c in a.checkpoints)
        values = ", ".join(f"{v:g}" for v in a.values)
        st.error(t(f"**{md(a.action('zh'))}**  \n{md(a.condition('zh'))}：{at}（{values}）",
                   f"**{md(a.action('en'))}**  \n{md(a.condition('en'))}: {at} ({values})"))


def _adjustments(ctx: StepContext) -> None:
    t = ctx.t
    project, questionnaire = ctx.project, ctx.questionnaire
    adjust = ev.measures_to_adjust(project, questionnaire)
    orphans = ev.missed_without_measure(project, questionnaire)
    if not adjust and not orphans:
        return
    st.subheader(t("需要调整的措施", "Measures to adjust"))
    labels = {g.key: md(g.label(questionnaire, ctx.lang)) for g in ev.metric_goals(project.answers)}
    for a in adjust:
        missed = "、".join(labels.get(m, md(m)) for m in a.metrics)
        title, owner = md(a.measure.title), md(a.measure.owner)
        st.warning(t(f"**{title}**（{owner}）：{missed} 未达标，请调整后进入下一轮。",
                     f"**{title}** ({owner}): {missed} missed its target; adjust it for the next cycle."))
    for g in orphans:
        st.warning(t(f"{labels[g.key]} 未达标，但没有措施针对这个指标：下一轮请为它制定措施。",
                     f"{labels[g.key]} missed its target but no measure works on it: plan one in the next cycle."))


def _next_cycle(ctx: StepContext) -> None:
    t = ctx.t
    if ctx.read_only:
        return
    st.subheader(t("开始下一轮改善", "Start the next cycle"))
    st.caption(t("本轮的答案、根因、措施、跟进和评估将存档为只读；第一步的目标保留，并以最新测量值作为新的基线。",
                 "This cycle's answers, causes, measures, check-ins and evaluation are archived read-only; the step-1 "
                 "goals stay, with the latest measured values as the new baselines."))
    confirm = st.checkbox(t(f"确认结束第 {ctx.project.cycle} 轮", f"Yes, close cycle {ctx.project.cycle}"), key="evaluation.confirm_next_cycle")
    if st.button(t("开始下一轮", "Start next cycle"), disabled=not confirm, key="evaluation.next_cycle"):
        closed = ev.start_next_cycle(ctx.project, ctx.questionnaire)
        ctx.save(t(f"结束第 {closed.number} 轮，开始第 {ctx.project.cycle} 轮", f"Closed cycle {closed.number}, started cycle {ctx.project.cycle}"))
        st.session_state.pop("evaluation.confirm_next_cycle", None)
        st.rerun()


def _history(ctx: StepContext) -> None:
    t = ctx.t
    if not ctx.project.history:
        return
    st.subheader(t("以往各轮（只读）", "Earlier cycles (read-only)"))
    for cycle in reversed(ctx.project.history):
        view = ev.cycle_view(ctx.project, cycle)
        with st.expander(t(f"第 {cycle.number} 轮（{cycle.closed:%Y-%m-%d} 结束）", f"Cycle {cycle.number} (closed {cycle.closed:%Y-%m-%d})")):
            rows = plan.plan_rows(view, ctx.questionnaire)
            if rows:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {t("期限", "Horizon"): r.horizon_label(ctx.lang), t("措施", "Measure"): r.measure.title,
                             t("负责人", "Owner"): r.owner, t("完成", "Due"): r.measure.due,
                             t("状态", "Status"): status_label(r.status, ctx.lang)}
                            for r in rows
                        ]
                    ),
                    hide_index=True, width="stretch", key=f"evaluation.history.{cycle.number}.plan",
                    placeholder="—",
                )
            goals = ev.metric_goals(view.answers)
            if goals:
                _results(ctx, view, goals, key=f"evaluation.history.{cycle.number}")
