"""The pages a guest link opens, and nothing else: the participant page and the suggestion form.

`?join=<token>`: the project's cause list (text, place, votes), adding causes and sub-causes,
dot voting and a suggestion box, through `diagnosis.sharing.Participant` only. The person is a
`sharing.Guest`: an id issued the first time this browser opens the link, kept in a signed
cookie per link (`diagnosis_guest_<link id>`), so a reload or a new tab is the same guest with
the same dots left; the name field is only the label shown with it. `?suggest=<token>`:
one text box; the suggestion is stored with the date only. A revoked or unknown link says so.
"""

from __future__ import annotations

import streamlit as st

from diagnosis import sharing
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import pick, tr
from ui import browser, state
from ui.nav import language_switch
from ui.texts import md, refusal

GUEST_COOKIE = "diagnosis_guest_"


def _t(zh: str, en: str) -> str:
    return pick(state.lang(), zh, en)


def _refused(exc: DiagnosisError) -> None:
    if isinstance(exc, sharing.LinkRevoked):
        st.error(_t("此链接已被主持人撤销。", "This link was revoked by the facilitator."))
    else:
        st.error(_t("链接无效。", "This link is not valid."))


def _guest(link: sharing.Link) -> sharing.Guest:
    """This browser's identity on the link: the one its signed cookie holds, else a new one."""
    key, cookie = f"join.guest.{link.id}", GUEST_COOKIE + link.id
    if key not in st.session_state:
        st.session_state[key] = sharing.guest_of_pass(link, browser.cookie(cookie)) or sharing.new_guest_id()
    guest_id = st.session_state[key]
    browser.keep("guest", {cookie: sharing.guest_pass(link, guest_id)})
    return sharing.Guest(guest_id, state.author())


def _run(action, success: str) -> None:
    try:
        action()
    except DiagnosisError as exc:
        state.flash("error", refusal(exc, state.lang()))
        return
    state.flash("success", success)


def _heading(zh: str, en: str) -> None:
    """The page's title, with the language switch at its right (guest pages have no sidebar)."""
    title, switch = st.columns([5, 1], vertical_alignment="bottom")
    title.title(_t(zh, en))
    with switch:
        language_switch(state.lang(), "guest.lang", label_visibility="collapsed")


def draw_participant(token: str) -> None:
    _heading("参与鱼骨图分析", "Join the fishbone")
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
    state.show_flash()
    st.session_state["join.name"] = state.author()  # remembered by this browser (ui.browser)
    st.text_input(_t("您的姓名（可不填）", "Your name (optional)"), key="join.name",
                  on_change=state.take_author, args=("join.name",))
    me = _guest(participant.link)
    label = {cid: tr(text, lang) for cid, text in categories}
    causes = participant.causes(me)
    used = sum(c.mine for c in causes)
    st.subheader(_t("原因", "Causes"))
    st.caption(_t(f"您还有 {allowed - used} 票（共 {allowed} 票）", f"You have {allowed - used} of {allowed} dots left"))
    hidden = any(c.votes is None for c in causes)
    if hidden:
        st.info(_t("盲投：主持人揭晓之前，大家的票数都不显示；您只看到自己的票。",
                   "Blind voting: nobody's counts are shown until the facilitator reveals them; you see your own dots only."))
    for cause in causes:
        row = st.columns([6, 1, 1], vertical_alignment="center")
        indent = "\u2003" * cause.depth + ("↳ " if cause.depth else f"{label.get(cause.category, cause.category)} · ")
        total = "" if cause.votes is None else f"  ·  **{cause.votes}**"
        row[0].markdown(f"{indent}{md(cause.text)}{total}" + (_t(f"（我 {cause.mine}）", f" (mine {cause.mine})") if cause.mine else ""))
        row[1].button("+1", key=f"join.vote.{cause.id}", disabled=used >= allowed,
                      on_click=_run, args=(lambda c=cause.id: participant.vote(c, me), _t("已投票", "Voted")))
        if cause.mine:
            row[2].button("−1", key=f"join.withdraw.{cause.id}",
                          on_click=_run, args=(lambda c=cause.id: participant.withdraw(c, me), _t("已收回", "Withdrawn")))
    with st.form("join.add", clear_on_submit=True):
        st.markdown(_t("**添加原因**", "**Add a cause**"))
        text = st.text_input(_t("原因", "Cause"), key="join.text")
        category = st.selectbox(_t("类别", "Category"), list(label), format_func=label.get, key="join.category")
        parents = {"": _t("—（直接挂在鱼骨上）", "— (a rib on the bone)")} | {c.id: c.text for c in causes}
        parent = st.selectbox(_t("作为子原因（为什么？）", "As a sub-cause of (why?)"), list(parents), format_func=parents.get, key="join.parent")
        if st.form_submit_button(_t("添加", "Add")):
            _run(lambda: participant.add_cause(text, me, category, parent_id=parent or None), _t("已添加", "Added"))
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
    _heading("匿名改进建议", "Anonymous improvement suggestions")
    try:
        sharing.resolve(state.store(), token, "suggest")
    except DiagnosisError as exc:
        _refused(exc)
        return
    st.caption(_t("您的建议不会记录姓名、会话、地址或具体时间。", "Your suggestion is stored without name, session, address or time of day."))
    state.show_flash()
    _suggestion_form("suggest", lambda value: sharing.suggest(state.store(), token, value))
