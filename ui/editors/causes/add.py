"""Step 3, the causes view: the form that adds one cause (text, bone, parent, details), cleared after a
successful add by drawing new widgets."""

from __future__ import annotations

import streamlit as st

from diagnosis import fishbone as fb
from ui import state
from ui.context import StepContext
from ui.editors.causes.common import NONE, cause_fields, cause_labels, category_ids, change

ADD_FORM = "causes.new"


def add_form_prefix() -> str:
    """The widget keys of the add-cause form: `causes.new.<n>.<field>`, a new `n` after each successful add.

    A browser keeps what was typed in a widget as long as its id stays (removing the key on the
    server does not clear it), so a cleared form must be made of new widgets: the next cause would
    otherwise silently take the previous one's evidence, value or unit."""
    return f"{ADD_FORM}.{st.session_state.get(ADD_FORM + '.round', 0)}"


def draw(ctx: StepContext) -> None:
    labels = cause_labels(ctx)
    categories = category_ids(ctx)
    prefix = add_form_prefix()
    with st.expander(ctx.t("添加一条原因", "Add a cause"), expanded=not ctx.project.fishbone.causes):
        with st.form(f"{prefix}.form"):
            text = st.text_input(ctx.t("原因", "Cause"), key=f"{prefix}.text")
            c1, c2 = st.columns(2)
            # the bone stays for the next cause (several causes of one bone in a row); everything else is cleared
            state.choice(f"{prefix}.category", categories, st.session_state.get(f"{ADD_FORM}.last_category"), lang=ctx.lang)
            state.choice(f"{prefix}.parent", [NONE, *labels], lang=ctx.lang)
            category = c1.selectbox(ctx.t("类别（鱼骨）", "Category (bone)"), categories,
                                    format_func=lambda c: fb.category_label(ctx.questionnaire, c, ctx.lang, short=False),
                                    key=f"{prefix}.category")
            parent = c2.selectbox(ctx.t("作为以下原因的子原因（为什么？）", "As a sub-cause of (why?)"), [NONE, *labels],
                                  format_func=lambda c: labels.get(c, ctx.t("—（直接挂在鱼骨上）", "— (a rib on the bone)")),
                                  key=f"{prefix}.parent")
            fields = cause_fields(ctx, prefix)
            # the button's id is its key alone: a fixed key would move one button from the old form to the
            # new one, and a click could then submit the old form's (empty) values
            if st.form_submit_button(ctx.t("添加", "Add"), key=f"{prefix}.submit"):

                def clear() -> None:
                    st.session_state[f"{ADD_FORM}.round"] = st.session_state.get(f"{ADD_FORM}.round", 0) + 1
                    st.session_state[f"{ADD_FORM}.last_category"] = category

                change(ctx, ctx.t(f"添加原因：{text.strip()}", f"Add cause: {text.strip()}"),
                        lambda f: fb.add_cause(f, text, category, parent_id=parent or None, author=ctx.author, **fields), done=clear)
