"""A process killed (SIGKILL, no cleanup) in the middle of an import leaves a database that opens,
holds none of that import, and takes the same file again in full.

The import runs in a child process through the command line's own code (`cli.main`). To kill it
at a known point, the child replaces `contact_facts.refresh_affected`, which the importer calls
inside its transaction after the rows are inserted, with a version that signals and then hangs;
a second case kills it at whatever point the write has reached shortly after it starts.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxmetrics.store.db import PROJECT_ROOT, connect
from store_content import store_content
from cxmetrics.ingest.importer import ImportOptions, load_file
from scale import scaled

# A stress run (`slow`): 75,000 rows at the default CXMETRICS_TEST_SCALE of 1, 300,000 (the size before the
# scale) at 4 (tests/scale.py). Enough at any size for a kill to land inside the write.
ROWS = scaled(75_000)
pytestmark = pytest.mark.slow
CHILD = r"""
import sys, time
from pathlib import Path
from cxmetrics import cli
from cxmetrics.ingest import importer
from cxmetrics.store import contact_facts

marker, mode, args = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
if mode == "inside-transaction":
    original = contact_facts.refresh_affected

    def refresh_then_hang(con):
        original(con)
        marker.write_text("inside the transaction, rows inserted")
        time.sleep(600)

    contact_facts.refresh_affected = refresh_then_hang
else:
    load = importer.load_file

    def load_signalling(con, kind, path, options, on_step=None, **kw):
        def step(name):
            if name == "writing":
                marker.write_text("writing")
        return load(con, kind, path, options, on_step=step, **kw)

    importer.load_file = load_signalling  # cmd_import imports it when it runs
sys.exit(cli.main(args))
"""


@pytest.fixture(scope="module")
def big_contacts(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "big_contacts.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("contact_id,started_at,customer_id,channel,contact_reason\n")
        for i in range(ROWS):
            out.write(f"k{i},2024-{1 + i % 12:02d}-{1 + i % 28:02d} {i % 24:02d}:00,cu{i % 5000},phone,billing\n")
    return path


def baseline(db: Path, tmp_path: Path) -> None:
    source = tmp_path / "baseline.csv"
    source.write_text("contact_id,started_at,customer_id\nb1,2024-01-01 09:00,cu1\nb2,2024-01-02 09:00,cu2\n")
    con = connect(db)
    try:
        assert load_file(con, "contacts", source, ImportOptions()).rows_loaded == 2
    finally:
        con.close()


def kill_mid_import(db: Path, big: Path, tmp_path: Path, mode: str, delay: float) -> None:
    marker = tmp_path / "marker"
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), mode, "import", "contacts", str(big), "--db", str(db)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()
            assert time.monotonic() < deadline, "the import never reached the point to kill it at"
            time.sleep(0.01)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def state(db: Path) -> dict:
    """Counts and full content of imports, contacts (with their derived neighbour columns) and
    rejects, after opening the database anew."""
    con = connect(db)
    try:
        found = {}
        for table, (_, rows) in store_content(con, ("imports", "contacts", "import_rejects")).items():
            found[table] = len(rows)
            found[table + " content"] = rows
        return found
    finally:
        con.close()


def test_a_kill_inside_the_transaction_leaves_none_of_the_import_and_the_file_loads_again(big_contacts, tmp_path):
    db = tmp_path / "crash.duckdb"
    baseline(db, tmp_path)
    before = state(db)
    kill_mid_import(db, big_contacts, tmp_path, "inside-transaction", 0.0)
    assert state(db) == before  # it opens, and nothing of the killed import is in it
    con = connect(db)
    try:
        result = load_file(con, "contacts", big_contacts, ImportOptions())
        assert (result.rows_loaded, result.rows_rejected) == (ROWS, 0)
        assert con.execute("SELECT count(*) FROM contacts WHERE import_id = $i", {"i": result.import_id}).fetchall() == [(ROWS,)]
    finally:
        con.close()


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2])
def test_a_kill_at_any_point_of_the_write_leaves_all_or_none_of_the_import(big_contacts, tmp_path, delay):
    db = tmp_path / "crash.duckdb"
    baseline(db, tmp_path)
    before = state(db)
    kill_mid_import(db, big_contacts, tmp_path, "while-writing", delay)
    after = state(db)
    complete = (after["imports"], after["contacts"]) == (before["imports"] + 1, before["contacts"] + ROWS)
    assert after == before or complete
    con = connect(db)
    try:
        result = load_file(con, "contacts", big_contacts, ImportOptions())
        if after == before:
            assert result.rows_loaded == ROWS
        else:  # the commit landed before the kill: the file is recognised as loaded
            assert result.already_imported is not None
        assert con.execute("SELECT count(DISTINCT contact_id) FROM contacts").fetchall() == [(ROWS + 2,)]
    finally:
        con.close()
