"""The questionnaire JSON Schema, for editors that autocomplete and check YAML."""

from __future__ import annotations

from typing import Any

from diagnosis.questionnaire.model import Questionnaire


def json_schema() -> dict[str, Any]:
    schema = Questionnaire.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://process-diagnosis.invalid/questionnaire.schema.json"
    schema["title"] = "process-diagnosis questionnaire"
    return schema
