"""The anonymous suggestion form of a `?suggest=<token>` link."""

from ui import state
from ui.guest_pages import draw_suggest

draw_suggest(state.guest()[1])
