"""The import as a user runs it: `python -m cxmetrics import` in its own process with the product's
default settings (no $CXMETRICS_MEMORY_LIMIT: db.default_memory_limit applies), rollups included,
beside a bare DuckDB load of the same file; and a day's append into a large and an empty workspace.

    python -m cxmetrics import contacts FILE --db WORKSPACE

Each command's wall time runs from the start of the process to its exit (Python and the package
imported, the file loaded, the rollups rebuilt: every page answers from fresh rollups afterwards);
its peak resident memory is the command's own (GNU time's maxrss), not this process's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIME = "/usr/bin/time"  # GNU time (Debian package "time"): the command's own peak resident memory


def default_environment() -> dict[str, str]:
    """Return this process's environment without the settings a user does not set by default."""
    return {k: v for k, v in os.environ.items() if k not in ("CXMETRICS_MEMORY_LIMIT", "CXMETRICS_DB")}


def cli_import(database: Path, kind: str, file: Path) -> dict:
    """Run `python -m cxmetrics import KIND FILE --db DATABASE` with the default settings; return its
    wall seconds, peak resident bytes and the rows it loaded. Raise when the command fails.

    The peak comes from `/usr/bin/time` (GNU time's %M, the command's own maxrss). Not from this
    process's wait4: Linux carries a process's peak over fork and exec, so a child of a big process
    (this one, after reading the CSV files with pandas) reports its parent's peak as its own. time
    is small, and its child starts from that."""
    command = [sys.executable, "-m", "cxmetrics", "import", kind, str(file), "--db", str(database)]
    with tempfile.TemporaryDirectory(prefix="cx-cli-") as scratch:
        peak_file = Path(scratch) / "peak"
        started = time.perf_counter()
        result = subprocess.run([TIME, "-f", "%M", "-o", str(peak_file), *command], cwd=PROJECT_ROOT,
                                env=default_environment(), capture_output=True, text=True, check=False)
        taken = time.perf_counter() - started
        peak_kb = int(peak_file.read_text().strip().splitlines()[-1]) if peak_file.is_file() else 0
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"python -m cxmetrics import {kind} failed ({result.returncode}): {last}")
    loaded = json.loads(result.stdout)
    return {"seconds": taken, "peak_bytes": peak_kb * 1024, "rows": loaded["rows_loaded"]}


def bare_load(work: Path, file: Path) -> float:
    """Return the seconds of `CREATE TABLE AS SELECT * FROM read_csv(file)` in a new DuckDB file with
    DuckDB's own defaults (no memory limit of ours, every core)."""
    path = work / "bare-default.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    started = time.perf_counter()
    con.execute("CREATE TABLE contacts AS SELECT * FROM read_csv($file)", {"file": str(file)})
    taken = time.perf_counter() - started
    con.close()
    path.unlink()
    return taken


def measure(data: Path, work: Path, append_file: Path) -> dict:
    """Return the figures of the default path over the generated set in `data`:

    - the bare load of contacts.csv, then `cxmetrics import customers` and `import contacts` into a
      new workspace (the contacts' ratio and peak are the issue's; customers come first, as a user
      loads them, so the contacts' rollups have customer segments to build);
    - `import contacts` of `append_file` (a day of contacts) into that workspace and into a new
      empty one: the seconds until every page answers fresh, large over empty."""
    bare = bare_load(work, data / "contacts.csv")
    workspace = work / "cli.duckdb"
    empty = work / "cli-empty.duckdb"
    for stale in (workspace, empty):
        stale.unlink(missing_ok=True)
        stale.with_name(stale.name + ".wal").unlink(missing_ok=True)
    customers = cli_import(workspace, "customers", data / "customers.csv")
    contacts = cli_import(workspace, "contacts", data / "contacts.csv")
    appended_large = cli_import(workspace, "contacts", append_file)
    appended_empty = cli_import(empty, "contacts", append_file)
    for done in (workspace, empty):
        done.unlink(missing_ok=True)
    return {"bare": bare, "customers": customers, "contacts": contacts,
            "append_large": appended_large, "append_empty": appended_empty}
