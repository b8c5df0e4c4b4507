"""Shared fixtures: a fresh DuckDB store per test, hand-made input files, and the command line.

Nothing is mocked: every test works on a real DuckDB file under its own tmp_path.
"""

from __future__ import annotations

# sql_coverage fails the run when a file in sql/ was never executed; file_durations ends the run with
# the slowest test files (the CI log shows which files cost most).
pytest_plugins = ["sql_coverage", "file_durations"]

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cxmetrics.store.db import PROJECT_ROOT, connect
from cxmetrics.ingest.importer import ImportOptions, load_file


def pytest_configure(config):
    _scan_streamlit_components_once()
    _one_duckdb_thread_per_worker(config)


def _one_duckdb_thread_per_worker(config) -> None:
    """Under pytest-xdist with a worker per core, give each DuckDB one thread (CXMETRICS_THREADS=1,
    inherited by the servers and commands the tests start): the workers already fill the cores,
    and a DuckDB per worker taking every core only made them queue for each other (two rollup
    test files side by side: 85 s with DuckDB's default, 80 s with one thread each). Tests that need
    several threads (reading a file in parallel buffers) set them on their own connection."""
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers >= (os.cpu_count() or 1) > 1:
        os.environ.setdefault("CXMETRICS_THREADS", "1")


def _scan_streamlit_components_once() -> None:
    """Make Streamlit's scan for installed custom components run once per process.

    Each new AppTest asks Streamlit to scan every installed distribution's metadata for custom
    component manifests (`scan_component_manifests`): about 0.6 s of parsing METADATA files, for an
    answer that cannot change while the test run's environment stays as it is (the app uses no custom
    component). The real server scans once at its start; here it was 0.6 s for each of hundreds of
    AppTests. The first scan's answer is kept and handed to every later one."""
    from streamlit.components.v2 import manifest_scanner

    scan = manifest_scanner.scan_component_manifests
    if getattr(scan, "scanned_once", False):
        return

    @functools.cache
    def scanned() -> tuple:
        return tuple(scan())

    @functools.wraps(scan)
    def scan_once(max_workers=None):
        return list(scanned())

    scan_once.scanned_once = True
    manifest_scanner.scan_component_manifests = scan_once


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory) -> Path:
    """A new database file as `connect` leaves it (every migration applied, nothing loaded), made once
    per run: migrating a new file costs about 0.2 s, copying this one a few milliseconds, and 450
    tests start from an empty store. New files are still migrated from nothing wherever a test makes
    one itself: the command line's database (run_cli), the stores tests build, the migration tests of
    tests/test_*_rollups.py."""
    path = tmp_path_factory.mktemp("empty-template") / "empty.duckdb"
    connect(path).close()
    assert not path.with_name(path.name + ".wal").exists()  # closing checkpointed: the file is the store
    return path


@pytest.fixture
def new_store(tmp_path, empty_template):
    """new_store(name) -> a connection to tmp_path/name, a new migrated store (a copy of
    empty_template); the test closes it (fixtures do, after their yield)."""

    def _new(name: str):
        path = tmp_path / name
        shutil.copyfile(empty_template, path)
        return connect(path)

    return _new


@pytest.fixture
def con(new_store):
    """A connection to a new, migrated database file of this test only (a copy of empty_template)."""
    connection = new_store("t.duckdb")
    yield connection
    connection.close()


def _write(directory: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = Path(directory) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Bytes go out as they are; text keeps its own line ends (no newline translation).
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


@pytest.fixture
def write_csv():
    """write_csv(directory, name, text_or_bytes, encoding="utf-8") -> Path, line ends kept as given."""
    return _write


@pytest.fixture
def load(con, tmp_path):
    """load(kind, name, text_or_bytes, **ImportOptions fields) -> ImportResult, on the test's `con`."""

    def _load(kind: str, name: str, data: str | bytes, **options):
        path = _write(tmp_path / "files", name, data)
        # force: a test's few rows are often mostly rejects on purpose; the guard that asks before
        # such a load has its own tests (test_guesses.py).
        return load_file(con, kind, path, ImportOptions(**{"force": True, **options}))

    return _load


class CliRun(tuple):
    """(returncode, parsed stdout JSON or None, stderr) with the raw stdout kept alongside."""

    stdout: str


def _cli_environment(workdir: Path, env: dict | None) -> dict:
    """The environment a command runs with: this one, CXMETRICS_DB pointing into `workdir` (never the
    project's own data/cx.duckdb, even when a test leaves --db out), then the test's own variables."""
    environment = dict(os.environ)
    environment["CXMETRICS_DB"] = str(Path(workdir) / "env-default.duckdb")
    environment.update(env or {})
    return environment


def _cli_result(code: int, stdout: str, stderr: str) -> CliRun:
    try:
        payload = json.loads(stdout)
    except ValueError:
        payload = None
    result = CliRun((code, payload, stderr))
    result.stdout = stdout
    return result


def run_cxmetrics_process(args, db: Path | None, workdir: Path, env: dict | None = None) -> CliRun:
    """Run `python -m cxmetrics *args [--db db]` as a real process in `workdir`; CXMETRICS_DB points into
    `workdir`. For the few tests that prove the real process (its exit code, its streams, its environment,
    a lock held by another process); every other test runs the command in-process (`run_cxmetrics`)."""
    command = [sys.executable, "-m", "cxmetrics", *map(str, args)]
    if db is not None:
        command += ["--db", str(db)]
    environment = _cli_environment(workdir, env)
    environment["PYTHONPATH"] = os.pathsep.join([str(PROJECT_ROOT), *filter(None, [environment.get("PYTHONPATH")])])
    done = subprocess.run(
        command, capture_output=True, text=True, encoding="utf-8", cwd=str(workdir), env=environment, timeout=120
    )
    return _cli_result(done.returncode, done.stdout, done.stderr)


def run_cxmetrics(args, db: Path | None, workdir: Path, env: dict | None = None) -> CliRun:
    """Run `cxmetrics.cli.main([*args, --db db])` in this process as `python -m cxmetrics` would run in
    `workdir` (the same environment as run_cxmetrics_process, the current directory `workdir`, stdout and
    stderr captured, argparse's exit turned into its code); everything is put back afterwards.

    A process start costs about a second on a loaded 2-core machine; the command's own work is the same.
    An exception main() does not handle propagates (the real process would print a traceback): the test
    fails on it, which is stricter than looking for "Traceback" on stderr."""
    from cxmetrics import cli

    argv = [*map(str, args)] + (["--db", str(db)] if db is not None else [])
    out, err = io.StringIO(), io.StringIO()
    saved_environment, saved_directory = dict(os.environ), os.getcwd()
    os.environ.clear()
    os.environ.update(_cli_environment(workdir, env))
    os.chdir(workdir)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(argv)
            except SystemExit as exit_:  # argparse's usage errors (and --help) end this way
                code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        os.chdir(saved_directory)
        os.environ.clear()
        os.environ.update(saved_environment)
    return _cli_result(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory) -> Path:
    """The sample workspace as a first launch leaves it (the sample data, rollups built), made once
    per run: loading the sample costs seconds, copying the file milliseconds."""
    from cxmetrics.ingest import bootstrap

    path = tmp_path_factory.mktemp("template") / "sample.duckdb"
    con = connect(path)
    try:
        bootstrap.ensure_data(con)
        con.execute("CHECKPOINT")  # everything in the file itself, so a copy of it is the whole store
    finally:
        con.close()
    return path


@pytest.fixture(scope="session")
def copy_sample(sample_template):
    """copy_sample(directory, name="sample.duckdb") -> Path of a new copy of the first-launch store
    (sample data loaded, rollups built, as `bootstrap.ensure_data` leaves it), for fixtures of any scope:
    a module's store of the sample costs a file copy instead of a load."""

    def _copy(directory: Path, name: str = "sample.duckdb") -> Path:
        path = Path(directory) / name
        shutil.copyfile(sample_template, path)
        return path

    return _copy


@pytest.fixture
def sample_con(copy_sample, tmp_path):
    """A connection to this test's own copy of the first-launch store (the sample data, rollups built)."""
    connection = connect(copy_sample(tmp_path))
    yield connection
    connection.close()


@pytest.fixture
def sample_db(sample_template, tmp_path, monkeypatch) -> Path:
    """The path of this test's own copy of the first-launch store: the sample workspace
    (`<tmp>/sample.duckdb`) beside the user's workspace named by CXMETRICS_DB (`<tmp>/cx.duckdb`,
    not yet there), as a fresh clone has them; the app opens the sample."""
    path = tmp_path / "sample.duckdb"
    shutil.copyfile(sample_template, path)
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "cx.duckdb"))
    return path


@pytest.fixture(scope="session")
def cxmetrics_cli():
    """run_cxmetrics(args, db, workdir, env=None), in-process, for fixtures wider than one test."""
    return run_cxmetrics


@pytest.fixture
def cli_db(tmp_path) -> Path:
    """The database file `run_cli` passes with --db."""
    return tmp_path / "cli.duckdb"


def _cli_runner(tmp_path, cli_db, runner):
    def _run(*args, db=True, env: dict | None = None, cwd: Path | None = None):
        chosen = cli_db if db is True else (db or None)
        return runner(args, chosen, cwd or tmp_path, env)

    return _run


@pytest.fixture
def run_cli(tmp_path, cli_db):
    """run_cli(*args, db=True, env=None, cwd=None) -> (returncode, stdout JSON or None, stderr).

    Runs `python -m cxmetrics *args --db <tmp>/cli.duckdb` in-process (run_cxmetrics; no --db with
    db=False, another path with db=PATH). CXMETRICS_DB always points into tmp_path, so a missing --db
    can never touch the project's own data/cx.duckdb.
    """
    return _cli_runner(tmp_path, cli_db, run_cxmetrics)


@pytest.fixture
def run_cli_process(tmp_path, cli_db):
    """run_cli as a real `python -m cxmetrics` process: only for the tests that prove the process itself."""
    return _cli_runner(tmp_path, cli_db, run_cxmetrics_process)
