"""Fixtures for the browser tests: the dashboard served by a real `streamlit run`, and headless Chromium.

The server runs on a free loopback port over a database file of its own (the app loads the
bundled sample data into it on first connection), so the project's data/cx.duckdb is never
touched. Chromium is Debian's /usr/bin/chromium driven by the `playwright` package; browsers
are never downloaded (`playwright install` is not used). Without Chromium or playwright the
browser tests are skipped, except under CI (the CI variable set), where they fail: CI must have them.
"""

from __future__ import annotations

import os
import signal
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
STARTUP_SECONDS = 60
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


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8", "replace").strip()
    except (urllib.error.URLError, OSError):
        return None


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server and everything it started (it leads its own process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


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


@contextmanager
def streamlit_server(workdir: Path, extra_env: dict[str, str] | None = None):
    """Yield the base URL (no trailing slash) of `streamlit run app.py` on a free loopback port,
    over the database `workdir/cx.duckdb` unless `extra_env` names another; stop it afterwards."""
    port = _free_port()
    env = dict(os.environ)
    env["CXMETRICS_DB"] = str(workdir / "cx.duckdb")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra_env or {})
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    log_path = workdir / "streamlit.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while _health(f"{base}/_stcore/health") != "ok":
            if process.poll() is not None:
                raise RuntimeError(f"exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"/_stcore/health did not answer 'ok' within {STARTUP_SECONDS} s")
            time.sleep(0.25)
    except RuntimeError as problem:
        _stop(process)
        log.close()
        tail = log_path.read_text("utf-8", "replace")[-3000:]
        pytest.fail(f"streamlit server on port {port} {problem}:\n{' '.join(command)}\n--- log ---\n{tail}",
                    pytrace=False)
    try:
        yield base
    finally:
        _stop(process)
        log.close()


@pytest.fixture(scope="session")
def app_url(chromium_path, tmp_path_factory) -> str:
    """Base URL (no trailing slash) of the dashboard over a temporary database, for the whole session."""
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
