"""Reading an uploaded file in a child process with limits on its memory and time.

Everything that looks at the file's bytes — format, encoding detection, transcoding, DuckDB's
dialect sniffing and CSV reader, openpyxl — runs in `python -m cxmetrics.ingest.isolated_read`, whose
address space is capped with RLIMIT_AS (`limits.read_memory_mb()`) and which is killed after
`limits.read_seconds()`. The child stages the file into its own in-memory DuckDB (with a
memory_limit under the cap, spilling to the upload's work directory) and writes what it staged
as two Parquet files in that work directory; the parent then copies them into its own temp
tables `cx_stage` and `cx_stage_rejects`, exactly what `reader.stage_file` would have left.

Why this seam: the child touches no store and holds no transaction, so killing it loses nothing;
the parent's part is reading a Parquet file of text columns whose width the child has already
checked against the column limit, which DuckDB does within its own memory_limit. Checking,
loading and writing then run in the parent on its connection, in one transaction as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from ..core import limits
from ..core.textfile import FileFormatError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STAGE_FILE = "cx_stage.parquet"
REJECTS_FILE = "cx_stage_rejects.parquet"
ANSWER_FILE = "staged.json"
# The child's DuckDB gets this share of the address-space cap as its memory_limit: the rest is
# Python, openpyxl, the libraries' own mappings and DuckDB's memory outside its buffer pool.
DUCKDB_SHARE = 0.4
# Every DuckDB thread reserves its own address space (stack, allocator arenas): on a laptop with
# many cores the default (one per core) would spend the cap on reservations. Reading one file
# gains little from more than two.
CHILD_THREADS = 2
# What a child that ran out of its address space leaves on stderr, whichever library noticed.
_OUT_OF_MEMORY_SIGNS = ("memoryerror", "bad_alloc", "out of memory", "cannot allocate memory",
                        "failed to map segment")


def stage_file(con, path: Path, encoding: str | None, workdir: Path, keep_in: Path | None = None,
               sheet: str | None = None):
    """Return what was read after staging `path` into `cx_stage` and `cx_stage_rejects` on `con`,
    reading it in a child process (same signature and result as reader.stage_file).

    With `keep_in` (an upload's own directory), what the child staged is kept there, one folder
    per encoding asked for, and staging the same file again copies it in without a new child:
    the page's preview, its check and its load read the stored file once.

    Raise FileFormatError (one line) when the file cannot be read, is over a size limit, or its
    reading needed more memory or time than the limits allow."""
    from ..store.db import run
    from .reader import StagedFile, reset_stage

    out = Path(workdir) if keep_in is None else Path(keep_in) / _kept_name(encoding, sheet)
    answer_file = out / ANSWER_FILE
    if answer_file.is_file():
        answer = json.loads(answer_file.read_text("utf-8"))
    else:
        out.mkdir(parents=True, exist_ok=True)
        answer = _read_in_child(Path(path), encoding, out, sheet)
        if "staged" not in answer:
            _raise_refusal(answer)
    reset_stage(con)
    run(con, "import/stage_from_child", {"path": str(out / STAGE_FILE)})
    run(con, "import/stage_rejects_from_child", {"path": str(out / REJECTS_FILE)})
    if not answer_file.is_file():
        answer_file.write_text(json.dumps(answer, ensure_ascii=False), "utf-8")
    return StagedFile(**answer["staged"])


def _kept_name(encoding: str | None, sheet: str | None = None) -> str:
    """Return the folder name for what was staged with `encoding` and `sheet` (any text the user typed)."""
    chosen = (encoding or "") if sheet is None else f"{encoding or ''}\0{sheet}"
    return "staged-" + hashlib.sha256(chosen.encode("utf-8")).hexdigest()[:16]


def _read_in_child(path: Path, encoding: str | None, out: Path, sheet: str | None = None) -> dict:
    """Return the child's answer after it staged `path` (a workbook's `sheet`) into Parquet files in `out`."""
    memory_mb, seconds = limits.read_memory_mb(), limits.read_seconds()
    request = {"path": str(path.resolve()), "encoding": encoding, "out": str(out.resolve()), "memory_mb": memory_mb,
               "sheet": sheet}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cxmetrics.ingest.isolated_read", json.dumps(request)],
            cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, capture_output=True, timeout=seconds,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise FileFormatError(limits.over_time()) from None
    return _answer(done)


def _answer(done: subprocess.CompletedProcess) -> dict:
    """Return the child's answer (its last line of stdout), or what its death says."""
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    if done.returncode == 0 and lines:
        try:
            return json.loads(lines[-1])
        except ValueError:
            pass
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode < 0 or any(sign in errors.lower() for sign in _OUT_OF_MEMORY_SIGNS):
        # Killed by a signal (an abort after a failed allocation, the kernel's OOM killer) or a
        # library that said so: with the address space capped, both mean the cap was reached.
        return {"memory": True}
    last = next((line.strip() for line in reversed(errors.splitlines()) if line.strip()), "")
    return {"failed": last or f"the reading process exited with status {done.returncode}"}


def _raise_refusal(answer: dict):
    if answer.get("memory"):
        raise FileFormatError(limits.over_memory())
    if "unicode" in answer:
        raise UnicodeError(answer["unicode"])
    if "refused" in answer:
        raise FileFormatError(answer["refused"])
    raise FileFormatError(f"the file could not be read: {answer.get('failed', 'no reason given')}")


# --- the child ----------------------------------------------------------------------------------


def _cap_memory(memory_mb: int) -> None:
    """Cap this process's address space, before the libraries that might need much are imported."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = memory_mb << 20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _child(request: dict) -> dict:
    """Return the answer to print after staging the requested file into Parquet files."""
    import duckdb

    from .reader import stage_file as read

    out = Path(request["out"])
    # Work files (a UTF-8 copy of the file, DuckDB's spill) go in a folder removed on the way out.
    workdir = Path(tempfile.mkdtemp(prefix="work-", dir=out))
    spill = workdir / "spill"
    con = duckdb.connect(":memory:", config={
        "memory_limit": f"{max(64, int(request['memory_mb'] * DUCKDB_SHARE))}MB",
        "temp_directory": str(spill),
        "threads": CHILD_THREADS,
    })
    con.execute("SET enable_progress_bar = false")  # its bars would only fill the captured stderr
    try:
        staged = read(con, Path(request["path"]), request["encoding"], workdir, sheet=request.get("sheet"))
        con.table("cx_stage").write_parquet(str(out / STAGE_FILE))
        con.table("cx_stage_rejects").write_parquet(str(out / REJECTS_FILE))
    except FileFormatError as exc:
        return {"refused": str(exc)}
    except UnicodeError as exc:
        return {"unicode": str(exc)}
    except duckdb.OutOfMemoryException:
        return {"memory": True}
    except duckdb.Error as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return {"failed": lines[0] if lines else type(exc).__name__}
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return {"staged": asdict(staged)}


def main(argv: list[str]) -> int:
    request = json.loads(argv[0])
    _cap_memory(int(request["memory_mb"]))
    try:
        answer = _child(request)
    except MemoryError:
        answer = {"memory": True}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    os._exit(main(sys.argv[1:]))  # no interpreter teardown: nothing is left to flush or close
