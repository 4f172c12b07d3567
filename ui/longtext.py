"""Long texts in table cells (interview quotes, a cause's evidence, notes) readable in full.

A cell shows one line; a quote of a customer is longer. A table holding a long text gets taller
rows, in which Streamlit's grid wraps the text (it wraps only above 4 rem), and the whole of each
long text is listed below the table, where a workshop reads it on the projector without
opening a cell. Short tables keep their compact one-line rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from diagnosis.cjk import display_width
from ui.texts import md, t

LONG = 40  # display width (a CJK character counts 2) over which a cell's text is long
WRAPPED_ROW_PX = 78  # three lines of text; the grid wraps cells from 65 px (above 4 rem) on


def is_long(text: Any) -> bool:
    return isinstance(text, str) and display_width(text) > LONG


def full_texts(entries: Iterable[tuple[str, Any]], lang: str) -> None:
    """Each long text in full under its label ("客户 A · 关键原话"), in an expander below its table."""
    long = [(label, text) for label, text in entries if is_long(text)]
    if not long:
        return
    with st.expander(t("table.full_text", lang, n=len(long))):
        for label, text in long:
            st.markdown(f"**{md(label)}**  \n{md(text)}")
