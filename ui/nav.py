"""The app's pages and the sidebar that walks through them.

The sidebar shows the project title and its save state, the six steps with how many required
questions are answered, previous/next, History and Share, conflicts this session ran into,
the language and the participant's name (both kept by the browser, not the project). Guest links get their own one-page navigation.
"""

from __future__ import annotations

import streamlit as st

from diagnosis.i18n import tr
from diagnosis.questionnaire.rules import step_completeness
from ui import conflicts, signin, state
from ui.texts import ago, md, t

PROJECTS = "app_pages/projects.py"
HISTORY = "app_pages/history.py"
SHARE = "app_pages/share.py"
GUEST_PAGES = {"join": "app_pages/join.py", "suggest": "app_pages/suggest.py"}
REPORT = "app_pages/report.py"
# step kind -> page file; the order is the method's
STEPS = {
    "goals": "app_pages/goals.py",
    "data": "app_pages/data.py",
    "causes": "app_pages/causes.py",
    "solutions": "app_pages/solutions.py",
    "tracking": "app_pages/tracking.py",
    "evaluation": "app_pages/evaluation.py",
}


def step_title(kind: str, lang: str) -> str:
    op = state.get()
    if op is not None:
        return tr(op.questionnaire.step_of(kind).title, lang)
    return t("nav.step", lang, n=list(STEPS).index(kind) + 1)


def pages(lang: str) -> list[st.Page]:
    out = [st.Page(PROJECTS, title=t("nav.projects", lang), url_path="projects", default=True)]
    for kind, path in STEPS.items():
        out.append(st.Page(path, title=step_title(kind, lang), url_path=kind))
    out.append(st.Page(REPORT, title=t("nav.report", lang), url_path="report"))
    out.append(st.Page(HISTORY, title=t("nav.history", lang), url_path="history"))
    out.append(st.Page(SHARE, title=t("nav.share", lang), url_path="share"))
    return out


def guest_page(kind: str, lang: str) -> st.Page:
    """The only page a guest link's session can reach."""
    title = t("nav.join", lang) if kind == "join" else t("nav.suggest", lang)
    return st.Page(GUEST_PAGES[kind], title=title, url_path=kind, default=True)


def _go_lang(key: str) -> None:
    chosen = st.session_state.get(key)
    if chosen:
        state.set_lang(chosen)


def language_switch(lang: str, key: str, label_visibility: str = "visible") -> None:
    """中文 / English for this browser (the sidebar's, and the guest pages' own at their top)."""
    st.session_state[key] = lang
    st.segmented_control(t("sidebar.language", lang), options=["zh", "en"], format_func={"zh": "中文", "en": "English"}.get,
                         key=key, on_change=_go_lang, args=(key,), required=True, label_visibility=label_visibility)


def link(path: str, label: str, key: str, here: bool = False) -> None:
    """A link to one of the app's pages that also keeps what a text field still had unsaved.

    `st.page_link` was swallowed while a text field had focus: the click's blur saved the text
    and its rerun dropped the page change (issue 12 item 8). A button's click reaches the run
    together with the text (its `on_change` runs first), so one click saves and moves on.
    The page shown now is in bold."""
    text = md(label)
    if st.button(f"**{text}**" if here else text, key=key, type="tertiary"):
        st.switch_page(path)


def sidebar(current: st.Page) -> None:
    lang = state.lang()
    op = state.get()
    order = [PROJECTS, *STEPS.values(), REPORT]
    here = next((p for p in order if p.endswith(f"/{current.url_path}.py")), PROJECTS if not current.url_path else None)
    with st.sidebar:
        if op is None:
            st.markdown(f"**{t('sidebar.no_project', lang)}**")
        else:
            title = op.project.meta.title or str(op.project.answers.get("project_name") or "") or t("sidebar.untitled", lang)
            st.markdown(f"**{md(title)}**")
            st.caption(t("save.saved_ago", lang, ago=ago(op.saved, lang)))
        link(PROJECTS, t("nav.projects", lang), "sidebar.go.projects", here == PROJECTS)
        if op is not None:
            answers = op.project.answers
            for kind, path in STEPS.items():
                step = op.questionnaire.step_of(kind)
                done = step_completeness(step, answers, op.questionnaire)
                link(path, tr(step.title, lang), f"sidebar.go.{kind}", here == path)
                if done.total:
                    st.progress(done.ratio, text=t("sidebar.progress", lang, done=done.answered, total=done.total))
                else:  # a full bar would claim a step done that asks nothing required (step 3: the fishbone)
                    st.caption(t("sidebar.no_required", lang))
            link(REPORT, t("nav.report", lang), "sidebar.go.report", here == REPORT)
            if here is not None:  # previous / next walk the method's pages, not History or Share
                position = order.index(here)
                prev_col, next_col = st.columns(2)
                if position > 0:
                    with prev_col:
                        link(order[position - 1], t("sidebar.prev", lang), "sidebar.prev")
                if position < len(order) - 1:
                    with next_col:
                        link(order[position + 1], t("sidebar.next", lang), "sidebar.next")
            st.divider()
            link(HISTORY, t("nav.history", lang), "sidebar.go.history", current.url_path == "history")
            link(SHARE, t("nav.share", lang), "sidebar.go.share", current.url_path == "share")
            conflicts.draw_mine(lang)
        st.divider()
        language_switch(lang, "sidebar.lang")
        st.session_state["sidebar.author"] = state.author()
        st.text_input(t("sidebar.author", lang), key="sidebar.author", on_change=state.take_author, args=("sidebar.author",))
        state.keep_in_browser()
        if signin.active():
            st.button(t("sidebar.sign_out", lang), key="sidebar.sign_out", on_click=signin.sign_out)


def project_or_hint(lang: str) -> state.OpenProject | None:
    """The open project; without one, a hint that points to the Projects page."""
    op = state.get()
    if op is None:
        st.info(t("step.no_project", lang))
        st.page_link(PROJECTS, label=t("step.go_projects", lang))
    return op

