"""The browser app: a guided six-step process diagnosis (./dev run, http://localhost:8501).

Builds the navigation over `app_pages/`, opens the project the URL names (`?project=<id>`)
and draws the sidebar; each page draws itself. (Not `pages/`: Streamlit serves the first
request after a server start from a `pages/` folder as a legacy multipage app, bypassing
this file.)
"""

import streamlit as st

from ui import nav, state
from ui.texts import t

st.set_page_config(page_title=t("app.title", state.lang()), layout="wide")
state.sync()
lang = state.lang()
page = st.navigation(nav.pages(lang), position="hidden")
nav.sidebar(page)
page.run()
