"""Three-way merge of two versions of a project that started from the same revision.

A save that lost a race is merged onto the newer revision: `merge(base, mine, theirs)` takes
the revision a session started from (`base`), the session's version (`mine`) and the latest
stored revision (`theirs`). Everything works on the project's JSON form:

- records with an id (causes at any depth, measures, check-ins) merge by id; a cause's
  place (its parent) merges like a field, so a move on one side and an edit on the other
  both land; evaluation values merge by (metric, checkpoint);
- mappings (answers, `votes`, `data`, meta) merge key by key;
- other lists (table answers, multiple choices) merge like text: rows added on either side
  all land, a row edited on one side takes that edit, cells edited on both sides merge;
- a scalar changed on one side takes that change; changed on both sides to different values
  keeps `theirs` (what is stored) and reports a `Conflict` with both values, nothing lost;
- timestamps that only say when a save happened (`TIMESTAMPS`: `meta.updated`) never
  conflict: the later of the two is kept.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from collections.abc import Callable
from itertools import compress, repeat
from operator import ne
from dataclasses import dataclass, field
from typing import Any

from diagnosis.errors import DiagnosisError
from diagnosis.project.model import Project


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()  # a key or record that does not exist on one side

# path steps: a dict key ("answers"), a list index (2), or a record by id ("#c1a2")
Path = tuple[Any, ...]

# values that only record when a save happened: every save sets them, so two saves from the
# same base always differ there; they never conflict, the later one is kept
TIMESTAMPS: frozenset[Path] = frozenset({("meta", "updated")})


@dataclass(frozen=True)
class Conflict:
    """Both sides changed the same value differently; `theirs` was kept.

    `mine` / `theirs` are JSON values, or None with `mine_deleted` / `theirs_deleted` when that
    side removed the record.
    """

    path: Path
    base: Any
    mine: Any
    theirs: Any
    mine_deleted: bool = False
    theirs_deleted: bool = False

    @property
    def where(self) -> str:
        return path_label(self.path)

    def to_json(self) -> dict[str, Any]:
        return {"path": list(self.path), "base": _plain(self.base), "mine": _plain(self.mine), "theirs": _plain(self.theirs),
                "mine_deleted": self.mine_deleted, "theirs_deleted": self.theirs_deleted}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Conflict:
        return cls(tuple(data["path"]), data.get("base"), data.get("mine"), data.get("theirs"),
                   bool(data.get("mine_deleted")), bool(data.get("theirs_deleted")))


@dataclass
class Merged:
    project: Project
    conflicts: list[Conflict] = field(default_factory=list)


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def path_label(path: Path) -> str:
    return " › ".join(str(step) for step in path)


def merge(base: Project, mine: Project, theirs: Project) -> Merged:
    """`theirs` with the changes from `base` to `mine` replayed onto it (see the module doc)."""
    data, conflicts = merge_data(base.model_dump(mode="json"), mine.model_dump(mode="json"), theirs.model_dump(mode="json"))
    try:
        project = Project.model_validate(data)
    except ValueError as exc:  # a merge of two valid versions should stay valid; say so if not
        raise DiagnosisError(f"修改无法合并成有效的项目：{exc}", f"the changes could not be merged into a valid project: {exc}") from None
    return Merged(project, conflicts)


def merge_data(base: dict[str, Any], mine: dict[str, Any], theirs: dict[str, Any]) -> tuple[dict[str, Any], list[Conflict]]:
    """The same merge on the JSON form of three projects (cheap: no model validation)."""
    conflicts: list[Conflict] = []
    merged = _merge(base, mine, theirs, (), conflicts)
    return merged, conflicts


# --- the merge ----------------------------------------------------------------------------------


def _keyed_by(path: Path) -> Callable[[Any], Any] | None:
    """How the records of the list at `path` are identified (None: a plain list)."""
    if path in (("measures",), ("checkins",)) or (len(path) == 3 and path[0] == "history" and path[2] in ("measures", "checkins")):
        return lambda item: item.get("id") if isinstance(item, dict) else None
    if path == ("evaluation", "values"):
        return lambda item: f"{item.get('metric')}@{item.get('checkpoint')}" if isinstance(item, dict) else None
    return None


def _merge(base: Any, mine: Any, theirs: Any, path: Path, conflicts: list[Conflict]) -> Any:
    if _same(mine, theirs):
        return theirs
    if _same(mine, base):
        return theirs
    if _same(theirs, base):
        return mine
    if path in TIMESTAMPS:
        return _later(mine, theirs)
    if path == ("fishbone", "causes"):
        return _merge_causes(base, mine, theirs, conflicts)
    if isinstance(mine, dict) and isinstance(theirs, dict) and isinstance(base, (dict, _Missing)):
        return _merge_dicts(base if isinstance(base, dict) else {}, mine, theirs, path, conflicts)
    if isinstance(mine, list) and isinstance(theirs, list) and isinstance(base, (list, _Missing)):
        base_list = base if isinstance(base, list) else []
        key = _keyed_by(path)
        if key is not None and all(key(x) is not None for x in [*base_list, *mine, *theirs]):
            return _merge_records(base_list, mine, theirs, key, path, conflicts)
        return _merge_sequences(base_list, mine, theirs, path, conflicts)
    conflicts.append(Conflict(path, _plain(base), _plain(mine), _plain(theirs), mine is MISSING, theirs is MISSING))
    return theirs


def _later(mine: Any, theirs: Any) -> Any:
    """The later of two ISO timestamps (theirs when either side has none or cannot be read)."""
    try:
        return mine if _instant(mine) > _instant(theirs) else theirs
    except (TypeError, ValueError):
        return theirs


def _instant(value: Any) -> dt.datetime:
    when = dt.datetime.fromisoformat(value)
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _same(a: Any, b: Any) -> bool:
    return a is b or (a is not MISSING and b is not MISSING and a == b)


def _merge_dicts(base: dict, mine: dict, theirs: dict, path: Path, conflicts: list[Conflict]) -> dict:
    out: dict[str, Any] = {}
    for key in [*theirs, *(k for k in mine if k not in theirs)]:
        value = _merge(base.get(key, MISSING), mine.get(key, MISSING), theirs.get(key, MISSING), (*path, key), conflicts)
        if value is not MISSING:
            out[key] = value
    return out


def _order(base: list, mine: list, theirs: list) -> list:
    """Theirs' order, with what only mine added inserted after its predecessor in mine, and after
    what theirs added right there: additions made at the same place on both sides (two people
    appending a cause at once) keep the order they were saved in, theirs first.

    What mine removed stays in the order: the merge of that record decides (removed, or kept
    and reported when theirs changed it).
    """
    in_base = set(base)
    out = list(theirs)
    placed = set(out)
    new = [k for k in mine if k not in placed and k not in in_base]
    if not new:
        return out
    # where each of mine's additions goes: after the nearest earlier item of mine already placed
    after: dict = {}
    previous = None
    for k in mine:
        if k in placed:
            previous = k
        elif k not in in_base:
            after.setdefault(previous, []).append(k)
            # later additions follow this one
    result: list = []
    held = list(after.get(None, []))  # mine's additions waiting for theirs' additions at that place
    for k in out:
        if held and k in in_base:
            result.extend(held)
            held = []
        result.append(k)
        held.extend(after.get(k, []))
    return result + held


def _merge_records(base: list, mine: list, theirs: list, key: Callable[[Any], Any], path: Path, conflicts: list[Conflict]) -> list:
    b, m, t = ({key(x): x for x in side} for side in (base, mine, theirs))
    out = []
    for k in _order(list(b), list(m), list(t)):
        value = _merge(b.get(k, MISSING), m.get(k, MISSING), t.get(k, MISSING), (*path, f"#{k}"), conflicts)
        if value is not MISSING:
            out.append(value)
    return out


def _merge_causes(base: Any, mine: Any, theirs: Any, conflicts: list[Conflict]) -> list:
    """Causes at any depth, by id: fields and votes merge, the parent merges like a field."""
    quick = _merge_ribs(base, mine, theirs)
    if quick is not None:
        return quick
    flat = [flatten_causes(side if isinstance(side, list) else []) for side in (base, mine, theirs)]
    (b, b_order), (m, m_order), (t, t_order) = flat
    merged: dict[str, dict] = {}
    order = _order(b_order, m_order, t_order)
    for cid in order:
        value = _merge(b.get(cid, MISSING), m.get(cid, MISSING), t.get(cid, MISSING), ("fishbone", "causes", f"#{cid}"), conflicts)
        if value is not MISSING:
            merged[cid] = value
    # a parent removed (or a move into a loop) puts the cause back where theirs has it
    for cid, cause in merged.items():
        parent = cause["parent"]
        if parent is not None and (parent not in merged or _loops(merged, cid)):
            fallback = t.get(cid, {}).get("parent")
            cause["parent"] = fallback if fallback in merged and fallback != cid else None
            if cause["parent"] is not None and _loops(merged, cid):
                cause["parent"] = None
    return _rebuild(merged, order)


def _merge_ribs(base: Any, mine: Any, theirs: Any) -> list | None:
    """The common case, cheaply: no rib (a top-level cause with its sub-causes) changed on both sides.

    Each rib is then taken whole from the side that changed it; a move between ribs changes
    both ribs on the side that moved, so it comes along. None: do the full merge.
    """
    if not all(isinstance(side, list) for side in (base, mine, theirs)):
        return None
    b, m, t = ({c["id"]: c for c in side} for side in (base, mine, theirs))
    mine_changed, theirs_changed = changed_keys(m, b), changed_keys(t, b)
    if any(m.get(k) != t.get(k) for k in mine_changed & theirs_changed):  # the same change on both sides is fine
        return None
    out = []
    for k in _order(list(b), list(m), list(t)):
        side = m if k in mine_changed else t
        if k in side:
            out.append(side[k])
    return out


def changed_keys(side: dict, base: dict) -> set:
    """The keys whose value `side` added, changed or removed against `base` (each value compared
    once, in C: no Python loop, no hashing of the values; the store's merge on parts uses it on the
    ribs' bytes, `diagnosis.store.parts`)."""
    keys = list(side)
    changed = set(compress(keys, map(ne, side.values(), map(base.get, keys, repeat(MISSING)))))
    changed.update(base.keys() - side.keys())
    return changed


def flatten_causes(causes: list) -> tuple[dict[str, dict], list[str]]:
    """A cause tree (JSON form) as {cause id: the cause without its children, with its `parent` id},
    and the ids in reading order (depth first)."""
    out: dict[str, dict] = {}
    order: list[str] = []

    def visit(items: list, parent: str | None) -> None:
        for item in items:
            record = {k: v for k, v in item.items() if k != "children"}
            record["parent"] = parent
            out[item["id"]] = record
            order.append(item["id"])
            visit(item.get("children") or [], item["id"])

    visit(causes, None)
    return out, order


def _loops(merged: dict[str, dict], cid: str) -> bool:
    seen = {cid}
    parent = merged[cid]["parent"]
    while parent is not None and parent in merged:
        if parent in seen:
            return True
        seen.add(parent)
        parent = merged[parent]["parent"]
    return False


def _rebuild(merged: dict[str, dict], order: list[str]) -> list:
    nodes = {cid: {**{k: v for k, v in rec.items() if k != "parent"}, "children": []} for cid, rec in merged.items()}
    roots = []
    for cid in order:
        if cid not in merged:
            continue
        parent = merged[cid]["parent"]
        if parent is None:
            roots.append(nodes[cid])
        else:
            nodes[cid]["category"] = merged[parent]["category"]
            nodes[parent]["children"].append(nodes[cid])
    # a sub-cause always has its parent's category (a move of the parent on one side)
    def align(items: list, category: str | None) -> None:
        for item in items:
            if category is not None:
                item["category"] = category
            align(item["children"], item["category"])

    align(roots, None)
    return roots


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def list_edits(base: list, side: list) -> tuple[dict[int, Any], dict[int, list]]:
    """What one side did to a plain list: {base index: new item or MISSING}, {anchor: inserted}.

    An anchor is the base index the insertion comes before (len(base) = at the end).
    """
    changed: dict[int, Any] = {}
    inserted: dict[int, list] = {}
    matcher = difflib.SequenceMatcher(a=[_key(x) for x in base], b=[_key(x) for x in side], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op == "replace" and i2 - i1 == j2 - j1:  # edited in place, row for row
            for n in range(i2 - i1):
                changed[i1 + n] = side[j1 + n]
            continue
        for i in range(i1, i2):
            changed[i] = MISSING
        if j2 > j1:
            inserted.setdefault(i2 if op == "replace" else i1, []).extend(side[j1:j2])
    return changed, inserted


def _merge_sequences(base: list, mine: list, theirs: list, path: Path, conflicts: list[Conflict]) -> list:
    m_changed, m_inserted = list_edits(base, mine)
    t_changed, t_inserted = list_edits(base, theirs)
    out: list = []
    scalars = all(not isinstance(x, (dict, list)) for x in [*base, *mine, *theirs])
    for i in range(len(base) + 1):
        for item in t_inserted.get(i, []) + m_inserted.get(i, []):
            if not (scalars and item in out):  # a choice picked on both sides counts once
                out.append(item)
        if i == len(base):
            break
        value = _merge(base[i], m_changed.get(i, base[i]), t_changed.get(i, base[i]), (*path, i), conflicts)
        if value is not MISSING and not (scalars and value in out):
            out.append(value)
    return out


# --- applying a chosen value ----------------------------------------------------------------------


def set_at(data: dict[str, Any], path: Path, value: Any, delete: bool = False) -> None:
    """Put `value` (or remove the value, `delete`) at a conflict's path in a project's JSON form.

    Raises DiagnosisError when the place no longer exists (removed since).
    """
    if len(path) > 2 and path[0] == "fishbone" and path[1] == "causes":
        cid = str(path[2])[1:]
        holder, index = _find_cause(data["fishbone"]["causes"], cid)
        if len(path) == 3:
            if delete:
                holder.pop(index)
            else:
                holder[index] = {**value, "children": holder[index].get("children", [])}
            return
        target: Any = holder[index]
        rest = path[3:]
        if rest[:1] == ("parent",):
            raise DiagnosisError("原因的位置请在原因页上移动", "a cause's place is chosen by moving it on the causes page")
    else:
        target, rest = data, path
    for step in rest[:-1]:
        target = _step(target, step)
    last = rest[-1]
    if isinstance(target, list):
        index = _index(target, last)
        if delete:
            target.pop(index)
        else:
            target[index] = value
    elif isinstance(target, dict):
        if delete:
            target.pop(last, None)
        else:
            target[last] = value
    else:
        raise DiagnosisError(f"“{path_label(path)}”已不存在", f"'{path_label(path)}' no longer exists")


def _find_cause(causes: list, cid: str) -> tuple[list, int]:
    for i, cause in enumerate(causes):
        if cause.get("id") == cid:
            return causes, i
        try:
            return _find_cause(cause.get("children") or [], cid)
        except DiagnosisError:
            continue
    raise DiagnosisError(f"原因“{cid}”已不存在", f"the cause '{cid}' no longer exists")


def _index(items: list, step: Any) -> int:
    if isinstance(step, str) and step.startswith("#"):
        wanted = step[1:]
        for i, item in enumerate(items):
            if isinstance(item, dict) and (item.get("id") == wanted or f"{item.get('metric')}@{item.get('checkpoint')}" == wanted):
                return i
        raise DiagnosisError(f"“{wanted}”已不存在", f"'{wanted}' no longer exists")
    if isinstance(step, int) and 0 <= step < len(items):
        return step
    raise DiagnosisError(f"第 {step} 行已不存在", f"row {step} no longer exists")


def _step(target: Any, step: Any) -> Any:
    if isinstance(target, list):
        return target[_index(target, step)]
    if isinstance(target, dict) and step in target:
        return target[step]
    raise DiagnosisError(f"“{step}”已不存在", f"'{step}' no longer exists")


# --- one table answer edited cell by cell (the step editors' tables) --------------------------------


def merge_edits(stored: list[dict[str, Any]], before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The edits that went from `before` to `after` in this editor, written onto the `stored` rows.

    A cell edit changes that one cell of the stored table, so a row or cell another session changed
    meanwhile is kept. When rows were added or deleted on either side (positions no longer line up)
    the three are merged like any table answer (`_merge_sequences`, with `before` as the base): rows
    added in this editor and by the other session all land, a row deleted here goes, and a cell edited
    here is written onto the row as stored. A cell both changed takes this editor's value: it is the
    newer edit, made by the person looking at it."""
    if len(stored) == len(before) == len(after):
        rows = [dict(r) for r in stored]
        for row, old, new in zip(rows, before, after, strict=True):
            for col_id, value in new.items():
                if old.get(col_id) != value:
                    row[col_id] = value
        return rows
    return [dict(r) for r in _merge_sequences(before, stored, after, ("table",), [])]
