"""The dashboard served by a real `streamlit run app.py` on a free loopback port, over a database of
the caller's choosing: shared by the browser tests (tests/browser/conftest.py) and the concurrent
sessions benchmark (benchmarks/sessions.py), so both test the server a user would start."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 60
LOG_TAIL_CHARS = 3000


class ServerDidNotStart(RuntimeError):
    """The server exited, or never answered its health check; the message holds the command and its log."""


@dataclass(frozen=True)
class Server:
    """A running server: its base URL (no trailing slash), its process id and where it logs."""

    url: str
    pid: int
    log: Path


def free_port() -> int:
    """Return a loopback TCP port nothing listens on (the OS picks it)."""
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


@contextmanager
def streamlit_run(database: Path, workdir: Path, extra_env: dict[str, str] | None = None):
    """Yield a `Server` running `streamlit run app.py` over `database` (CXMETRICS_DB, unless
    `extra_env` names another), logging to `workdir/streamlit.log`; stop it afterwards.

    Raises ServerDidNotStart when it exits or is not healthy within STARTUP_SECONDS."""
    port = free_port()
    env = dict(os.environ)
    env["CXMETRICS_DB"] = str(database)
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
    log_path = Path(workdir) / "streamlit.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while _health(f"{base}/_stcore/health") != "ok":
            if process.poll() is not None:
                raise ServerDidNotStart(f"exited with code {process.returncode}")
            if time.monotonic() > deadline:
                raise ServerDidNotStart(f"/_stcore/health did not answer 'ok' within {STARTUP_SECONDS} s")
            time.sleep(0.25)
    except ServerDidNotStart as problem:
        _stop(process)
        log.close()
        tail = log_path.read_text("utf-8", "replace")[-LOG_TAIL_CHARS:]
        raise ServerDidNotStart(
            f"streamlit server on port {port} {problem}:\n{' '.join(command)}\n--- log ---\n{tail}"
        ) from None
    try:
        yield Server(base, process.pid, log_path)
    finally:
        _stop(process)
        log.close()
