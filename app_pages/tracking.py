"""Step 5 (tracking): the questionnaire's questions, then the tracking editor."""

from ui.step_page import draw_step

draw_step("tracking")
