"""Step 1 (goals): the questionnaire's questions, then the goals editor."""

from ui.step_page import draw_step

draw_step("goals")
