"""Facilitator sign-in: off for a single local user, on when the deployment sets `DIAGNOSIS_AUTH`.

- unset or empty: no sign-in (the app on one's own machine, `./dev run`).
- `DIAGNOSIS_AUTH=password` with `DIAGNOSIS_PASSWORD=<the facilitators' password>`: every page
  except a guest link's own page (`?join=` / `?suggest=`) asks for the password first. The typed
  password is compared with `hmac.compare_digest` (on SHA-256 digests, so not even its length
  shows in the time taken). A sign-in lasts the browser session, at most `SESSION_HOURS`: the
  browser keeps a signed pass (`diagnosis.signing`) bound to the password, so changing the
  password signs everyone out.
- wrong passwords are throttled (`Throttle`, one per server process, so a new tab or session
  does not reset it): after `FREE_TRIES` wrong tries in a row from one client address, each
  further try is refused unchecked for a delay that doubles (1, 2, 4 ... s, at most
  `MAX_WAIT_S`), counted from the last wrong try; a right password, after the wait, clears it.
- anything else (another value, or `password` without a password) is refused: the app shows
  what is wrong and nothing else, rather than running open.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass

from diagnosis import signing
from diagnosis.errors import DiagnosisError

MODES = ("password",)
SESSION_HOURS = 12
FREE_TRIES = 5
MAX_WAIT_S = 300


class AuthMisconfigured(DiagnosisError):
    """DIAGNOSIS_AUTH asks for something the deployment did not set up."""


def mode() -> str | None:
    """The sign-in this deployment asks for: None (off) or "password"."""
    raw = os.environ.get("DIAGNOSIS_AUTH", "").strip()
    if not raw:
        return None
    if raw.lower() not in MODES:
        raise AuthMisconfigured(f"DIAGNOSIS_AUTH={raw[:40]!r} 不是本程序支持的登录方式；请设置 DIAGNOSIS_AUTH=password 和 DIAGNOSIS_PASSWORD，"
                                "或取消 DIAGNOSIS_AUTH（单人本地使用）",
                                f"DIAGNOSIS_AUTH={raw[:40]!r} is not a sign-in this app knows; set DIAGNOSIS_AUTH=password "
                                "and DIAGNOSIS_PASSWORD, or unset DIAGNOSIS_AUTH for a single local user")
    if not os.environ.get("DIAGNOSIS_PASSWORD", ""):
        raise AuthMisconfigured("DIAGNOSIS_AUTH=password 需要设置 DIAGNOSIS_PASSWORD（主持人的密码）", "DIAGNOSIS_AUTH=password needs DIAGNOSIS_PASSWORD (the facilitators' password)")
    return raw.lower()


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


def password_ok(typed: str) -> bool:
    expected = os.environ.get("DIAGNOSIS_PASSWORD", "")
    return bool(expected) and hmac.compare_digest(_digest(typed or ""), _digest(expected))


def _purpose() -> str:
    # bound to the password: a new password makes every pass given out before worthless
    return "facilitator:" + hashlib.sha256(("sign-in\0" + os.environ.get("DIAGNOSIS_PASSWORD", "")).encode("utf-8")).hexdigest()


def session_pass(now: float | None = None) -> str:
    """What the browser keeps after a right password (a signed time of sign-in)."""
    return signing.sign(_purpose(), str(int(time.time() if now is None else now)))


def pass_valid(value: str | None, now: float | None = None) -> bool:
    """Whether a browser's pass is one this deployment gave out, under this password, within SESSION_HOURS."""
    signed = signing.verify(_purpose(), value)
    if signed is None or not signed.isdigit():
        return False
    age = (time.time() if now is None else now) - int(signed)
    return 0 <= age <= SESSION_HOURS * 3600


@dataclass
class _Tries:
    wrong: int = 0
    last: float = 0.0


class Throttle:
    """Wrong passwords per client address: after `FREE_TRIES` in a row, a doubling wait before the next try.

    Kept in memory for the server process (`THROTTLE`); the clock is injectable for tests.
    Addresses that were never wrong, or were right since, hold no entry.
    """

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._tries: dict[str, _Tries] = {}
        self._lock = threading.Lock()

    def wait_s(self, client: str) -> float:
        """Seconds `client` must still wait before a password is checked (0: it may try now)."""
        with self._lock:
            tries = self._tries.get(client)
            if tries is None or tries.wrong < FREE_TRIES:
                return 0.0
            delay = min(MAX_WAIT_S, 2.0 ** (tries.wrong - FREE_TRIES))
            return max(0.0, tries.last + delay - self._clock())

    def attempt(self, client: str, typed: str) -> bool | float:
        """True for the right password, False for a wrong one; while `client` must wait, the
        seconds left (the password is then not even compared)."""
        left = self.wait_s(client)
        if left > 0:
            return left
        ok = password_ok(typed)
        with self._lock:
            if ok:
                self._tries.pop(client, None)
            else:
                tries = self._tries.setdefault(client, _Tries())
                tries.wrong += 1
                tries.last = self._clock()
        return ok


THROTTLE = Throttle()
