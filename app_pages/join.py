"""The participant page of a `?join=<token>` link: the cause list, adding and voting, nothing else."""

from ui import state
from ui.guest_pages import draw_participant

draw_participant(state.guest()[1])
