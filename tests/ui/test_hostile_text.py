"""User text shown in the app is data: markdown in it does not become links, images
(fetched from the internet), icons or colours."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from tests.ui.conftest import PATIENCE

HOSTILE = "![x](http://evil.invalid/x.png) [click](http://evil.invalid) :material/home: :red[alarm] **bold**"


def hostile_editor(kind: str) -> None:
    from diagnosis import catalog
    from diagnosis.demo import demo_project
    from ui.context import StepContext
    from ui.editors import draw_editor

    hostile = "![x](http://evil.invalid/x.png) [click](http://evil.invalid) :material/home: :red[alarm] **bold**"
    project = demo_project("en")
    project.measures[0].title = hostile
    project.measures[0].owner = hostile
    project.fishbone.causes[0].text = hostile
    # a cause the Pareto leaves out (no value) and a root cause no measure answers
    next(c for c in project.fishbone.causes if c.value is None and not c.children).text = hostile + " (left out)"
    project.measures[0].root_cause = None
    for row in project.answers["metrics"]:
        row["name"] = hostile + " " + str(row.get("definition"))
    ctx = StepContext(project=project, questionnaire=catalog.get(project.questionnaire.id).questionnaire, lang="en",
                      save=lambda description: None, author=hostile)
    draw_editor(kind, ctx)


@pytest.mark.parametrize("kind", ["solutions", "causes", "evaluation"])
def test_markdown_in_user_text_is_shown_literally(kind):
    at = AppTest.from_function(hostile_editor, args=(kind,), default_timeout=PATIENCE).run()
    assert not at.exception
    shown: list[str] = []
    for view in ["causes", "diagram", "voting", "pareto", "confirm"] if kind == "causes" else [None]:  # step 3 shows one view at a time
        if view is not None:
            at.segmented_control(key="causes.view").set_value(view).run()
            assert not at.exception
        shown += ([e.value for e in [*at.markdown, *at.caption, *at.warning, *at.error, *at.info, *at.success]]
                  + [e.label for e in [*at.expander, *at.button]])
    hostile = [text for text in shown if "evil" in text]
    assert hostile, "the hostile text should be on the page"
    for text in hostile:
        # every markdown character of the user's text arrives escaped
        assert not re.search(r"(?<!\\)\]\(http", text)
        assert not re.search(r"(?<!\\):material/", text) and not re.search(r"(?<!\\):red\[", text)
        assert not re.search(r"(?<!\\)!\[", text)


def test_fields_of_the_apps_own_messages_are_made_literal():
    from ui.texts import t

    # a `?project=` link or a stored title inside the app's own warning stays text
    shown = t("projects.not_found", "en", id="[Sign in again](http://evil.invalid/login)")
    assert "\\[Sign in again\\]\\(http" in shown and not re.search(r"(?<!\\)\]\(http", shown)
    assert t("projects.confirm_delete", "zh", title="![x](http://evil.invalid/a.png)").count("\\!\\[x\\]") == 1
