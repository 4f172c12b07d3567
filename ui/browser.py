"""What this browser remembers of the person using it: the interface language and the name.

Both belong to the person, not to the project, so they live in cookies of the app's own site and
never in the store: a language switch or a name typed here changes nothing another tab or another
person sees. A session reads them once, when it starts (`st.context.cookies` come with the page's
websocket request): a reload or a new tab of this browser starts with them, a tab already open
keeps its own until it is reloaded. `remember()` writes them back with a one-line script; the
element is drawn on every run with the same text, so the browser runs it again only on a change.
"""

from __future__ import annotations

import json
from urllib.parse import quote, unquote

import streamlit as st

COOKIES = {"lang": "diagnosis_lang", "name": "diagnosis_name"}
YEAR = 365 * 24 * 3600
LONGEST = 200  # the store keeps an author name to 200 characters


def _jar():
    return st.context.cookies


def cookie(name: str) -> str | None:
    """A cookie of this browser as the session's page request brought it (None without one)."""
    raw = _jar().get(name)
    return unquote(raw) if isinstance(raw, str) and raw else None


def recalled(what: str) -> str | None:
    """The value this browser remembered (None when it has none, e.g. in AppTest)."""
    return cookie(COOKIES[what])


def _setter(name: str, value: str, max_age: int | None) -> str:
    lasting = f"; max-age={max_age}" if max_age is not None else ""  # none: until the browser closes
    return "document.cookie = " + json.dumps(f"{name}={quote(value, safe='')}; path=/{lasting}; samesite=lax") + ";"


def _draw(key: str, script: str) -> None:
    # quote() leaves only letters, digits, % and -._~ in a value: nothing that can end the script
    with st.container(key=key):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    st.html(f"<style>.st-key-{key} {{ display: none; }}</style>")  # takes no room (style only: no element)


def remember(values: dict[str, str]) -> None:
    """Keep `values` (lang/name -> text) in this browser's cookies, for a year."""
    _draw("browser-memory", "".join(_setter(COOKIES[what], value[:LONGEST], YEAR) for what, value in sorted(values.items())))


def keep(key: str, cookies: dict[str, str], max_age: int | None = YEAR) -> None:
    """Keep other cookies (signed values: a participant's identity, a sign-in); `max_age` None
    keeps them for the browser session only. `key` names the hidden element (one per caller)."""
    _draw(f"browser-{key}", "".join(_setter(name, value, max_age) for name, value in sorted(cookies.items())))
