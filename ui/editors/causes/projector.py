"""Step 3, the projector view: the fishbone alone, as large as the screen, for the room to read.

The diagram view's button turns it on for this session; the step page then draws nothing but the
diagram (`ui.editors.draw_full_screen`): no sidebar, no questions, no other view. Back, or the
Esc key, returns to the step as it was.
"""

from __future__ import annotations

import graphviz
import streamlit as st

from diagnosis.diagram import fishbone_dot
from ui.context import StepContext
from ui.editors.causes.common import VIEW
from ui.texts import md

ON = "causes.projector.on"  # session state: the projector view is shown
BUTTON, CLOSE = "causes.projector", "causes.projector.close"

_STYLE = """
<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] { display: none; }
[data-testid="stMainBlockContainer"] { max-width: 100%; padding: 0.5rem 1.5rem 0 1.5rem; }
.st-key-causes-projector-diagram [data-testid="stGraphVizChart"] > svg { width: 100%; height: calc(100vh - 6rem); }
.st-key-causes-projector-keys { display: none; }
</style>
"""

# Esc clicks Back (one listener per browser tab, whichever run drew it)
_ESC = """
(() => {
  if (window.__pdProjectorEsc) return;
  window.__pdProjectorEsc = true;
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const back = document.querySelector(".st-key-causes-projector-close button");
    if (back) back.click();
  });
})();
"""


def active() -> bool:
    return bool(st.session_state.get(ON))


def _turn(on: bool) -> None:
    st.session_state[ON] = on
    if not on:  # back on the diagram view (the view selector was not drawn meanwhile, so it forgot)
        st.session_state[VIEW] = "diagram"


def button(ctx: StepContext) -> None:
    """The diagram view's way in."""
    st.button(ctx.t("投影模式（全屏鱼骨图）", "Projector view (full-screen fishbone)"), key=BUTTON, icon=":material/fullscreen:",
              on_click=_turn, args=(True,), help=ctx.t("只显示鱼骨图，铺满屏幕；按 Esc 或“返回”回到本步骤。",
                                                       "Shows only the fishbone, filling the screen; Esc or Back returns to this step."))


def draw(ctx: StepContext) -> None:
    """The whole page: the problem as a heading, the diagram as large as the screen, Back."""
    st.html(_STYLE)
    with st.container(key="causes-projector-keys"):
        st.html(f"<script>{_ESC}</script>", unsafe_allow_javascript=True)
    top, back = st.columns([6, 1], vertical_alignment="center")
    problem = ctx.project.fishbone.problem or str(ctx.project.answers.get("problem_statement") or "")
    top.subheader(md(problem) or ctx.t("鱼骨图", "Fishbone diagram"))
    back.button(ctx.t("返回（Esc）", "Back (Esc)"), key=CLOSE, on_click=_turn, args=(False,), width="stretch")
    with st.container(key="causes-projector-diagram"):
        st.graphviz_chart(graphviz.Source(fishbone_dot(ctx.project, ctx.questionnaire, ctx.lang), engine="neato"), width="stretch")
