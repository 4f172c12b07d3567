"""The facilitator sign-in (DIAGNOSIS_AUTH) in AppTest: nothing of the app before the right password."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from diagnosis import access, sharing
from tests.ui.conftest import APP, PATIENCE
from tests.conftest import Clock
from tests.ui.conftest import Browser

PASSWORD = "工作坊-2025-secret"


@pytest.fixture
def signin_on(data_dir, store, monkeypatch):
    from diagnosis.demo import demo_project

    store.save(demo_project("zh"), "王经理", "demo")
    monkeypatch.setattr(access, "THROTTLE", access.Throttle(Clock()))  # wrong tries of other tests do not count
    monkeypatch.setenv("DIAGNOSIS_AUTH", "password")
    monkeypatch.setenv("DIAGNOSIS_PASSWORD", PASSWORD)


def _shown(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [e.value for e in at.error] + [b.label for b in at.button]
    return "\n".join(parts)


def _sign_in(at: AppTest, password: str) -> AppTest:
    at.text_input(key="signin.password").input(password)
    next(b for b in at.button if b.label in ("登录", "Sign in")).click().run()
    assert not at.exception
    return at


def _project_list_shown(at: AppTest) -> bool:
    return "projects.demo" in {b.key for b in at.button}


def test_with_sign_in_on_the_project_list_shows_only_after_the_right_password(signin_on, store):
    at = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    assert not at.exception
    assert not _project_list_shown(at) and "主持人登录" in _shown(at)
    assert store.load("demo").project.meta.title not in _shown(at)
    _sign_in(at, "wrong password")
    assert "密码不正确" in at.error[0].value
    assert not _project_list_shown(at)
    _sign_in(at, PASSWORD)
    assert not at.error
    at.run()
    assert _project_list_shown(at)


def test_a_project_named_in_the_url_does_not_open_before_the_sign_in(signin_on, store):
    at = AppTest.from_file(APP, default_timeout=PATIENCE)
    at.query_params["project"] = "demo"
    at.run()
    assert "state.open" not in at.session_state
    assert store.load("demo").project.fishbone.causes[0].text not in _shown(at)
    _sign_in(at, PASSWORD)
    at.run()
    assert at.session_state["state.open"].project.meta.id == "demo"


def test_a_guest_link_opens_without_sign_in_but_the_bare_address_asks_for_it(signin_on, store, monkeypatch):
    token, _ = sharing.create_link(store, "demo", "participant")
    guest = Browser()
    page = guest.visit(monkeypatch, token)
    assert store.load("demo").project.fishbone.causes[0].text in _shown(page)
    bare = AppTest.from_file(APP, default_timeout=PATIENCE).run()  # the same person, a new tab without the link
    assert not _project_list_shown(bare) and "主持人登录" in _shown(bare)


def test_a_sign_in_lasts_the_browser_session_and_a_made_up_pass_is_refused(signin_on, monkeypatch):
    from ui import browser as browser_module

    facilitator = Browser()
    monkeypatch.setattr(browser_module, "_jar", lambda: facilitator.cookies)
    at = _sign_in(AppTest.from_file(APP, default_timeout=PATIENCE).run(), PASSWORD)
    at.run()
    facilitator.keep(at)
    assert facilitator.cookies.get("diagnosis_signin")
    again = AppTest.from_file(APP, default_timeout=PATIENCE).run()  # a new tab of the same browser
    assert _project_list_shown(again)
    forged = Browser()
    forged.cookies["diagnosis_signin"] = "9999999999~" + "0" * 64
    monkeypatch.setattr(browser_module, "_jar", lambda: forged.cookies)
    assert not _project_list_shown(AppTest.from_file(APP, default_timeout=PATIENCE).run())
    monkeypatch.setenv("DIAGNOSIS_PASSWORD", "a new password")  # a new password signs everyone out
    monkeypatch.setattr(browser_module, "_jar", lambda: facilitator.cookies)
    assert not _project_list_shown(AppTest.from_file(APP, default_timeout=PATIENCE).run())


def test_sign_in_asked_for_without_a_password_shows_what_is_wrong_and_nothing_else(signin_on, monkeypatch):
    monkeypatch.delenv("DIAGNOSIS_PASSWORD")
    at = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    assert not at.exception
    # the message is made literal for markdown (backslashes before _ and ')
    assert "DIAGNOSIS_PASSWORD" in at.error[0].value.replace("\\", "") and not _project_list_shown(at)
    monkeypatch.setenv("DIAGNOSIS_AUTH", "ldap")
    at = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    assert "DIAGNOSIS_AUTH='ldap'" in at.error[0].value.replace("\\", "") and not _project_list_shown(at)


def test_without_sign_in_the_project_list_shows_at_once(data_dir, monkeypatch):
    monkeypatch.delenv("DIAGNOSIS_AUTH", raising=False)
    at = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    assert _project_list_shown(at)


def test_after_five_wrong_passwords_the_form_says_how_long_to_wait_and_a_new_tab_does_not_reset_it(signin_on):
    at = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    for _ in range(access.FREE_TRIES):
        _sign_in(at, "guess")
        assert "密码不正确" in at.error[0].value
    _sign_in(at, PASSWORD)  # within the wait: not even checked
    assert "请 1 秒后再试" in at.error[0].value and not _project_list_shown(at)
    other_tab = AppTest.from_file(APP, default_timeout=PATIENCE).run()
    other_tab.session_state["state.lang"] = "en"
    _sign_in(other_tab.run(), PASSWORD)
    assert "try again in 1 s" in other_tab.error[0].value
    access.THROTTLE._clock.now += 1
    _sign_in(other_tab, PASSWORD)
    assert not other_tab.error
    other_tab.run()
    assert _project_list_shown(other_tab)
