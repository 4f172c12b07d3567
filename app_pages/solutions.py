"""Step 4 (solutions): the questionnaire's questions, then the solutions editor."""

from ui.step_page import draw_step

draw_step("solutions")
