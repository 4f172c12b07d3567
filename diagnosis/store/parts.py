"""A revision's JSON in parts, so a merge under the write lock touches only what changed.

`split` cuts a project's JSON bytes (as pydantic writes them: compact, fields in the model's
order) into its top-level values, the fishbone's values and the fishbone's ribs (a top-level
cause with its sub-causes), each kept as the exact bytes it has in the JSON, found by msgspec's
`Raw` (a scan at C speed, no Python objects built for what is inside). `join` puts parts back
into the same bytes.

`merge` is `diagnosis.merge.merge_data` on parts: a part (a top-level value, a fishbone value,
a rib) that only one side changed is taken whole, as bytes, from that side, and only a part
both sides changed is parsed and merged by `diagnosis.merge` as before (the same conflicts, at
the same paths). The ribs follow `merge._merge_ribs`, and fall back to the cause-by-cause merge
when a rib changed on both sides. Two parts are compared as bytes: equal bytes are equal
values; values that are equal but written differently (1 and 1.0, a mapping in another order)
count as a change, which at worst merges a part that needed none, with the same result.

A project that cannot be cut so (a revision written before format 3, a key or an id that
would need escaping, two ribs with one id) gives None, and the store merges the parsed JSON
forms as before.
"""

from __future__ import annotations

from typing import Any

import msgspec
from pydantic import TypeAdapter
from pydantic_core import from_json

from diagnosis.merge import MISSING, Conflict, _merge, _merge_causes, _order, changed_keys
from diagnosis.project.model import FORMAT_VERSION, Project
from diagnosis.store.revisions import content_data

class _Id(msgspec.Struct):
    id: str


_FIELDS = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ITEMS = msgspec.json.Decoder(list[msgspec.Raw])
_IDS = msgspec.json.Decoder(list[_Id])  # each rib's id, the rest of it skipped
_FORMAT = str(FORMAT_VERSION).encode()
_PROJECT_JSON = TypeAdapter(Project)


class Parts:
    """A project's JSON as parts: `top` and `fishbone` map each key to its value's JSON (the
    fishbone's entry in `top` and the ribs' entry in `fishbone` are None, in their place), and
    `ribs` maps each rib's id to its JSON, in the fishbone's order."""

    __slots__ = ("top", "fishbone", "ribs")

    def __init__(self, top: dict[str, bytes | None], fishbone: dict[str, bytes | None], ribs: dict[str, bytes]):
        self.top, self.fishbone, self.ribs = top, fishbone, ribs


def _plain_key(key: str) -> bool:
    return key.isascii() and key.replace("_", "").isalnum()


def _fields(raw: bytes | msgspec.Raw) -> dict[str, bytes | None] | None:
    try:
        fields = _FIELDS.decode(raw)
    except msgspec.DecodeError:
        return None
    if not all(_plain_key(k) for k in fields):
        return None
    return {k: bytes(v) for k, v in fields.items()}


def split(raw: bytes) -> Parts | None:
    """`raw` (a project's JSON bytes) in parts; None when it cannot be cut (see the module doc)."""
    top = _fields(raw)
    if top is None or top.get("format_version") != _FORMAT or "fishbone" not in top:
        return None
    fishbone = _fields(top["fishbone"])
    if fishbone is None or "causes" not in fishbone:
        return None
    try:
        items = _ITEMS.decode(fishbone["causes"])
        ids = [rib.id for rib in _IDS.decode(fishbone["causes"])]
    except msgspec.DecodeError:
        return None
    ribs = dict(zip(ids, map(bytes, items), strict=True))
    if len(ribs) != len(items):  # two ribs with one id
        return None
    top["fishbone"] = None
    fishbone["causes"] = None
    return Parts(top, fishbone, ribs)


def _object(fields: dict[str, bytes | None], inner: bytes) -> bytes:
    return b"{" + b",".join(b'"%s":%s' % (k.encode(), inner if v is None else v) for k, v in fields.items()) + b"}"


def join(parts: Parts) -> bytes:
    """The JSON bytes of `parts` (`split`'s input again, byte for byte)."""
    causes = b"[" + b",".join(parts.ribs.values()) + b"]"
    return _object(parts.top, _object(parts.fishbone, causes))


def value(parts: Parts, key: str) -> Any:
    """A top-level value of the project, parsed (the title is `value(parts, "meta")["title"]`)."""
    return from_json(parts.top[key])


def _rib_order(base: dict, mine: dict, theirs: dict) -> list:
    """`merge._order` of the ribs' ids, without a Python loop over every rib when mine added a
    few: each addition's place is found from its neighbours (`index`, in C)."""
    new = mine.keys() - theirs.keys() - base.keys()
    if len(new) > 8:
        return _order(list(base), list(mine), list(theirs))
    out = list(theirs)
    if not new:
        return out
    mine_order = list(mine)
    after: dict[Any, list] = {}  # as in `_order`: mine's additions by the item of mine they follow
    for k in sorted(new, key=mine_order.index):
        i = mine_order.index(k) - 1
        while i >= 0 and mine_order[i] not in theirs:
            i -= 1
        after.setdefault(mine_order[i] if i >= 0 else None, []).append(k)
    # each group waits for the next item of theirs that base has (theirs' additions there go first)
    at: dict[int, list] = {}
    for anchor in sorted(after, key=lambda a: -1 if a is None else out.index(a)):
        j = 0 if anchor is None else out.index(anchor) + 1
        while j < len(out) and out[j] not in base:
            j += 1
        at.setdefault(j, []).extend(after[anchor])
    result: list = []
    start = 0
    for j in sorted(at):
        result += out[start:j]
        result += at[j]
        start = j
    return result + out[start:]


def changed_ribs(base: Parts, mine: Parts) -> set:
    """The ids of the ribs `mine` added, changed or removed against `base` (for `merge`)."""
    return changed_keys(mine.ribs, base.ribs)


def changes(base: Parts, mine: Parts, ribs: set | None = None) -> dict[str, Any]:
    """What `mine` changed against `base`, parsed, as a partial project (to validate before saving);
    `ribs`: `changed_ribs(base, mine)` when known."""
    top = {k: from_json(mine.top[k]) for k in changed_keys(mine.top, base.top) if mine.top.get(k) is not None}
    fishbone = {k: from_json(mine.fishbone[k]) for k in changed_keys(mine.fishbone, base.fishbone) if mine.fishbone.get(k) is not None}
    new = [from_json(mine.ribs[k]) for k in (changed_ribs(base, mine) if ribs is None else ribs) if k in mine.ribs]
    if new:
        fishbone["causes"] = new
    if fishbone:
        top["fishbone"] = fishbone
    return top


def _merge_fields(base: dict, mine: dict, theirs: dict, path: tuple, conflicts: list[Conflict], merged: dict) -> dict | None:
    """`merge._merge_dicts` on parts; `merged` collects the parsed values it had to merge (their
    bytes are written by `_written`). None: a nested part (None) is missing on one side."""
    out: dict[str, bytes | None] = {}
    for key in [*theirs, *(k for k in mine if k not in theirs)]:
        b, m, t = base.get(key, MISSING), mine.get(key, MISSING), theirs.get(key, MISSING)
        if None in (b, m, t):  # the fishbone, or the ribs: merged by the caller, in this place
            if not (b is None and m is None and t is None):
                return None
            out[key] = None
            continue
        if m == t or m == b:
            chosen = t
        elif t == b:
            chosen = m
        else:
            parsed = _merge(*(MISSING if x is MISSING else from_json(x) for x in (b, m, t)), (*path, key), conflicts)
            if parsed is MISSING:
                continue
            merged[key] = parsed
            chosen = b"null"  # for now: `_written` writes it
        if chosen is not MISSING:
            out[key] = chosen
    return out


def merge(base: Parts, mine: Parts, theirs: Parts, mine_changed: set | None = None) -> tuple[Parts, list[Conflict]] | None:
    """`mine`'s changes since `base` replayed onto `theirs`: the merged parts and the conflicts met
    (`mine_changed`: `changed_ribs(base, mine)` when known, worked out before the write lock).

    What had to be merged value by value is validated and written by the model (`_written`);
    raises pydantic's ValidationError when it is no valid project. None: merge the parsed forms.
    """
    conflicts: list[Conflict] = []
    merged_top: dict[str, Any] = {}
    merged_fishbone: dict[str, Any] = {}
    top = _merge_fields(base.top, mine.top, theirs.top, (), conflicts, merged_top)
    fishbone = _merge_fields(base.fishbone, mine.fishbone, theirs.fishbone, ("fishbone",), conflicts, merged_fishbone)
    if top is None or fishbone is None or "fishbone" not in top or "causes" not in fishbone:
        return None
    b, m, t = base.ribs, mine.ribs, theirs.ribs
    mine_changed = changed_keys(m, b) if mine_changed is None else mine_changed
    ribs: dict[str, bytes] = {}
    # a rib mine changed that theirs changed too, differently (only mine's changes are looked at:
    # what theirs changed alone is taken as it is, so the head's ribs are never compared one by one)
    if any(t.get(k) != b.get(k) and m.get(k) != t.get(k) for k in mine_changed):
        sides = [[from_json(rib) for rib in side.values()] for side in (b, m, t)]
        merged_fishbone["causes"] = _merge_causes(*sides, conflicts)
    else:
        for k in _rib_order(b, m, t):
            side = m if k in mine_changed else t
            if k in side:
                ribs[k] = side[k]
    merged = Parts(top, fishbone, ribs)
    if (merged_top or merged_fishbone) and not _written(merged, merged_top, merged_fishbone):
        return None
    return merged, conflicts


def _written(merged: Parts, top: dict[str, Any], fishbone: dict[str, Any]) -> bool:
    """Validate the values merged one by one (`top`, `fishbone`: parsed, by key; the ribs when
    merged cause by cause) as a partial project and put the model's JSON of each into `merged`:
    stored revisions keep the model's field order, which the comparison of bytes relies on.
    False: the model's JSON cannot be cut (two causes with one id)."""
    partial = {"questionnaire": from_json(merged.top["questionnaire"]), **top}
    if fishbone:
        partial["fishbone"] = fishbone
    cut = split(_PROJECT_JSON.dump_json(Project.model_validate(partial)))
    if cut is None:
        return False
    for key in top:
        merged.top[key] = cut.top[key]
    for key in fishbone:
        if key == "causes":
            merged.ribs = cut.ribs
        else:
            merged.fishbone[key] = cut.fishbone[key]
    return True


class Content:
    """A revision's JSON bytes, as read or written, with its parts and its parsed JSON form made
    when first needed (the store keeps the recent ones: `Store._recent`). `project_id` and
    `number` name it in an error (None: a change not stored yet)."""

    __slots__ = ("raw", "project_id", "number", "_parts", "_data")

    def __init__(self, raw: bytes, project_id: str, number: int | None, parts: Parts | None = None, data: dict[str, Any] | None = None):
        self.raw, self.project_id, self.number = raw, project_id, number
        self._parts: Parts | None | Any = MISSING if parts is None else parts
        self._data = data

    def parts(self) -> Parts | None:
        if self._parts is MISSING:
            self._parts = split(self.raw)
        return self._parts

    def data(self) -> dict[str, Any]:
        """The JSON form (migrated when an older program wrote it)."""
        if self._data is None:
            self._data = content_data(self.raw, self.project_id, self.number or 0)
        return self._data
