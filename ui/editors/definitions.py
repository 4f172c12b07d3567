"""Step 2: a team adds its own metric definition (kept in the project, offered in step 1's table).

The rules are `diagnosis.metric_definitions.build_definition`'s; this module only draws the
form (keys `definitions.*`). The raw rows of earlier imports are not kept, so a new definition
gets its values from the next import.
"""

from __future__ import annotations

import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.metric_definitions import BUILDABLE, MetricDefinition, build_definition, definitions
from diagnosis.tickets import flow
from ui import state
from ui.context import StepContext
from ui.texts import md, refusal


def _what_label(statistic: str, field: str, lang: str) -> str:
    probe = MetricDefinition(id="probe", name="", kind="probe", statistic=statistic, field=field,  # type: ignore[arg-type]
                             sla_minutes=15 if field == "within_sla" else None, direction="lower", family="efficiency")
    text = probe.describe(lang)
    return text.replace("15 分钟", "N 分钟").replace("15 min", "N min") if field == "within_sla" else text


def definition_form(ctx: StepContext) -> None:
    t = ctx.t
    own = ctx.project.metric_definitions
    with st.expander(t("自定义指标口径", "Your own metric definitions")):
        for d in own:
            st.markdown(f"- **{md(d.label(ctx.lang))}**: {md(d.describe(ctx.lang))}")
        if ctx.read_only:
            return
        result = flow.stored_result(ctx.project)
        groups = result.groups if result else {}
        options = [f"{s}:{f}" for s, f in BUILDABLE]
        state.choice("definitions.what", options, lang=ctx.lang)
        with st.form("definitions.form", clear_on_submit=True):
            c1, c2 = st.columns(2)
            name_zh = c1.text_input(t("名称（中文）", "Name (Chinese)"), key="definitions.name_zh")
            name_en = c2.text_input(t("名称（英文）", "Name (English)"), key="definitions.name_en")
            what = st.selectbox(t("计算方法", "How it is computed"), options, key="definitions.what",
                                format_func=lambda o: _what_label(*o.split(":"), ctx.lang))  # fmt: skip
            c1, c2 = st.columns(2)
            channel = c1.multiselect(t("只算这些渠道（可输入新值）", "Only these channels (type to add)"), list(groups.get("channel") or {}),
                                     accept_new_options=True, key="definitions.channel")  # fmt: skip
            category = c2.multiselect(t("只算这些问题类型（可输入新值）", "Only these categories (type to add)"), list(groups.get("category") or {}),
                                      accept_new_options=True, key="definitions.category")  # fmt: skip
            hours = st.slider(t("创建时段（点）", "Created between (hours)"), 0, 24, (0, 24), key="definitions.hours")
            c1, c2, c3 = st.columns(3)
            sla = c1.number_input(t("SLA 分钟（仅限时响应率）", "SLA minutes (within-SLA rate only)"), 0.5, 10080.0, 3.0, key="definitions.sla")
            repeat = c2.number_input(t("重复来访天数（仅一次解决率，0 = 不计）", "Repeat-contact days (FCR only, 0 = off)"), 0, 90, 0,
                                     key="definitions.repeat")  # fmt: skip
            direction = c3.radio(t("越…越好", "Better when"), ["", "lower", "higher"], horizontal=True, key="definitions.direction",
                                 format_func=lambda d: {"": t("按指标", "as usual"), "lower": t("越低", "lower"), "higher": t("越高", "higher")}[d])  # fmt: skip
            submitted = st.form_submit_button(t("添加口径", "Add the definition"))
        if not submitted:
            return
        statistic, field = what.split(":")
        try:
            definition = build_definition(
                definitions(ctx.questionnaire, ctx.project), name_zh, name_en, statistic, field, channel=channel, category=category,
                hours=None if tuple(hours) == (0, 24) else tuple(hours), sla_minutes=float(sla), repeat_days=int(repeat) or None,
                direction=direction or None,
            )  # fmt: skip
        except DiagnosisError as exc:
            st.error(refusal(exc, ctx.lang))
            return
        ctx.project.metric_definitions.append(definition)
        name = definition.label(ctx.lang)
        ctx.save(t(f"添加指标口径：{name}", f"metric definition added: {name}"))
        name = md(name)
        state.flash("success", t(f"已添加口径“{name}”：可在第一步指标表的“口径”列选用；数值从下一次导入起计算（原始行不保存）。",
                                 f"Definition '{name}' added: choose it in step 1's Definition column; its values come with the next "
                                 "import (raw rows are not kept)."))  # fmt: skip
        st.rerun()
