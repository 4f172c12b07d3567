"""Project files: one human-readable, git-diffable YAML file per project (`*.diagnosis.yaml`).

JSON is accepted on load. Loading migrates older format versions, refuses newer ones, and
checks the answers against the questionnaire: structural problems stop the load (with
`FILE:LINE:COLUMN` positions); answers whose question no longer exists, or whose value no
longer fits, are kept and reported as warnings, never dropped. Saving is atomic and keeps
the previous file as `<name>.bak`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, Callable

import yaml
from pydantic import ValidationError

from diagnosis import catalog
from diagnosis.errors import DiagnosisError, Problem, ProjectFileError, QuestionnaireError, UnsupportedVersion
from diagnosis.project import consistency
from diagnosis.project.model import FORMAT, FORMAT_VERSION, Project
from diagnosis.questionnaire import Questionnaire
from diagnosis.questionnaire.rules import CHECKS, _check_date, _check_number, is_answered
from diagnosis.yamlsafe import Located, YamlProblems, load_located

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

MAX_PROJECT_BYTES = 20 * 1024 * 1024
SUFFIX = ".diagnosis.yaml"


@dataclass
class LoadedProject:
    project: Project
    questionnaire: Questionnaire
    warnings: list[Problem] = field(default_factory=list)


# --- writing ------------------------------------------------------------------------------------


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # multi-line answers as literal blocks keep the file readable and its diffs small
    style = "|" if "\n" in data and len(data) < 20000 and not data.endswith((" ", "\t")) and "\r" not in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


class _ProjectDumper(_Dumper):  # type: ignore[misc, valid-type]
    pass


_ProjectDumper.add_representer(str, _str_presenter)


def to_data(project: Project) -> dict[str, Any]:
    return project.model_dump(mode="json", exclude_none=False)


def dumps(project: Project) -> str:
    return yaml.dump(to_data(project), Dumper=_ProjectDumper, allow_unicode=True, sort_keys=False, width=100)


# a temporary file of a save nobody finished (a SIGKILL, a full disk) is removed by the next
# save of the same file once it is this old and no live write holds its lock
STALE_SECONDS = 5.0


def atomic_write(path: str | Path, content: bytes, *, backup: bool = True) -> None:
    """Write to a temporary file beside `path`, fsync, keep the old file as .bak, rename.

    While it is written the temporary file is locked (`flock`), so that another save of the
    same file, which first removes the leftovers of unfinished saves (`_remove_stale`), leaves
    it alone. The .bak gets the file's own mode.
    """
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    _remove_stale(directory, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            _lock(handle.fileno())
            # mkstemp creates 0600; give the file the mode a plain open() would (or keep the old one)
            os.fchmod(handle.fileno(), path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_UMASK)
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
            if backup and path.exists():
                _copy_atomic(path, path.with_name(path.name + ".bak"))
            os.replace(tmp, path)  # still locked: a temporary file is never unlocked before it is gone
    except BaseException:
        _unlink_quietly(tmp)
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass


def _lock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)


def _held(candidate: Path) -> bool:
    """Whether a live write holds the lock of a temporary file (a killed process holds none)."""
    if fcntl is None:  # pragma: no cover - not POSIX: the age alone decides
        return False
    try:
        fd = os.open(candidate, os.O_RDONLY)
    except OSError:
        return True  # gone already, or not ours to open: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    finally:
        os.close(fd)  # closing releases the probe's lock
    return False


def _remove_stale(directory: Path, name: str) -> None:
    """Remove temporary files of unfinished saves of `name` (its own and its .bak's)."""
    pattern = re.compile(rf"\.{re.escape(name)}\.(?:bak\.)?[a-z0-9_]+\.tmp")  # mkstemp's names, see atomic_write
    limit = time.time() - STALE_SECONDS
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            if not entry.is_file(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_mtime > limit:
                continue
        except OSError:
            continue
        if not _held(Path(entry.path)):
            _unlink_quietly(entry.path)


def _unlink_quietly(name: str | Path) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass
    except OSError:  # pragma: no cover - a folder we may not write: the save itself will say so
        pass


def _read_umask() -> int:
    # read once at import: os.umask can only be read by setting it, which is not thread-safe
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _read_umask()


def _copy_atomic(src: Path, dst: Path) -> None:
    """Copy `src` to `dst` atomically, with `src`'s mode; a failed copy leaves no temporary file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _lock(handle.fileno())
            os.fchmod(handle.fileno(), src.stat().st_mode & 0o777)
            handle.write(src.read_bytes())
            handle.flush()
            os.fsync(handle.fileno())
            os.replace(tmp, dst)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def save_project(project: Project, path: str | Path) -> None:
    atomic_write(path, dumps(project).encode("utf-8"))


# --- reading ------------------------------------------------------------------------------------


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 kept metadata at the top level and grouped answers by step id."""
    out = dict(data)
    meta = dict(out.pop("meta", {}) or {})
    for key in ("id", "title", "organization", "language", "created", "updated"):
        if key in out:
            meta[key] = out.pop(key)
    out["meta"] = meta
    ref = dict(out.get("questionnaire") or {})
    if "questionnaire_id" in out:
        ref["id"] = out.pop("questionnaire_id")
    if "questionnaire_version" in out:
        ref["version"] = str(out.pop("questionnaire_version"))
    out["questionnaire"] = ref
    answers: dict[str, Any] = {}
    steps = out.pop("steps", None)
    if isinstance(steps, dict):
        for step_answers in steps.values():
            if isinstance(step_answers, dict):
                answers.update(step_answers)
    answers.update(out.get("answers") or {})
    out["answers"] = answers
    out["format_version"] = 2
    return out


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    """Format 3 stores step-6 values per step-1 row (`row_key`), not per metric id.

    A format-2 value of metric `csat` belongs to the first row of that metric; rows stay as
    they were, typed in by hand (format 2 had no definitions), so their key is their wording."""
    from diagnosis.metric_definitions import row_key

    out = dict(data)
    answers = out.get("answers") if isinstance(out.get("answers"), dict) else {}
    rows = [r for r in answers.get("metrics") or [] if isinstance(r, dict)]
    first = {}
    for row in rows:
        first.setdefault(row.get("metric"), row_key(row))

    def rekey(evaluation: Any) -> Any:
        if not isinstance(evaluation, dict) or not isinstance(evaluation.get("values"), list):
            return evaluation
        values = [dict(v, metric=first.get(v.get("metric"), v.get("metric"))) if isinstance(v, dict) else v
                  for v in evaluation["values"]]  # fmt: skip
        return dict(evaluation, values=values)

    if "evaluation" in out:
        out["evaluation"] = rekey(out["evaluation"])
    out["format_version"] = 3
    return out


# format 2 onwards share one layout (2 -> 3 only rekeys step-6 values), so positions still hold
LAYOUT_SINCE = 2
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _migrate_1_to_2, 2: _migrate_2_to_3}


def migrate(data: dict[str, Any], filename: str) -> dict[str, Any]:
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ProjectFileError([Problem(filename, f"'format_version' must be a whole number, got {version!r}", path="format_version")])
    if version > FORMAT_VERSION:
        raise UnsupportedVersion(
            f"{filename}：由更新版本的 process-diagnosis 写入（格式 {version}；本版本最多读取 {FORMAT_VERSION}）。请升级。",
            f"{filename}: written by a newer version of process-diagnosis (format {version}; "
            f"this version reads up to {FORMAT_VERSION}). Please upgrade."
        )
    while version < FORMAT_VERSION:
        if version not in MIGRATIONS:
            raise ProjectFileError([Problem(filename, f"format version {version} is not supported", path="format_version")])
        data = MIGRATIONS[version](data)
        version = data["format_version"]
    return data


def _read(source: Any, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, (str, Path)):
        try:
            size = os.path.getsize(source)
            if size > MAX_PROJECT_BYTES:
                raise ProjectFileError([Problem(str(source), f"file is too large ({size:,} bytes; limit {MAX_PROJECT_BYTES:,})")])
            return Path(source).read_bytes(), filename or str(source)
        except OSError as exc:
            raise ProjectFileError([Problem(filename or str(source), f"cannot read file: {exc.strerror}")]) from None
    if isinstance(source, bytes):
        return source, filename or "<project>"
    raw = source.read(MAX_PROJECT_BYTES + 1)
    return raw, filename or getattr(source, "name", "<project>")


def _pydantic_problems(exc: ValidationError, located: Located | None, filename: str) -> list[Problem]:
    from diagnosis.questionnaire.loader import _dotted, _split_loc

    out = []
    for err in exc.errors():
        path, _ = _split_loc(located.data if located else {}, tuple(err["loc"]))
        name = err["loc"][-1] if err["loc"] else ""
        if err["type"] == "extra_forbidden":
            message = f"unknown key '{name}'"
        elif err["type"] == "missing":
            message = f"missing required key '{name}'"
        else:
            message = str(err["msg"]).replace("Value error, ", "")
            if err["type"] != "value_error" and not isinstance(err.get("input"), (dict, list)):
                message += f" (got {err.get('input')!r})"
        mark = located.mark(path, key=err["type"] == "extra_forbidden") if located else None
        out.append(Problem(filename, message, mark[0] if mark else None, mark[1] if mark else None, _dotted(tuple(err["loc"]))))
    return out


def load_project(
    source: str | Path | IO[bytes] | bytes,
    filename: str | None = None,
    *,
    resolve: Callable[[Project], Questionnaire] | None = None,
) -> LoadedProject:
    """Read, migrate, validate and check a project file against its questionnaire."""
    raw, filename = _read(source, filename)
    if len(raw) > MAX_PROJECT_BYTES:
        raise ProjectFileError([Problem(filename, f"file is too large (limit {MAX_PROJECT_BYTES:,} bytes)")])
    try:
        located = load_located(raw, filename, max_bytes=MAX_PROJECT_BYTES)
    except YamlProblems as exc:
        raise ProjectFileError(exc.problems) from None
    if located.problems:
        raise ProjectFileError(located.problems)
    data = located.data
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ProjectFileError(
            [Problem(filename, f"not a process-diagnosis project file (expected 'format: {FORMAT}')", 1, 1)]
        )
    original_version = data.get("format_version")
    # repeated ids, impossible numbers, a garbled step-2 block: on the file as written (always located)
    problems = consistency.document_problems(located, filename)
    data = migrate(data, filename)
    # positions refer to the file as written: kept where the migrations keep the layout
    same_layout = isinstance(original_version, int) and original_version >= LAYOUT_SINCE
    try:
        project = Project.model_validate(data)
    except ValidationError as exc:
        reported = {(p.line, p.column) for p in problems if p.line is not None}
        problems += [p for p in _pydantic_problems(exc, located if same_layout else None, filename)
                     if p.line is None or (p.line, p.column) not in reported]  # fmt: skip
    if problems:
        raise ProjectFileError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    warnings: list[Problem] = []
    if original_version != FORMAT_VERSION:
        warnings.append(Problem(filename, f"migrated from format {original_version} to {FORMAT_VERSION}; save to keep the new format"))
    questionnaire = (resolve or resolve_questionnaire)(project)
    current = located if original_version == FORMAT_VERSION else None
    warnings.extend(check_answers(project, questionnaire, filename, current))
    warnings.extend(consistency.project_warnings(project, questionnaire, filename, located if same_layout else None,
                                                 None if resolve else questionnaire_source_hash(project)))  # fmt: skip
    return LoadedProject(project, questionnaire, warnings)


def questionnaire_source_hash(project: Project) -> str | None:
    """The hash of the shipped questionnaire file the project resolves to now (None for an embedded copy).

    An embedded copy travels with the project; its text is normalized when stored (line ends,
    control characters), so its hash would differ from the upload's without any change."""
    ref = project.questionnaire
    if ref.source:
        return None
    try:
        return catalog.get(ref.id).hash
    except DiagnosisError:
        return None


def resolve_questionnaire(project: Project) -> Questionnaire:
    """The questionnaire of a project: the embedded copy, else the shipped file with that id."""
    ref = project.questionnaire
    if ref.source:
        try:
            embedded = catalog.load_source(ref.source.encode("utf-8"), f"<embedded questionnaire {ref.id}>").questionnaire
            return with_project_definitions(embedded, project)
        except QuestionnaireError as exc:
            raise ProjectFileError(exc.problems) from None
    return with_project_definitions(catalog.get(ref.id).questionnaire, project)


def with_project_definitions(questionnaire: Questionnaire, project: Project) -> Questionnaire:
    """The questionnaire with the project's own metric definitions added (options of the step-1 table included)."""
    if not project.metric_definitions:
        return questionnaire
    known = {d.id: d for d in questionnaire.metric_definitions}
    known.update({d.id: d for d in project.metric_definitions})
    data = questionnaire.model_dump(mode="json", exclude_none=True)
    data["metric_definitions"] = [d.model_dump(mode="json", exclude_none=True) for d in known.values()]
    return _rebuild(questionnaire.model_dump_json(exclude_none=True), json.dumps(data["metric_definitions"], ensure_ascii=False))


@lru_cache(maxsize=32)
def _rebuild(questionnaire_json: str, definitions_json: str) -> Questionnaire:
    data = json.loads(questionnaire_json)
    data["metric_definitions"] = json.loads(definitions_json)

    def drop_filled(node: Any) -> Any:  # options filled from the old definitions: fill anew
        if isinstance(node, dict):
            node = {k: drop_filled(v) for k, v in node.items()}
            if node.get("options_from") == "metric_definitions":
                node.pop("options", None)
            return node
        return [drop_filled(v) for v in node] if isinstance(node, list) else node

    return Questionnaire.model_validate(drop_filled(data))


def check_answers(project: Project, questionnaire: Questionnaire, filename: str, located: Located | None = None) -> list[Problem]:
    """Answers that no longer fit the questionnaire: kept in the project, reported here."""
    known = {q.id: q for q in questionnaire.questions()}
    out: list[Problem] = []

    def add(qid: str, message: str) -> None:
        mark = located.mark(("answers", qid), key=True) if located else None
        out.append(Problem(filename, message, mark[0] if mark else None, mark[1] if mark else None, f"answers.{qid}"))

    if project.questionnaire.id != questionnaire.id:
        out.append(Problem(filename, f"questionnaire id '{project.questionnaire.id}' does not match '{questionnaire.id}'", path="questionnaire.id"))
    for qid, value in project.answers.items():
        question = known.get(qid)
        if question is None:
            add(qid, f"answer to unknown question '{qid}' (kept, not shown)")
            continue
        if not is_answered(value):
            continue
        problems = CHECKS[question.type](value, question)
        shape = [p for p in problems if isinstance(p, dict) and p.get("en") in _SHAPE_MESSAGES]
        if shape:
            add(qid, f"answer does not fit question '{qid}' ({question.type}): {shape[0]['en']}")
        if question.type == "table" and isinstance(value, list):
            out.extend(_table_rows(qid, value, question, filename, located))
    categories = {c.id for c in questionnaire.cause_categories}
    stack = list(project.fishbone.causes)
    while stack:
        cause = stack.pop()
        if cause.category not in categories:
            out.append(Problem(filename, f"cause '{cause.text}' has unknown category '{cause.category}' (kept)", path="fishbone.causes"))
        stack.extend(cause.children)
    return out


def _table_rows(qid: str, rows: list[Any], question: Any, filename: str, located: Located | None) -> list[Problem]:
    """Rows of a table answer that are no row (a text, a number) and cells of the wrong type: kept, not used."""
    out: list[Problem] = []

    def add(path: tuple[Any, ...], message: str) -> None:
        mark = located.mark(("answers", qid, *path)) if located else None
        out.append(Problem(filename, message, mark[0] if mark else None, mark[1] if mark else None,
                           f"answers.{qid}" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)))  # fmt: skip

    for i, row in enumerate(rows):
        if row is None:
            continue
        if not isinstance(row, dict):
            add((i,), f"row {i + 1} of '{qid}' is {_excerpt(row)}, not a row of columns (kept, not used)")
            continue
        for column in question.columns:
            value = row.get(column.id)
            if not is_answered(value):
                continue
            if column.type in ("number", "integer"):
                found = _check_number(value, None, None, column.type == "integer")
            elif column.type == "choice":
                found = [] if value in [o.id for o in column.options or []] else [{"en": "Not one of the options"}]
            elif column.type == "date":
                found = _check_date(value, None, None)
            elif column.type == "yesno":
                found = [] if isinstance(value, bool) else [{"en": "Choose yes or no"}]
            else:
                found = [] if isinstance(value, (str, int, float)) else [{"en": "Enter a text"}]
            shape = [p["en"] for p in found if isinstance(p, dict) and p.get("en") in _SHAPE_MESSAGES | {"Enter a text"}]
            if shape:
                add((i, column.id), f"row {i + 1} of '{qid}': '{column.id}' is {_excerpt(value)} ({column.type} column: "
                                    f"{shape[0][0].lower()}{shape[0][1:]}; kept, not used)")  # fmt: skip
    return out


def _excerpt(value: Any, limit: int = 24) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


_SHAPE_MESSAGES = {
    "Enter a number",
    "Enter a whole number",
    "Not one of the options",
    "Expected a list of choices",
    "Choose yes or no",
    "Enter a date (YYYY-MM-DD)",
    "Table data has the wrong shape",
}


PROJECT_NAME = "project_name"  # the step-1 question a new project's title fills in


def new_project(questionnaire: str | catalog.Entry, *, title: str = "", organization: str = "", language: str = "zh",
                embed: bool = False) -> Project:
    """A fresh project with the questionnaire's default answers filled in, and its title as the
    answer to `project_name` where the questionnaire asks it: on a shipped questionnaire (its id)
    or on any loaded one (an entry; `embed` keeps its text in the project, for an upload)."""
    from diagnosis.project.model import Meta, QuestionnaireRef
    from diagnosis.questionnaire.rules import default_answers

    entry = catalog.get(questionnaire) if isinstance(questionnaire, str) else questionnaire
    q = entry.questionnaire
    answers = default_answers(q)
    if title.strip() and PROJECT_NAME in {question.id for question in q.questions()} and not answers.get(PROJECT_NAME):
        answers[PROJECT_NAME] = title.strip()  # step 1's name starts as the title the project was created with
    return Project(
        meta=Meta(title=title, organization=organization, language=language),
        questionnaire=QuestionnaireRef(id=q.id, version=q.version, hash=entry.hash, source=entry.source if embed else None),
        answers=answers,
    )


def touch(project: Project) -> None:
    project.meta.updated = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


__all__ = [
    "LoadedProject",
    "DiagnosisError",
    "atomic_write",
    "dumps",
    "load_project",
    "new_project",
    "save_project",
]
