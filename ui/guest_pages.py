"""The pages a guest link opens, and nothing else: the participant page and the suggestion form.

`?join=<token>`: the project's cause list (text, place, votes), adding causes and sub-causes,
dot voting and a suggestion box, through `diagnosis.sharing.Participant` only. `?suggest=<token>`:
one text box; the suggestion is stored with the date only. A revoked or unknown link says so.
"""

from __future__ import annotations

import uuid

import streamlit as st

from diagnosis import sharing
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import tr
from ui import state
from ui.texts import md


def _t(zh: str, en: str) -> str:
    return zh if state.lang() == "zh" else en


def _refused(exc: DiagnosisError) -> None:
    if isinstance(exc, sharing.LinkRevoked):
        st.error(_t("此链接已被主持人撤销。", "This link was revoked by the facilitator."))
    else:
        st.error(_t("链接无效。", "This link is not valid."))


def _name() -> str:
    name = state.author()
    if not name:  # votes need a participant: an anonymous label for this session
        name = st.session_state.setdefault("join.anonymous", "participant-" + uuid.uuid4().hex[:4])
    return name


def _run(action, success: str) -> None:
    try:
        action()
    except DiagnosisError as exc:
        st.session_state["join.flash"] = ("error", str(exc))
        return
    st.session_state["join.flash"] = ("success", success)


def draw_participant(token: str) -> None:
    st.title(_t("参与鱼骨图分析", "Join the fishbone"))
    try:
        participant = sharing.Participant(state.store(), token)
        title, problem = participant.title(), participant.problem()
        categories = participant.categories()
        allowed = participant.votes_allowed()
    except DiagnosisError as exc:
        _refused(exc)
        return
    lang = state.lang()
    st.caption(md(title))
    if problem:
        st.markdown(_t("**问题：** ", "**Problem:** ") + md(problem))
    flash = st.session_state.pop("join.flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    st.session_state["join.name"] = state.author()  # remembered by this browser (ui.browser)
    st.text_input(_t("您的姓名（可不填）", "Your name (optional)"), key="join.name",
                  on_change=state.take_author, args=("join.name",))
    name = _name()
    label = {cid: tr(text, lang) for cid, text in categories}
    causes = participant.causes(name)
    used = sum(c.mine for c in causes)
    st.subheader(_t("原因", "Causes"))
    st.caption(_t(f"您还有 {allowed - used} 票（共 {allowed} 票）", f"You have {allowed - used} of {allowed} dots left"))
    for cause in causes:
        row = st.columns([6, 1, 1], vertical_alignment="center")
        indent = "\u2003" * cause.depth + ("↳ " if cause.depth else f"{label.get(cause.category, cause.category)} · ")
        row[0].markdown(f"{indent}{md(cause.text)}  ·  **{cause.votes}**" + (_t(f"（我 {cause.mine}）", f" (mine {cause.mine})") if cause.mine else ""))
        row[1].button("+1", key=f"join.vote.{cause.id}", disabled=used >= allowed,
                      on_click=_run, args=(lambda c=cause.id: participant.vote(c, name), _t("已投票", "Voted")))
        if cause.mine:
            row[2].button("−1", key=f"join.withdraw.{cause.id}",
                          on_click=_run, args=(lambda c=cause.id: participant.withdraw(c, name), _t("已收回", "Withdrawn")))
    with st.form("join.add", clear_on_submit=True):
        st.markdown(_t("**添加原因**", "**Add a cause**"))
        text = st.text_input(_t("原因", "Cause"), key="join.text")
        category = st.selectbox(_t("类别", "Category"), list(label), format_func=label.get, key="join.category")
        parents = {"": _t("—（直接挂在鱼骨上）", "— (a rib on the bone)")} | {c.id: c.text for c in causes}
        parent = st.selectbox(_t("作为子原因（为什么？）", "As a sub-cause of (why?)"), list(parents), format_func=parents.get, key="join.parent")
        if st.form_submit_button(_t("添加", "Add")):
            _run(lambda: participant.add_cause(text, category, parent_id=parent or None, participant=name), _t("已添加", "Added"))
            st.rerun()
    _suggestion_form("join", lambda value: participant.suggest(value))


def _suggestion_form(prefix: str, send) -> None:
    with st.form(f"{prefix}.suggest_form", clear_on_submit=True):
        st.markdown(_t("**匿名改进建议**（不记录姓名或时间）", "**Anonymous improvement suggestion** (no name or time is kept)"))
        value = st.text_area(_t("建议", "Suggestion"), key=f"{prefix}.suggestion")
        if st.form_submit_button(_t("提交建议", "Send")):
            _run(lambda: send(value), _t("谢谢！建议已匿名保存。", "Thank you! Your suggestion was stored anonymously."))
            st.rerun()


def draw_suggest(token: str) -> None:
    st.title(_t("匿名改进建议", "Anonymous improvement suggestions"))
    try:
        sharing.resolve(state.store(), token, "suggest")
    except DiagnosisError as exc:
        _refused(exc)
        return
    st.caption(_t("您的建议不会记录姓名、会话、地址或具体时间。", "Your suggestion is stored without name, session, address or time of day."))
    flash = st.session_state.pop("join.flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    _suggestion_form("suggest", lambda value: sharing.suggest(state.store(), token, value))
