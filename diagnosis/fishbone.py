"""Working on a fishbone in the workshop's words: add, edit, move, nest, delete, paste, vote.

Every operation mutates the `Fishbone` in place and raises a `DiagnosisError` for anything a
user can get wrong (an unknown cause, a cycle when nesting, too many dots). Causes are kept
in entry order; a sub-cause always has its parent's category. Undo is the store's
(`Store.undo` reverts one revision's change), not the fishbone's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from pydantic import ValidationError
from diagnosis.cjk import clean
from diagnosis.errors import DiagnosisError
from diagnosis.i18n import tr
from diagnosis.project.model import Cause, Fishbone
from diagnosis.questionnaire.model import Questionnaire

MAX_TEXT = 500
MAX_PASTE_LINES = 1000
EDITABLE = ("text", "stage", "frequency", "impact", "value", "unit", "evidence", "author")


class CauseNotFound(DiagnosisError):
    """No cause with that id in the fishbone."""


class InvalidCause(DiagnosisError):
    """A cause that cannot be saved as asked (empty text, a cycle, an unknown category...)."""


class VoteLimitReached(DiagnosisError):
    """A participant tried to give more dots than the questionnaire allows."""


# --- reading ----------------------------------------------------------------------------------


def walk(fishbone: Fishbone) -> Iterator[tuple[Cause, Optional[Cause], int]]:
    """(cause, parent, depth) depth-first, in entry order; depth 0 is a rib on a bone."""

    def visit(causes: list[Cause], parent: Optional[Cause], depth: int) -> Iterator[tuple[Cause, Optional[Cause], int]]:
        for cause in causes:
            yield cause, parent, depth
            yield from visit(cause.children, cause, depth + 1)

    yield from visit(fishbone.causes, None, 0)


def iter_causes(fishbone: Fishbone) -> Iterator[Cause]:
    """Every cause, depth-first in entry order (a parent before its sub-causes)."""
    for cause, _parent, _depth in walk(fishbone):
        yield cause


def find_cause(fishbone: Fishbone, cause_id: str) -> Cause:
    for cause in iter_causes(fishbone):
        if cause.id == cause_id:
            return cause
    raise CauseNotFound(f"找不到原因“{cause_id}”（可能已被删除）", f"no cause with id '{cause_id}'")


def parent_of(fishbone: Fishbone, cause_id: str) -> Optional[Cause]:
    for cause, parent, _depth in walk(fishbone):
        if cause.id == cause_id:
            return parent
    raise CauseNotFound(f"找不到原因“{cause_id}”（可能已被删除）", f"no cause with id '{cause_id}'")


def _siblings(fishbone: Fishbone, parent: Optional[Cause]) -> list[Cause]:
    return fishbone.causes if parent is None else parent.children


def descendants(cause: Cause) -> Iterator[Cause]:
    for child in cause.children:
        yield child
        yield from descendants(child)


def category_label(questionnaire: Questionnaire, category_id: str, lang: str, short: bool = True) -> str:
    """The bone's name in `lang` (the short form, 机, when asked and declared); unknown ids as they are."""
    for category in questionnaire.cause_categories:
        if category.id == category_id:
            return tr(category.short if short and category.short else category.label, lang)
    return category_id


# --- editing ----------------------------------------------------------------------------------


def _text(text: str) -> str:
    value = clean(text)
    if not value:
        raise InvalidCause("原因需要填写文字", "a cause needs a text")
    if len(value) > MAX_TEXT:
        raise InvalidCause(f"原因文字最多 {MAX_TEXT} 个字符（现有 {len(value)} 个）", f"a cause text has at most {MAX_TEXT} characters ({len(value)} given)")
    return value


def _set_category(cause: Cause, category: str) -> None:
    cause.category = category
    for child in descendants(cause):
        child.category = category


def _validated(data: dict[str, Any]) -> Cause:
    try:
        return Cause.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InvalidCause(f"原因的“{where}”无效：{first['msg']}", f"{where}: {first['msg']}") from None


def add_cause(
    fishbone: Fishbone,
    text: str,
    category: Optional[str] = None,
    *,
    parent_id: Optional[str] = None,
    **fields: Any,
) -> Cause:
    """A new cause at the end of a bone (`category`), or a sub-cause under `parent_id`."""
    parent = find_cause(fishbone, parent_id) if parent_id else None
    if parent is None and not category:
        raise InvalidCause("原因需要选择类别或上级原因", "a cause needs a category or a parent cause")
    cause = _validated({**fields, "text": _text(text), "category": parent.category if parent else category})
    _siblings(fishbone, parent).append(cause)
    return cause


def edit_cause(fishbone: Fishbone, cause_id: str, **changes: Any) -> Cause:
    """Change a cause's text, stage, frequency, impact, value, unit, evidence or author."""
    cause = find_cause(fishbone, cause_id)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidCause(f"此处不能修改 {', '.join(unknown)}（类别和位置请用移动 / 归入）", f"cannot edit {', '.join(unknown)} here (use move / nest for category and place)")
    if "text" in changes:
        changes["text"] = _text(changes["text"])
    data = {**cause.model_dump(), **changes}
    checked = _validated(data)
    for name in changes:
        setattr(cause, name, getattr(checked, name))
    return cause


def move_cause(fishbone: Fishbone, cause_id: str, category: str) -> Cause:
    """Move a cause (with its sub-causes) to the end of another bone, as a rib of its own."""
    cause = find_cause(fishbone, cause_id)
    parent = parent_of(fishbone, cause_id)
    _siblings(fishbone, parent).remove(cause)
    _set_category(cause, category)
    fishbone.causes.append(cause)
    return cause


def nest_cause(fishbone: Fishbone, cause_id: str, parent_id: str) -> Cause:
    """Make a cause a sub-cause ("why?") of another; it takes the new parent's category."""
    cause = find_cause(fishbone, cause_id)
    new_parent = find_cause(fishbone, parent_id)
    if new_parent is cause or any(d is new_parent for d in descendants(cause)):
        raise InvalidCause("原因不能归入它自己或它的子原因之下", "a cause cannot be nested under itself or one of its own sub-causes")
    _siblings(fishbone, parent_of(fishbone, cause_id)).remove(cause)
    _set_category(cause, new_parent.category)
    new_parent.children.append(cause)
    return cause


def unnest_cause(fishbone: Fishbone, cause_id: str) -> Cause:
    """Lift a sub-cause one level up, right after its former parent."""
    cause = find_cause(fishbone, cause_id)
    parent = parent_of(fishbone, cause_id)
    if parent is None:
        raise InvalidCause("这个原因已经直接挂在鱼骨上了", "this cause is already a rib of its bone")
    grandparent = parent_of(fishbone, parent.id)
    parent.children.remove(cause)
    level = _siblings(fishbone, grandparent)
    level.insert(level.index(parent) + 1, cause)
    return cause


def delete_cause(fishbone: Fishbone, cause_id: str) -> Cause:
    """Take a cause and its sub-causes out (the cause taken out is returned); their confirmations go too."""
    cause = find_cause(fishbone, cause_id)
    level = _siblings(fishbone, parent_of(fishbone, cause_id))
    level.remove(cause)
    if fishbone.confirmed is not None:
        gone = {cause.id, *(d.id for d in descendants(cause))}
        fishbone.confirmed = [c for c in fishbone.confirmed if c not in gone]
    return cause


# --- pasting a brainstorm -----------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[-*•·+]|\d{1,3}[.)、]|[（(]\d{1,3}[)）])\s*")
_PREFIX = re.compile(r"^(?P<name>[^:：]{1,40})\s*[:：]\s*(?P<rest>.*)$")


@dataclass(frozen=True)
class PastedLine:
    """One line of a paste: its nesting depth, category (None = default) and text."""

    depth: int
    category: Optional[str]
    text: str


def _category_names(questionnaire: Questionnaire) -> dict[str, str]:
    """Every way a line may name a bone: id, label and short form in each language."""
    names: dict[str, str] = {}
    for category in questionnaire.cause_categories:
        texts = [category.id, category.label, category.short]
        for text in texts:
            if text is None:
                continue
            for value in (text.values() if isinstance(text, dict) else [text]):
                names.setdefault(value.strip().casefold(), category.id)
    return names


def parse_paste(text: str, questionnaire: Questionnaire) -> list[PastedLine]:
    """Read a brainstorm: one cause per line, `机: 系统卡顿` or `machine: ...` picks the bone,
    deeper indentation nests under the line above, a line of only `人:` sets the bone of the
    lines that follow. Bullets (`-`, `*`, `1.`) are dropped; blank lines ignored."""
    names = _category_names(questionnaire)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_PASTE_LINES:
        raise InvalidCause(f"一次最多 {MAX_PASTE_LINES} 行（现有 {len(lines)} 行）", f"at most {MAX_PASTE_LINES} lines at once ({len(lines)} given)")
    out: list[PastedLine] = []
    stack: list[int] = []  # indentation of the open lines above, outermost first
    current: Optional[str] = None
    for raw in lines:
        expanded = raw.replace("\t", "    ").replace("\u3000", "  ")
        body = expanded.strip()
        if not body:
            continue
        indent = len(expanded) - len(expanded.lstrip(" "))
        body = _BULLET.sub("", body).strip()
        category = None
        match = _PREFIX.match(body)
        if match and match.group("name").strip().casefold() in names:
            category = names[match.group("name").strip().casefold()]
            body = match.group("rest").strip()
            if not body:  # a heading line: "人:" -- the following lines go on that bone
                current, stack = category, []
                continue
        if not clean(body):
            continue
        while stack and stack[-1] >= indent:
            stack.pop()
        depth = len(stack)
        if depth and category is not None:
            depth, stack = 0, []  # a named bone starts a new rib, whatever the indentation
        stack.append(indent)
        out.append(PastedLine(depth=depth, category=category or (current if depth == 0 else None), text=_text(body)))
    return out


def _same_text(text: str) -> str:
    return "".join(text.split()).casefold()


def paste_causes(
    fishbone: Fishbone,
    text: str,
    questionnaire: Questionnaire,
    default_category: str,
    *,
    parent_id: Optional[str] = None,
    author: str = "",
    skipped: Optional[list[str]] = None,
) -> list[Cause]:
    """Add every line of a brainstorm at once; returns the new causes in entry order.

    Lines without a bone go to `default_category` (or under `parent_id` when given). A line whose
    text (ignoring case and spacing) is already a cause on the same bone, or under the same parent,
    is not added again (its text goes to `skipped`); lines indented below it go under the existing one."""
    parsed = parse_paste(text, questionnaire)
    anchor = find_cause(fishbone, parent_id) if parent_id else None
    added: list[Cause] = []
    open_: list[Cause] = []  # the last cause added (or matched) at each depth
    for line in parsed:
        del open_[line.depth:]
        parent = open_[-1] if open_ else anchor
        if parent is not None and (line.depth > 0 or line.category is None):
            place, category = parent.children, parent.category
        else:
            place, category = fishbone.causes, line.category or default_category
        siblings = [c for c in place if c.category == category]
        existing = next((c for c in siblings if _same_text(c.text) == _same_text(line.text)), None)
        if existing is not None:
            if skipped is not None:
                skipped.append(line.text)
            open_.append(existing)
            continue
        cause = Cause(category=category, text=line.text, author=author)
        place.append(cause)
        open_.append(cause)
        added.append(cause)
    return added


# --- dot voting ------------------------------------------------------------------------------


def votes_used(fishbone: Fishbone, participant: str) -> int:
    return sum(cause.votes.get(participant, 0) for cause in iter_causes(fishbone))


def votes_left(fishbone: Fishbone, participant: str, allowed: int) -> int:
    return max(0, allowed - votes_used(fishbone, participant))


def participants(fishbone: Fishbone) -> list[str]:
    """Everyone who voted, in the order they first appear."""
    seen: dict[str, None] = {}
    for cause in iter_causes(fishbone):
        for name in cause.votes:
            seen.setdefault(name, None)
    return list(seen)


def _participant(name: str) -> str:
    value = clean(name)
    if not value:
        raise InvalidCause("投票需要填写参与者姓名", "a vote needs the participant's name")
    return value


def cast_vote(fishbone: Fishbone, cause_id: str, participant: str, allowed: int, dots: int = 1) -> Cause:
    """Put `dots` more of a participant's dots on a cause (never more than `allowed` in all)."""
    participant = _participant(participant)
    if dots < 1:
        raise InvalidCause("至少投一票", "give at least one dot")
    cause = find_cause(fishbone, cause_id)
    left = votes_left(fishbone, participant, allowed)
    if dots > left:
        raise VoteLimitReached(f"{participant} 还剩 {left} 票（共 {allowed} 票）", f"{participant} has {left} of {allowed} dots left")
    cause.votes[participant] = cause.votes.get(participant, 0) + dots
    return cause


def withdraw_vote(fishbone: Fishbone, cause_id: str, participant: str, dots: int = 1) -> Cause:
    """Take back up to `dots` of a participant's dots from a cause."""
    cause = find_cause(fishbone, cause_id)
    remaining = cause.votes.get(participant, 0) - max(dots, 0)
    if remaining > 0:
        cause.votes[participant] = remaining
    else:
        cause.votes.pop(participant, None)
    return cause


def hide_votes(fishbone: Fishbone, hidden: bool) -> None:
    """Blind voting: hide every vote count until the facilitator reveals them (`hidden=False`)."""
    fishbone.votes_hidden = bool(hidden)


def roster(answers: dict[str, Any]) -> list[str]:
    """The names of step 1's `team` table, in its order, each once (blank names left out)."""
    rows = answers.get("team")
    names = [clean(str(row.get("name") or "")) for row in rows if isinstance(row, dict)] if isinstance(rows, list) else []
    return list(dict.fromkeys(n for n in names if n))


# --- confirming root causes ---------------------------------------------------------------------


def confirm_root_causes(fishbone: Fishbone, cause_ids: Optional[list[str]]) -> None:
    """Record the team's root causes (ids in the given order); None goes back to the proposal."""
    if cause_ids is None:
        fishbone.confirmed = None
        return
    for cause_id in cause_ids:
        find_cause(fishbone, cause_id)
    fishbone.confirmed = list(dict.fromkeys(cause_ids))
