"""Read every case of make_corpus.LIMIT_CASES through load_file, the command line and the Data page's
upload functions, in a process whose address space is capped first; print what each said as JSON.

Run by tests/test_read_limits.py as `python tests/hostile/probe_limits.py MEMORY_MB CASES_DIR WORK_DIR`:
a regression that makes one of these files huge again ends this process with a MemoryError, or
gets it killed, instead of taking the machine down with the test run.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def cap(memory_mb: int) -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, hard))


def probe(cases_dir: Path, work: Path) -> dict:
    sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent), str(HERE)]
    import make_corpus
    from store_content import store_content

    from cxmetrics import cli
    from cxmetrics.ingest import upload
    from cxmetrics.store.db import connect, lock_down
    from cxmetrics.ingest.importer import ImportOptions, ImportRefused, load_file

    said = {}
    for entry in make_corpus.limit_cases(cases_dir):
        name, kind = entry["name"], entry["kind"]
        path = cases_dir / name
        db = work / f"{name}.duckdb"
        baseline = work / "baseline.csv"
        baseline.write_text("customer_id,tier\ncu1,gold\n", encoding="utf-8")
        con = connect(db)
        load_file(con, "customers", baseline, ImportOptions())
        before = store_content(con)
        heard = {"kind": kind}
        try:
            load_file(con, kind, path, ImportOptions())
            heard["load_file"] = "loaded"
        except ImportRefused as refused:
            heard["load_file"] = str(refused)
        con.close()
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            heard["cli_code"] = cli.main(["import", kind, str(path), "--db", str(db)])
        heard["cli"] = err.getvalue()
        con = connect(db)
        lock_down(con, [upload.upload_root()])
        try:
            with open(path, "rb") as fh:
                upload.stage_upload(con, kind, fh, name)
            heard["upload"] = "staged"
        except ImportRefused as refused:
            heard["upload"] = str(refused)
        heard["unchanged"] = store_content(con) == before
        heard["uploads_left"] = [p.name for p in upload.upload_root().iterdir()]
        con.close()
        said[name] = heard
    return said


if __name__ == "__main__":
    cap(int(sys.argv[1]))
    print(json.dumps(probe(Path(sys.argv[2]), Path(sys.argv[3]))))
