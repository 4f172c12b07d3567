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
PHONE = {"width": 390, "height": 844}  # a participant's phone in the room
KEY_DELAY_MS = 40  # a quick typist: every key of a value typed at a person's speed
KEY_HOLD_MS = 100  # how long a person holds a key down: Tab then Enter are 0.1 s apart


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


def shows(page, title: str) -> None:
    """The page is drawn with this title (an h1) and its run is over."""
    from playwright.sync_api import expect

    expect(page.locator("h1").first).to_have_text(title)
    idle(page)


def switch_language(page, button: str, title: str) -> None:
    """The sidebar's language switch ("中文" / "English"); the page is redrawn under `title`."""
    widget(page, "sidebar.lang").get_by_text(button, exact=True).click()
    shows(page, title)


def table(page, key: str):
    """A table question's editor (`goals.metrics`): its key carries a version (`goals.metrics.v3`)."""
    return page.locator(f'[class*="st-key-{key.replace(".", "-")}-v"] [data-testid="stDataFrame"]')


def cell(page, key: str, column: int, row: int = 0):
    """A cell as the grid's accessible table shows it; column 0 is the row marker, 1 the first column."""
    return table(page, key).get_by_test_id(f"glide-cell-{column}-{row}")


def cell_editor(page):
    """The editor a grid opens over a cell (an input in the page's portal)."""
    return page.locator("#portal input, #portal textarea").first


def selected_cell(page, key: str) -> tuple[int, int] | None:
    """(column, row) of the grid's selected cell, None when none is."""
    found = table(page, key).locator('[role="gridcell"][aria-selected="true"]')
    if found.count() != 1:
        return None
    column, row = (found.first.get_attribute("id") or "").split("-")[2:4]
    return int(column), int(row)


def select_cell(page, key: str, column: int, row: int = 0) -> None:
    """Select a cell as a person does: a click on its row's first cell, then arrow keys until the
    grid shows it selected (a key pressed while another tab's save redraws the grid can be lost: the
    person looks and presses again)."""
    deadline = time.monotonic() + PATIENCE_MS / 1000
    while True:
        while table(page, key).count() != 1:  # an old grid and its replacement while a rerun draws
            assert time.monotonic() < deadline, f"{key} not drawn once"
            time.sleep(0.05)
        box = table(page, key).bounding_box()
        page.mouse.click(box["x"] + 40, box["y"] + 35 + 17 + 35 * row)  # under the 35 px header, rows 35 px
        clicked = time.monotonic() + 2 * PATIENCE  # the row's first cell shows selected (not the cell selected before)
        while selected_cell(page, key) != (1, row) and time.monotonic() < clicked:
            time.sleep(0.05)
        for _ in range(20):
            at = selected_cell(page, key)
            if at == (column, row):
                return
            if at is not None:
                page.keyboard.press("ArrowRight" if at[0] < column else "ArrowLeft" if at[0] > column else
                                    "ArrowDown" if at[1] < row else "ArrowUp")
                moved = time.monotonic() + 2 * PATIENCE  # the next key only once this one has shown
                while selected_cell(page, key) == at and time.monotonic() < moved:
                    time.sleep(0.05)
            else:
                time.sleep(0.1)
        selected = [e.get_attribute("id") for e in table(page, key).locator('[aria-selected="true"]').all()]
        assert time.monotonic() < deadline, f"cell {column},{row} of {key} not selected: {selected}"


def open_cell(page, key: str, column: int, row: int = 0) -> None:
    """Select a cell, then Enter opens its editor (what the cell's text is typed into), its text selected."""
    from playwright.sync_api import expect

    for attempt in range(5):  # a grid redrawn (another tab's change) between the selection and Enter: again
        select_cell(page, key, column, row)
        page.keyboard.press("Enter")
        try:
            expect(cell_editor(page)).to_be_focused(timeout=5_000 * PATIENCE)
            break
        except AssertionError:
            if attempt == 4:
                raise
    page.keyboard.press("Control+A")


def double_click(page, x: float, y: float) -> None:
    """A person's double click: each press held 60 ms, 90 ms between them. (Playwright's dblclick sends
    all four mouse events at once, faster than any hand: the grid's focus for the first click then
    lands after the editor the second one opened, and takes the keyboard from it.)"""
    page.mouse.move(x, y)
    for count in (1, 2):
        if count == 2:
            page.wait_for_timeout(90)
        page.mouse.down(click_count=count)
        page.wait_for_timeout(60)
        page.mouse.up(click_count=count)


def slow_computer(page, rate: int = 4) -> None:
    """Run the page's scripts `rate` times slower (DevTools' CPU throttling, as on a slow laptop or a
    machine busy drawing): the grid takes longer than a person's keystroke to draw a finished edit."""
    page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


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

    def make(viewport: dict = VIEWPORT):
        context = browser.new_context(viewport=viewport, accept_downloads=True, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(PATIENCE_MS)
        return page

    yield make
    for context in contexts:
        context.close()
