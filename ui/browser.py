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


def recalled(what: str) -> str | None:
    """The value this browser remembered (None when it has none, e.g. in AppTest)."""
    raw = st.context.cookies.get(COOKIES[what])
    return unquote(raw) if raw else None


def remember(values: dict[str, str]) -> None:
    """Keep `values` (lang/name -> text) in this browser's cookies, for a year."""
    script = "".join(
        "document.cookie = " + json.dumps(f"{COOKIES[what]}={quote(value[:LONGEST], safe='')}; path=/; max-age={YEAR}; samesite=lax") + ";"
        for what, value in sorted(values.items())
    )
    # quote() leaves only letters, digits, % and -._~ in a value: nothing that can end the script
    with st.container(key="browser-memory"):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    st.html("<style>.st-key-browser-memory { display: none; }</style>")  # takes no room (style only: no element)
