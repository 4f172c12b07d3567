"""Questionnaires: the YAML files that drive every step of the diagnosis."""

from diagnosis.questionnaire.loader import load_questionnaire, questionnaire_hash
from diagnosis.questionnaire.model import Questionnaire

__all__ = ["Questionnaire", "load_questionnaire", "questionnaire_hash"]
