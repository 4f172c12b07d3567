"""What the views of step 3 share: `change` (one fishbone operation, saved, the page rerun), the
message above the causes (`flash`), the causes' labels for select boxes and the detail fields of a
cause (the add and edit forms)."""

from __future__ import annotations

from typing import Any, Callable, Optional

import streamlit as st

from diagnosis import fishbone as fb
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import tr
from diagnosis.project.model import Fishbone
from ui import state
from ui.context import StepContext
from ui.texts import md, refusal

LEVELS = ("high", "medium", "low")
NONE = ""
VIEW = "causes.view"  # which part of the step is shown: causes, diagram, voting, pareto, confirm
RESET = "causes.reset"  # widget keys dropped at the start of the next run (they would show an old value)


def flash(kind: str, text: str) -> None:
    """A message shown above the causes on the next run (markdown: user text made literal by the caller)."""
    state.flash(kind, text, place="causes")


def change(ctx: StepContext, description: str, operation: Callable[[Fishbone], Any], reset: tuple[str, ...] = (),
           done: Optional[Callable[[], None]] = None, shown: str = "") -> None:
    """Apply one operation to the fishbone and save it.

    `done` runs only when the operation succeeded (e.g. to clear the form it came from); a refused
    operation leaves every widget as it was, with the error above."""
    if ctx.read_only:
        return
    before = ctx.project.fishbone.model_dump(mode="json")
    try:
        operation(ctx.project.fishbone)
    except DiagnosisError as exc:
        ctx.project.fishbone = Fishbone.model_validate(before)  # a failed operation changes nothing
        flash("error", refusal(exc, ctx.lang))
        st.rerun()
    ctx.save(description)
    st.session_state[RESET] = list(reset)
    if done is not None:
        done()
    flash("success", md(description) + shown)  # descriptions carry cause texts; `shown` is escaped by the caller
    st.rerun()


def cause_labels(ctx: StepContext) -> dict[str, str]:
    """cause id -> "机 · text" with indentation for sub-causes, for select boxes."""
    out = {}
    for cause, _parent, depth in fb.walk(ctx.project.fishbone):
        category = fb.category_label(ctx.questionnaire, cause.category, ctx.lang)
        text = cause.text if len(cause.text) <= 60 else cause.text[:59] + "…"
        out[cause.id] = ("\u2003" * depth) + (f"↳ {text}" if depth else f"{category} · {text}")
    return out


def category_ids(ctx: StepContext) -> list[str]:
    return [c.id for c in ctx.questionnaire.cause_categories]


def level_label(ctx: StepContext, level: Optional[str]) -> str:
    return {None: ctx.t("—", "—"), NONE: ctx.t("—", "—"), "high": ctx.t("高", "High"), "medium": ctx.t("中", "Medium"),
            "low": ctx.t("低", "Low")}[level]


def stage_label(ctx: StepContext, stage: Optional[str]) -> str:
    for option in ctx.questionnaire.analysis.stages:
        if option.id == stage:
            return tr(option.label, ctx.lang)
    return stage or "—"


def cause_fields(ctx: StepContext, prefix: str, cause: Any = None) -> dict[str, Any]:
    """The detail fields of a cause (value, unit, frequency, impact, stage, evidence)."""
    stages = [NONE] + [o.id for o in ctx.questionnaire.analysis.stages]
    levels = [NONE, *LEVELS]
    c1, c2, c3, c4 = st.columns(4)
    value = c1.number_input(ctx.t("数值（如工单数）", "Value (e.g. tickets)"), value=getattr(cause, "value", None),
                            key=f"{prefix}.value", disabled=ctx.read_only)
    unit = c2.text_input(ctx.t("单位", "Unit"), value=getattr(cause, "unit", ""), key=f"{prefix}.unit", disabled=ctx.read_only)
    state.choice(f"{prefix}.frequency", levels, getattr(cause, "frequency", None) or NONE, lang=ctx.lang)
    state.choice(f"{prefix}.impact", levels, getattr(cause, "impact", None) or NONE, lang=ctx.lang)
    frequency = c3.selectbox(ctx.t("频率", "Frequency"), levels,
                             format_func=lambda v: level_label(ctx, v), key=f"{prefix}.frequency", disabled=ctx.read_only)
    impact = c4.selectbox(ctx.t("影响", "Impact"), levels,
                          format_func=lambda v: level_label(ctx, v), key=f"{prefix}.impact", disabled=ctx.read_only)
    stage_now = getattr(cause, "stage", None) or NONE
    state.choice(f"{prefix}.stage", stages, stage_now, lang=ctx.lang)
    stage = st.selectbox(ctx.t("流程环节", "Process stage"), stages,
                         format_func=lambda v: stage_label(ctx, v or None), key=f"{prefix}.stage", disabled=ctx.read_only)
    evidence = st.text_input(ctx.t("证据（指标、工单数、客户原话）", "Evidence (a metric, a ticket count, a quote)"),
                             value=getattr(cause, "evidence", ""), key=f"{prefix}.evidence", disabled=ctx.read_only)
    return {"value": value, "unit": unit, "frequency": frequency or None, "impact": impact or None, "stage": stage or None,
            "evidence": evidence}
