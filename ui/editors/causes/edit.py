"""Step 3, the causes view: edit, move to another bone, nest, lift or delete the chosen cause."""

from __future__ import annotations

import streamlit as st

from diagnosis import fishbone as fb
from ui import state
from ui.context import StepContext
from ui.editors.causes.common import NONE, cause_fields, cause_labels, category_ids, change


def draw(ctx: StepContext) -> None:
    labels = cause_labels(ctx)
    if not labels:
        return
    t = ctx.t
    st.markdown("**" + t("编辑、移动、嵌套或删除", "Edit, move, nest or delete") + "**")
    selected = st.selectbox(t("选择原因", "Choose a cause"), list(labels), format_func=labels.get, key="causes.selected")
    cause = fb.find_cause(ctx.project.fishbone, selected)
    parent = fb.parent_of(ctx.project.fishbone, selected)
    prefix = f"causes.edit.{selected}"
    with st.form(f"{prefix}.form"):
        text = st.text_input(t("原因", "Cause"), value=cause.text, key=f"{prefix}.text", disabled=ctx.read_only)
        fields = cause_fields(ctx, prefix, cause)
        if st.form_submit_button(t("保存修改", "Save changes"), key=f"{prefix}.save", disabled=ctx.read_only):
            change(ctx, t(f"修改原因：{text.strip()}", f"Edit cause: {text.strip()}"),
                    lambda f: fb.edit_cause(f, selected, text=text, **fields))
    if ctx.read_only:
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        categories = category_ids(ctx)
        state.choice(f"{prefix}.move_to", categories, cause.category, lang=ctx.lang)
        target = st.selectbox(t("移到类别", "Move to category"), categories,
                              format_func=lambda c: fb.category_label(ctx.questionnaire, c, ctx.lang, short=False), key=f"{prefix}.move_to")
        if st.button(t("移动", "Move"), key=f"{prefix}.move", disabled=target == cause.category and parent is None):
            change(ctx, t(f"移动原因：{cause.text}", f"Move cause: {cause.text}"), lambda f: fb.move_cause(f, selected, target))
    with c2:
        own = {selected, *(d.id for d in fb.descendants(cause))}
        options = [c for c in labels if c not in own]
        new_parent = st.selectbox(t("作为子原因放到", "Nest under"), [NONE, *options],
                                  format_func=lambda c: labels.get(c, "—"), key=f"{prefix}.nest_under")
        if st.button(t("嵌套", "Nest"), key=f"{prefix}.nest", disabled=not new_parent):
            change(ctx, t(f"嵌套原因：{cause.text}", f"Nest cause: {cause.text}"), lambda f: fb.nest_cause(f, selected, new_parent))
        if parent is not None and st.button(t("上移一级", "Lift one level"), key=f"{prefix}.unnest"):
            change(ctx, t(f"取消嵌套：{cause.text}", f"Un-nest cause: {cause.text}"), lambda f: fb.unnest_cause(f, selected))
    with c3:
        n = sum(1 for _ in fb.descendants(cause))
        st.caption(t(f"删除会同时删除 {n} 条子原因。", f"Deleting also removes its {n} sub-causes.") if n else "")
        if st.button(t("删除", "Delete"), key=f"{prefix}.delete", type="secondary"):
            change(ctx, t(f"删除原因：{cause.text}", f"Delete cause: {cause.text}"), lambda f: fb.delete_cause(f, selected),
                    reset=("causes.selected",))
