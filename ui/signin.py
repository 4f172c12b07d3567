"""The facilitator's sign-in gate (`diagnosis.access`): off unless `DIAGNOSIS_AUTH` is set.

`gate()` runs before any page of the full app: with sign-in on and this session not signed in,
the only page is the password form (whatever the URL names: `?project=`, `/share` ...), so a guest
who opens the bare address in a new tab sees the form, never the project list. A right password
signs the session in and the browser keeps a signed pass for the browser session (a cookie
without max-age), so a reload or a new tab stays signed in; "Sign out" in the sidebar ends both.
"""

from __future__ import annotations

import math

import streamlit as st

from diagnosis import access
from diagnosis.i18n import pick
from ui import browser, state
from ui.texts import refusal

COOKIE = "diagnosis_signin"
SIGNED_IN = "signin.ok"
PASS = "signin.pass"  # the pass this session holds ("" after signing out)


def _signed_in() -> bool:
    if SIGNED_IN not in st.session_state:
        kept = browser.cookie(COOKIE)
        st.session_state[SIGNED_IN] = access.pass_valid(kept)
        if st.session_state[SIGNED_IN]:
            st.session_state[PASS] = kept
    return bool(st.session_state[SIGNED_IN])


def _keep() -> None:
    if PASS in st.session_state:
        value = st.session_state[PASS]
        browser.keep("signin", {COOKIE: value}, max_age=None if value else 0)  # 0 deletes it


def _client() -> str:
    """The address the wrong tries are counted by (one shared entry when Streamlit does not know it)."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 -- no request context (bare mode): one entry for all
        address = None
    return address if isinstance(address, str) and address else "?"


def _check() -> None:
    result = access.THROTTLE.attempt(_client(), st.session_state.get("signin.password", ""))
    st.session_state.pop("signin.wait", None)
    if result is True:
        st.session_state[SIGNED_IN] = True
        st.session_state[PASS] = access.session_pass()
        st.session_state.pop("signin.wrong", None)
    elif result is False:
        st.session_state["signin.wrong"] = True
    else:
        st.session_state["signin.wait"] = math.ceil(result)
    st.session_state["signin.password"] = ""


def sign_out() -> None:
    st.session_state[SIGNED_IN] = False
    st.session_state[PASS] = ""
    state.close()


def _form() -> None:
    lang = state.lang()
    st.title(pick(lang, "主持人登录", "Facilitator sign-in"))
    st.caption(pick(lang, "此应用需要登录。参与者请使用主持人发给您的链接。",
                    "This app asks for a sign-in. Participants: please use the link the facilitator gave you."))
    wait = st.session_state.get("signin.wait")
    if wait:
        st.error(pick(lang, f"错误次数过多：请 {wait} 秒后再试（这次输入的密码未被检查）。",
                      f"Too many wrong passwords: please try again in {wait} s (this password was not checked)."))
    elif st.session_state.get("signin.wrong"):
        st.error(pick(lang, "密码不正确，请重试。", "Wrong password, please try again."))
    with st.form("signin.form"):
        st.text_input(pick(lang, "密码", "Password"), type="password", key="signin.password")
        st.form_submit_button(pick(lang, "登录", "Sign in"), on_click=_check)


def gate() -> bool:
    """True when the full app may be drawn; otherwise this run drew the sign-in form (or what is wrong)."""
    try:
        if access.mode() is None:
            return True
    except access.AuthMisconfigured as exc:
        st.error(pick(state.lang(), "登录设置有误：", "The sign-in is not set up right: ") + refusal(exc, state.lang()))
        return False
    if _signed_in():
        _keep()
        return True
    _keep()
    st.navigation([st.Page(_form, title=pick(state.lang(), "登录", "Sign in"), url_path="signin", default=True)], position="hidden").run()
    return False


def active() -> bool:
    """Whether this session is signed in under a sign-in (for the sidebar's Sign out)."""
    return bool(st.session_state.get(SIGNED_IN))
