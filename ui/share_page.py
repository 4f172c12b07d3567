"""The Share page (facilitator): participant links, the anonymous suggestion form, suggestions.

Every active link is listed with its address and a QR code (for phones in the room), its note,
kind and date, and can be revoked; a link made by an older version lists without its address
(see `diagnosis.sharing.link_token`). Suggestions appear in whole
batches of `diagnosis.sharing.threshold()`, in no order of arrival; the rest wait for their batch.
"""

from __future__ import annotations

import io

import segno
import streamlit as st

from diagnosis import sharing
from diagnosis.i18n import pick as _t
from ui import nav, state
from ui.texts import md

NEW = "share.new_link"


def _base_url() -> str:
    url = getattr(st.context, "url", None) or "http://localhost:8501/"
    return url.split("?")[0].rstrip("/").rsplit("/", 1)[0] if url.rstrip("/").endswith("/share") else url.split("?")[0].rstrip("/")


def _address(kind: str, token: str) -> str:
    return f"{_base_url()}/?{'join' if kind == 'participant' else 'suggest'}={token}"


def qr_png(url: str) -> bytes:
    """The address as a QR code (PNG), large enough to scan from a projector or a laptop screen."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def _create(kind: str) -> None:
    op = state.get()
    label = st.session_state.get("share.label", "")
    _token, link = sharing.create_link(state.store(), op.project.meta.id, kind, state.author(), label)
    st.session_state[NEW] = link.id
    st.session_state["share.label"] = ""


def _revoke(link_id: str) -> None:
    sharing.revoke_link(state.store(), link_id)


def _kind(link: sharing.Link, lang: str) -> str:
    return _t(lang, "参与者链接", "participant link") if link.kind == "participant" else _t(lang, "匿名建议链接", "suggestion link")


def _draw_link(link: sharing.Link, lang: str, new: bool) -> None:
    token = sharing.link_token(state.store(), link)
    with st.container(border=True, key=f"share.link.{link.id}"):
        info, qr = st.columns([3, 1])
        mark = _t(lang, "（新）", " (new)") if new else ""
        info.markdown(f"**{md(link.label or _t(lang, '未加备注', 'no note'))}**{md(mark)} · {_kind(link, lang)}")
        info.caption(md(_t(lang, f"创建于 {link.created.astimezone():%Y-%m-%d %H:%M}，创建人 {link.created_by}",
                           f"created {link.created.astimezone():%Y-%m-%d %H:%M} by {link.created_by}")))
        if token is None:
            info.caption(_t(lang, "这条链接由旧版本创建，地址无法再次显示；仍可撤销。需要二维码请新建一条链接。",
                            "This link was made by an older version: its address cannot be shown again; it can still be "
                            "revoked. Create a new link for a QR code."))
        else:
            url = _address(link.kind, token)
            info.code(url, language=None)
            qr.image(qr_png(url), caption=_t(lang, "用手机扫码打开", "Scan with a phone"), width=160)
        info.button(_t(lang, "撤销", "Revoke"), key=f"share.revoke.{link.id}", on_click=_revoke, args=(link.id,))


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
    links = sharing.project_links(state.store(), op.project.meta.id)
    active = [link for link in links if link.active]
    if created:
        st.success(_t(lang, "新链接已创建，列在下面（最上面一条）。", "New link created: it is the first one below."))
    st.subheader(_t(lang, f"有效链接（{len(active)}）", f"Active links ({len(active)})"))
    if not active:
        st.caption(_t(lang, "还没有有效链接。", "No active link yet."))
    else:
        st.caption(_t(lang, "每条有效链接都可以随时再次复制或扫码；撤销后立即失效。",
                      "Every active link can be copied or scanned again at any time; a revoked link stops at once."))
    for link in active:
        _draw_link(link, lang, created == link.id)
    revoked = [link for link in links if not link.active]
    if revoked:
        with st.expander(_t(lang, f"已撤销的链接（{len(revoked)}）", f"Revoked links ({len(revoked)})")):
            for link in revoked:
                when = f"{link.revoked.astimezone():%Y-%m-%d %H:%M}" if link.revoked else ""
                st.markdown(f"{_kind(link, lang)} · {md(link.label or '—')} · "
                            + md(_t(lang, f"创建于 {link.created.astimezone():%Y-%m-%d %H:%M}，撤销于 {when}",
                                    f"created {link.created.astimezone():%Y-%m-%d %H:%M}, revoked {when}")))
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
