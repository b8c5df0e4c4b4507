"""Several writers at once: the command line against a database another process holds, the
dashboard's connection held only while script runs use it, and two uploads in one server.

DuckDB lets one process write a file. The command line waits (CXMETRICS_LOCK_WAIT seconds) and
then exits 2 naming the holder; the dashboard releases the file between script runs; inside one
server, uploads queue behind each other (db.writing) and the page says it is waiting.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from cxmetrics.ingest import upload
from cxmetrics.store.db import PROJECT_ROOT, DatabaseBusy, connect, lock_down, writing
from cxmetrics.store.held_connection import REAP_SECONDS, HeldConnection

CONTACTS = "contact_id,started_at,customer_id,channel\n"


def contacts_file(directory: Path, name: str, ids) -> Path:
    path = directory / name
    path.write_text(CONTACTS + "".join(f"{i},2024-03-01 10:00,cu{n % 7},phone\n" for n, i in enumerate(ids)))
    return path


def hold_in_thread(held: HeldConnection, db: Path) -> tuple[threading.Thread, threading.Event]:
    """Start a thread that takes a cursor (as a script run does) and keeps it until the returned event is set."""
    ready, release = threading.Event(), threading.Event()

    def run():
        held.cursor(str(db), 5).execute("SELECT count(*) FROM imports").fetchall()
        ready.set()
        release.wait(120)

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(30)
    return thread, release


# The command line as a real process (the lock is another process's), reporting on stderr each time it
# finds the file locked: the test lets the holder go only once the command is known to be waiting.
CLI_SAYING_WHEN_IT_WAITS = r"""
import sys
from cxmetrics import cli
from cxmetrics.store import db

found_locked = db.is_lock_conflict

def saying_so(exc):
    conflict = found_locked(exc)
    if conflict:
        print("waiting for the lock", file=sys.stderr, flush=True)
    return conflict

db.is_lock_conflict = saying_so
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture
def held(tmp_path):
    holder = HeldConnection(lambda path: connect(path, wait=0))
    yield holder
    holder.clear()


def test_the_dashboard_connection_is_released_when_the_runs_using_it_end(held, tmp_path):
    db = tmp_path / "held.duckdb"
    thread, release = hold_in_thread(held, db)
    assert held.is_open()
    release.set()
    thread.join()
    deadline = time.monotonic() + 10 * REAP_SECONDS + 30  # polled: the reaper's pace, plus a loaded machine
    while held.is_open() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not held.is_open()


def test_the_command_line_waits_for_a_run_to_end_then_imports(held, tmp_path, cli_db):
    thread, release = hold_in_thread(held, cli_db)
    source = contacts_file(tmp_path, "c.csv", ["a1", "a2"])
    child = subprocess.Popen(
        [sys.executable, "-c", CLI_SAYING_WHEN_IT_WAITS, "import", "contacts", str(source), "--db", str(cli_db)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "CXMETRICS_LOCK_WAIT": "120"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        # It really waited for the holder, it did not get in beside it (or give up).
        assert child.stderr.readline().strip() == "waiting for the lock"
    finally:
        release.set()
        thread.join()
        held.clear()
    out, rest = child.communicate(timeout=120)
    assert child.returncode == 0, rest
    assert set(rest.split("\n")) <= {"waiting for the lock", ""}
    assert json.loads(out)["rows_loaded"] == 2


def test_the_command_line_gives_up_with_one_line_naming_the_holder(held, tmp_path, run_cli_process, cli_db):
    # A real process: in this one, DuckDB would share the holder's open file instead of finding it locked.
    thread, release = hold_in_thread(held, cli_db)
    try:
        code, out, stderr = run_cli_process("import", "contacts", contacts_file(tmp_path, "c.csv", ["a1"]),
                                            env={"CXMETRICS_LOCK_WAIT": "1"})
    finally:
        release.set()
    assert code == 2 and out is None
    line = stderr.strip()
    assert "\n" not in line and "Traceback" not in line and "IO Error" not in line
    assert f"is open in another process (PID {os.getpid()}:" in line
    assert "waited 1 s" in line and "CXMETRICS_LOCK_WAIT" in line
    thread.join()
    held.clear()
    con = connect(cli_db)
    try:
        assert con.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]
    finally:
        con.close()


def test_a_dashboard_run_waits_for_a_command_line_import_and_names_it(held, tmp_path):
    db = tmp_path / "busy.duckdb"
    connect(db).close()
    told = []
    script = (
        "import sys; from cxmetrics.store.db import connect; con = connect(sys.argv[1]); "
        "print('open', flush=True); sys.stdin.readline(); con.close()"  # holds the file until told to let go
    )
    child = subprocess.Popen([sys.executable, "-c", script, str(db)], cwd=PROJECT_ROOT,
                             env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseBusy) as busy:
            held.cursor(str(db), 0.3, told.append)
        assert "is open in another process (PID" in str(busy.value)
        assert busy.value.holder == f"PID {child.pid}: another cxmetrics command"
        assert len(told) == 1
        child.stdin.close()  # the command ends
        cursor = held.cursor(str(db), 30, told.append)  # waits for the child if need be, then opens
        assert cursor.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]
    finally:
        child.wait(timeout=30)


# --------------------------------------------------------------------------- two uploads at once


@pytest.fixture
def dashboard_con(tmp_path):
    con = connect(tmp_path / "two.duckdb")
    lock_down(con, [upload.upload_root()])
    yield con
    con.close()


def test_two_uploads_at_once_queue_and_both_load(dashboard_con, tmp_path):
    uploads = [
        upload.store_upload(contacts_file(tmp_path, f"{who}.csv", [f"{who}{i}" for i in range(20_000)]).read_bytes(),
                            f"{who}.csv")
        for who in ("left", "right")
    ]
    results, waited, errors = {}, [], []
    start = threading.Barrier(2)

    def session(stored):
        try:
            con = dashboard_con.cursor()
            preview = upload.preview_upload(con, "contacts", stored)
            options = upload.build_options(preview, preview.suggested)
            start.wait()
            results[stored.file_name] = upload.commit_upload(
                con, "contacts", stored, options, on_wait=lambda: waited.append(stored.file_name)
            )
        except Exception as exc:  # noqa: BLE001 - reported below with its session
            errors.append(f"{stored.file_name}: {exc!r}")

    threads = [threading.Thread(target=session, args=(s,)) for s in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert {name: r.rows_loaded for name, r in results.items()} == {"left.csv": 20_000, "right.csv": 20_000}
    assert len(waited) == 1  # exactly one of them had to wait, and was told so
    assert dashboard_con.execute("SELECT count(*), count(DISTINCT import_id) FROM contacts").fetchall() == [(40_000, 2)]


def test_two_uploads_of_the_same_ids_at_once_load_them_once(dashboard_con, tmp_path):
    ids = [f"same{i}" for i in range(5_000)]
    uploads = [
        upload.store_upload(contacts_file(tmp_path, f"{who}.csv", ids).read_bytes() + f"{who},2024-03-02,cu1,chat\n".encode(),
                            f"{who}.csv")
        for who in ("first", "second")
    ]
    results, errors = [], []
    start = threading.Barrier(2)

    def session(stored):
        try:
            con = dashboard_con.cursor()
            preview = upload.preview_upload(con, "contacts", stored)
            start.wait()
            results.append(upload.commit_upload(con, "contacts", stored, upload.build_options(preview, preview.suggested, force=True)))  # the second asks first: confirmed
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=session, args=(s,)) for s in uploads]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    # Serialised, the second sees the first's rows: each id lands once, the repeats are rejected.
    assert sorted((r.rows_loaded, r.rows_rejected) for r in results) == [(1, 5_000), (5_001, 0)]
    assert dashboard_con.execute("SELECT count(*), count(DISTINCT contact_id) FROM contacts").fetchall() == [(5_002, 5_002)]


def test_a_write_that_waits_too_long_is_refused_in_one_line():
    release = threading.Event()

    taken = threading.Event()

    def hog():
        with writing():
            taken.set()
            release.wait(10)

    thread = threading.Thread(target=hog)
    thread.start()
    assert taken.wait(30)
    told = []
    try:
        with pytest.raises(DatabaseBusy, match="another upload was still being written after 0.2 s"):
            with writing(on_wait=lambda: told.append(True), wait=0.2):
                pass
    finally:
        release.set()
        thread.join()
    assert told == [True]
    with writing(on_wait=lambda: told.append(False)):  # free again: no wait, no notice
        pass
    assert told == [True]


def test_an_upload_that_cannot_get_the_write_slot_is_refused_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr("cxmetrics.store.db.WRITE_WAIT_SECONDS", 0.2)
    con = connect(tmp_path / "u.duckdb")
    stored = upload.store_upload(contacts_file(tmp_path, "c.csv", ["x1"]).read_bytes(), "c.csv")
    preview = upload.preview_upload(con, "contacts", stored)
    outcome = []

    def other_session():
        try:
            outcome.append(upload.commit_upload(con.cursor(), "contacts", stored,
                                                upload.build_options(preview, preview.suggested)))
        except Exception as exc:  # noqa: BLE001 - the test looks at what came out
            outcome.append(exc)

    with writing():  # a long upload of another session holds the slot
        thread = threading.Thread(target=other_session)
        thread.start()
        thread.join(10)
    assert isinstance(outcome[0], upload.ImportRefused)
    assert str(outcome[0]) == "another upload was still being written after 0.2 s; try again later"
    assert con.execute("SELECT count(*) FROM imports").fetchall() == [(0,)]
    con.close()


EXIT_CHILD = """
import atexit, sys
from cxmetrics.store.db import connect
from cxmetrics.store.held_connection import HeldConnection

held = None
# Registered first, so it runs last (atexit is last in, first out): after HeldConnection's own.
atexit.register(lambda: print("open at exit" if held.is_open() else "closed at exit", flush=True))
held = HeldConnection(lambda path: connect(path, wait=0))
held.cursor(sys.argv[1], wait=0).execute("SELECT count(*) FROM contacts").fetchall()
"""


def test_a_process_ending_while_it_holds_the_connection_closes_it_before_the_interpreter_stops(tmp_path):
    # The reaper is a daemon thread: left to close the connection while the interpreter shuts down,
    # it was stopped inside DuckDB's close and the process aborted ("FATAL: exception not rethrown").
    done = subprocess.run([sys.executable, "-c", EXIT_CHILD, str(tmp_path / "exit.duckdb")], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "closed at exit", "")
