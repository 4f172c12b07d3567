"""The facilitator sign-in switch and its pass (diagnosis.access), without a browser."""

from __future__ import annotations

import pytest

from diagnosis import access
from tests.conftest import Clock


@pytest.fixture(autouse=True)
def deployment(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_SECRET", raising=False)
    monkeypatch.delenv("DIAGNOSIS_AUTH", raising=False)
    monkeypatch.setenv("DIAGNOSIS_PASSWORD", "s3cret")


def test_sign_in_is_off_unless_diagnosis_auth_asks_for_a_password(monkeypatch):
    assert access.mode() is None
    monkeypatch.setenv("DIAGNOSIS_AUTH", "password")
    assert access.mode() == "password"
    monkeypatch.setenv("DIAGNOSIS_AUTH", "oidc")
    with pytest.raises(access.AuthMisconfigured, match="DIAGNOSIS_AUTH='oidc'"):
        access.mode()
    monkeypatch.setenv("DIAGNOSIS_AUTH", "password")
    monkeypatch.delenv("DIAGNOSIS_PASSWORD")
    with pytest.raises(access.AuthMisconfigured, match="needs DIAGNOSIS_PASSWORD"):
        access.mode()
    assert not access.password_ok("")  # no password set: nothing is right


def test_only_the_right_password_is_taken():
    assert access.password_ok("s3cret")
    assert not access.password_ok("s3cret ") and not access.password_ok("S3cret") and not access.password_ok("")


def test_a_pass_lasts_twelve_hours_and_ends_with_a_new_password(monkeypatch):
    issued = 1_800_000_000
    kept = access.session_pass(now=issued)
    assert access.pass_valid(kept, now=issued + 12 * 3600)
    assert not access.pass_valid(kept, now=issued + 12 * 3600 + 1)
    assert not access.pass_valid(kept, now=issued - 60)  # from the future: made up
    assert not access.pass_valid(kept.replace(str(issued), str(issued + 3600)), now=issued + 3600)
    assert not access.pass_valid(None) and not access.pass_valid("")
    monkeypatch.setenv("DIAGNOSIS_PASSWORD", "new")
    assert not access.pass_valid(kept, now=issued)


def test_after_five_wrong_passwords_each_try_waits_a_doubling_delay_and_the_right_one_clears_it():
    clock = Clock()
    throttle = access.Throttle(clock)
    assert [throttle.attempt("10.0.0.7", "guess") for _ in range(access.FREE_TRIES)] == [False] * 5
    assert throttle.attempt("10.0.0.7", "s3cret") == 1.0  # refused unchecked, even the right password
    assert throttle.attempt("10.0.0.8", "s3cret") is True  # another address is not held up
    clock.now += 1.0
    assert throttle.attempt("10.0.0.7", "guess") is False  # the 6th wrong try: now 2 s
    clock.now += 1.5
    assert throttle.attempt("10.0.0.7", "s3cret") == pytest.approx(0.5)
    clock.now += 0.5
    assert throttle.attempt("10.0.0.7", "guess") is False  # 7th: 4 s
    assert throttle.wait_s("10.0.0.7") == 4.0
    clock.now += 4.0
    assert throttle.attempt("10.0.0.7", "s3cret") is True
    assert throttle.wait_s("10.0.0.7") == 0.0
    assert [throttle.attempt("10.0.0.7", "guess") for _ in range(access.FREE_TRIES)] == [False] * 5  # counted afresh


def test_the_wait_is_capped():
    clock = Clock()
    throttle = access.Throttle(clock)
    for _ in range(access.FREE_TRIES + 30):
        throttle.attempt("a", "guess")
        clock.now += throttle.wait_s("a")
    throttle.attempt("a", "guess")
    assert throttle.wait_s("a") == access.MAX_WAIT_S
