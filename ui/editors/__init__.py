"""Domain editors drawn below a step's questionnaire questions, by step kind.

`EDITORS` is the one table from a step kind to the function that draws its editor (goals has
none); the step page calls `draw_editor(kind, ctx)`. A new editor is a module here and one
entry in the table. `FULL_SCREEN` names the views that, when on, are the whole step page.
"""

from __future__ import annotations

from typing import Callable

from ui.context import StepContext
from ui.editors import causes, data, evaluation, solutions, tracking
from ui.editors.causes import projector

EDITORS: dict[str, Callable[[StepContext], None]] = {
    "data": data.data_editor,
    "causes": causes.draw,
    "solutions": solutions.solutions_editor,
    "tracking": tracking.tracking_editor,
    "evaluation": evaluation.evaluation_editor,
}


# step kind -> (is it on?, draw it): a view that takes the whole step page when on (the fishbone on the projector)
FULL_SCREEN: dict[str, tuple[Callable[[], bool], Callable[[StepContext], None]]] = {
    "causes": (projector.active, projector.draw),
}


def draw_full_screen(kind: str, ctx: StepContext) -> bool:
    """Draw the step's full-screen view if it is on (the page then draws nothing else)."""
    active, draw = FULL_SCREEN.get(kind, (lambda: False, None))
    if draw is None or not active():
        return False
    draw(ctx)
    return True


def draw_editor(kind: str, ctx: StepContext) -> None:
    func = EDITORS.get(kind)
    if func is not None:
        func(ctx)
