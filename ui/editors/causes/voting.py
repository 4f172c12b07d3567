"""Step 3, the dot-voting view: dots placed and taken back for a person of the team (or any name),
blind voting (counts hidden until revealed) and the table of votes."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis import fishbone as fb
from diagnosis.sharing import guest_label
from ui import state
from ui.context import StepContext
from ui.editors.causes.common import cause_labels, change
from ui.texts import md

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


def draw(ctx: StepContext) -> None:
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
            change(ctx, t("揭晓票数（盲投结束）", "Reveal the vote counts (blind voting ends)"), lambda f: fb.hide_votes(f, False))
        if not hidden and st.button(t("盲投：隐藏票数直到揭晓", "Blind voting: hide the counts until revealed"), key="causes.vote.hide"):
            change(ctx, t("隐藏票数（盲投）", "Hide the vote counts (blind voting)"), lambda f: fb.hide_votes(f, True))
    labels = cause_labels(ctx)
    name = _voter(ctx)
    if labels and name and not ctx.read_only:
        left = fb.votes_left(fishbone, name, allowed)
        st.markdown(t(f"**{md(name)}** 还剩 **{left}** / {allowed} 个点", f"**{md(name)}** has **{left}** of {allowed} dots left"))
        choice = st.selectbox(t("原因", "Cause"), list(labels), format_func=labels.get, key="causes.vote.cause")
        mine = fb.find_cause(fishbone, choice).votes.get(name, 0)
        c1, c2 = st.columns(2)
        if c1.button(t("＋ 投一个点", "＋ Add a dot"), key="causes.vote.add", disabled=left == 0):
            change(ctx, t(f"{name} 投票", f"{name} votes"), lambda f: fb.cast_vote(f, choice, name, allowed))
        if c2.button(t("－ 收回一个点", "－ Take a dot back"), key="causes.vote.remove", disabled=mine == 0):
            change(ctx, t(f"{name} 收回一票", f"{name} withdraws a vote"), lambda f: fb.withdraw_vote(f, choice, name))
    elif not name and not ctx.read_only:
        st.info(t("请先填写参与者姓名。", "Enter the participant's name first."))
    voters = fb.participants(fishbone)
    if voters and hidden:
        # who has voted, never on what: enough to know when to reveal
        st.dataframe(pd.DataFrame([{t("参与者", "Participant"): guest_label(fishbone, v),
                                    t("已投点数", "Dots placed"): f"{fb.votes_used(fishbone, v)} / {allowed}"} for v in voters]),
                     hide_index=True, width="stretch", key="causes.vote.progress", placeholder="—")
    elif voters:
        rows = []
        for cause, _parent, _depth in fb.walk(fishbone):
            if cause.vote_total:
                rows.append({t("原因", "Cause"): labels[cause.id].strip(), t("合计", "Total"): cause.vote_total,
                             **{guest_label(fishbone, v): cause.votes.get(v, 0) for v in voters}})
        rows.sort(key=lambda r: -r[t("合计", "Total")])
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="causes.vote.table", placeholder="—")
