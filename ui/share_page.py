"""The Share page (facilitator): participant links, the anonymous suggestion form, suggestions.

A new link's address is shown once (only its hash is stored). Suggestions appear in whole
batches of `diagnosis.sharing.threshold()`, in no order of arrival; the rest wait for their batch.
"""

from __future__ import annotations

import streamlit as st

from diagnosis import sharing
from diagnosis.i18n import pick as _t
from ui import nav, state
from ui.texts import md

NEW = "share.new_link"


def _base_url() -> str:
    url = getattr(st.context, "url", None) or "http://localhost:8501/"
    return url.split("?")[0].rstrip("/").rsplit("/", 1)[0] if url.rstrip("/").endswith("/share") else url.split("?")[0].rstrip("/")


def _create(kind: str) -> None:
    op = state.get()
    label = st.session_state.get("share.label", "")
    token, _link = sharing.create_link(state.store(), op.project.meta.id, kind, state.author(), label)
    param = "join" if kind == "participant" else "suggest"
    st.session_state[NEW] = (kind, f"{_base_url()}/?{param}={token}")


def _revoke(link_id: str) -> None:
    sharing.revoke_link(state.store(), link_id)


def draw_page() -> None:
    lang = state.lang()
    state.show_flash()
    st.title(_t(lang, "邀请参与者与匿名建议", "Participants and anonymous suggestions"))
    op = nav.project_or_hint(lang)
    if op is None:
        return
    st.caption(_t(lang, "参与者链接只能查看本项目的原因列表，并添加原因、投票和建议；看不到其他内容。匿名建议表单不记录姓名、会话、地址或具体时间。",
                  "A participant link shows only this project's list of causes and lets people add causes, votes and suggestions; "
                  "nothing else. The anonymous suggestion form stores no name, session, address or time of day."))
    st.text_input(_t(lang, "链接备注（如：周三工作坊）", "Note for the link (e.g. Wednesday workshop)"), key="share.label")
    left, right = st.columns(2)
    left.button(_t(lang, "创建参与者链接", "Create a participant link"), key="share.create_participant", on_click=_create, args=("participant",))
    right.button(_t(lang, "创建匿名建议链接", "Create an anonymous suggestion link"), key="share.create_suggest", on_click=_create, args=("suggest",))
    created = st.session_state.pop(NEW, None)
    if created:
        st.success(_t(lang, "新链接（只显示这一次，请立即复制）：", "New link (shown only this once, copy it now):"))
        st.code(created[1], language=None)
    links = sharing.project_links(state.store(), op.project.meta.id)
    if links:
        st.subheader(_t(lang, "链接", "Links"))
    for link in links:
        kind = _t(lang, "参与者", "participant") if link.kind == "participant" else _t(lang, "匿名建议", "suggestions")
        with st.container(border=True):
            info, action = st.columns([5, 1], vertical_alignment="center")
            status = _t(lang, "有效", "active") if link.active else _t(lang, "已撤销", "revoked")
            info.markdown(f"**{kind}** · {md(link.label or '—')} · {status}")
            info.caption(f"{link.created.astimezone():%Y-%m-%d %H:%M} · {md(link.created_by)}")
            if link.active:
                action.button(_t(lang, "撤销", "Revoke"), key=f"share.revoke.{link.id}", on_click=_revoke, args=(link.id,))
    st.subheader(_t(lang, "匿名建议", "Anonymous suggestions"))
    found = sharing.suggestions_of(state.store(), op.project.meta.id)
    if not found.visible:
        st.info(_t(lang, f"已收到 {found.count} 条建议；至少 {found.threshold} 条后才显示，以免能认出是谁写的。",
                   f"{found.count} suggestions so far; they show once at least {found.threshold} arrived, so nobody can be singled out."))
    elif found.waiting:
        st.info(_t(lang, f"另有 {found.waiting} 条建议在等待：每凑满 {found.threshold} 条一起显示，顺序随机，新建议不会单独出现。",
                   f"{found.waiting} more waiting: suggestions show {found.threshold} at a time, in a random order, so a new one never shows on its own."))
    for item in found.texts:
        st.markdown(f"- {md(item)}")
