"""Table questions as `st.data_editor` with typed columns, without losing edits.

The data_editor keeps its edits as a delta (`edited_rows`, `added_rows`, `deleted_rows`)
against the frame it was given. Feeding the edited rows back as the next frame makes every
second edit vanish (streamlit#7749). So each editor gets a *base* frame that stays fixed while
the delta grows; the `on_change` callback takes the cells that changed since its last call
(base + new delta against base + the delta already stored) and writes them onto the *stored*
table, as it is in the store's newest revision (`diagnosis.merge.merge_edits`): never a stale full table over
another session's change. Only when the stored rows differ from base + delta (another page, another session, an
upload) does the editor start again from the stored rows, under a new key. Two commits of one session can run at
once (Streamlit does not wait for a run's callbacks before starting the next run, and stops them half-way): they
take turns, each stores the newest delta, and a delta counts as stored only once it is (`_commit`).
In the browser, `ui.grid_keys` makes the grid finish an edit before it takes the next key (Tab then Enter).

Starting again remounts the grid in the browser, and a cell being typed in at that moment is gone (the scripted
workshop of tests/e2e/test_scripted_workshop.py lost typed targets that way). So while this person is at work
(this session saved a cell or an answer in the last `QUIET` seconds), another session's change does not restart the
editor: its cells still go onto the stored table (newest revision) cell by cell, a caption says a colleague's
change is waiting, and `state.watch` reruns the page to show it once the table has been quiet for `QUIET` seconds.

Stored rows are plain mappings by column id: text, float, int, ISO date text, bool, option id.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from diagnosis.merge import merge_edits
from diagnosis.i18n import tr
from diagnosis.questionnaire.rules import as_number, parse_date
from ui import longtext, state
from ui.texts import t


def _text(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or str(v).strip() == "" else str(v)


def _float(v: Any) -> Any:
    n = as_number(v)
    return None if n is None or math.isnan(n) else float(n)


def _int(v: Any) -> Any:
    n = _float(v)
    return None if n is None else round(n)


def _date(v: Any) -> Any:
    day = parse_date(v) if not (isinstance(v, float) and math.isnan(v)) else None
    return day.isoformat() if day else (_text(v) if not isinstance(v, float) else None)


def _bool(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else bool(v)


def _choice(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v == "" else v


# column type -> normalizer of a cell as stored
CELL: dict[str, Callable[[Any], Any]] = {
    "text": _text, "number": _float, "integer": _int, "date": _date, "yesno": _bool, "choice": _choice,
}


def normalize(rows: Any, question: Any) -> list[dict[str, Any]]:
    """Rows as stored: every column present, each cell in its column's type (unknown keys kept)."""
    out = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        clean = dict(row)
        for col in question.columns:
            clean[col.id] = CELL[col.type](row.get(col.id))
        out.append(clean)
    return out


def apply_delta(base: list[dict[str, Any]], delta: Any, question: Any) -> list[dict[str, Any]]:
    """base + the data_editor's delta: edits by row position, then deletions, then additions."""
    rows = [dict(r) for r in base]
    if not delta:
        return rows
    columns = {c.id: c for c in question.columns}
    for position, edits in (delta.get("edited_rows") or {}).items():
        n = int(position)
        if 0 <= n < len(rows):
            for col_id, value in edits.items():
                if col_id in columns:
                    rows[n][col_id] = CELL[columns[col_id].type](value)
    deleted = {int(n) for n in delta.get("deleted_rows") or []}
    rows = [r for n, r in enumerate(rows) if n not in deleted]
    for added in delta.get("added_rows") or []:
        rows.append({c.id: CELL[c.type]((added or {}).get(c.id)) for c in question.columns})
    return rows


def _frame(rows: list[dict[str, Any]], question: Any) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in question.columns:
        values = [r.get(col.id) for r in rows]
        if col.type in ("number", "integer"):
            data[col.id] = pd.array([_float(v) for v in values], dtype="Float64")
        elif col.type == "yesno":
            data[col.id] = pd.array([_bool(v) for v in values], dtype="boolean")
        elif col.type == "date":
            data[col.id] = pd.Series([parse_date(v) for v in values], dtype="object")
        else:
            data[col.id] = pd.Series([None if v is None else str(v) for v in values], dtype="object")
    return pd.DataFrame(data, columns=[c.id for c in question.columns])


def _long_columns(rows: list[dict[str, Any]], question: Any) -> set[str]:
    """The text columns holding a long text (a quote, a note) in any row."""
    return {c.id for c in question.columns if c.type == "text" and any(longtext.is_long(r.get(c.id)) for r in rows)}


def _column_config(question: Any, lang: str, wide: set[str] = frozenset()) -> dict[str, Any]:
    cc = st.column_config
    config: dict[str, Any] = {}
    for col in question.columns:
        common = {"label": tr(col.label, lang) + (" *" if col.required else ""), "help": tr(col.help, lang) or None}
        if col.type == "choice":
            labels = {o.id: tr(o.label, lang) for o in col.options or []}
            config[col.id] = cc.SelectboxColumn(**common, options=list(labels), format_func=lambda v, m=labels: m.get(v, str(v)))
        elif col.type == "date":
            config[col.id] = cc.DateColumn(**common, format="YYYY-MM-DD")
        elif col.type == "yesno":
            config[col.id] = cc.CheckboxColumn(**common)
        elif col.type == "integer":
            config[col.id] = cc.NumberColumn(**common, step=1, format="%d")
        elif col.type == "number":
            config[col.id] = cc.NumberColumn(**common)
        else:
            config[col.id] = cc.TextColumn(**common, width="large" if col.id in wide else None)
    return config


def _full_texts(rows: list[dict[str, Any]], question: Any, lang: str) -> None:
    """The long texts of the table in full, each under its row's name (its first text) and column."""
    texts = [c for c in question.columns if c.type == "text"]
    entries = []
    for n, row in enumerate(rows, start=1):
        name = str(row.get(texts[0].id) or "") if texts else ""
        named = name if name and not longtext.is_long(name) else t("table.row", lang, n=n)
        entries.extend((f"{named} · {tr(col.label, lang)}", row.get(col.id)) for col in texts)
    longtext.full_texts(entries, lang)
QUIET = 15.0  # seconds without an edit of this session's after which another session's change is drawn


def _commit(question: Any, key: str, widget_key: str) -> None:
    """`on_change` of the editor `widget_key`: its cells edited since its last commit, merged onto the stored table.

    Streamlit starts a new run for each browser event without waiting for the run before it (fast
    reruns), and stops the run before at its next use of the session's state, callbacks included: a
    quick second edit can arrive while the first one is being saved. So a commit takes the editor's
    newest delta (the one the session holds now, not the one its run started with), commits take
    turns (`state.exclusive`), and the delta counts as stored only once it is: a commit stopped before
    that leaves its cells to the next one (or to the next run's `draw`), and one that comes second
    finds nothing left instead of writing an older delta over a newer one. A commit is read against
    the rows its own editor started from, even when the editor has started again since (a late commit
    from the grid the browser still showed)."""
    with state.exclusive():
        st.session_state[f"{key}.edited"] = time.monotonic()
        kept = st.session_state.get(f"{widget_key}.base")  # (rows the editor started from, delta already stored)
        if kept is None or widget_key not in st.session_state:
            return
        base, committed = kept
        delta = _plain(st.session_state[widget_key])
        if delta == committed:
            return
        op = state.latest()  # the store's newest revision, not the one this page was drawn from
        stored = normalize(op.project.answers.get(question.id), question) if op is not None else []
        state.set_answer(question.id, merge_edits(stored, apply_delta(base, committed, question), apply_delta(base, delta, question)))
        st.session_state[f"{widget_key}.base"] = (base, delta)


def _plain(delta: Any) -> dict[str, Any]:
    delta = delta or {}
    return {
        "edited_rows": {int(k): dict(v) for k, v in (delta.get("edited_rows") or {}).items()},
        "added_rows": [dict(r) for r in delta.get("added_rows") or []],
        "deleted_rows": sorted(int(n) for n in delta.get("deleted_rows") or []),
    }


def _editor(question: Any, stored: list[dict[str, Any]], key: str, lang: str) -> tuple[str, list[dict[str, Any]], bool]:
    """The editor to draw for the `stored` rows: its widget key, the rows it is given, and whether
    another session's change waits."""
    version = st.session_state.get(f"{key}.version", 0)
    widget_key = f"{key}.v{version}"
    kept = st.session_state.get(f"{widget_key}.base")
    # the widget's state is gone after the page was left (streamlit#5813)
    alive = kept is not None and widget_key in st.session_state
    base, committed = kept if alive else (None, _plain(None))
    delta = _plain(st.session_state.get(widget_key)) if alive else _plain(None)
    # the person is at work when this session saved anything lately (a cell, the answer above it): a
    # cell may be open in the grid, which the server cannot see
    edited = max((m for m in (st.session_state.get(f"{key}.edited"), state.last_save()) if m is not None), default=None)
    editing = edited is not None and time.monotonic() - edited < QUIET
    same_lang = st.session_state.get(f"{key}.lang") == lang
    if alive and delta != committed:
        # an edit whose callback did not run (e.g. state seeded by a test): store it now
        _commit(question, key, widget_key)
    elif alive and same_lang and editing and apply_delta(base, delta, question) != stored:
        # changed by another session while this one is typing in the table: keep the grid (and the
        # cell being typed in); shown once this session has been quiet for QUIET seconds
        state.refresh_after(edited + QUIET)
        return widget_key, base, True
    elif not alive or not same_lang or apply_delta(base, delta, question) != stored:
        # first draw, back from another page, rows changed elsewhere, or another language (the
        # column labels are part of the editor's identity: a new one starts with an empty delta,
        # which must not be taken for an edit): start from the stored rows
        st.session_state.pop(f"{key}.v{version - 1}.base", None)  # the one before stays for a late commit
        version, base = version + 1, stored
        widget_key = f"{key}.v{version}"
        st.session_state[f"{key}.version"] = version
        st.session_state[f"{widget_key}.base"] = (base, _plain(None))
    return widget_key, base, False


def draw(question: Any, value: Any, key: str, lang: str, label: str) -> None:
    """The editor for one table question; `key` is the page-prefixed question key."""
    stored = normalize(value, question)
    with state.exclusive():  # not while a commit of this session's from a run before is still saving
        widget_key, base, waiting = _editor(question, stored, key, lang)
    st.session_state[f"{key}.lang"] = lang
    st.markdown(label, help=tr(question.help, lang) or None)
    # long texts wrap in taller rows; decided by the rows the editor started from, so the editor
    # keeps its identity (and its growing delta) while someone types a long quote into it
    wide = _long_columns(base, question)
    st.data_editor(
        _frame(base, question),
        key=widget_key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config=_column_config(question, lang, wide),
        row_height=longtext.WRAPPED_ROW_PX if wide else None,
        on_change=_commit,
        args=(question, key, widget_key),
        placeholder="",
    )
    st.caption(t("step.table_hint", lang))
    _full_texts(stored, question, lang)
    if waiting:
        st.caption(t("step.table_waiting", lang))
