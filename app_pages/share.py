"""Share: participant links, the anonymous suggestion form and its suggestions."""

from ui.share_page import draw_page

draw_page()
