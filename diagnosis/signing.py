"""Signed values for the browser: a participant's identity and the facilitator's sign-in.

A value the app hands a browser to keep (in a cookie) comes back signed: `sign(purpose, value)`
appends an HMAC-SHA256 of the purpose and the value under the deployment's secret, `verify`
gives the value back only when the signature matches (`hmac.compare_digest`), so a browser can
keep what it was given but cannot make up another value (another participant, a sign-in).

The secret is `DIAGNOSIS_SECRET` when set (several app servers sharing one database must share it),
else 32 random bytes in `$DIAGNOSIS_DATA_DIR/secret.key` (mode 0600), created on first use; a
new secret (the file deleted) makes every signed value given out before worthless.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import threading
from pathlib import Path

from diagnosis.errors import DiagnosisError
from diagnosis.store import data_dir

SECRET_FILE = "secret.key"
SEPARATOR = "~"
_lock = threading.Lock()
_cache: dict[str, bytes] = {}


def _secret_file(path: Path) -> bytes:
    try:
        value = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        value = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise DiagnosisError(f"无法读取本程序的密钥 {path}：{exc}", f"cannot read the app's secret {path}: {exc}") from None
    if len(value) >= 32:
        return value.encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if value:  # a short or empty file (a write cut short): replace it
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # create only if absent: two servers starting together keep one secret
            except FileExistsError:
                pass
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path.read_text(encoding="ascii").strip().encode("ascii")


def secret() -> bytes:
    """The deployment's signing secret (see the module docstring)."""
    configured = os.environ.get("DIAGNOSIS_SECRET", "")
    if configured:
        return configured.encode("utf-8")
    path = (data_dir() / SECRET_FILE).resolve()
    with _lock:
        if str(path) not in _cache or not path.exists():
            _cache[str(path)] = _secret_file(path)
        return _cache[str(path)]


def _mac(purpose: str, value: str) -> str:
    return hmac.new(secret(), f"{purpose}\0{value}".encode("utf-8"), hashlib.sha256).hexdigest()


def sign(purpose: str, value: str) -> str:
    """`value` with its signature for `purpose` (the value must not contain SEPARATOR)."""
    if SEPARATOR in value:
        raise ValueError(f"a signed value cannot contain {SEPARATOR!r}")
    return f"{value}{SEPARATOR}{_mac(purpose, value)}"


def verify(purpose: str, signed: str | None) -> str | None:
    """The value of a `sign(purpose, ...)` result, or None when it was not signed so (or changed)."""
    if not signed or SEPARATOR not in signed or len(signed) > 1000:
        return None
    value, mac = signed.rsplit(SEPARATOR, 1)
    expected = _mac(purpose, value)
    return value if hmac.compare_digest(expected.encode("ascii"), mac.encode("ascii", "replace")) else None
