"""Step 3 editor: the fishbone (problem, causes, nesting, brainstorm paste, dot voting), its
diagram with downloads, the Pareto ranking and the confirmation of the root causes.

`draw` shows the problem, the undo button and a keyed selector of the views; each view is a
module here: `overview` (the table of causes), `add` (the add-cause form), `paste` (a
brainstorm), `edit` (edit, move, nest, delete), `diagram`, `voting`, `pareto`, `confirm`.
Every change goes through `common.change`: it applies one domain operation from
`diagnosis.fishbone`, saves, and reruns so every view shows it. Undo is the store's: the undo
button reverts this session's last step-3 revision with `Store.undo` (`ui.state.undo`), merged
onto whatever others saved since, and History shows it as an undo revision.
"""

from __future__ import annotations

from typing import Callable

import streamlit as st

from diagnosis.errors import DiagnosisError
from diagnosis.store import RevisionInfo, RevisionKind
from ui import state
from ui.context import StepContext
from ui.editors.causes import add, confirm, diagram, edit, overview, pareto, paste, voting
from ui.editors.causes.common import RESET, VIEW, change, flash
from ui.texts import md, refusal

def _causes(ctx: StepContext) -> None:
    overview.draw(ctx)
    if not ctx.read_only:
        add.draw(ctx)
        paste.draw(ctx)
    edit.draw(ctx)


# the views of the step, in the selector's order: view -> (zh, en) name, draw function
VIEWS: dict[str, tuple[str, str, Callable[[StepContext], None]]] = {
    "causes": ("原因", "Causes", _causes),
    "diagram": ("鱼骨图", "Fishbone diagram", diagram.draw),
    "voting": ("点投票", "Dot voting", voting.draw),
    "pareto": ("帕累托分析", "Pareto", pareto.draw),
    "confirm": ("确认根本原因", "Root causes", confirm.draw),
}


def draw(ctx: StepContext) -> None:
    for key in st.session_state.pop(RESET, []):
        st.session_state.pop(key, None)
    state.show_flash(place="causes")
    t = ctx.t
    _problem(ctx)
    last = None if ctx.read_only else state.last_own(RevisionKind.CAUSE)
    if last is not None:
        if st.button(t(f"↶ 撤销：{md(last.description)}", f"↶ Undo: {md(last.description)}"), key="causes.undo"):
            _undo(ctx, last)
    names = {view: t(zh, en) for view, (zh, en, _draw) in VIEWS.items()}
    # a keyed selector, not st.tabs: the browser keeps a widget's value by its key, so the chosen view
    # survives the rerun after every vote or edit (a tab strip fell back to its first tab)
    view = st.segmented_control(t("视图", "View"), list(names), format_func=names.get, default="causes", required=True,
                                key=VIEW, label_visibility="collapsed")
    VIEWS[view][2](ctx)


def _problem(ctx: StepContext) -> None:
    current = ctx.project.fishbone.problem or str(ctx.project.answers.get("problem_statement") or "")
    value = st.text_area(ctx.t("问题（鱼头）", "Problem (the fish's head)"), value=current, key="causes.problem",
                         height=80, disabled=ctx.read_only,
                         help=ctx.t("默认取自第一步的问题描述。", "Defaults to the problem statement of step 1."))
    if value.strip() != current.strip() and not ctx.read_only:
        change(ctx, ctx.t("修改问题描述", "Edit the problem statement"), lambda f: setattr(f, "problem", value.strip()))


def _undo(ctx: StepContext, last: RevisionInfo) -> None:
    """Revert this session's last step-3 revision in the store (later changes of others stay)."""
    if ctx.read_only:
        return
    try:
        saved = state.undo(last.number)
    except DiagnosisError as exc:
        flash("error", refusal(exc, ctx.lang))
        st.rerun()
    # the problem and edit-form widgets still hold the undone values: drop them so they show the restored fishbone
    st.session_state[RESET] = [k for k in st.session_state if k == "causes.problem" or str(k).startswith("causes.edit.")]
    done = ctx.t(f"已撤销：{last.description}", f"Undone: {last.description}")
    if saved.conflicts:
        done += ctx.t("（有些值之后又被他人修改，已保留他人的值，见冲突）",
                      " (some values were changed again by others since; theirs were kept, see the conflicts)")
    flash("warning" if saved.conflicts else "info", md(done))
    st.rerun()
