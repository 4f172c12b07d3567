"""Step 6: the before/after tests of `diagnosis.evaluation_stats`, one table per checkpoint."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis import evaluation_stats as es
from diagnosis.i18n import months_text
from ui import state
from ui.context import StepContext
from ui.texts import md


def before_after_tests(ctx: StepContext) -> None:
    """A table per checkpoint with an import (row, definition, baseline, value, change, interval, p, verdict, target)."""
    t = ctx.t
    st.subheader(t("是否真的改变？（前后对比检验）", "Did it really change? (before/after tests)"))
    tests = state.by_revision(ctx.project, "evaluation.tests", lambda: es.row_tests(ctx.project, ctx.questionnaire, ctx.lang), ctx.lang)
    if not tests:
        st.caption(t("需要基线期和评估期的工单导出（第二步导入），且第一步的指标按口径计算，才能检验。",
                     "The tests need a baseline and a checkpoint ticket export (imported in step 2) and step-1 rows bound "
                     "to a definition."))
        return
    confidence = es.confidence_of(ctx.questionnaire)
    headers = es.headers(confidence, ctx.lang)
    for sentence in es.reading(tests, ctx.lang):
        st.markdown(md(sentence))
    for checkpoint, group in es.by_checkpoint(tests).items():
        st.markdown("**" + months_text(checkpoint, ctx.lang) + "**")
        frame = pd.DataFrame([es.cells(test, ctx.lang) for test in group], columns=headers)
        # the definition's wording is long: last, so the numbers stay in sight
        frame = frame[[h for i, h in enumerate(headers) if i != 1] + [headers[1]]]
        st.dataframe(frame, hide_index=True, width="stretch", key=f"evaluation.stats.{checkpoint}", placeholder="—")
        for test in group:
            hint = test.hint(ctx.lang)
            if hint:
                st.caption(md(ctx.t(f"{test.name}：{hint}", f"{test.name}: {hint}")))
    st.caption(es.method_line(confidence, ctx.lang))
