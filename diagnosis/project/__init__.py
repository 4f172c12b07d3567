"""Projects: the model, and the files they are saved to."""

from diagnosis.project.files import LoadedProject, dumps, load_project, new_project, save_project
from diagnosis.project.model import Cause, CheckIn, Fishbone, Measure, Project

__all__ = ["Cause", "CheckIn", "Fishbone", "LoadedProject", "Measure", "Project", "dumps", "load_project", "new_project", "save_project"]
