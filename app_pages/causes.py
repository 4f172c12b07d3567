"""Step 3 (causes): the questionnaire's questions, then the causes editor."""

from ui.step_page import draw_step

draw_step("causes")
