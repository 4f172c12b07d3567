"""Keys typed into a table (`st.data_editor`) land in the cell the grid shows, however busy the browser is.

Streamlit 1.67's grid (glide-data-grid) does two things late, in a zero-delay timer, and React draws
their result in a later task still:
- ending a cell edit: on Enter, Tab or Escape its cell editor only remembers the move; the timer
  writes the value, closes the editor and moves the selection. A key handled before (a person's Tab,
  then Enter 0.1 s later, on a machine busy drawing a rerun) goes to a grid still on the old cell: the
  Enter reopens the cell just left, or, reaching the editor before the timer, turns the Tab's move
  into a move down, and the value typed next goes into the wrong cell (a target of 8 written over the
  next row's baseline) or nowhere (issue 12, item 3);
- selecting the text of a cell editor just opened (its number field's focus handler waits a timer):
  a value typed before is added to the old one ("88" over 85 became 8588).

`SCRIPT` (drawn on every page by `ui.chrome`) runs those timers at the end of their own event
instead: a zero-delay timer set while the browser dispatches such a key from inside a cell editor, or
the focus of a cell editor, runs as a microtask, while `window.event` is still that event, so React
draws the result at once (an update during a key or focus event is drawn synchronously) and the next
key finds the grid as the person sees it. Every other timer is left alone.
"""

from __future__ import annotations

# the grid's cell editor (drawn in the page's #portal while a cell is edited)
EDITOR = ".gdg-clip-region"

SCRIPT = """
(() => {
  const w = window;
  if (w.__pdGridKeys) return;
  w.__pdGridKeys = true;
  const realSet = w.setTimeout, realClear = w.clearTimeout;
  const cancelled = new Set();
  let armed = null, next = -1;  // negative ids: never one of the browser's own timers
  const ends = (e) => !e.isComposing && e.keyCode !== 229 &&
    (e.key === "Escape" || e.key === "Tab" || (e.key === "Enter" && !e.shiftKey));
  const inEditor = (e) => e.target instanceof Element && e.target.closest("%(editor)s") !== null;
  w.addEventListener("keydown", (e) => { armed = ends(e) && inEditor(e) ? e : null; }, true);
  w.addEventListener("focusin", (e) => { armed = inEditor(e) ? e : null; }, true);
  w.setTimeout = function (fn, delay, ...args) {
    if (armed !== null && w.event === armed && !delay && typeof fn === "function") {
      const id = next--;
      queueMicrotask(() => { if (!cancelled.delete(id)) fn(...args); });
      return id;
    }
    return realSet.call(w, fn, delay, ...args);
  };
  w.clearTimeout = function (id) {
    if (typeof id === "number" && id < 0) cancelled.add(id);
    else realClear.call(w, id);
  };
})();
""" % {"editor": EDITOR}
