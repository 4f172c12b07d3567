"""History: revisions, what changed, restore, undo my last change, open conflicts."""

from ui.history_page import draw_page

draw_page()
