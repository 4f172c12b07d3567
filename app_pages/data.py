"""Step 2 (data): the questionnaire's questions, then the data editor."""

from ui.step_page import draw_step

draw_step("data")
