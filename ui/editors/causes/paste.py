"""Step 3, the causes view: paste a brainstorm (one cause per line, bones by name, indentation for
sub-causes); what is on its bone already is skipped and named."""

from __future__ import annotations

import streamlit as st

from diagnosis import fishbone as fb
from diagnosis.errors import DiagnosisError
from ui import state
from ui.context import StepContext
from ui.editors.causes.common import category_ids, change, flash
from ui.texts import md


def draw(ctx: StepContext) -> None:
    categories = category_ids(ctx)
    with st.expander(ctx.t("粘贴头脑风暴（每行一条）", "Paste a brainstorm (one cause per line)")):
        st.caption(ctx.t("可写“机：系统卡顿”或“machine: ...”指定类别；单独一行“人：”为后面各行指定类别；缩进表示子原因。",
                         "Write “machine: system lag” (or the bone's Chinese name, “机: ...”) to pick the bone; a line of only "
                         "“people:” sets it for the lines below; indentation makes a sub-cause."))
        text = st.text_area(ctx.t("原因列表", "Causes"), key="causes.paste.text", height=160,
                            placeholder=ctx.t("机：系统卡顿\n  查询订单需切换三个系统\n法：退款需三级审批\n人：\n  不熟悉新功能",
                                              "machine: system lag\n  order lookup needs three systems\nmethod: refunds need three "
                                              "approvals\npeople:\n  new features unfamiliar"))
        state.choice("causes.paste.category", categories, lang=ctx.lang)
        category = st.selectbox(ctx.t("未指定类别时放在", "Lines without a bone go to"), categories,
                                format_func=lambda c: fb.category_label(ctx.questionnaire, c, ctx.lang, short=False),
                                key="causes.paste.category")
        if st.button(ctx.t("全部添加", "Add them all"), key="causes.paste.submit") and text.strip():
            trial, skipped = ctx.project.fishbone.model_copy(deep=True), []
            try:  # a dry run on a copy says how many are new and which are already there
                count = len(fb.paste_causes(trial, text, ctx.questionnaire, category, skipped=skipped))
            except DiagnosisError:
                count = 0  # refused: `_change` below shows why and changes nothing
            if skipped and not count:
                flash("info", ctx.t("这些原因都已在鱼骨图上，未添加。", "All of these causes are on the fishbone already; nothing was added."))
                st.rerun()
            note = ctx.t(f"；跳过 {len(skipped)} 条已有的：", f"; skipped {len(skipped)} already there: ") if skipped else ""
            listed = ctx.t("、", ", ").join(md(s) for s in skipped[:10]) + ("…" if len(skipped) > 10 else "")
            change(ctx, ctx.t(f"粘贴 {count} 条原因", f"Paste {count} causes"),
                    lambda f: fb.paste_causes(f, text, ctx.questionnaire, category, author=ctx.author), reset=("causes.paste.text",),
                    shown=note + listed if skipped else "")
