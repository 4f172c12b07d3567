"""What a step editor gets from the page that hosts it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from diagnosis.i18n import pick
from diagnosis.project.model import Project
from diagnosis.questionnaire.model import Questionnaire


@dataclass
class StepContext:
    """The open project and how to persist it.

    An editor mutates `project` in place and then calls `save("what changed")`, which
    writes the project to the store at once (a new revision) and updates the save state.
    """

    project: Project
    questionnaire: Questionnaire
    lang: str
    save: Callable[[str], None]
    author: str = ""
    read_only: bool = False

    def t(self, zh: str, en: str) -> str:
        """Pick the interface text in the current language."""
        return pick(self.lang, zh, en)
