"""Step 6 (evaluation): the questionnaire's questions, then the evaluation editor."""

from ui.step_page import draw_step

draw_step("evaluation")
