"""One error family for everything a user can get wrong.

Pages and the command line catch `DiagnosisError` (and only that) and show its text; any
other exception is a bug and surfaces as one.

A refusal someone can meet is written once, where it is raised, in both languages, Chinese
first: `raise InvalidCause("原因需要文字", "a cause needs a text")`. A page shows
`exc.text(lang)` in its reader's language (`ui.texts.refusal`), the command line in the
language of the shell's locale (`diagnosis.i18n.system_language`); `str(exc)` is the English.
One text only (a library's own message, a file's located problems) is the same in both.
"""

from __future__ import annotations

from dataclasses import dataclass

from diagnosis.i18n import pick


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
    """Base of every expected, user-facing error: `DiagnosisError(zh, en)` (or one text for both)."""

    def __init__(self, *texts: str):
        zh, en = (texts[0], texts[1]) if len(texts) >= 2 else ((texts[0],) * 2 if texts else ("", ""))
        self.zh, self.en = str(zh), str(en)
        super().__init__(self.en)

    def text(self, lang: str) -> str:
        """The message in `lang` ("zh" or "en")."""
        return pick(lang, self.zh, self.en)


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
