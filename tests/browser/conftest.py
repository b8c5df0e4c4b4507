"""Fixtures for the browser tests: the dashboard served by a real `streamlit run`, and headless Chromium.

The server (benchmarks/streamlit_server.py, shared with the sessions benchmark) runs on a free
loopback port over a database file of its own (the app loads the bundled sample data into it on
first connection), so the project's data/cx.duckdb is never touched. Chromium is Debian's /usr/bin/chromium driven by the `playwright` package; browsers
are never downloaded (`playwright install` is not used). Without Chromium or playwright the
browser tests are skipped, except under CI (the CI variable set), where they fail: CI must have them.
"""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.streamlit_server import REPO_ROOT, ServerDidNotStart, streamlit_run
from cxmetrics.store import workspaces

SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    """Fail under CI (the browser tests must run there), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run in CI)", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = _chromium()
    if not path:
        _unavailable("Chromium not found (/usr/bin/chromium or `chromium` on PATH); on Debian: apt-get install chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    return path


# The session's first-launch store (tests/conftest.py's sample_template), once the session knows it.
_SAMPLE_TEMPLATE: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def _first_launch_template(sample_template):
    _SAMPLE_TEMPLATE[:] = [sample_template]


@contextmanager
def streamlit_server(workdir: Path, extra_env: dict[str, str] | None = None, sample_from_template: bool = True):
    """Yield the base URL (no trailing slash) of `streamlit run app.py` on a free loopback port,
    over the database `workdir/cx.duckdb` unless `extra_env` names another; stop it afterwards.

    When that database is not there yet (a fresh clone: the first page opens the sample workspace),
    the sample workspace beside it starts as a copy of the session's first-launch store, so the server
    does not load the sample and build its rollups again (seconds each time); `sample_from_template=False`
    leaves the first launch to the app, for a test of that first launch itself."""
    database = Path((extra_env or {}).get("CXMETRICS_DB") or workdir / "cx.duckdb")
    sample = database.parent / f"{workspaces.SAMPLE}{workspaces.SUFFIX}"
    if sample_from_template and _SAMPLE_TEMPLATE and not database.exists() and not sample.exists():
        shutil.copyfile(_SAMPLE_TEMPLATE[0], sample)
    with ExitStack() as stack:
        try:
            server = stack.enter_context(streamlit_run(workdir / "cx.duckdb", workdir, extra_env))
        except ServerDidNotStart as problem:
            pytest.fail(str(problem), pytrace=False)
        yield server.url


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory) -> str:
    """Base URL (no trailing slash) of the dashboard over a temporary database, for the whole session
    (under pytest-xdist: one per worker, each on its own free port and folder)."""
    with streamlit_server(tmp_path_factory.mktemp("browser_app")) as base:
        yield base


@pytest.fixture(scope="session")
def playwright_driver(chromium_path):
    """The worker's one Playwright driver (a second sync_playwright() in the same thread is refused)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver, chromium_path):
    """Chromium for the tests that make contexts of their own (another viewport, HTTPS errors allowed)."""
    launched = playwright_driver.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def browsing_profile(playwright_driver, chromium_path, tmp_path_factory):
    """One Chromium profile on disk for the worker's pages (new_page, page).

    Why on disk: a fresh context is an incognito profile, where Chromium keeps no compiled code, so
    every page compiled Streamlit's front end again. In a profile on disk, V8's code cache holds it
    after the first pages: six loads of the Overview and the Data page took 25 s of Chromium's CPU
    against 36 s in fresh contexts (about 30 % less, measured one after the other), and the browser
    tests are mostly Chromium's CPU. Each test still starts with no cookies and no site storage
    (new_page clears them, through the profile's first tab, which no test uses or closes)."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path, args=CHROMIUM_ARGS,
        headless=True, viewport=VIEWPORT, accept_downloads=True,
    )
    context.set_default_timeout(30_000)
    if not context.pages:
        context.new_page()
    yield context
    context.close()


@pytest.fixture
def new_page(browsing_profile):
    """new_page() -> a page at 1366×768 (a fresh Streamlit session: its own tab); closed after the
    test, which leaves no cookie or site storage behind for the next."""
    pages = []

    def _new():
        opened = browsing_profile.new_page()
        pages.append(opened)
        return opened

    yield _new
    origins = {origin for opened in pages if (origin := _origin(opened.url))}
    for opened in pages:
        opened.close()
    browsing_profile.clear_cookies()
    if origins:
        session = browsing_profile.new_cdp_session(browsing_profile.pages[0])
        for origin in origins:  # everything a site keeps but the HTTP cache and compiled code
            session.send("Storage.clearDataForOrigin", {
                "origin": origin,
                "storageTypes": "local_storage,session_storage,indexeddb,websql,service_workers,cache_storage",
            })
        session.detach()


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
