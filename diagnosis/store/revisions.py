"""What a revision records: the whole project, when, who, a description and a typed `kind`.

The description is free text in the saver's language ("添加原因：…", "answer metrics"), for
people; the `kind` is for the program: "undo my last change" skips undos by their kind, never
by a description's prefix (which missed the Chinese "撤销"). Revisions stored before the kind
existed got it once, inferred from their description, by migration 0004.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import ValidationError
from pydantic_core import from_json

from diagnosis.errors import DiagnosisError
from diagnosis.project.files import migrate
from diagnosis.project.model import FORMAT_VERSION, Project
from diagnosis.text import clean_data


class RevisionKind(str, Enum):
    """What kind of change a revision made (stored in `revisions.kind`)."""

    CREATE = "create"  # a new project (from a questionnaire, the demo)
    IMPORT = "import"  # an uploaded project file, as a new project or replacing one
    ANSWER = "answer"  # a questionnaire answer
    CAUSE = "cause"  # the step-3 fishbone: causes, votes, the problem, root causes (also through a participant link)
    DATA = "data"  # step 2: ticket imports, baselines, metric definitions
    PLAN = "plan"  # step 4: measures
    CHECKIN = "checkin"  # step 5: check-ins
    EVALUATION = "evaluation"  # step 6: values at checkpoints, cycles
    UNDO = "undo"  # `Store.undo`: one revision's change reverted
    RESTORE = "restore"  # `Store.restore`: an old revision made the project again
    MERGE = "merge"  # a conflict settled (`Store.resolve`)
    EDIT = "edit"  # anything else

    @classmethod
    def of(cls, value: object) -> RevisionKind:
        """The kind stored as `value`; EDIT for one this program does not know (written by a newer one)."""
        try:
            return cls(value)
        except ValueError:
            return cls.EDIT


# the step editors' kind (ui.editors.EDITORS) -> the kind of the revisions they save
STEP_KINDS = {"goals": RevisionKind.ANSWER, "data": RevisionKind.DATA, "causes": RevisionKind.CAUSE,
              "solutions": RevisionKind.PLAN, "tracking": RevisionKind.CHECKIN, "evaluation": RevisionKind.EVALUATION}


@dataclass(frozen=True)
class StoredProject:
    project: Project
    revision: int
    saved: dt.datetime
    author: str
    description: str
    kind: RevisionKind = RevisionKind.EDIT


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    saved: dt.datetime
    author: str
    description: str
    kind: RevisionKind = RevisionKind.EDIT


def content_data(content: str | bytes, project_id: str, number: int) -> dict[str, Any]:
    """A revision's JSON form, migrated when an older program wrote it."""
    data = from_json(content)  # pydantic's Rust parser: the same values as json.loads in half the time
    if data.get("format_version") != FORMAT_VERSION:
        data = decode(content, project_id, number).model_dump(mode="json")
    return data


def decode(content: str | bytes, project_id: str, number: int) -> Project:
    """A revision's project; revisions written by an older version of the program are migrated like old files."""
    try:
        return Project.model_validate(clean_data(migrate(json.loads(content), f"{project_id}@{number}")))
    except (ValueError, ValidationError) as exc:
        raise DiagnosisError(f"项目“{project_id}”的第 {number} 版无法读取：{exc}", f"revision {number} of project '{project_id}' cannot be read: {exc}") from None
