"""Step 3, the causes view: the table of every cause (category, why-chain indentation, details, votes,
evidence; a long evidence is listed in full below the table)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis import fishbone as fb
from ui import longtext
from ui.context import StepContext
from ui.editors.causes.common import level_label, stage_label


def draw(ctx: StepContext) -> None:
    rows, details = [], []
    for cause, _parent, depth in fb.walk(ctx.project.fishbone):
        rows.append({
            ctx.t("类别", "Category"): fb.category_label(ctx.questionnaire, cause.category, ctx.lang),
            ctx.t("原因", "Cause"): ("\u2003" * depth) + ("↳ " if depth else "") + cause.text,
            ctx.t("环节", "Stage"): stage_label(ctx, cause.stage),
            ctx.t("频率", "Frequency"): level_label(ctx, cause.frequency),
            ctx.t("影响", "Impact"): level_label(ctx, cause.impact),
            ctx.t("数值", "Value"): "—" if cause.value is None else f"{cause.value:g}",
            ctx.t("单位", "Unit"): cause.unit,
            **({} if ctx.project.fishbone.votes_hidden else {ctx.t("票数", "Votes"): cause.vote_total}),
            ctx.t("证据", "Evidence"): cause.evidence,  # last: a quote would push the short columns out of sight
        })
        details += [(cause.text, cause.evidence)]
    if not rows:
        st.info(ctx.t("还没有原因。在下面逐条添加，或粘贴头脑风暴的结果。", "No causes yet. Add them below one by one, or paste a brainstorm."))
        return
    st.caption(ctx.t(f"共 {len(rows)} 条原因", f"{len(rows)} causes"))
    evidence = ctx.t("证据", "Evidence")
    # one line a cause (a wall of tall rows would hide the fishbone's shape); long evidence in full below
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="causes.overview",
                 column_config={evidence: st.column_config.TextColumn(evidence, width="medium")}, placeholder="—")
    longtext.full_texts([(f"{text} · {evidence}", quote) for text, quote in details], ctx.lang)
