"""Step 3 editor: the fishbone (problem, causes, nesting, brainstorm paste, dot voting), its
diagram with downloads, the Pareto ranking and the confirmation of the root causes.

Every change goes through `_change`: it applies one domain operation from `diagnosis.fishbone`,
saves, and reruns so every view shows it. Undo is the store's: the undo button reverts this
session's last step-3 revision with `Store.undo` (`ui.state.undo`), merged onto whatever others
saved since, and History shows it as an undo revision.
"""

from __future__ import annotations

import hashlib
from typing import Any, Callable, Optional

import graphviz
import pandas as pd
import streamlit as st

from diagnosis import fishbone as fb
from diagnosis.diagram import fishbone_dot, render_dot
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import tr
from diagnosis.pareto import default_measure, pareto_before_after, pareto_chart, pareto_table, proposed_root_causes, records, vital_mark
from diagnosis.project.model import Fishbone
from diagnosis.text import safe_filename
from diagnosis.sharing import guest_label
from diagnosis.store import RevisionInfo, RevisionKind
from ui import state
from ui.context import StepContext
from ui.texts import md, refusal

LEVELS = ("high", "medium", "low")
NONE = ""
VIEW = "causes.view"  # which part of the step is shown: causes, diagram, voting, pareto, confirm


def _flash(kind: str, text: str) -> None:
    """A message shown above the causes on the next run (markdown: user text made literal by the caller)."""
    state.flash(kind, text, place="causes")


def _change(ctx: StepContext, description: str, operation: Callable[[Fishbone], Any], reset: tuple[str, ...] = (),
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
        _flash("error", refusal(exc, ctx.lang))
        st.rerun()
    ctx.save(description)
    st.session_state["causes.reset"] = list(reset)
    if done is not None:
        done()
    _flash("success", md(description) + shown)  # descriptions carry cause texts; `shown` is escaped by the caller
    st.rerun()


def _undo(ctx: StepContext, last: RevisionInfo) -> None:
    """Revert this session's last step-3 revision in the store (later changes of others stay)."""
    if ctx.read_only:
        return
    try:
        saved = state.undo(last.number)
    except DiagnosisError as exc:
        _flash("error", refusal(exc, ctx.lang))
        st.rerun()
    # the problem and edit-form widgets still hold the undone values: drop them so they show the restored fishbone
    st.session_state["causes.reset"] = [k for k in st.session_state if k == "causes.problem" or str(k).startswith("causes.edit.")]
    done = ctx.t(f"已撤销：{last.description}", f"Undone: {last.description}")
    if saved.conflicts:
        done += ctx.t("（有些值之后又被他人修改，已保留他人的值，见冲突）",
                      " (some values were changed again by others since; theirs were kept, see the conflicts)")
    _flash("warning" if saved.conflicts else "info", md(done))
    st.rerun()


def _labels(ctx: StepContext) -> dict[str, str]:
    """cause id -> "机 · text" with indentation for sub-causes, for select boxes."""
    out = {}
    for cause, _parent, depth in fb.walk(ctx.project.fishbone):
        category = fb.category_label(ctx.questionnaire, cause.category, ctx.lang)
        text = cause.text if len(cause.text) <= 60 else cause.text[:59] + "…"
        out[cause.id] = ("\u2003" * depth) + (f"↳ {text}" if depth else f"{category} · {text}")
    return out


def _categories(ctx: StepContext) -> list[str]:
    return [c.id for c in ctx.questionnaire.cause_categories]


def _level_label(ctx: StepContext, level: Optional[str]) -> str:
    return {None: ctx.t("—", "—"), NONE: ctx.t("—", "—"), "high": ctx.t("高", "High"), "medium": ctx.t("中", "Medium"),
            "low": ctx.t("低", "Low")}[level]


def _stage_label(ctx: StepContext, stage: Optional[str]) -> str:
    for option in ctx.questionnaire.analysis.stages:
        if option.id == stage:
            return tr(option.label, ctx.lang)
    return stage or "—"


def causes_editor(ctx: StepContext) -> None:
    for key in st.session_state.pop("causes.reset", []):
        st.session_state.pop(key, None)
    state.show_flash(place="causes")
    t = ctx.t
    _problem(ctx)
    last = None if ctx.read_only else state.last_own(RevisionKind.CAUSE)
    if last is not None:
        if st.button(t(f"↶ 撤销：{md(last.description)}", f"↶ Undo: {md(last.description)}"), key="causes.undo"):
            _undo(ctx, last)
    views = {"causes": t("原因", "Causes"), "diagram": t("鱼骨图", "Fishbone diagram"), "voting": t("点投票", "Dot voting"),
             "pareto": t("帕累托分析", "Pareto"), "confirm": t("确认根本原因", "Root causes")}
    # a keyed selector, not st.tabs: the browser keeps a widget's value by its key, so the chosen view
    # survives the rerun after every vote or edit (a tab strip fell back to its first tab)
    view = st.segmented_control(t("视图", "View"), list(views), format_func=views.get, default="causes", required=True,
                                key=VIEW, label_visibility="collapsed")
    {"causes": _causes_view, "diagram": _diagram, "voting": _voting, "pareto": _pareto, "confirm": _confirm}[view](ctx)


def _causes_view(ctx: StepContext) -> None:
    _overview(ctx)
    if not ctx.read_only:
        _add_form(ctx)
        _paste(ctx)
    _edit(ctx)


# --- problem and causes --------------------------------------------------------------------------


def _problem(ctx: StepContext) -> None:
    current = ctx.project.fishbone.problem or str(ctx.project.answers.get("problem_statement") or "")
    value = st.text_area(ctx.t("问题（鱼头）", "Problem (the fish's head)"), value=current, key="causes.problem",
                         height=80, disabled=ctx.read_only,
                         help=ctx.t("默认取自第一步的问题描述。", "Defaults to the problem statement of step 1."))
    if value.strip() != current.strip() and not ctx.read_only:
        _change(ctx, ctx.t("修改问题描述", "Edit the problem statement"), lambda f: setattr(f, "problem", value.strip()))


def _overview(ctx: StepContext) -> None:
    rows = []
    for cause, _parent, depth in fb.walk(ctx.project.fishbone):
        rows.append({
            ctx.t("类别", "Category"): fb.category_label(ctx.questionnaire, cause.category, ctx.lang),
            ctx.t("原因", "Cause"): ("\u2003" * depth) + ("↳ " if depth else "") + cause.text,
            ctx.t("环节", "Stage"): _stage_label(ctx, cause.stage),
            ctx.t("频率", "Frequency"): _level_label(ctx, cause.frequency),
            ctx.t("影响", "Impact"): _level_label(ctx, cause.impact),
            ctx.t("数值", "Value"): "—" if cause.value is None else f"{cause.value:g}",
            ctx.t("单位", "Unit"): cause.unit,
            **({} if ctx.project.fishbone.votes_hidden else {ctx.t("票数", "Votes"): cause.vote_total}),
        })
    if not rows:
        st.info(ctx.t("还没有原因。在下面逐条添加，或粘贴头脑风暴的结果。", "No causes yet. Add them below one by one, or paste a brainstorm."))
        return
    st.caption(ctx.t(f"共 {len(rows)} 条原因", f"{len(rows)} causes"))
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="causes.overview")


def _cause_fields(ctx: StepContext, prefix: str, cause: Any = None) -> dict[str, Any]:
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
                             format_func=lambda v: _level_label(ctx, v), key=f"{prefix}.frequency", disabled=ctx.read_only)
    impact = c4.selectbox(ctx.t("影响", "Impact"), levels,
                          format_func=lambda v: _level_label(ctx, v), key=f"{prefix}.impact", disabled=ctx.read_only)
    stage_now = getattr(cause, "stage", None) or NONE
    state.choice(f"{prefix}.stage", stages, stage_now, lang=ctx.lang)
    stage = st.selectbox(ctx.t("流程环节", "Process stage"), stages,
                         format_func=lambda v: _stage_label(ctx, v or None), key=f"{prefix}.stage", disabled=ctx.read_only)
    evidence = st.text_input(ctx.t("证据（指标、工单数、客户原话）", "Evidence (a metric, a ticket count, a quote)"),
                             value=getattr(cause, "evidence", ""), key=f"{prefix}.evidence", disabled=ctx.read_only)
    return {"value": value, "unit": unit, "frequency": frequency or None, "impact": impact or None, "stage": stage or None,
            "evidence": evidence}


ADD_FORM = "causes.new"


def add_form_prefix() -> str:
    """The widget keys of the add-cause form: `causes.new.<n>.<field>`, a new `n` after each successful add.

    A browser keeps what was typed in a widget as long as its id stays (removing the key on the
    server does not clear it), so a cleared form must be made of new widgets: the next cause would
    otherwise silently take the previous one's evidence, value or unit."""
    return f"{ADD_FORM}.{st.session_state.get(ADD_FORM + '.round', 0)}"


def _add_form(ctx: StepContext) -> None:
    labels = _labels(ctx)
    categories = _categories(ctx)
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
            fields = _cause_fields(ctx, prefix)
            # the button's id is its key alone: a fixed key would move one button from the old form to the
            # new one, and a click could then submit the old form's (empty) values
            if st.form_submit_button(ctx.t("添加", "Add"), key=f"{prefix}.submit"):

                def clear() -> None:
                    st.session_state[f"{ADD_FORM}.round"] = st.session_state.get(f"{ADD_FORM}.round", 0) + 1
                    st.session_state[f"{ADD_FORM}.last_category"] = category

                _change(ctx, ctx.t(f"添加原因：{text.strip()}", f"Add cause: {text.strip()}"),
                        lambda f: fb.add_cause(f, text, category, parent_id=parent or None, author=ctx.author, **fields), done=clear)


def _paste(ctx: StepContext) -> None:
    categories = _categories(ctx)
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
                _flash("info", ctx.t("这些原因都已在鱼骨图上，未添加。", "All of these causes are on the fishbone already; nothing was added."))
                st.rerun()
            note = ctx.t(f"；跳过 {len(skipped)} 条已有的：", f"; skipped {len(skipped)} already there: ") if skipped else ""
            listed = ("、" if ctx.lang == "zh" else ", ").join(md(s) for s in skipped[:10]) + ("…" if len(skipped) > 10 else "")
            _change(ctx, ctx.t(f"粘贴 {count} 条原因", f"Paste {count} causes"),
                    lambda f: fb.paste_causes(f, text, ctx.questionnaire, category, author=ctx.author), reset=("causes.paste.text",),
                    shown=note + listed if skipped else "")


def _edit(ctx: StepContext) -> None:
    labels = _labels(ctx)
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
        fields = _cause_fields(ctx, prefix, cause)
        if st.form_submit_button(t("保存修改", "Save changes"), key=f"{prefix}.save", disabled=ctx.read_only):
            _change(ctx, t(f"修改原因：{text.strip()}", f"Edit cause: {text.strip()}"),
                    lambda f: fb.edit_cause(f, selected, text=text, **fields))
    if ctx.read_only:
        return
    c1, c2, c3 = st.columns(3)
    with c1:
        categories = _categories(ctx)
        state.choice(f"{prefix}.move_to", categories, cause.category, lang=ctx.lang)
        target = st.selectbox(t("移到类别", "Move to category"), categories,
                              format_func=lambda c: fb.category_label(ctx.questionnaire, c, ctx.lang, short=False), key=f"{prefix}.move_to")
        if st.button(t("移动", "Move"), key=f"{prefix}.move", disabled=target == cause.category and parent is None):
            _change(ctx, t(f"移动原因：{cause.text}", f"Move cause: {cause.text}"), lambda f: fb.move_cause(f, selected, target))
    with c2:
        own = {selected, *(d.id for d in fb.descendants(cause))}
        options = [c for c in labels if c not in own]
        new_parent = st.selectbox(t("作为子原因放到", "Nest under"), [NONE, *options],
                                  format_func=lambda c: labels.get(c, "—"), key=f"{prefix}.nest_under")
        if st.button(t("嵌套", "Nest"), key=f"{prefix}.nest", disabled=not new_parent):
            _change(ctx, t(f"嵌套原因：{cause.text}", f"Nest cause: {cause.text}"), lambda f: fb.nest_cause(f, selected, new_parent))
        if parent is not None and st.button(t("上移一级", "Lift one level"), key=f"{prefix}.unnest"):
            _change(ctx, t(f"取消嵌套：{cause.text}", f"Un-nest cause: {cause.text}"), lambda f: fb.unnest_cause(f, selected))
    with c3:
        n = sum(1 for _ in fb.descendants(cause))
        st.caption(t(f"删除会同时删除 {n} 条子原因。", f"Deleting also removes its {n} sub-causes.") if n else "")
        if st.button(t("删除", "Delete"), key=f"{prefix}.delete", type="secondary"):
            _change(ctx, t(f"删除原因：{cause.text}", f"Delete cause: {cause.text}"), lambda f: fb.delete_cause(f, selected),
                    reset=("causes.selected",))


# --- diagram -------------------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def _rendered(dot: str, fmt: str) -> bytes:
    return render_dot(dot, fmt)


def _diagram(ctx: StepContext) -> None:
    dot = fishbone_dot(ctx.project, ctx.questionnaire, ctx.lang)
    st.graphviz_chart(graphviz.Source(dot, engine="neato"), width="stretch")
    stem = safe_filename(ctx.project.meta.title, "-" + ctx.t("鱼骨图", "fishbone"), limit=60, fallback=ctx.project.meta.id)
    mimes = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
    columns = st.columns(3)
    for column, (fmt, mime) in zip(columns, mimes.items()):
        try:
            data = _rendered(dot, fmt)
        except DiagnosisError as exc:
            column.error(refusal(exc, ctx.lang))
            continue
        column.download_button(ctx.t(f"下载 {fmt.upper()}", f"Download {fmt.upper()}"), data, file_name=f"{stem}.{fmt}",
                               mime=mime, key=f"causes.download.{fmt}", width="stretch")


# --- voting --------------------------------------------------------------------------------------


OTHER = "__other__"


def _voter(ctx: StepContext) -> str:
    """Whose dots the buttons place: a name of step 1's team (the facilitator votes for the person
    who calls out), or any name typed in (by default the facilitator's own)."""
    t = ctx.t
    names = fb.roster(ctx.project.answers)
    if names and not ctx.read_only:
        options = [*names, OTHER]
        state.choice("causes.vote.who", options, ctx.author if ctx.author in names else OTHER, lang=ctx.lang)
        who = st.selectbox(t("为谁投票（第一步的小组成员）", "Voting for (a member of step 1's team)"), options,
                           format_func=lambda n: t("其他人（输入姓名）", "Someone else (type the name)") if n == OTHER else n,
                           key="causes.vote.who")
        if who != OTHER:
            return who
    return st.text_input(t("参与者", "Participant"), value=ctx.author, key="causes.vote.participant", disabled=ctx.read_only).strip()


def _voting(ctx: StepContext) -> None:
    t = ctx.t
    fishbone = ctx.project.fishbone
    allowed = ctx.questionnaire.analysis.votes_per_participant
    st.caption(t(f"每位参与者有 {allowed} 个点，可投给任意原因（可重复投给同一条）。",
                 f"Each participant has {allowed} dots to put on any causes (several on one is fine)."))
    hidden = fishbone.votes_hidden
    if hidden:
        st.info(t("盲投进行中：揭晓之前，票数对所有人隐藏（本页和参与者页面都不显示）。",
                  "Blind voting: vote counts are hidden from everyone (here and on the participant page) until you reveal them."))
    if not ctx.read_only:
        if hidden and st.button(t("揭晓票数", "Reveal the counts"), key="causes.vote.reveal", type="primary"):
            _change(ctx, t("揭晓票数（盲投结束）", "Reveal the vote counts (blind voting ends)"), lambda f: fb.hide_votes(f, False))
        if not hidden and st.button(t("盲投：隐藏票数直到揭晓", "Blind voting: hide the counts until revealed"), key="causes.vote.hide"):
            _change(ctx, t("隐藏票数（盲投）", "Hide the vote counts (blind voting)"), lambda f: fb.hide_votes(f, True))
    labels = _labels(ctx)
    name = _voter(ctx)
    if labels and name and not ctx.read_only:
        left = fb.votes_left(fishbone, name, allowed)
        st.markdown(t(f"**{md(name)}** 还剩 **{left}** / {allowed} 个点", f"**{md(name)}** has **{left}** of {allowed} dots left"))
        choice = st.selectbox(t("原因", "Cause"), list(labels), format_func=labels.get, key="causes.vote.cause")
        mine = fb.find_cause(fishbone, choice).votes.get(name, 0)
        c1, c2 = st.columns(2)
        if c1.button(t("＋ 投一个点", "＋ Add a dot"), key="causes.vote.add", disabled=left == 0):
            _change(ctx, t(f"{name} 投票", f"{name} votes"), lambda f: fb.cast_vote(f, choice, name, allowed))
        if c2.button(t("－ 收回一个点", "－ Take a dot back"), key="causes.vote.remove", disabled=mine == 0):
            _change(ctx, t(f"{name} 收回一票", f"{name} withdraws a vote"), lambda f: fb.withdraw_vote(f, choice, name))
    elif not name and not ctx.read_only:
        st.info(t("请先填写参与者姓名。", "Enter the participant's name first."))
    voters = fb.participants(fishbone)
    if voters and hidden:
        # who has voted, never on what: enough to know when to reveal
        st.dataframe(pd.DataFrame([{t("参与者", "Participant"): guest_label(fishbone, v),
                                    t("已投点数", "Dots placed"): f"{fb.votes_used(fishbone, v)} / {allowed}"} for v in voters]),
                     hide_index=True, width="stretch", key="causes.vote.progress")
    elif voters:
        rows = []
        for cause, _parent, _depth in fb.walk(fishbone):
            if cause.vote_total:
                rows.append({t("原因", "Cause"): labels[cause.id].strip(), t("合计", "Total"): cause.vote_total,
                             **{guest_label(fishbone, v): cause.votes.get(v, 0) for v in voters}})
        rows.sort(key=lambda r: -r[t("合计", "Total")])
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="causes.vote.table")


# --- Pareto --------------------------------------------------------------------------------------


def _pareto(ctx: StepContext) -> None:
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
                                    t("累计 %", "Cumulative %"): st.column_config.NumberColumn(format="%.1f")})
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


# --- root causes ---------------------------------------------------------------------------------


def _confirm(ctx: StepContext) -> None:
    t = ctx.t
    labels = _labels(ctx)
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
        _change(ctx, t(f"确认 {len(chosen)} 个根本原因", f"Confirm {len(chosen)} root cause" + ("" if len(chosen) == 1 else "s")), lambda f: fb.confirm_root_causes(f, chosen))
    if confirmed is not None and c2.button(t("恢复为建议（关键少数）", "Back to the proposal (vital few)"), key="causes.confirm.reset"):
        _change(ctx, t("撤回根本原因确认", "Withdraw the root-cause confirmation"), lambda f: fb.confirm_root_causes(f, None))
