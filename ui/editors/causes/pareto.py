"""Step 3, the Pareto view: the causes (or categories) ranked by value, votes or frequency x impact,
the vital few marked, and the comparison with the previous cycle."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.pareto import default_measure, pareto_before_after, pareto_chart, pareto_table, records, vital_mark
from ui import state
from ui.context import StepContext
from ui.texts import md, refusal


def draw(ctx: StepContext) -> None:
    t = ctx.t
    if not ctx.project.fishbone.causes:
        st.info(t("添加原因后即可排序。", "Add causes to rank them."))
        return
    measures = {"value": t("数值", "Measured value"), "votes": t("票数", "Votes"), "score": t("频率×影响", "Frequency × impact")}
    if ctx.project.fishbone.votes_hidden:  # a ranking by votes would show the hidden counts
        del measures["votes"]
        st.caption(t("盲投进行中：揭晓票数后才能按票数排序。", "Blind voting: ranking by votes is possible once the counts are revealed."))
    c1, c2, c3, c4 = st.columns(4)
    options = list(measures)
    suggested = default_measure(ctx.project.fishbone)
    state.choice("causes.pareto.by", options, suggested if suggested in options else "score", lang=ctx.lang)
    state.choice("causes.pareto.level", ["cause", "category"], lang=ctx.lang)
    by = c1.radio(t("排序依据", "Rank by"), options, format_func=measures.get, key="causes.pareto.by")
    level = c2.radio(t("层级", "Level"), ["cause", "category"], format_func=lambda v: t("原因", "Causes") if v == "cause" else t("类别", "Categories"),
                     key="causes.pareto.level")
    threshold = c3.slider(t("关键少数阈值 (%)", "Vital-few threshold (%)"), 50, 100, int(ctx.questionnaire.analysis.pareto_threshold),
                          key="causes.pareto.threshold")
    top_n = c4.number_input(t("只显示前 N 项（其余并入“其他”，0 = 全部）", "Keep the top N bars (the rest as “Other”; 0 = all)"),
                            min_value=0, max_value=500, value=0, step=1, key="causes.pareto.top")
    try:
        result = pareto_table(ctx.project, ctx.questionnaire, by=by, level=level, threshold=threshold, top_n=top_n or None, lang=ctx.lang)
    except DiagnosisError as exc:
        st.error(refusal(exc, ctx.lang))
        return
    if not result.rows:
        st.warning(t("没有可排序的原因：请为原因填写数值、投票或频率与影响。", "Nothing to rank: give causes a value, votes, or frequency and impact."))
    else:
        st.altair_chart(pareto_chart(result, ctx.lang), width="stretch", key="causes.pareto.chart")
        frame = pd.DataFrame(records(result, ctx.lang))[["rank", "cause", "category", "value", "percent", "cumulative", "cumulative_percent", "vital_few", "tied_at_cut"]]
        frame["vital_few"] = [vital_mark(v, tied, ctx.lang) for v, tied in zip(frame["vital_few"], frame["tied_at_cut"])]
        frame = frame.drop(columns="tied_at_cut")
        frame.columns = ["#", t("原因", "Cause"), t("类别", "Category"), measures[by], "%", t("累计", "Cumulative"),
                         t("累计 %", "Cumulative %"), t("关键少数", "Vital few")]
        st.dataframe(frame, hide_index=True, width="stretch", key="causes.pareto.table",
                     column_config={"%": st.column_config.NumberColumn(format="%.1f"),
                                    t("累计 %", "Cumulative %"): st.column_config.NumberColumn(format="%.1f")}, placeholder="—")
        st.caption(t(f"关键少数：累计占比首次达到 {threshold}% 的前 {len(result.vital_few)} 项。",
                     f"Vital few: the first {len(result.vital_few)} items, whose cumulative share first reaches {threshold}%."))
        if result.cut_note(ctx.lang):
            st.info(md(result.cut_note(ctx.lang)))
    if result.other is not None:
        st.caption(t("“其他”包含：", "“Other” holds: ") + t("；", "; ").join(f"{md(r.cause)} ({r.value:g})" for r in result.other.rows))
    if result.excluded:
        st.warning(t("未计入排序：", "Left out of the ranking: ") + "\n\n"
                   + "\n".join(t(f"- {md(e.cause)}（{md(e.category)}）：{e.reason_text(ctx.lang)}", f"- {md(e.cause)} ({md(e.category)}): {e.reason_text(ctx.lang)}")
                             for e in result.excluded))
    comparison = pareto_before_after(ctx.project, ctx.questionnaire, ctx.lang, by=by, level=level, threshold=threshold)
    if comparison is not None:
        st.markdown("**" + t("与上一轮对比（同一刻度）", "Compared with the previous cycle (same scale)") + "**")
        st.altair_chart(comparison, key="causes.pareto.before_after")
