"""A `pages/` folder beside `app.py` keeps the dashboard closed (issue 19).

Streamlit serves such a folder as its older automatic navigation until `app.py` has run once, so
on a fresh server a first request to `/data` ran `pages/data.py` alone, past the sign-in gate.
`cxmetrics serve` (and `make run`) now refuses to start, and `app.py` shows nothing but why.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.core.access import pages_folder_problem
from cxmetrics.store.db import PROJECT_ROOT

TREE = ("app.py", "cxmetrics", "ui", "views", "sql", "sample_data", ".streamlit")


@pytest.fixture
def project_with_pages(tmp_path):
    """A copy of the project tree with a `pages/data.py` beside `app.py`."""
    root = tmp_path / "project"
    root.mkdir()
    for name in TREE:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, root / name)
    (root / "pages").mkdir()
    (root / "pages" / "data.py").write_text("import streamlit as st\nst.write('past the gate')\n")
    return root


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_check_names_the_folder_and_what_to_do(tmp_path):
    assert pages_folder_problem(tmp_path) is None
    (tmp_path / "pages").mkdir()
    problem = pages_folder_problem(tmp_path)
    assert "pages/" in problem and "views/" in problem and "\n" not in problem


def test_serve_refuses_to_start_with_one_line(project_with_pages, tmp_path):
    command = [sys.executable, "-m", "cxmetrics", "serve", "--db", str(tmp_path / "x.duckdb"),
               "--port", str(free_port())]
    try:
        done = subprocess.run(command, cwd=project_with_pages, capture_output=True, text=True, timeout=60,
                              env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(project_with_pages)})
    except subprocess.TimeoutExpired:
        pytest.fail("cxmetrics serve started Streamlit with a pages/ folder beside app.py")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "pages/" in lines[0] and "does not start" in lines[0]
    assert str(project_with_pages / "pages") in lines[0]


def test_app_shows_only_why_it_is_closed(project_with_pages, tmp_path, monkeypatch):
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "x.duckdb"))
    at = AppTest.from_file(str(project_with_pages / "app.py"), default_timeout=60).run()
    assert [e.value for e in at.error][0].startswith("The dashboard is closed: a folder named pages/")
    assert not at.metric and not at.exception
