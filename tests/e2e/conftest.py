"""The real app on a free local port, and Debian's headless Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

# E2E_PATIENCE multiplies every wait (2 on a machine busier than CI, 0.5 to find slow steps quickly)
PATIENCE = float(os.environ.get("E2E_PATIENCE", "1"))
# how long one step (a rerun, a redraw, another tab's poll) may take on a busy 2-core CI machine
PATIENCE_MS = int(60_000 * PATIENCE)


def _expect_patiently() -> None:
    """`expect(...)` waits as long as a page action (Playwright's own default is 5 s, too short on a busy machine)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=PATIENCE_MS)


_expect_patiently()

SCREENSHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# tall: Streamlit scrolls inside its own container, so a screenshot shows only the viewport
VIEWPORT = {"width": 1400, "height": 2400}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(data: Path, database_url: str | None = None, **extra_env: str):
    """`streamlit run` on a free port with its store in `data` (or on `database_url`); yields the base URL."""
    port = _free_port()
    # PYTHONPATH: the server runs this checkout's code, whatever the venv has installed
    env = {**os.environ, "DIAGNOSIS_DATA_DIR": str(data), "PYTHONPATH": str(ROOT), **extra_env}
    env.pop("DIAGNOSIS_DATABASE_URL", None)
    if database_url:
        env["DIAGNOSIS_DATABASE_URL"] = database_url
    log_path = data / "streamlit.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30 * PATIENCE
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("streamlit did not start:\n" + log_path.read_text(errors="replace"))
                time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def eventually(check, seconds: float | None = None, what: str = "not stored in time") -> None:
    """Wait until `check()` holds (the store or a cookie has the value): as long as a page action
    (PATIENCE_MS) unless `seconds` x E2E_PATIENCE is given; a rerun on a busy 2-core machine can take 10 s."""
    deadline = time.monotonic() + (PATIENCE_MS / 1000 if seconds is None else seconds * PATIENCE)
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


# --- what several test modules use to drive and read the app ------------------------------------

IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def idle(page) -> None:
    """The app's run is over and drawn. After an input, wait first for what it means (the stored
    value, a specific element): a rerun that has not started yet looks idle too."""
    page.wait_for_selector(IDLE)
    # after a page load the elements arrive as skeletons first
    page.wait_for_function("!document.querySelector('[data-testid=\"stSkeleton\"]')")


def widget(page, key: str):
    # Streamlit marks keyed widgets with the class st-key-<key, dots as dashes>
    return page.locator(f'.st-key-{key.replace(".", "-")}')


def new_project(page, url: str, title: str) -> str:
    """Create a project titled `title` from the Projects page; its id (the page is then on step 1)."""
    page.goto(url)
    idle(page)
    widget(page, "projects.new_title").locator("input").fill(title)
    page.keyboard.press("Tab")
    idle(page)
    page.get_by_role("button", name="创建项目").click()
    page.wait_for_url("**/goals?project=*")
    idle(page)
    return page.url.split("project=")[1]


def store(data_dir):
    from diagnosis.store import Store

    return Store(f"sqlite:///{data_dir / 'diagnosis.sqlite'}")


def stored(data_dir, project_id: str):
    return store(data_dir).load(project_id).project


@pytest.fixture(scope="session")
def app_data(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e-data")


@pytest.fixture(scope="session")
def app_url(app_data):
    with running_app(app_data) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A fresh browser session (its own context: no shared storage) per call."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PATIENCE_MS)
        return page

    yield make
    for context in contexts:
        context.close()
