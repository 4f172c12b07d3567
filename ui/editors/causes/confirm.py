"""Step 3, the root-causes view: confirm the causes carried into step 4 (the vital few proposed)."""

from __future__ import annotations

import hashlib

import streamlit as st

from diagnosis import fishbone as fb
from diagnosis.pareto import proposed_root_causes
from ui.context import StepContext
from ui.editors.causes.common import cause_labels, change


def draw(ctx: StepContext) -> None:
    t = ctx.t
    labels = cause_labels(ctx)
    if not labels:
        st.info(t("还没有原因。", "No causes yet."))
        return
    confirmed = ctx.project.fishbone.confirmed
    proposed = proposed_root_causes(ctx.project, ctx.questionnaire)
    if confirmed is None:
        st.info(t("尚未确认：默认建议帕累托分析中的关键少数。", "Not confirmed yet: the vital few of the Pareto ranking are proposed."))
    current = [c for c in (confirmed if confirmed is not None else proposed) if c in labels]
    digest = hashlib.sha1(repr((current, confirmed is None)).encode()).hexdigest()[:8]
    chosen = st.multiselect(t("根本原因（将带入第四步制定措施）", "Root causes (carried into step 4)"), list(labels),
                            default=current, format_func=lambda c: labels[c].strip(), key=f"causes.confirm.choice.{digest}",
                            disabled=ctx.read_only)
    if ctx.read_only:
        return
    c1, c2 = st.columns(2)
    if c1.button(t("确认根本原因", "Confirm root causes"), key="causes.confirm.save", type="primary"):
        change(ctx, t(f"确认 {len(chosen)} 个根本原因", f"Confirm {len(chosen)} root cause" + ("" if len(chosen) == 1 else "s")), lambda f: fb.confirm_root_causes(f, chosen))
    if confirmed is not None and c2.button(t("恢复为建议（关键少数）", "Back to the proposal (vital few)"), key="causes.confirm.reset"):
        change(ctx, t("撤回根本原因确认", "Withdraw the root-cause confirmation"), lambda f: fb.confirm_root_causes(f, None))
