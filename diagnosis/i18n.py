"""Bilingual text: every label is a plain string or a map of language to string.

Chinese is the first language, English the second; `tr` picks the wanted language and
falls back to the other so a screen never shows an empty label.
"""

from __future__ import annotations

import os
from typing import Union

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

Text = Union[str, dict[str, str]]


def tr(text: Text | None, lang: str = DEFAULT_LANGUAGE) -> str:
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for candidate in (lang, DEFAULT_LANGUAGE, *LANGUAGES, *text.keys()):
        if candidate in text and text[candidate]:
            return text[candidate]
    return ""


def pick(lang: str, zh: str, en: str) -> str:
    """The Chinese or the English of an interface text written inline."""
    return zh if lang == "zh" else en


def months_text(n: object, lang: str) -> str:
    """A number of months, e.g. a checkpoint or a horizon: "3 个月" / "1 month" / "3 months"."""
    return pick(lang, f"{n} 个月", "1 month" if str(n) == "1" else f"{n} months")


def system_language() -> str:
    """The command line's language: Chinese when the shell's locale is Chinese (LC_ALL, LC_MESSAGES
    or LANG starting with "zh", as gettext reads them), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"
