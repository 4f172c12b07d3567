"""Step 6: the control chart of a chosen metric, its special-cause signals and the alerts on the series."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis import evaluation as ev
from diagnosis import series_alerts, spc, spc_chart
from diagnosis.errors import DiagnosisError
from ui import state
from ui.context import StepContext
from ui.texts import md


def control_charts(ctx: StepContext) -> None:
    t, project, questionnaire, lang = ctx.t, ctx.project, ctx.questionnaire, ctx.lang
    rows = spc.bound_rows(project)
    if not rows:
        return
    st.subheader(t("控制图与异常信号", "Control charts and signals"))
    labels = {g.key: g.label(questionnaire, lang) for g in ev.metric_goals(project.answers)}
    c1, c2, c3 = st.columns([2, 1, 1])
    metric = c1.selectbox(t("指标", "Metric"), rows, format_func=lambda k: labels.get(k, k), key="evaluation.spc.metric")
    interval = c2.radio(t("序列", "Series"), ["day", "week"], horizontal=True, key="evaluation.spc.interval",
                        format_func=lambda i: t("每日", "Daily") if i == "day" else t("每周", "Weekly"))
    staged = c3.checkbox(t("按阶段重算控制限", "Limits per stage"), value=True, key="evaluation.spc.stages",
                         help=t("阶段：上线日期、各措施开始日期。取消后基线控制限延用到整个序列。",
                                "Stages: the launch date and each measure's start. Unticked, the baseline limits run over the whole series."))
    def draw() -> tuple[spc.ControlChart, dict] | str:
        try:
            chart = spc.project_chart(project, questionnaire, metric, interval=interval, stages=staged)
        except DiagnosisError as exc:
            return exc.text(lang)
        return chart, spc_chart.chart(chart, lang).to_dict()

    # the chart and its spec once per revision and choice, not on every rerun of the page
    drawn = state.by_revision(project, "evaluation.spc", draw, metric, interval, staged, lang)
    if isinstance(drawn, str):
        st.info(t("无法绘制控制图：", "No control chart: ") + md(drawn))
        return
    chart, spec = drawn
    st.caption(md(chart.method(lang)))
    st.vega_lite_chart(spec=spec, width="stretch", key="evaluation.spc.chart")
    for sentence in spc.reading([chart], lang):
        st.markdown(md(sentence))
    for zh, en in chart.notes:
        st.caption(md(t(zh, en)))
    if chart.signals:
        stages = {s.index: s.label(lang) for s in chart.stages}
        st.dataframe(pd.DataFrame([{t("判异规则", "Rule"): s.rule_label(lang), t("阶段", "Stage"): stages[s.stage],
                                    t("起", "From"): s.days[0], t("止", "To"): s.days[-1], t("点数", "Points"): len(s.days)}
                                   for s in chart.signals]), hide_index=True, width="stretch", key="evaluation.spc.signals", placeholder="—")  # fmt: skip
    else:
        st.success(t("没有异常信号：过程处于统计受控状态。", "No special-cause signal: the process is in statistical control."))
    found = state.by_revision(project, "evaluation.series_alerts",
                              lambda: series_alerts.series_alerts(project, questionnaire, interval=interval), interval)
    mine = [a for a in found.fired if a.row == metric]
    for a in mine:
        st.warning(md(a.text(lang)))
    for note in found.notes:
        if note.row == metric:
            st.caption(md(note.text(lang)))
