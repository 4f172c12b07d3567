"""Drafts of text answers kept by this browser until they are saved (issue 12 item 4).

Streamlit sends a text field's value only when the field loses focus (or on Ctrl+Enter / Enter),
so a reload (F5) lost what was typed since. A small script keeps every keystroke of the page's
text fields in the browser's localStorage, keyed by project and field, with the stored text the
draft started from. When the page loads again it puts a draft back into its field and saves it
(the field is committed as if the user had left it), but only while the stored answer is still
the one the draft started from: a draft never overwrites what someone else saved meanwhile. A
draft is forgotten once the field shows it as the stored answer, or when it is stale.
"""

from __future__ import annotations

import json

import streamlit as st

PREFIX = "diagnosis-draft"

# Runs in the page (not a frame). Listeners are installed once per page; the fields of the
# current run are `window.__diagnosisDrafts.fields`. `set` is React's own value setter, so the
# widget sees the restored text as typed.
_SCRIPT = """
(() => {
  const project = %(project)s, stored = %(stored)s, prefix = %(prefix)s;
  const name = (cls) => prefix + ":" + project + ":" + cls;
  const input = (cls) => document.querySelector("." + cls + " textarea, ." + cls + " input");
  const read = (cls) => { try { return JSON.parse(localStorage.getItem(name(cls)) || "null"); } catch (e) { return null; } };
  if (!window.__diagnosisDrafts) {
    window.__diagnosisDrafts = {stored: {}, project: ""};
    document.addEventListener("input", (e) => {
      const box = e.target.closest && e.target.closest("[class*='st-key-']"), memory = window.__diagnosisDrafts;
      const cls = box && [...box.classList].find((c) => c in memory.stored);
      if (!cls) return;
      localStorage.setItem(prefix + ":" + memory.project + ":" + cls, JSON.stringify({text: e.target.value, base: memory.stored[cls]}));
    }, true);
  }
  window.__diagnosisDrafts.stored = stored;
  window.__diagnosisDrafts.project = project;
  let tries = 0;
  const restore = () => {
    let missing = 0;
    for (const cls of Object.keys(stored)) {
      const el = input(cls), draft = read(cls);
      if (!el) { missing += 1; continue; }
      if (!draft || el.dataset.draftChecked || el === document.activeElement) continue;
      el.dataset.draftChecked = "1";
      // saved already, or the answer changed since the draft began (someone else's text wins)
      if (draft.text === stored[cls] || draft.base !== stored[cls]) { localStorage.removeItem(name(cls)); continue; }
      const proto = el.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      el.focus();
      Object.getOwnPropertyDescriptor(proto, "value").set.call(el, draft.text);
      el.dispatchEvent(new Event("input", {bubbles: true}));
      // committed as when the user leaves the field: saved (once React has drawn the new text,
      // else its blur handler does not see the field as changed yet)
      setTimeout(() => { el.focus(); el.blur(); }, 200);
    }
    if (missing && ++tries < 100) setTimeout(restore, 100);
  };
  restore();
})();
"""


def field_class(key: str) -> str:
    """The class Streamlit gives a keyed widget's container (dots as dashes)."""
    return "st-key-" + key.replace(".", "-")


def keep(project_id: str, fields: dict[str, object]) -> None:
    """Keep drafts of this page's text widgets (widget key -> stored answer) for `project_id`.

    The stored answers are part of the script, so it runs again whenever one of them changes:
    a draft always remembers the stored text it was typed over."""
    if not fields:
        return
    stored = {field_class(k): "" if v is None else str(v) for k, v in fields.items()}
    script = _SCRIPT % {"project": json.dumps(project_id), "stored": json.dumps(stored), "prefix": json.dumps(PREFIX)}
    # "</" is written "<\/" (the same in a JS string): no answer can end the script early
    script = script.replace("</", "<\\/")
    with st.container(key="drafts-memory"):
        st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)
    st.html("<style>.st-key-drafts-memory { display: none; }</style>")
