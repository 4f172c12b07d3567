"""An uploaded project file meets the store: a stored project is never replaced silently.

`clash(store, project)` tells whether the file's id is already taken by a stored project: None
(store it: `Store.create`) or a `Clash` with the stored revision and what replacing it would
change (`diagnosis.history.diff`). Then the user chooses, and nothing changes before:

- `as_new(project, titles)`: the file as a new project, with a new id and its title (suffixed
  " (2)", " (3)"... when a stored project has that title); the stored one stays as it is;
- `replace(store, project, clash.revision)`: the file as a new revision of the stored project,
  strictly on top of the revision whose changes were shown (`ConflictError` when someone saved since, so
  the user looks again); History can undo it like any change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from diagnosis.history import Change, diff
from diagnosis.project.model import Project, new_id
from diagnosis.store import ProjectNotFound, RevisionKind, Store, StoredProject


@dataclass(frozen=True)
class Clash:
    """The stored project an uploaded file's id points at, and what replacing it would change."""

    stored: StoredProject
    changes: list[Change]

    @property
    def revision(self) -> int:
        return self.stored.revision


def clash(store: Store, project: Project) -> Clash | None:
    try:
        stored = store.load(project.meta.id)
    except ProjectNotFound:
        return None
    return Clash(stored, diff(stored.project, project))


def free_title(title: str, taken: Iterable[str]) -> str:
    """`title`, or "title (2)", "title (3)"... the first one no stored project has."""
    used = set(taken)
    if not title or title not in used:
        return title
    n = 2
    while f"{title} ({n})" in used:
        n += 1
    return f"{title} ({n})"


def as_new(project: Project, titles: Iterable[str]) -> Project:
    """A copy of an uploaded project with a new id and a title no stored project has."""
    copy = project.model_copy(deep=True)
    copy.meta.id = new_id("p")
    copy.meta.title = free_title(project.meta.title, titles)
    return copy


def replace(store: Store, project: Project, seen_revision: int, author: str = "", description: str = "") -> int:
    """Store the file as a new revision of the project it clashed with; the new revision's number.

    Strict: when someone saved after the revision whose changes were shown, `ConflictError`
    is raised and nothing is written.
    """
    return store.save(project, author, description, base_revision=seen_revision, kind=RevisionKind.IMPORT)
