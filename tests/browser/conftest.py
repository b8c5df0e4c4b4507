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

import pytest

from benchmarks.streamlit_server import REPO_ROOT, ServerDidNotStart, streamlit_run
from cxmetrics import workspaces

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
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser):
    """new_page() -> a page at 1366×768 in a fresh context (a fresh Streamlit session); all closed after the test."""
    contexts = []

    def _new():
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield _new
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
