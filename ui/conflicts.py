"""Conflicts shown to the person whose save ran into them: both values, and a choice.

A save that changed a value someone else changed meanwhile keeps the stored value and records
the conflict (`Store.commit`); this panel in the sidebar shows this session's open conflicts
(and on the History page, every open conflict of the project) with both values and who wrote
them. Choosing is a new revision.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.store import StoredConflict
from diagnosis.i18n import pick as _t
from ui import state
from ui.texts import md, refusal


def _show(value: Any, deleted: bool, lang: str) -> str:
    if deleted:
        return _t(lang, "（已删除）", "(deleted)")
    if isinstance(value, dict) and "text" in value:
        return str(value["text"])
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _choose(conflict_id: str, keep: str) -> None:
    try:
        saved = state.store().resolve(conflict_id, keep, state.author())
    except DiagnosisError as exc:
        state.flash("error", refusal(exc, state.lang()))
        return
    state.adopt(saved)
    state.settled(conflict_id)


def draw_conflict(item: StoredConflict, lang: str, key: str) -> None:
    c = item.conflict
    st.markdown(f"**{md(c.where)}**")
    st.caption(_t(lang, f"{item.created.astimezone():%Y-%m-%d %H:%M}，第 {item.revision} 版",
                  f"{item.created.astimezone():%Y-%m-%d %H:%M}, revision {item.revision}"))
    st.markdown(_t(lang, f"{md(item.mine_author)} 的值：", f"{md(item.mine_author)}'s value: ") + f"`{_show(c.mine, c.mine_deleted, lang)}`")
    st.markdown(_t(lang, f"{md(item.theirs_author)} 的值（当前保存）：", f"{md(item.theirs_author)}'s value (stored): ")
                + f"`{_show(c.theirs, c.theirs_deleted, lang)}`")
    left, right = st.columns(2)
    left.button(_t(lang, f"用 {md(item.mine_author)} 的", f"Use {md(item.mine_author)}'s"), key=f"{key}.mine.{item.id}",
                on_click=_choose, args=(item.id, "mine"))
    right.button(_t(lang, "保留当前", "Keep stored"), key=f"{key}.theirs.{item.id}", on_click=_choose, args=(item.id, "theirs"))


def draw_mine(lang: str) -> None:
    """The sidebar panel: open conflicts this session's saves ran into."""
    op = state.get()
    wanted = set(state.my_conflicts())
    if op is None or not wanted:
        return
    items = [c for c in state.store().conflicts(op.project.meta.id) if c.id in wanted]
    if not items:
        return
    with st.expander(_t(lang, f"修改冲突（{len(items)}）", f"Conflicting edits ({len(items)})"), expanded=True):
        st.caption(_t(lang, "您和他人同时修改了同一处，保存的是对方的值。请选择保留哪一个：",
                      "You and someone else changed the same thing; theirs is stored. Choose which to keep:"))
        for item in items:
            draw_conflict(item, lang, "conflicts.sidebar")
