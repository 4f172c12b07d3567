"""What changed between two revisions of a project, in the workshop's words.

`diff(old, new)` lists `Change`s by area: answers (a table answer row by row), causes (added,
removed, a field changed, moved), votes (per participant), measures, check-ins, evaluation
values, and the rest of the project (problem, root-cause confirmation, title...). Each
change says added / removed / changed with the value before and after.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from diagnosis.merge import MISSING, flatten_causes, list_edits
from diagnosis.project.model import Project
from diagnosis.store.revisions import RevisionKind

AREA_NAMES = {
    "project": ("项目", "Project"), "answers": ("回答", "Answers"), "causes": ("原因", "Causes"), "votes": ("投票", "Votes"),
    "measures": ("措施", "Measures"), "checkins": ("周报", "Check-ins"), "evaluation": ("评估", "Evaluation"),
    "data": ("数据", "Data"),
}
KINDS = {"added": ("新增", "added"), "removed": ("删除", "removed"), "changed": ("修改", "changed")}


@dataclass(frozen=True)
class Change:
    area: str
    kind: str  # added | removed | changed
    subject: str  # the question id, the cause's text, the measure's title...
    field: str = ""
    before: Any = None
    after: Any = None

    def describe(self, lang: str = "zh") -> str:
        pick = 0 if lang == "zh" else 1
        head = f"{AREA_NAMES[self.area][pick]} · {KINDS[self.kind][pick]} · {self.subject}"
        if self.field:
            head += f" · {self.field}"
        if self.kind == "changed":
            return f"{head}: {_short(self.before)} → {_short(self.after)}"
        if self.kind == "added" and self.after is not None and not isinstance(self.after, dict):
            return f"{head}: {_short(self.after)}"
        return head


def _short(value: Any, width: int = 80) -> str:
    text = "—" if value is None or value is MISSING else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def diff(old: Project, new: Project) -> list[Change]:
    a, b = old.model_dump(mode="json"), new.model_dump(mode="json")
    out: list[Change] = []
    _project(a, b, out)
    _answers(a["answers"], b["answers"], out)
    _causes(a["fishbone"]["causes"], b["fishbone"]["causes"], out)
    _records("measures", a["measures"], b["measures"], lambda r: r.get("title") or r["id"], out)
    _records("checkins", a["checkins"], b["checkins"], lambda r: f"{r.get('date')} {r.get('measure')}", out)
    _records("evaluation", a["evaluation"]["values"], b["evaluation"]["values"],
             lambda r: f"{r.get('metric')} @ {r.get('checkpoint')}", out, key=lambda r: f"{r['metric']}@{r['checkpoint']}")
    if a["evaluation"].get("launch") != b["evaluation"].get("launch"):
        out.append(Change("evaluation", "changed", "launch", before=a["evaluation"].get("launch"), after=b["evaluation"].get("launch")))
    if a["data"] != b["data"]:
        out.append(Change("data", "changed", "ticket data", before=bool(a["data"]), after=bool(b["data"])))
    return out


def _project(a: dict, b: dict, out: list[Change]) -> None:
    for name in ("title", "organization", "language"):
        if a["meta"].get(name) != b["meta"].get(name):
            out.append(Change("project", "changed", name, before=a["meta"].get(name), after=b["meta"].get(name)))
    qa, qb = a["questionnaire"], b["questionnaire"]
    if (qa["id"], qa["version"]) != (qb["id"], qb["version"]):
        out.append(Change("project", "changed", "questionnaire", before=f"{qa['id']} {qa['version']}", after=f"{qb['id']} {qb['version']}"))
    if a["fishbone"]["problem"] != b["fishbone"]["problem"]:
        out.append(Change("project", "changed", "problem", before=a["fishbone"]["problem"], after=b["fishbone"]["problem"]))
    if a["fishbone"]["confirmed"] != b["fishbone"]["confirmed"]:
        out.append(Change("project", "changed", "root causes", before=a["fishbone"]["confirmed"], after=b["fishbone"]["confirmed"]))
    if a["cycle"] != b["cycle"]:
        out.append(Change("project", "changed", "cycle", before=a["cycle"], after=b["cycle"]))


def _answers(a: dict, b: dict, out: list[Change]) -> None:
    for qid in [*a, *(k for k in b if k not in a)]:
        before, after = a.get(qid, MISSING), b.get(qid, MISSING)
        if before == after:
            continue
        if before is MISSING:
            out.append(Change("answers", "added", qid, after=after))
        elif after is MISSING:
            out.append(Change("answers", "removed", qid, before=before))
        elif _is_table(before) and _is_table(after):
            _table(qid, before, after, out)
        else:
            out.append(Change("answers", "changed", qid, before=before, after=after))


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _table(qid: str, before: list, after: list, out: list[Change]) -> None:
    changed, inserted = list_edits(before, after)
    for i, row in sorted(changed.items()):
        if row is MISSING:
            out.append(Change("answers", "removed", f"{qid} [{i + 1}]", before=_row(before[i])))
            continue
        for column in [*before[i], *(c for c in row if c not in before[i])]:
            if before[i].get(column) != row.get(column):
                out.append(Change("answers", "changed", f"{qid} [{i + 1}]", column, before[i].get(column), row.get(column)))
    for _anchor, rows in sorted(inserted.items()):
        for row in rows:
            out.append(Change("answers", "added", qid, after=_row(row)))


def _row(row: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in row.items() if v not in (None, ""))


def _causes(a: list, b: list, out: list[Change]) -> None:
    (old, _order_a), (new, order_b) = flatten_causes(a), flatten_causes(b)
    for cid in [*order_b, *(c for c in old if c not in new)]:
        before, after = old.get(cid), new.get(cid)
        subject = (after or before)["text"]
        if before is None:
            out.append(Change("causes", "added", subject, after=f"{after['category']}" + (" (sub-cause)" if after["parent"] else "")))
            _votes(subject, {}, after.get("votes") or {}, out)
            continue
        if after is None:
            out.append(Change("causes", "removed", subject, before=before["category"]))
            continue
        for name in [*before, *(k for k in after if k not in before)]:
            if name in ("id", "votes") or before.get(name) == after.get(name):
                continue
            field_name = "place" if name == "parent" else name
            before_value, after_value = before.get(name), after.get(name)
            if name == "parent":
                before_value, after_value = _text_of(old, before_value), _text_of(new, after_value)
            out.append(Change("causes", "changed", subject, field_name, before_value, after_value))
        _votes(subject, before.get("votes") or {}, after.get("votes") or {}, out)


def _text_of(causes: dict, cid: str | None) -> str | None:
    return causes[cid]["text"] if cid in causes else None


def _votes(subject: str, a: dict, b: dict, out: list[Change]) -> None:
    for who in [*a, *(k for k in b if k not in a)]:
        if a.get(who) == b.get(who):
            continue
        kind = "added" if who not in a else "removed" if who not in b else "changed"
        out.append(Change("votes", kind, subject, who, a.get(who), b.get(who)))


def _records(area: str, a: list, b: list, subject, out: list[Change], key=lambda r: r["id"]) -> None:
    old, new = {key(r): r for r in a}, {key(r): r for r in b}
    for k in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(k), new.get(k)
        if before is None:
            out.append(Change(area, "added", subject(after)))
        elif after is None:
            out.append(Change(area, "removed", subject(before)))
        else:
            for name in [*before, *(n for n in after if n not in before)]:
                if before.get(name) != after.get(name):
                    out.append(Change(area, "changed", subject(after), name, before.get(name), after.get(name)))


def last_own_revision(mine: list[int], revisions: list, author: str, undone: set[int]) -> int | None:
    """The revision "undo my last change" reverts: the newest of `mine` (the revisions this
    session saved) not undone yet; for a returning participant without any, the newest
    revision saved under their name that is not itself an undo. Revision 1 (the project's
    creation) is never undone."""
    own = [n for n in mine if n not in undone]
    if not own and author:
        own = [r.number for r in revisions if r.author == author and r.number not in undone and r.kind != RevisionKind.UNDO]
    own = [n for n in own if n > 1]
    return max(own) if own else None

