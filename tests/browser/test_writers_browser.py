"""A command-line import while the dashboard runs, in a real `streamlit run` and headless Chromium.

The dashboard holds the database file only while a script run uses it, so an import from a
shell completes while a browser has the dashboard open; and a page opened while an import holds
the file says it is waiting, then shows the data once the import has committed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed", allow_module_level=True)

from cxmetrics.store.db import open_waiting

from .conftest import REPO_ROOT, streamlit_server

FIRST_LOAD_MS = 90_000
# A real command-line import that, inside its transaction, holds the file until the test closes its stdin
# (once the page has shown that it waits) before committing.
SLOW_IMPORT = r"""
import sys
from pathlib import Path
from cxmetrics import cli
from cxmetrics.store import contact_facts

marker = Path(sys.argv[1])
original = contact_facts.refresh_affected

def refresh_then_hold(con):
    original(con)
    marker.write_text("holding the database inside the import's transaction")
    sys.stdin.read()

contact_facts.refresh_affected = refresh_then_hold
sys.exit(cli.main(sys.argv[2:]))
"""


@pytest.fixture(scope="module")
def server(chromium_path, tmp_path_factory):
    """(base URL, database path) of a `streamlit run app.py` of this module only."""
    workdir = tmp_path_factory.mktemp("writers_app")
    with streamlit_server(workdir) as base:
        yield base, workdir / "cx.duckdb"


def contacts_file(directory: Path, name: str, prefix: str, rows: int) -> Path:
    path = directory / name
    with open(path, "w", encoding="utf-8") as out:
        out.write("contact_id,started_at,customer_id,channel,contact_reason\n")
        for i in range(rows):
            out.write(f"{prefix}{i},2024-05-{1 + i % 28:02d} 10:00,{prefix}cu{i % 50},phone,billing\n")
    return path


def cli_env(lock_wait: int = 60) -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO_ROOT), CXMETRICS_LOCK_WAIT=str(lock_wait))


def wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=FIRST_LOAD_MS,
    )


def history_shows(page, base: str, file_name: str) -> None:
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("tab", name="Import history").click()
    newest(page, file_name)


def newest(page, file_name: str) -> None:
    """The import history lists this file's import."""
    # The history table's newest row (its cells run together in the panel's text): import id, kind, file.
    expect(page.get_by_role("tabpanel", name="Import history")).to_contain_text(
        re.compile(rf"\d+contacts{re.escape(file_name)}"), timeout=30_000)


def test_a_command_line_import_completes_while_the_dashboard_is_open(server, new_page, tmp_path):
    base, db = server
    page = new_page()
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_idle(page)
    source = contacts_file(tmp_path, "while_open.csv", "wo", 500)
    # Its lock wait is short: had the open dashboard kept the file, the command would give up (exit 2)
    # instead of loading. It releases the file REAP_SECONDS (0.2 s) after its runs end.
    done = subprocess.run([sys.executable, "-m", "cxmetrics", "import", "contacts", str(source), "--db", str(db)],
                          cwd=tmp_path, env=cli_env(lock_wait=20), capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    history_shows(page, base, "while_open.csv")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_a_page_opened_during_a_command_line_import_waits_then_shows_it(server, new_page, tmp_path):
    base, db = server
    warm = new_page()  # the first launch (sample data) is done before the import starts
    warm.goto(base + "/")
    expect(warm.get_by_role("heading", name="How are we doing?")).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_idle(warm)
    source = contacts_file(tmp_path, "slow_import.csv", "si", 2000)
    marker = tmp_path / "holding"
    child = subprocess.Popen(
        [sys.executable, "-c", SLOW_IMPORT, str(marker), "import", "contacts", str(source), "--db", str(db)],
        cwd=tmp_path, env=cli_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, child.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        page = new_page()
        page.goto(base + "/data")
        expect(page.get_by_text("Waiting for the database")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("another cxmetrics command")).to_be_visible()
        out, err = child.communicate("", timeout=120)  # closes its stdin: the import commits and ends
        assert (child.returncode, err) == (0, ""), err
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    expect(page.get_by_text("Waiting for the database")).to_have_count(0, timeout=30_000)
    page.get_by_role("tab", name="Import history").click()
    newest(page, "slow_import.csv")
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def stage_upload(page, base: str, source: Path) -> None:
    """Open the Data page, choose contacts, upload `source` and wait for its Load button."""
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("combobox", name="What the file holds").click()
    page.get_by_role("option", name="contacts", exact=True).click()
    # The kind's rerun draws the uploader anew: a file given to the old one (under load) is lost. Its
    # caption says the rerun has drawn the contacts page.
    expect(page.get_by_text("One row per contact with the organisation")).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_idle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(source))
    expect(page.get_by_role("button", name=re.compile(r"^Load [\d,]+ rows? into contacts$"))).to_be_visible(
        timeout=FIRST_LOAD_MS)
    wait_idle(page)


def test_two_browser_sessions_loading_at_once_queue_and_load_each_id_once(server, new_page, tmp_path):
    base, db = server
    # Two analysts' files with the same contact ids (different content, so neither is "already imported").
    first = contacts_file(tmp_path, "session_one.csv", "both", 20_000)
    second = tmp_path / "session_two.csv"
    second.write_text(first.read_text("utf-8").replace(",phone,", ",chat,"), "utf-8")
    one, two = new_page(), new_page()
    stage_upload(one, base, first)
    stage_upload(two, base, second)

    # Both press Load together: one writes; the other either waits for the write slot and then finds
    # every id taken, or (when the first load committed before its rerun re-checked the file) is told
    # by the check that no row could load. Either way a clear sentence, never a lock error.
    one.get_by_role("button", name=re.compile(r"^Load .* into contacts$")).click()
    two.get_by_role("button", name=re.compile(r"^Load .* into contacts$")).click()
    outcomes = []
    for page in (one, two):
        loaded = page.get_by_text(re.compile(r"^Loaded 20,000 rows into contacts from session_"))
        refused = page.get_by_text("Nothing was loaded: all 20,000 rows are rejected.").or_(
            page.get_by_text(re.compile(r"^No row could be loaded: every row is rejected")))
        expect(loaded.or_(refused)).to_be_visible(timeout=FIRST_LOAD_MS)
        outcomes.append("loaded" if loaded.count() else "refused")
        expect(page.locator('[data-testid="stException"]')).to_have_count(0)
        assert "lock" not in page.locator('[data-testid="stMain"]').inner_text().lower()
    assert sorted(outcomes) == ["loaded", "refused"]

    with open_waiting(db, read_only=True, wait=30) as con:  # the server lets go of the file between runs
        counts = con.execute("SELECT count(*), count(DISTINCT contact_id) FROM contacts "
                             "WHERE contact_id LIKE 'both%'").fetchall()[0]
    assert counts == (20_000, 20_000)
