"""Domain editors drawn below a step's questionnaire questions, by step kind.

`EDITORS` is the one table from a step kind to the function that draws its editor (goals has
none); the step page calls `draw_editor(kind, ctx)`. A new editor is a module here and one
entry in the table.
"""

from __future__ import annotations

from typing import Callable

from ui.context import StepContext
from ui.editors import causes, data, evaluation, solutions, tracking

EDITORS: dict[str, Callable[[StepContext], None]] = {
    "data": data.data_editor,
    "causes": causes.draw,
    "solutions": solutions.solutions_editor,
    "tracking": tracking.tracking_editor,
    "evaluation": evaluation.evaluation_editor,
}


def draw_editor(kind: str, ctx: StepContext) -> None:
    func = EDITORS.get(kind)
    if func is not None:
        func(ctx)
