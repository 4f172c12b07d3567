"""User text made safe to store and to draw: no control characters.

A control character (ESC, NUL, a C1 code...) is never meaningful in a diagnosis and breaks
the libraries that draw text: vl-convert aborts the whole process on one in a chart label,
openpyxl and python-docx refuse them (they are not allowed in XML). So every text that
enters (a ticket export, a YAML file, an answer saved through the store) and every text a
renderer draws goes through `clean_text`: C0 and C1 control characters are removed, except
tab and line feed; a carriage return (alone or in CRLF) becomes a line feed. Lone
surrogates and the XML non-characters U+FFFE/U+FFFF are removed as well.

`clean_data` applies it to every string (and key) inside nested dicts, lists, tuples and
dataclasses, and returns the very same object when nothing had to change (cheap to call
on clean data).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import unicodedata
from typing import Any

# characters removed outright (tab \x09 and line feed \x0a are kept; \r is handled first)
CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_CONTROL = re.compile(f"[{CONTROL_CLASS}]")
_ANY = re.compile(f"[{CONTROL_CLASS}\r]")
# the same class for Arrow's RE2 (escaped, since a pattern cannot hold NUL or surrogates)
ARROW_CONTROL_PATTERN = r"[\x{00}-\x{08}\x{0b}\x{0c}\x{0e}-\x{1f}\x{7f}-\x{9f}\x{fffe}\x{ffff}]"


def clean_text(text: str) -> str:
    """`text` without control characters (tab and newline kept, CR/CRLF become LF)."""
    if not _ANY.search(text):
        return text
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def has_control(text: str) -> bool:
    return _ANY.search(text) is not None


# what a control character (or a CR) looks like in `json.dumps(..., ensure_ascii=False)`: C0 are
# escaped (\b \f \r or \u00XX; tab and newline as \t \n, which are kept), the rest stay as they
# are. A literal backslash followed by "r" also matches: that only costs the slow walk.
_IN_JSON = re.compile(r"\\(?:u00[01][0-9a-fA-F]|[bfr])|[\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# the same in pydantic's JSON bytes (`dump_json`): C0 are escaped as above, DEL, C1 (UTF-8 C2 80-9F)
# and U+FFFE/U+FFFF stay as their bytes; lone surrogates cannot be written at all.
_IN_JSON_ESCAPE = re.compile(rb"\\(?:u00[01][0-9a-fA-F]|[bfr])")
_IN_JSON_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def json_bytes_clean(raw: bytes) -> bool:
    """True when UTF-8 JSON text `raw` holds no control character, no CR and no U+FFFE/U+FFFF.

    A few substring searches (memchr speed) instead of a regular expression over every byte:
    a clean project of 800 causes is checked in a tenth of a millisecond.
    """
    if b"\x7f" in raw or b"\xef\xbf\xbe" in raw or b"\xef\xbf\xbf" in raw:
        return False
    if b"\xc2" in raw and _IN_JSON_C1.search(raw):
        return False
    return _IN_JSON_ESCAPE.search(raw) is None


def clean_data(value: Any) -> Any:
    """`value` with `clean_text` applied to every string inside it (same object if clean).

    A tree of plain JSON (a project, an answer table) is checked first in one pass over its JSON
    text, which is C code: a clean project of 800 causes costs milliseconds instead of walking
    every string in Python (what made each save of a large fishbone take a quarter of a second).
    """
    if isinstance(value, (dict, list)):
        try:
            text = json.dumps(value, ensure_ascii=False, check_circular=False)
        except (TypeError, ValueError, RecursionError):  # not plain JSON (a dataclass, a date...): walk it
            pass
        else:
            if _IN_JSON.search(text) is None:
                return value
    return _clean(value)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        out = {_clean(k): _clean(v) for k, v in value.items()}
        same = len(out) == len(value) and all(k2 is k and v2 is v for (k2, v2), (k, v) in zip(out.items(), value.items()))
        return value if same else out
    if isinstance(value, (list, tuple)):
        items = [_clean(v) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value
        return type(value)(items) if isinstance(value, list) or type(value) is tuple else type(value)(*items)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if getattr(value, "HOLDS_NO_USER_TEXT", False):  # a typed table cell: numbers and the program's words
            return value
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            old = getattr(value, f.name)
            new = _clean(old)
            if new is not old:
                changes[f.name] = new
        return dataclasses.replace(value, **changes) if changes else value
    caption = getattr(value, "caption", None)
    if isinstance(caption, str) and has_control(caption):  # a figure: only its caption is text
        value = copy.copy(value)
        value.caption = clean_text(caption)
    return value


_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_DEVICE_NAMES = re.compile(r"(?i)(con|prn|aux|nul|com\d|lpt\d)")


def safe_filename(name: str, suffix: str = "", limit: int = 80, fallback: str = "report") -> str:
    """A file name safe on Windows, macOS and Linux that keeps Chinese characters (every download's name)."""
    name = unicodedata.normalize("NFC", name)
    name = _NOT_IN_FILE_NAMES.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" ._")
    if _DEVICE_NAMES.fullmatch(name) or not name:
        name = fallback
    return name[:limit].rstrip(" ._") + suffix

