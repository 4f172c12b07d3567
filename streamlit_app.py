"""The browser app: a guided six-step process diagnosis (./dev run, http://localhost:8501).

Builds the navigation over `app_pages/`, opens the project the URL names (`?project=<id>`)
and draws the sidebar; each page draws itself. A guest link (`?join=<token>` for
participants, `?suggest=<token>` for the anonymous suggestion form) gets one page and no
sidebar, for the whole session. Every page gets Streamlit's own words in its language (`ui.chrome`). With `DIAGNOSIS_AUTH` set, everything else waits for the
facilitator's sign-in (`ui.signin.gate`). (Not `pages/`: Streamlit serves the first request after a
server start from a `pages/` folder as a legacy multipage app, bypassing this file.)
"""

import streamlit as st

from ui import chrome, nav, signin, state
from ui.texts import t

st.set_page_config(page_title=t("app.title", state.lang()), layout="wide")
chrome.draw(state.lang())  # Streamlit's own words in the page's language, on every page
guest = state.guest()
if guest is not None:
    state.keep_in_browser()
    st.navigation([nav.guest_page(guest[0], state.lang())], position="hidden").run()
    st.stop()
if not signin.gate():
    st.stop()
state.sync()
lang = state.lang()
page = st.navigation(nav.pages(lang), position="hidden")
nav.sidebar(page)
state.watch()
page.run()
