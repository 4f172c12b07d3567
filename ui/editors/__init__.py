"""Domain editors drawn below a step's questionnaire questions, by step kind.

Each module in this package registers a function with `@editor("causes")` etc.; the step
page calls `draw_editor(kind, ctx)`. Modules are discovered, so adding an editor touches no
other file.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Callable

from ui.context import StepContext

EDITORS: dict[str, Callable[[StepContext], None]] = {}


def editor(kind: str) -> Callable[[Callable[[StepContext], None]], Callable[[StepContext], None]]:
    def register(func: Callable[[StepContext], None]) -> Callable[[StepContext], None]:
        EDITORS[kind] = func
        return func

    return register


def _discover() -> None:
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        importlib.import_module(f"{__name__}.{module}")


def draw_editor(kind: str, ctx: StepContext) -> None:
    if kind not in EDITORS:
        _discover()
    func = EDITORS.get(kind)
    if func is not None:
        func(ctx)
