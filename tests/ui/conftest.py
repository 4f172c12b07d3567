"""AppTest runs of the whole app (from the entry point) against a store in a temporary folder."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")  # absolute: AppTest resolves relative paths against the test file
STEP_PAGES = ["app_pages/goals.py", "app_pages/data.py", "app_pages/causes.py", "app_pages/solutions.py", "app_pages/tracking.py", "app_pages/evaluation.py"]
ALL_PAGES = ["app_pages/projects.py", *STEP_PAGES, "app_pages/report.py"]
# how long one run of a page may take: a run is seconds when idle, but CI's two cores may be busy
# with another job (the report page draws charts and the fishbone); wait for the run, not a guess
PATIENCE = 180


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DIAGNOSIS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DIAGNOSIS_DATABASE_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    return AppTest.from_file(APP, default_timeout=PATIENCE)


@pytest.fixture
def store(data_dir):
    from diagnosis.store import Store

    return Store()


def open_demo(at: AppTest) -> AppTest:
    at.run()
    at.button(key="projects.demo").click().run()
    at.run()  # AppTest drops the sidebar of a run that switched pages; a browser does not
    assert not at.exception
    return at


def open_new(at: AppTest, title: str = "新项目") -> AppTest:
    at.run()
    at.text_input(key="projects.new_title").input(title).run()
    at.button(key="projects.create").click().run()
    at.run()  # AppTest drops the sidebar of a run that switched pages; a browser does not
    assert not at.exception
    return at


def open_id(at: AppTest) -> str:
    return at.session_state["state.open"].project.meta.id
