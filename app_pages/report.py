"""Report: preview the consultant's report and download it in every format."""

from ui.report_page import draw_page

draw_page()
