"""Limits before reading (issue 19): files that are small on disk and huge once read are refused with
one line naming the limit and how to change it, through load_file, the command line and the Data
page; uploads are read in a child process with memory and time limits; DuckDB has a memory limit
and a temp directory by default.

The hostile files (tests/hostile/make_corpus.LIMIT_CASES) are read only in a process whose address
space is capped (tests/hostile/probe_limits.py): before the limits, one of them took the importer
to 23.7 GB, so a regression must end that process, not the machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics import app_state
from cxmetrics.store import db
from cxmetrics.ingest import isolated_read, upload
from cxmetrics.core import limits
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.store.db import PROJECT_ROOT, connect, lock_down
from cxmetrics.ingest.importer import ImportOptions, ImportRefused, load_file
from cxmetrics.core.textfile import FileFormatError
from store_content import store_content

HOSTILE = Path(__file__).resolve().parent / "hostile"
sys.path.insert(0, str(HOSTILE))
import make_corpus  # noqa: E402

# The probe's address space: the importer with its libraries needs about 1 GB of it; the far-cell
# workbook needed 23.7 GB before the fix.
PROBE_MEMORY_MB = 2048
PROBE_SECONDS = 240  # the 100,000-column CSV ran past 600 s before the fix; after, the probe takes seconds


def capped_python(memory_mb: int, module: str, *args: str) -> list[str]:
    """Return the command that runs `python -m module args` with its address space capped to `memory_mb`."""
    return [sys.executable, "-c",
            "import resource, runpy, sys; _soft, hard = resource.getrlimit(resource.RLIMIT_AS); "
            f"resource.setrlimit(resource.RLIMIT_AS, ({memory_mb} << 20, hard)); "
            "sys.argv = sys.argv[1:]; runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)",
            module, *args]


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict:
    """What load_file, the command line and the Data page said of every limit case, read under a cap."""
    cases, work = tmp_path_factory.mktemp("limit_cases"), tmp_path_factory.mktemp("limit_work")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXMETRICS_")}
    done = subprocess.run(
        [sys.executable, str(HOSTILE / "probe_limits.py"), str(PROBE_MEMORY_MB), str(cases), str(work)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=PROBE_SECONDS,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {"said": json.loads(done.stdout.strip().splitlines()[-1]),
            "cases": {e["name"]: e for e in make_corpus.limit_cases(tmp_path_factory.mktemp("entries"))}}


@pytest.mark.parametrize("name", make_corpus.LIMIT_CASES)
def test_a_file_huge_once_read_is_refused_in_one_line_everywhere_and_changes_nothing(probed, name):
    heard, entry = probed["said"][name], probed["cases"][name]
    assert entry["outcome"] == "refused"
    for message in (heard["load_file"], heard["cli"], heard["upload"]):
        assert message.strip() and "\n" not in message.strip(), message
        assert entry["reason"] in message, message
        assert "(set CXMETRICS_" in message and "to change it)" in message
    assert heard["cli_code"] == 2
    assert heard["unchanged"]  # nothing of the refused file reached the store
    assert heard["uploads_left"] == []  # and nothing of it is left on disk


def test_a_real_command_line_process_refuses_the_far_cell_workbook_in_bounded_memory(tmp_path):
    [entry] = [e for e in make_corpus.limit_cases(tmp_path) if e["name"] == "far_cell.xlsx"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("CXMETRICS_")}
    done = subprocess.run(
        capped_python(PROBE_MEMORY_MB, "cxmetrics", "import", "customers", str(tmp_path / "far_cell.xlsx"),
                      "--db", str(tmp_path / "cli.duckdb")),
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=PROBE_SECONDS,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]  # one line, no traceback
    assert entry["reason"] in done.stderr


# --- the limits can be changed ------------------------------------------------------------------


def test_the_column_limit_follows_its_environment_variable(con, tmp_path, monkeypatch):
    path = tmp_path / "wide.csv"
    path.write_bytes(make_corpus.wide_csv(30, 2))
    monkeypatch.setenv("CXMETRICS_MAX_COLUMNS", "20")
    with pytest.raises(ImportRefused, match=r"^the file has 30 columns, more than the limit of 20 columns "
                                            r"\(set CXMETRICS_MAX_COLUMNS to change it\)$"):
        load_file(con, "customers", path, ImportOptions())
    monkeypatch.setenv("CXMETRICS_MAX_COLUMNS", "30")
    assert load_file(con, "customers", path, ImportOptions()).rows_loaded == 2


def test_the_sheet_cell_limit_follows_its_environment_variable(con, tmp_path, monkeypatch):
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(make_corpus.xlsx({"A1": "customer_id", "B1": "tier", "A2": "c1", "B2": "gold", "A3": "c2"}))
    monkeypatch.setenv("CXMETRICS_MAX_SHEET_CELLS", "5")
    with pytest.raises(ImportRefused, match=r"3 rows x 2 columns = 6 cells, more than the limit of 5 cells "
                                            r"\(set CXMETRICS_MAX_SHEET_CELLS to change it\)$"):
        load_file(con, "customers", path, ImportOptions())
    monkeypatch.setenv("CXMETRICS_MAX_SHEET_CELLS", "6")
    assert load_file(con, "customers", path, ImportOptions()).rows_loaded == 2


def test_a_limit_that_is_not_a_positive_number_is_named(con, tmp_path, monkeypatch):
    path = tmp_path / "c.csv"
    path.write_text("customer_id\nc1\n", encoding="utf-8")
    monkeypatch.setenv("CXMETRICS_MAX_COLUMNS", "lots")
    with pytest.raises(ImportRefused, match="CXMETRICS_MAX_COLUMNS='lots' is not a positive whole number"):
        load_file(con, "customers", path, ImportOptions())


# --- Excel, row by row --------------------------------------------------------------------------


def test_a_sheet_with_a_lying_dimension_loads_what_it_really_holds(con, tmp_path):
    # The dimension says A1:B2; the rows go to line 6 with a blank row between (skipped, as in a CSV).
    path = tmp_path / "lying.xlsx"
    path.write_bytes(make_corpus.xlsx(
        {"A1": "customer_id", "B1": "tier", "A2": "c1", "B2": "gold", "A4": "c3", "C4": "extra", "A6": 6.0},
        "A1:B2"))
    result = load_file(con, "customers", path, ImportOptions())
    assert (result.format, result.rows_loaded, result.rows_rejected) == ("excel", 3, 0)
    stored = con.execute("SELECT customer_id, tier, column_3 FROM customers ORDER BY 1").fetchall()
    assert stored == [("6", None, None), ("c1", "gold", None), ("c3", None, "extra")]


def test_an_unreadable_workbook_says_why(con, tmp_path):
    # A zip that names an Excel part but holds no workbook: openpyxl's own reason is passed on.
    path = tmp_path / "broken.xlsx"
    import zipfile

    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/styles.xml", "<styleSheet/>")
    with pytest.raises(ImportRefused, match=r"^the Excel file could not be read: \S"):
        load_file(con, "customers", path, ImportOptions())


def test_excel_rows_are_handed_to_duckdb_in_batches(con, tmp_path, monkeypatch):
    from cxmetrics.ingest import reader

    book = openpyxl.Workbook()
    book.active.append(["customer_id", "tier"])
    for i in range(25):
        book.active.append([f"c{i}", "gold"])
    book.save(tmp_path / "many.xlsx")
    batches = []
    original = reader._insert_batch
    monkeypatch.setattr(reader, "EXCEL_BATCH_CELLS", 20)  # 10 rows of 2 cells a batch
    monkeypatch.setattr(reader, "_insert_batch", lambda *a: (batches.append(len(a[3])), original(*a)))
    assert load_file(con, "customers", tmp_path / "many.xlsx", ImportOptions()).rows_loaded == 25
    assert batches == [10, 10, 5]


# --- uploads are read in a child process with memory and time limits ---------------------------


@pytest.fixture
def store(tmp_path):
    con = connect(tmp_path / "store.duckdb")
    baseline = tmp_path / "baseline.csv"
    baseline.write_text("customer_id,tier\ncu1,gold\n", encoding="utf-8")
    load_file(con, "customers", baseline, ImportOptions())
    lock_down(con, [upload.upload_root()])  # as the dashboard's connection is
    yield con
    con.close()


def test_an_upload_whose_reading_needs_more_memory_than_allowed_is_refused_and_loses_nothing(store, monkeypatch):
    # 64 MB is less than the reading process needs to start: the cap is reached whatever the file.
    before, left = store_content(store), set(upload.upload_root().iterdir())
    monkeypatch.setenv("CXMETRICS_READ_MEMORY_MB", "64")
    with pytest.raises(ImportRefused) as refused:
        upload.stage_upload(store, "customers", b"customer_id,tier\nc9,gold\n", "c.csv")
    assert str(refused.value) == (
        "reading the file needed more than the limit of 64 MB of memory (set CXMETRICS_READ_MEMORY_MB to change it); "
        "nothing was loaded"
    )
    assert store_content(store) == before
    assert set(upload.upload_root().iterdir()) == left


def test_an_upload_whose_reading_takes_longer_than_allowed_is_stopped(tmp_path, monkeypatch):
    # A named pipe nobody writes to: opening it never returns, so the reading process never ends.
    fifo = tmp_path / "never.csv"
    os.mkfifo(fifo)
    monkeypatch.setenv("CXMETRICS_READ_SECONDS", "1")
    con = connect(":memory:")
    with pytest.raises(FileFormatError, match=r"^reading the file took longer than the limit of 1 s "
                                              r"\(set CXMETRICS_READ_SECONDS to change it\); nothing was loaded$"):
        isolated_read.stage_file(con, fifo, None, tmp_path)
    con.close()


def test_the_upload_is_read_by_another_process(store, monkeypatch):
    # The reader's CSV staging must not run in this process for an upload (the child has its own).
    from cxmetrics.ingest import reader

    def not_here(*_args):
        raise AssertionError("the upload was read in the dashboard's process")

    monkeypatch.setattr(reader, "_stage_csv", not_here)
    with upload.stage_upload(store, "customers", b"Customer ID,Plan\nk1,basic\nk2,pro\n", "plans.csv").upload as held:
        preview = upload.preview_upload(store, "customers", held)
        assert (preview.rows, preview.columns) == (2, ["Customer ID", "Plan"])
        assert preview.first_rows["line"].tolist() == [2, 3]
        options = upload.build_options(preview, dict(preview.suggested))
        assert upload.validate_upload(store, "customers", held, options).rows_loaded == 2
        assert upload.commit_upload(store, "customers", held, options).rows_loaded == 2


def test_a_reading_memory_breach_is_said_on_the_data_page(sample_db, monkeypatch):
    # sample_db: the app finds a copy of the first-launch store, so the page run loads no sample.
    at = AppTest.from_file(str(PROJECT_ROOT / "views" / "data.py"), default_timeout=120)
    at.run()
    try:
        monkeypatch.setenv("CXMETRICS_READ_MEMORY_MB", "64")
        at.selectbox(key="data_kind").set_value("customers")
        at.file_uploader[0].set_value(("c.csv", b"customer_id,tier\nc9,gold\n", "text/csv"))
        at.run()
        assert not at.exception, at.exception
        # The page escapes every message as Markdown (it may quote a file's own text).
        assert [e.value for e in at.error] == ["This file cannot be read: " + escape_markdown(
            "reading the file needed more than the limit of 64 MB of memory "
            "(set CXMETRICS_READ_MEMORY_MB to change it); nothing was loaded"
        )]
    finally:
        app_state._connection.clear()  # release the test's database file


# --- DuckDB's memory limit and temp directory ---------------------------------------------------


@pytest.mark.parametrize("ram_gb, expected", [(64, "800MB"), (8, "800MB"), (2, "512MB"), (0.5, "256MB")])
def test_the_default_memory_limit_is_a_quarter_of_ram_within_bounds(ram_gb, expected):
    assert db.default_memory_limit(int(ram_gb * (1 << 30))) == expected


def test_a_store_gets_a_memory_limit_and_a_temp_directory_beside_it_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("CXMETRICS_MEMORY_LIMIT", raising=False)
    con = connect(tmp_path / "store.duckdb")
    try:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
        spill = con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
    finally:
        con.close()
    expected_mb = int(db.default_memory_limit().removesuffix("MB"))
    assert expected_mb <= db.MEMORY_CAP_MB
    assert abs(_bytes(limit) - expected_mb * 1e6) < 0.01 * expected_mb * 1e6  # DuckDB's MB is 1000 x 1000 bytes
    assert Path(spill) == tmp_path / "store.duckdb.tmp"


def test_cxmetrics_threads_sets_duckdbs_threads_and_unset_leaves_its_default(tmp_path, monkeypatch):
    def threads(setting: str | None) -> int:
        if setting is None:
            monkeypatch.delenv("CXMETRICS_THREADS", raising=False)
        else:
            monkeypatch.setenv("CXMETRICS_THREADS", setting)
        con = connect(tmp_path / "store.duckdb")
        try:
            return con.execute("SELECT current_setting('threads')").fetchall()[0][0]
        finally:
            con.close()

    assert threads("1") == 1
    assert threads(" 3 ") == 3
    assert threads(None) == duckdb.connect(":memory:").execute("SELECT current_setting('threads')").fetchall()[0][0]


@pytest.mark.parametrize("setting", ["0", "-1", "two", "1.5", "²", "257"])
def test_a_thread_count_duckdb_cannot_use_stops_with_one_line_naming_it(tmp_path, monkeypatch, setting):
    monkeypatch.setenv("CXMETRICS_THREADS", setting)
    with pytest.raises(db.SettingError) as refused:
        connect(tmp_path / "store.duckdb")
    assert str(refused.value) == (
        f"CXMETRICS_THREADS={setting!r} is not a whole number of threads from 1 to 256 (e.g. 2)")


def _bytes(text: str) -> float:
    """Return DuckDB's rendering of a memory size ('1.9 GiB', '512.0 MiB') in bytes."""
    number, unit = text.split()
    return float(number) * {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}[unit]
