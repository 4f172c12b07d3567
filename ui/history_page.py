"""The History page: every revision with time and author, what changed, restore, undo my last change.

Revisions are listed newest first; picking one shows its changes against the one before (or
any two revisions compared), in the workshop's words (`diagnosis.history.diff`). Restoring
and undoing are new revisions themselves, so nothing is ever lost. Open conflicts of the
project are listed at the end for anyone to settle.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from diagnosis import history, sharing
from diagnosis import history_labels as labels
from diagnosis.errors import DiagnosisError
from diagnosis.project.files import resolve_questionnaire
from diagnosis.project.model import Project
from diagnosis.history import AREA_NAMES, KINDS, diff
from diagnosis.store import ANONYMOUS
from diagnosis.i18n import pick as _t
from ui import conflicts, nav, state
from ui.texts import refusal


def _who(author: str, lang: str, project: Project) -> str:
    if not author or author == ANONYMOUS:
        return _t(lang, "匿名", "anonymous")
    return sharing.author_label(project.fishbone, author)


def _describe(description: str, lang: str) -> str:
    op = state.get()
    return labels.describe(description, op.questionnaire if op else None, lang, op.project if op else None)


def _changes_table(old_number: int, new_number: int, project_id: str, lang: str) -> None:
    store = state.store()
    old, new = store.load(project_id, old_number).project, store.load(project_id, new_number).project
    draw_changes(diff(old, new), lang, f"history.changes.{old_number}.{new_number}", new)


def draw_changes(changes: list[history.Change], lang: str, key: str, project: Project | None = None) -> None:
    """The changes between two versions of a project as a table (cells are data, never markdown),
    question, metric, category and participant ids shown as their labels in `lang`."""
    op = state.get()
    project = project or (op.project if op else None)
    questionnaire = op.questionnaire if op and project is not None and op.project.meta.id == project.meta.id else None
    if questionnaire is None and project is not None:
        try:
            questionnaire = resolve_questionnaire(project)
        except DiagnosisError:  # an unknown questionnaire: its ids stay as they are
            questionnaire = None
    changes = labels.readable(changes, questionnaire, project, lang)
    if not changes:
        st.caption(_t(lang, "没有内容变化。", "No change in content."))
        return
    rows = [{_t(lang, "范围", "Area"): _t(lang, *AREA_NAMES[c.area]), _t(lang, "变化", "Change"): _t(lang, *KINDS[c.kind]),
             _t(lang, "对象", "What"): c.subject, _t(lang, "字段", "Field"): c.field,
             _t(lang, "之前", "Before"): "" if c.before is None else str(c.before),
             _t(lang, "之后", "After"): "" if c.after is None else str(c.after)} for c in changes]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=key, placeholder="—")


CONFIRM_RESTORE = "history.confirm_restore"  # the revision a click on Restore asks to confirm


def _restore(number: int) -> None:
    st.session_state.pop(CONFIRM_RESTORE, None)
    op = state.get()
    saved = state.store().restore(op.project.meta.id, number, state.author())
    state.adopt(saved)
    state.flash("success", _t(state.lang(), f"已恢复到第 {number} 版（新的一版：{saved.revision}）。",
                              f"Restored revision {number} (as new revision {saved.revision})."))


def _confirm_restore(number: int, head: int, project_id: str, lang: str) -> None:
    """Replacing the current content asks first, with what it would change."""
    with st.container(border=True):
        st.warning(_t(lang, f"恢复到第 {number} 版会把当前内容（第 {head} 版）改成下面这样；当前内容仍保留在历史中，可以再恢复或撤销。",
                      f"Restoring revision {number} changes the current content (revision {head}) as below; the current "
                      "content stays in the history and can be restored or undone."))
        _changes_table(head, number, project_id, lang)
        yes, no, _ = st.columns([1, 1, 4])
        yes.button(_t(lang, "确认恢复", "Yes, restore"), key="history.restore.confirm", type="primary",
                   on_click=_restore, args=(number,))
        no.button(_t(lang, "取消", "Cancel"), key="history.restore.cancel",
                  on_click=lambda: st.session_state.pop(CONFIRM_RESTORE, None))


def _undo(number: int) -> None:
    try:
        saved = state.undo(number)
    except DiagnosisError as exc:
        state.flash("error", refusal(exc, state.lang()))
        return
    state.flash("success" if not saved.conflicts else "warning",
                _t(state.lang(), f"已撤销第 {number} 版的修改。", f"Undid the change of revision {number}.")
                + (_t(state.lang(), " 有些值之后又被他人修改，已保留他人的值，见冲突。",
                      " Some values were changed again by others since; theirs were kept, see the conflicts.") if saved.conflicts else ""))


def _last_own(project_id: str) -> int | None:
    undone = state.undone(project_id)
    mine = state.my_revisions(project_id)
    name = state.author()
    # the store is read only for a returning participant who saved nothing in this session
    revisions = state.store().revisions(project_id, limit=200) if name and not [n for n in mine if n not in undone] else []
    return history.last_own_revision(mine, revisions, name, undone)


def draw_page() -> None:
    lang = state.lang()
    state.show_flash()
    st.title(_t(lang, "修改历史", "History"))
    op = nav.project_or_hint(lang)
    if op is None:
        return
    pid = op.project.meta.id
    revisions = state.store().revisions(pid, limit=500)
    own = _last_own(pid)
    if own is not None:
        info = next((r for r in revisions if r.number == own), None)
        label = _describe(info.description, lang) if info else str(own)
        st.button(_t(lang, f"↶ 撤销我最近的修改（第 {own} 版：{label}）", f"↶ Undo my last change (revision {own}: {label})"),
                  key="history.undo", on_click=_undo, args=(own,))
    table = [{"#": r.number, _t(lang, "时间", "Time"): r.saved.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
              _t(lang, "作者", "Author"): _who(r.author, lang, op.project), _t(lang, "说明", "Description"): _describe(r.description, lang)} for r in revisions]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch", key="history.list", height=300, placeholder="—")
    numbers = [r.number for r in revisions]
    chosen = st.selectbox(_t(lang, "查看某一版改了什么", "See what a revision changed"), numbers, key="history.revision",
                          format_func=lambda n: f"#{n}")
    if chosen is not None:
        if chosen > 1:
            _changes_table(chosen - 1, chosen, pid, lang)
        if chosen != op.revision:
            st.button(_t(lang, f"恢复到第 {chosen} 版", f"Restore revision {chosen}"), key="history.restore",
                      on_click=lambda n=chosen: st.session_state.__setitem__(CONFIRM_RESTORE, n))
            if st.session_state.get(CONFIRM_RESTORE) == chosen:
                _confirm_restore(chosen, op.revision, pid, lang)
    with st.expander(_t(lang, "比较任意两版", "Compare any two revisions")):
        left, right = st.columns(2)
        a = left.selectbox(_t(lang, "从", "From"), numbers, index=min(1, len(numbers) - 1), key="history.from")
        b = right.selectbox(_t(lang, "到", "To"), numbers, index=0, key="history.to")
        if a is not None and b is not None and a != b:
            _changes_table(min(a, b), max(a, b), pid, lang)
    open_conflicts = state.store().conflicts(pid)
    if open_conflicts:
        st.subheader(_t(lang, f"未解决的冲突（{len(open_conflicts)}）", f"Open conflicts ({len(open_conflicts)})"))
        for item in open_conflicts[:50]:
            with st.container(border=True):
                conflicts.draw_conflict(item, lang, "history.conflict")
