"""Participant links and anonymous suggestions: letting people in without letting them see everything.

A facilitator creates a *link* for one project, of one of two kinds. Its token is an HMAC of
the link's random id under the deployment's secret (`diagnosis.signing`); the store keeps only the
token's SHA-256, so the database alone gives no working address, while the server can show each
active link's address (and its QR code) again: `link_token`. A link made before, or under another
secret, still works, but its address cannot be shown again (`link_token` gives None).

- `participant`: `Participant(store, token)` may read the fishbone's cause list and add
  causes, sub-causes, dot votes and suggestions to that project, nothing else: no answers,
  no plan, no other project. Every call checks the token again, so a revoked link stops at once.
  Whoever acts through the link is a `Guest`: an id issued when the link is first opened in a
  browser (`new_guest_id`) and kept there signed (`guest_pass` / `guest_of_pass`, see
  `diagnosis.signing`). Dots count per guest (`Guest.key`, "guest:<id>"), never per typed name:
  a new name gives no new dots and cannot take back anyone else's. The typed name is a label
  only: History's author is stored as "name (guest:<id>)" and shown by the last name typed
  (`author_label`), which `Fishbone.guests` keeps per key.
- `suggest`: the anonymous suggestion form for frontline staff. A suggestion is stored with its
  project and the date only: no name, session, address, link or time of day. The facilitator
  sees suggestions in *batches* of `threshold()` (3 unless configured): with 4 arrived, 3 show
  and the 4th waits for two more, so a newcomer never shows on its own. The order says nothing
  about who came first: a batch is shown in the order of the rows' random ids, and rows that
  wait are written again in a random order at every arrival and at their release, so that
  neither SQLite's rowid nor a server's physical order keeps the order of arrival.
"""

from __future__ import annotations

import datetime as dt
import base64
import hashlib
import hmac
import os
import random
import re
import secrets
import uuid
from dataclasses import dataclass

from diagnosis import fishbone as fb
from diagnosis import signing
from diagnosis.cjk import clean
from diagnosis.errors import DiagnosisError
from diagnosis.project.files import resolve_questionnaire
from diagnosis.store import ANONYMOUS, LinkRecord, ProjectNotFound, RevisionKind, Store
from diagnosis.store.links import SuggestionWriter

KINDS = ("participant", "suggest")
MAX_SUGGESTION = 2000
DEFAULT_THRESHOLD = 3


class LinkNotFound(DiagnosisError):
    """No link with that token (mistyped, or never made)."""


class LinkRevoked(DiagnosisError):
    """The facilitator revoked this link."""


@dataclass(frozen=True)
class Link:
    id: str
    project_id: str
    kind: str
    label: str
    created: dt.datetime
    created_by: str
    revoked: dt.datetime | None

    @property
    def active(self) -> bool:
        return self.revoked is None


@dataclass(frozen=True)
class CauseView:
    """What a participant sees of a cause: its place, text and votes, nothing else.

    `votes` (everyone's dots) is None while the facilitator hides the counts (blind voting);
    `mine` (this guest's own dots) is always known to its guest."""

    id: str
    category: str
    text: str
    depth: int
    votes: int | None
    mine: int


@dataclass(frozen=True)
class Suggestions:
    count: int  # every suggestion that arrived
    threshold: int
    texts: list[str]  # the released ones: whole batches of `threshold`, in no order of arrival

    @property
    def visible(self) -> bool:
        return bool(self.texts)

    @property
    def waiting(self) -> int:
        """Suggestions that arrived but wait for their batch to fill."""
        return self.count - len(self.texts)


GUEST_PREFIX = "guest:"
_GUEST_ID = re.compile(r"[0-9a-f]{12}")
_LABEL_DROP = re.compile(r"[()（）\[\]【】]")  # a label cannot imitate the "(guest:...)" it is shown with
MAX_LABEL = 80


@dataclass(frozen=True)
class Guest:
    """Someone using a participant link: the id this browser was given, and the name typed (a label)."""

    id: str
    label: str = ""

    def __post_init__(self) -> None:
        if not _GUEST_ID.fullmatch(self.id):
            raise DiagnosisError("不是有效的参与者身份", "not a participant identity")
        object.__setattr__(self, "label", _LABEL_DROP.sub("", clean(self.label)).strip()[:MAX_LABEL])

    @property
    def key(self) -> str:
        """What votes are counted by."""
        return GUEST_PREFIX + self.id

    @property
    def author(self) -> str:
        """How History names this guest: the label, with the identity that is the real author."""
        return f"{self.label} ({self.key})" if self.label else self.key


def new_guest_id() -> str:
    return secrets.token_hex(6)


def guest_pass(link: Link, guest_id: str) -> str:
    """What the browser keeps to stay the same guest of this link (signed, see diagnosis.signing)."""
    return signing.sign("guest", f"{link.id}.{guest_id}")


def guest_of_pass(link: Link, value: str | None) -> str | None:
    """The guest id a browser's pass holds for this link; None when it is absent, forged or another link's."""
    signed = signing.verify("guest", value)
    if signed is None or "." not in signed:
        return None
    link_id, guest_id = signed.split(".", 1)
    return guest_id if link_id == link.id and _GUEST_ID.fullmatch(guest_id) else None


_GUEST_AUTHOR = re.compile(r"(?:.* \()?(guest:[0-9a-f]{12})\)?")


def author_label(fishbone, author: str) -> str:
    """A revision's author as History shows it: a guest ("name (guest:<id>)" or a bare "guest:<id>",
    when no name had been typed yet) by the name it has now and the id's start; anyone else as stored."""
    match = _GUEST_AUTHOR.fullmatch(author)
    return guest_label(fishbone, match.group(1)) if match else author


def guest_label(fishbone, key: str) -> str:
    """A voter as the facilitator sees it: a name as typed, a guest by its label and the id's start."""
    if not key.startswith(GUEST_PREFIX):
        return key
    short = key[len(GUEST_PREFIX):][:6]
    label = fishbone.guests.get(key, "")
    return f"{label} · {short}" if label else f"{GUEST_PREFIX}{short}"


def threshold() -> int:
    """How many suggestions must arrive before the facilitator sees any (DIAGNOSIS_SUGGESTION_THRESHOLD)."""
    raw = os.environ.get("DIAGNOSIS_SUGGESTION_THRESHOLD", "")
    return max(1, int(raw)) if raw.strip().isdigit() else DEFAULT_THRESHOLD


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _derive(link_id: str) -> str:
    return base64.urlsafe_b64encode(hmac.new(signing.secret(), f"share-link\0{link_id}".encode("utf-8"),
                                             hashlib.sha256).digest()).decode("ascii").rstrip("=")


def _link(record: LinkRecord) -> Link:
    return Link(record.id, record.project_id, record.kind, record.label, record.created, record.created_by, record.revoked)


# --- the facilitator's side ----------------------------------------------------------------------


def create_link(store: Store, project_id: str, kind: str, created_by: str = "", label: str = "") -> tuple[str, Link]:
    """A new link for a project: (the token, for its address; the link as stored)."""
    if kind not in KINDS:
        raise DiagnosisError(f"链接类型只能是 {', '.join(KINDS)}", f"a link is one of {', '.join(KINDS)}")
    if store.head(project_id) is None:
        raise ProjectNotFound(f"找不到项目“{project_id}”", f"no project '{project_id}'")
    link_id = uuid.uuid4().hex[:16]
    token = _derive(link_id)
    record = LinkRecord(link_id, _hash(token), project_id, kind, clean(label)[:200], dt.datetime.now(dt.UTC),
                        (created_by or ANONYMOUS)[:200])
    store.links.add(record)
    return token, _link(record)


def project_links(store: Store, project_id: str) -> list[Link]:
    return [_link(r) for r in store.links.of_project(project_id)]


def link_token(store: Store, link: Link) -> str | None:
    """The token of an active link, to show its address again; None when revoked or not derivable."""
    if not link.active:
        return None
    record = store.links.get(link.id)
    stored = record.token_hash if record else None
    token = _derive(link.id)
    return token if stored and hmac.compare_digest(stored, _hash(token)) else None


def revoke_link(store: Store, link_id: str) -> None:
    if not store.links.revoke(link_id, dt.datetime.now(dt.UTC)):
        raise LinkNotFound(f"没有有效的链接“{link_id}”", f"no active link '{link_id}'")


def _release(pile: SuggestionWriter, project_id: str, size: int) -> None:
    """Release whole batches of `size` of the waiting suggestions (chosen at random)."""
    waiting = pile.waiting(project_id)
    batches = len(waiting) // size * size
    if batches:
        chosen = random.SystemRandom().sample(waiting, batches)
        pile.rewrite(chosen, released=True)
        rest = [row for row in waiting if row not in chosen]
        if len(rest) > 1:
            pile.rewrite(rest, released=False)


def suggestions_of(store: Store, project_id: str, minimum: int | None = None) -> Suggestions:
    """The project's anonymous suggestions: how many arrived, and the texts of the released
    batches of `minimum` (default `threshold()`), in the order of their random ids."""
    minimum = threshold() if minimum is None else max(1, minimum)
    if store.suggestions.count(project_id, waiting_only=True) >= minimum:  # e.g. the threshold was lowered since they arrived
        with store.suggestions.writing() as pile:
            _release(pile, project_id, minimum)
    return Suggestions(store.suggestions.count(project_id), minimum, store.suggestions.released_texts(project_id))


# --- the link holder's side ----------------------------------------------------------------------


def resolve(store: Store, token: str, kind: str) -> Link:
    """The active link of `kind` behind a token; LinkNotFound / LinkRevoked otherwise."""
    if not token or len(token) > 200:
        raise LinkNotFound("链接无效", "no such link")
    row = store.links.by_token_hash(_hash(token))
    if row is None or row.kind != kind:
        raise LinkNotFound("链接无效", "no such link")
    if row.revoked is not None:
        raise LinkRevoked("此链接已被撤销", "this link was revoked")
    if store.head(row.project_id) is None:
        raise LinkNotFound("此链接的项目已不存在", "the project of this link no longer exists")
    return _link(row)


def add_suggestion(store: Store, project_id: str, text: str) -> None:
    """Store a suggestion with its date only (no name, session, address, link or time)."""
    value = clean(text)
    if not value:
        raise DiagnosisError("建议需要填写文字", "a suggestion needs a text")
    if len(value) > MAX_SUGGESTION:
        raise DiagnosisError(f"建议最多 {MAX_SUGGESTION} 个字符（现有 {len(value)} 个）", f"a suggestion has at most {MAX_SUGGESTION} characters ({len(value)} given)")
    with store.suggestions.writing() as pile:
        pile.add(uuid.uuid4().hex, project_id, dt.date.today(), value)
        waiting = pile.waiting(project_id)
        if len(waiting) >= threshold():
            _release(pile, project_id, threshold())
        elif len(waiting) > 1:
            pile.rewrite(waiting, released=False)  # the newest is no longer the last row


def suggest(store: Store, token: str, text: str) -> None:
    """The anonymous form: a suggestion through a `suggest` link."""
    add_suggestion(store, resolve(store, token, "suggest").project_id, text)


class Participant:
    """What a participant link allows, and nothing more (see the module docstring)."""

    def __init__(self, store: Store, token: str):
        self._store, self._token = store, token
        self.link = resolve(store, token, "participant")

    def _project_id(self) -> str:
        return resolve(self._store, self._token, "participant").project_id

    def title(self) -> str:
        return self._store.load(self._project_id()).project.meta.title

    def categories(self) -> list[tuple[str, dict]]:
        """(category id, its label in each language) of the project's fishbone."""
        questionnaire = resolve_questionnaire(self._store.load(self._project_id()).project)
        return [(c.id, c.label if isinstance(c.label, dict) else {"zh": c.label, "en": c.label}) for c in questionnaire.cause_categories]

    def votes_allowed(self) -> int:
        return resolve_questionnaire(self._store.load(self._project_id()).project).analysis.votes_per_participant

    def problem(self) -> str:
        project = self._store.load(self._project_id()).project
        return project.fishbone.problem or str(project.answers.get("problem_statement") or "")

    def causes(self, who: Guest | None = None) -> list[CauseView]:
        fishbone = self._store.load(self._project_id()).project.fishbone
        key = who.key if who is not None else None
        return [CauseView(c.id, c.category, c.text, depth, None if fishbone.votes_hidden else c.vote_total,
                          c.votes.get(key, 0) if key else 0)
                for c, _parent, depth in fb.walk(fishbone)]

    def _apply(self, who: Guest, change, description: str) -> None:
        def apply(project) -> None:
            change(project)
            if who.label:
                project.fishbone.guests[who.key] = who.label
        self._store.apply(self._project_id(), apply, who.author, description, kind=RevisionKind.CAUSE)

    def add_cause(self, text: str, who: Guest, category: str | None = None, parent_id: str | None = None) -> str:
        added: list[str] = []
        self._apply(who, lambda p: added.append(fb.add_cause(p.fishbone, text, category, parent_id=parent_id, author=who.author).id),
                    f"participant: add cause {clean(text)[:80]}")
        return added[0]

    def vote(self, cause_id: str, who: Guest, dots: int = 1) -> None:
        allowed = self.votes_allowed()
        self._apply(who, lambda p: fb.cast_vote(p.fishbone, cause_id, who.key, allowed, dots), f"participant: vote {dots}")

    def withdraw(self, cause_id: str, who: Guest) -> None:
        """Take back one of this guest's own dots (nobody else's: the key is the identity, not a name)."""
        def take_back(project) -> None:
            if not fb.find_cause(project.fishbone, cause_id).votes.get(who.key):
                raise fb.InvalidCause("您没有投给这个原因的票可以收回", "you have no dot on this cause to take back")
            fb.withdraw_vote(project.fishbone, cause_id, who.key)
        self._apply(who, take_back, "participant: withdraw a vote")

    def suggest(self, text: str) -> None:
        add_suggestion(self._store, self._project_id(), text)
