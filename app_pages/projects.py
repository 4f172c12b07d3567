"""Projects: start, open, upload, download and delete diagnosis projects."""

from ui.projects import draw_page

draw_page()
