"""One error family for everything a user can get wrong.

Pages and the command line catch `DiagnosisError` (and only that) and show its text; any
other exception is a bug and surfaces as one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one file, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        elif self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class DiagnosisError(Exception):
    """Base of every expected, user-facing error."""


class InvalidFile(DiagnosisError):
    """A file (questionnaire, project, mapping...) with one or more problems, all listed."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class QuestionnaireError(InvalidFile):
    """A questionnaire YAML that does not load."""


class ProjectFileError(InvalidFile):
    """A project file that does not load."""


class UnsupportedVersion(DiagnosisError):
    """A project file written by a newer version of the program."""
