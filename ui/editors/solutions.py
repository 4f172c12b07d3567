"""Step 4 editor: measures per root cause, the prioritized plan, its timeline and export."""

from __future__ import annotations

from typing import Optional

import pandas as pd
import streamlit as st

from diagnosis.fishbone import iter_causes
from diagnosis import economics, plan
from diagnosis import evaluation as ev
from diagnosis.project.model import Measure
from diagnosis.tracking import status_label
from ui import state
from ui.context import StepContext
from ui.texts import md

NEW = "__new__"
AUTO = "auto"
OTHER_METRIC = "__other__"  # the expected effect is on something else than a step-1 metric (typed in)
NEW_ROUND = "solutions.form.__new__.round"


def new_form_prefix() -> str:
    """The widget keys of the new-measure form, `solutions.form.__new__.<n>.<field>`: a new `n` after
    each measure added, so the browser shows new, empty widgets (it keeps what a widget showed while
    its id stays) and the next measure takes no dates or sliders from the previous one."""
    return f"solutions.form.{NEW}.{st.session_state.get(NEW_ROUND, 0)}"


def solutions_editor(ctx: StepContext) -> None:
    t = ctx.t
    project, questionnaire = ctx.project, ctx.questionnaire
    roots = plan.root_causes(project, questionnaire)

    st.subheader(t("根因与措施", "Root causes and measures"))
    if project.fishbone.confirmed is None:
        st.info(t("第三步尚未确认根因；下面暂以帕累托分析的关键少数作为根因。",
                  "Step 3 has not confirmed the root causes yet; the vital few of the Pareto ranking stand in for them below."))
    missing = plan.root_causes_without_measure(project, questionnaire)
    if missing:
        st.warning(t("以下根因还没有措施：", "These root causes have no measure yet:") + "\n\n"
                   + "\n".join(f"- {md(c.text)}" for c in missing))
    _measures_by_cause(ctx, roots)
    if not ctx.read_only:
        _measure_form(ctx, roots)

    rows = plan.plan_rows(project, questionnaire)
    st.subheader(t("行动计划（按期限与优先级）", "Action plan (by horizon and priority)"))
    start = plan.plan_start(project)
    st.caption(t(f"方案开始日期：{start or '（未填写）'}。", f"Plan start: {start or '(not set)'}.") + " "
               + plan.horizon_rule(ctx.lang, questionnaire.priority))
    if not rows:
        st.caption(t("还没有措施。", "No measures yet."))
        return
    for hz in plan.HORIZONS:
        group = [r for r in rows if r.horizon == hz]
        if group:
            st.markdown(f"**{plan.horizon_label(hz, ctx.lang, questionnaire.priority)}** ({len(group)})")
            st.dataframe(_plan_frame(ctx, group), hide_index=True, width="stretch", key=f"solutions.plan.{hz}", placeholder="—")

    # chart specs once per stored revision and language (building an Altair chart costs tens of ms per rerun)
    gantt = state.by_revision(ctx.project, "solutions.gantt", lambda: plan.gantt_chart(rows, ctx.lang).to_dict(), ctx.lang)
    st.vega_lite_chart(spec=gantt, width="stretch", key="solutions.gantt")
    _economics(ctx, rows)
    undated = sum(1 for r in rows if r.measure.start is None or r.measure.due is None)
    if undated:
        st.caption(t(f"{undated} 项措施缺少开始或完成日期，未显示在时间线上。",
                     f"{undated} measures lack a start or due date and are not on the timeline."))
    stem = "action-plan" if ctx.lang == "en" else "行动计划"
    left, right = st.columns(2)
    # the files once per stored revision and language, not on every rerun (and never a callable:
    # Streamlit drops a deferred download's callable on the next run, so a click could get nothing)
    csv = state.by_revision(ctx.project, "solutions.csv", lambda: plan.plan_csv(rows, ctx.lang), ctx.lang)
    xlsx = state.by_revision(ctx.project, "solutions.xlsx", lambda: plan.plan_xlsx(rows, ctx.lang), ctx.lang)
    left.download_button(t("下载 CSV", "Download CSV"), csv, file_name=f"{stem}.csv",
                         mime="text/csv", key="solutions.download_csv")
    right.download_button(t("下载 Excel", "Download Excel"), xlsx, file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key="solutions.download_xlsx")


def _economics(ctx: StepContext, rows: list[plan.PlanRow]) -> None:
    """The effort-impact matrix beside the numbered measures, then the plan's cost, payback and ROI."""
    t, lang = ctx.t, ctx.lang
    priority = ctx.questionnaire.priority
    st.subheader(t("投入-影响矩阵与投入产出", "Effort-impact matrix, cost and benefit"))
    left, right = st.columns([3, 2])
    matrix = state.by_revision(ctx.project, "solutions.matrix", lambda: economics.matrix_chart(rows, lang).to_dict(), lang)
    left.vega_lite_chart(spec=matrix, width="stretch", key="solutions.matrix")
    right.dataframe(pd.DataFrame({
        "#": list(range(1, len(rows) + 1)),
        t("措施", "Measure"): [r.measure.title for r in rows],
        t("象限", "Quadrant"): [economics.quadrant_label(economics.quadrant(r.measure, priority), lang, short=True) for r in rows],
        t("回本（月）", "Payback (months)"): [
            None if (e := economics.of_measure(r.measure)) is None else e.payback_months for r in rows],
    }), hide_index=True, width="stretch", key="solutions.matrix_table", placeholder="—")
    total = economics.of_plan([r.measure for r in rows])
    if total is None:
        st.caption(t("措施填写一次性投入、运行成本与预期年收益后，这里显示回本周期与投资回报率。",
                     "Give measures an investment and an expected yearly benefit to see the payback period and the ROI here."))
        return
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("一次性投入合计", "Total one-off investment"), economics.money(total.one_off, lang, economics.plan_currency(ctx.project)))
    c2.metric(t("预期年收益合计", "Total expected yearly benefit"), economics.money(total.benefit, lang, economics.plan_currency(ctx.project)),
              help=t(f"每年运行成本合计 {economics.money(total.running, lang, economics.plan_currency(ctx.project))}", f"Running cost per year {economics.money(total.running, lang, economics.plan_currency(ctx.project))}"))
    c3.metric(t("回本周期", "Payback period"), economics.payback_text(total, lang))
    c4.metric(t(f"首年 / {economics.YEARS} 年投资回报率", f"ROI year 1 / {economics.YEARS} years"),
              f"{economics.roi_text(total.roi_first_year)} / {economics.roi_text(total.roi_three_years)}")
    st.caption(economics.rule_text(lang))


def _plan_frame(ctx: StepContext, rows: list[plan.PlanRow]) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        {
            t("得分", "Score"): [r.score for r in rows],
            t("措施", "Measure"): [r.measure.title for r in rows],
            t("根因", "Root cause"): [r.root_cause for r in rows],
            t("负责人", "Owner"): [r.owner for r in rows],
            t("开始", "Start"): [r.measure.start for r in rows],
            t("完成", "Due"): [r.measure.due for r in rows],
            t("期限说明", "Horizon note"): [
                t(f"手动调整（按日期应为{r.horizon_label('zh', r.planned_horizon)}）",
                  f"overridden (dates say {r.horizon_label('en', r.planned_horizon)})") if r.horizon_overridden else ""
                for r in rows
            ],
            t("状态", "Status"): [status_label(r.status, ctx.lang) for r in rows],
            t("进度 %", "Progress %"): [r.progress for r in rows],
        }
    )


def _cause_options(ctx: StepContext, roots: list) -> dict[str, str]:
    """Root cause id -> text; the confirmed root causes first, then every other cause."""
    options = {c.id: c.text for c in roots}
    for cause in iter_causes(ctx.project.fishbone):
        options.setdefault(cause.id, cause.text)
    return options


def _measures_by_cause(ctx: StepContext, roots: list) -> None:
    t = ctx.t
    options = _cause_options(ctx, roots)
    order = [c.id for c in roots] + sorted({m.root_cause for m in ctx.project.measures} - {c.id for c in roots})
    effects = plan.effect_metrics(ctx.project, ctx.questionnaire)
    for cause_id in order:
        measures = [m for m in ctx.project.measures if m.root_cause == cause_id]
        label = options.get(cause_id, cause_id) if cause_id else t("（未关联根因）", "(no root cause)")
        with st.expander(f"{md(label)} · {len(measures)}", expanded=False):
            if not measures:
                st.caption(t("尚无措施", "No measure yet"))
            for m in measures:
                named = ctx.t(*effects.get(m.id, ("", ""))) or m.metric
                effect = f"{named}: {m.metric_from:g} → {m.metric_to:g}" if named and m.metric_from is not None and m.metric_to is not None else named
                st.markdown(f"**{md(m.title)}** — {md(m.owner or '-')} · {m.due or '-'}" + (f"  \n{md(effect)}" if effect else ""))


def _with_unit(ctx: StepContext, goal: ev.MetricGoal) -> str:
    name = goal.label(ctx.questionnaire, ctx.lang)
    return ctx.t(f"{name}（{goal.unit}）", f"{name} ({goal.unit})") if goal.unit else name


def _effect_fields(ctx: StepContext, m: Measure, k: str) -> tuple[Optional[str], str]:
    """The expected effect's metric: one of step 1's metrics rows, or something else typed in.

    Returns (the row's key or None, the text kept in `Measure.metric`: the row's wording as picked,
    or the typed text). A measure saved before (a text, no row) opens on "something else" with its text.
    Text typed on the right with no row picked is kept too, as if "something else" had been picked:
    what a person typed is never dropped without a word (a row picked wins over it, as its label says)."""
    t = ctx.t
    goals = {g.key: g for g in ev.metric_goals(ctx.project.answers)}
    options = ["", *goals, OTHER_METRIC]
    now = m.metric_row if m.metric_row in goals else (OTHER_METRIC if m.metric else "")
    state.choice(f"{k}.metric_row", options, now, lang=ctx.lang)
    c1, c2 = st.columns(2)
    row = c1.selectbox(t("预期效果：指标（第一步的目标指标）", "Expected effect: metric (from step 1's targets)"), options,
                       format_func=lambda o: (_with_unit(ctx, goals[o]) if o in goals
                                              else t("其他（在右侧填写）", "Something else (type it on the right)")
                                              if o == OTHER_METRIC else t("—（不填）", "— (none)")),
                       key=f"{k}.metric_row")
    typed = c2.text_input(t("其他指标（选“其他”时填写）", "Other metric (when “Something else” is chosen)"),
                          "" if m.metric_row in goals else m.metric, key=f"{k}.metric")
    if row in goals:
        return row, goals[row].label(ctx.questionnaire, ctx.lang)
    return None, typed.strip() if row in (OTHER_METRIC, "") else ""


def _measure_form(ctx: StepContext, roots: list) -> None:
    t = ctx.t
    project = ctx.project
    by_id = {m.id: m for m in project.measures}
    picked = st.selectbox(
        t("新增或编辑措施", "Add or edit a measure"), [NEW, *by_id],
        format_func=lambda i: t("＋ 新措施", "+ New measure") if i == NEW else by_id[i].title,
        key="solutions.pick",
    )
    current: Optional[Measure] = by_id.get(picked)
    m = current or Measure(title="")
    options = _cause_options(ctx, roots)
    if m.root_cause and m.root_cause not in options:
        options[m.root_cause] = m.root_cause
    cause_ids = ["", *options]
    k = new_form_prefix() if current is None else f"solutions.form.{picked}"
    with st.form(k):
        root = st.selectbox(t("针对的根因", "Root cause"), cause_ids, index=cause_ids.index(m.root_cause) if m.root_cause in cause_ids else 0,
                            format_func=lambda i: options.get(i, t("（无）", "(none)")), key=f"{k}.root_cause")
        title = st.text_input(t("措施名称", "Measure"), m.title, key=f"{k}.title")
        problem = st.text_input(t("要解决的问题", "Problem it solves"), m.problem, key=f"{k}.problem")
        steps = st.text_area(t("具体步骤", "Concrete steps"), m.steps, key=f"{k}.steps")
        c1, c2 = st.columns(2)
        owner = c1.text_input(t("负责人（唯一）", "Owner (one person)"), m.owner, key=f"{k}.owner")
        department = c2.text_input(t("配合部门", "Supporting department"), m.department, key=f"{k}.department")
        start = c1.date_input(t("开始日期", "Start"), m.start, key=f"{k}.start")
        due = c2.date_input(t("完成日期", "Due"), m.due, key=f"{k}.due")
        c1, c2, c3 = st.columns(3)
        budget = c1.text_input(t("预算", "Budget"), m.budget, key=f"{k}.budget")
        people = c2.text_input(t("人员", "People"), m.people, key=f"{k}.people")
        access = c3.text_input(t("系统权限", "System access"), m.system_access, key=f"{k}.system_access")
        metric_row, metric = _effect_fields(ctx, m, k)
        c1, c2 = st.columns(2)
        metric_from = c1.number_input(t("从", "From"), value=m.metric_from, key=f"{k}.metric_from")
        metric_to = c2.number_input(t("到", "To"), value=m.metric_to, key=f"{k}.metric_to")
        money = economics.currency(ctx.lang, economics.plan_currency(ctx.project))
        c1, c2, c3 = st.columns(3)
        invest_once = c1.number_input(t(f"一次性投入（{money}，可选）", f"One-off investment ({money}, optional)"), min_value=0.0,
                                      value=m.invest_once, step=1000.0, key=f"{k}.invest_once")
        invest_yearly = c2.number_input(t(f"每年运行成本（{money}，可选）", f"Running cost per year ({money}, optional)"), min_value=0.0,
                                        value=m.invest_yearly, step=1000.0, key=f"{k}.invest_yearly")
        benefit_yearly = c3.number_input(t(f"预期年收益：节省或保留的价值（{money}，可选）", f"Expected yearly savings or retained value ({money}, optional)"),
                                         min_value=0.0, value=m.benefit_yearly, step=1000.0, key=f"{k}.benefit_yearly")
        c1, c2 = st.columns(2)
        risk = c1.text_input(t("风险", "Risk"), m.risk, key=f"{k}.risk")
        contingency = c2.text_input(t("应对预案", "Contingency"), m.contingency, key=f"{k}.contingency")
        c1, c2, c3, c4 = st.columns(4)
        urgency = c1.slider(t("紧急度", "Urgency"), 1, 5, m.urgency, key=f"{k}.urgency")
        importance = c2.slider(t("重要度", "Importance"), 1, 5, m.importance, key=f"{k}.importance")
        cost = c3.slider(t("资源成本", "Resource cost"), 1, 5, m.cost, key=f"{k}.cost")
        horizons = [AUTO, *plan.HORIZONS]
        state.choice(f"{k}.horizon_override", horizons, m.horizon_override or AUTO, lang=ctx.lang)
        override = c4.selectbox(t("期限", "Horizon"), horizons,
                                format_func=lambda h: t("自动（按日期）", "Automatic (by dates)") if h == AUTO else plan.horizon_label(h, ctx.lang, ctx.questionnaire.priority),
                                key=f"{k}.horizon_override")
        # keyed by the form: an unkeyed or fixed-key button keeps its id when the form is replaced and
        # a click could submit the old form's values
        submitted = st.form_submit_button(t("保存措施", "Save measure") if current else t("添加措施", "Add measure"), key=f"{k}.submit")
    if submitted:
        if not title.strip():
            st.error(t("请填写措施名称。", "Give the measure a name."))
        elif start and due and due < start:
            st.error(t("完成日期早于开始日期。", "The due date is before the start date."))
        else:
            fields = dict(
                root_cause=root, title=title.strip(), problem=problem, steps=steps, owner=owner.strip(), department=department,
                start=start, due=due, budget=budget, people=people, system_access=access, metric=metric, metric_row=metric_row,
                metric_from=metric_from, metric_to=metric_to, risk=risk, contingency=contingency,
                invest_once=invest_once, invest_yearly=invest_yearly, benefit_yearly=benefit_yearly,
                urgency=urgency, importance=importance, cost=cost, horizon_override=None if override == AUTO else override,
            )
            if current is None:
                project.measures.append(Measure(**fields))
                ctx.save(t(f"新增措施：{fields['title']}", f"Added measure: {fields['title']}"))
                st.session_state[NEW_ROUND] = st.session_state.get(NEW_ROUND, 0) + 1  # an empty form for the next measure
            else:
                for name, value in fields.items():
                    setattr(current, name, value)
                ctx.save(t(f"修改措施：{current.title}", f"Edited measure: {current.title}"))
            st.rerun()
    if current is not None:
        confirm = st.checkbox(t("确认删除此措施（其跟进记录一并删除）", "Confirm deleting this measure (and its check-ins)"),
                              key=f"solutions.confirm_delete.{current.id}")
        if st.button(t("删除措施", "Delete measure"), disabled=not confirm, key=f"solutions.delete.{current.id}"):
            project.measures = [x for x in project.measures if x.id != current.id]
            project.checkins = [c for c in project.checkins if c.measure != current.id]
            ctx.save(t(f"删除措施：{current.title}", f"Deleted measure: {current.title}"))
            st.session_state.pop("solutions.pick", None)
            st.rerun()
