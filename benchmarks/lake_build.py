"""The lake build on both engines, side by side in one run (issue 17, item 5): a generated set
imported into a workspace, exported as a lake, then `cxmetrics lake build` by DuckDB and by Spark
on copies of the same lake; each build's wall time, CPU time, peak resident memory and output rows,
the ratios Spark ÷ DuckDB, and whether the two builds are equal, table by table.

    python benchmarks/lake_build.py --data /tmp/lb/data --scale 1 --work /tmp/lb/work [--json]
    python benchmarks/lake_build.py --data /tmp/lb/data --scale 0.0002 --work /tmp/lb/w --engines duckdb

Each build is the command a user runs, `python -m cxmetrics lake build --lake COPY --engine E`
(`--master local[2]` for Spark: two threads, the machine's two cores), in its own process started
from this small one, its working directory the work folder (an in-memory DuckDB spills there unless
told otherwise). Its wall time runs from the process's start to its exit (Python, the Spark session
and its JVM started, the files read, every table written). Its CPU time and peak memory are those
of the whole process tree: the Python process and, for Spark, the JVM it starts, which this process
adopts as their subreaper (Linux's PR_SET_CHILD_SUBREAPER) so that it reaps the JVM and counts its
CPU time even when PySpark leaves it to exit on its own. The peak is the largest sum of the tree's
resident memory seen, sampled every SAMPLE_SECONDS from /proc (Linux only).

The import (`importer.load_file` per table, the product's default memory limit, no rollup build:
the lake build computes its own) and the export run in a child process too, and once per work
folder: a second run over the same set and work folder reuses them (`prepared.json`) and measures
the builds again.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: make cxmetrics and benchmarks importable
    sys.path.insert(0, str(PROJECT_ROOT))

from benchmarks.generate import KINDS, generate, manifest  # noqa: E402

ENGINES = ("duckdb", "spark")
SPARK_MASTER = "local[2]"
SAMPLE_SECONDS = 0.2
PREPARED = "prepared.json"  # what the import and export of the work folder loaded, once done
PARTIAL = "figures.json"  # the figures of the builds done so far in the current run
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
# The lines of a command's output kept: its JSON (an appended build's says how each family was
# refreshed, some 60 lines) or the end of its error, after whatever Spark logged.
OUTPUT_LINES = 200


# --- a command's process tree, measured -------------------------------------------------------------


def _become_subreaper() -> bool:
    """Make this process the one orphaned descendants are given to (Linux), so it can reap them and
    count their rusage; return whether that worked."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _children() -> dict[int, list[int]]:
    """Return {pid: its child pids} of every process /proc shows."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as fh:
                # The command name (field 2) may hold spaces and parentheses: fields follow the last ')'.
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _tree_resident_bytes(root: int) -> int:
    """Return the resident memory of `root` and every descendant of it (and of this process's other
    children: the orphans it adopted are no longer under `root`)."""
    tree = _children()
    seen, todo, total = set(), [root, *tree.get(os.getpid(), [])], 0
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _resident_bytes(pid)
        todo.extend(tree.get(pid, []))
    return total


def measured(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run `command` and return its wall seconds, CPU seconds (user + system, of every process of its
    tree), peak resident bytes of the tree (sampled), return code and the last lines of its output.

    Nothing else may run as this process's child meanwhile: every child reaped here counts."""
    peak = [0]
    started = time.perf_counter()
    with open(cwd / "command.out", "w+b") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_resident_bytes(process.pid))
                done.wait(SAMPLE_SECONDS)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu, code = 0.0, None
        while True:  # the command first, then any orphan it left behind (a JVM exiting after it)
            try:
                pid, status, usage = os.wait4(-1, 0)
            except ChildProcessError:
                break
            cpu += usage.ru_utime + usage.ru_stime
            if pid == process.pid:
                code = os.waitstatus_to_exitcode(status)
                process.returncode = code
                wall = time.perf_counter() - started
        done.set()
        sampler.join()
        out.seek(0)
        tail = out.read().decode("utf-8", "replace").strip().splitlines()[-OUTPUT_LINES:]
    return {"seconds": wall, "cpu_seconds": cpu, "peak_bytes": peak[0], "returncode": code, "output": tail}


# --- the set, the workspace, the lake ---------------------------------------------------------------


def prepare_phase(data: Path, work: Path) -> dict:
    """Import every generated file into `work`/workspace.duckdb with the real importer and the
    product's default settings, export it to `work`/lake and return what was loaded and written.
    Run in a child process (`--phase prepare`), so this process stays small."""
    from cxmetrics.store.db import connect
    from cxmetrics.ingest.importer import ImportOptions, load_file
    from cxmetrics.lake.export import export

    database = work / "workspace.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(work / "lake", ignore_errors=True)
    con = connect(database)
    try:
        imported = {}
        for kind in KINDS:
            started = time.perf_counter()
            result = load_file(con, kind, data / f"{kind}.csv", ImportOptions())
            imported[kind] = {"rows": result.rows_loaded, "rejected": result.rows_rejected,
                              "seconds": round(time.perf_counter() - started, 2)}
        started = time.perf_counter()
        written = export(con, work / "lake")
        exported = round(time.perf_counter() - started, 2)
    finally:
        con.close()
    return {"set": manifest(data), "import": imported, "export": {"rows": written, "seconds": exported}}


def prepared(data: Path, work: Path) -> dict:
    """Return the import and export of the set in `data` into `work`, doing them first unless the
    work folder already holds them for this very set."""
    record = work / PREPARED
    if record.is_file():
        done = json.loads(record.read_text(encoding="utf-8"))
        if done["set"] == manifest(data) and (work / "lake").is_dir():
            return done
    record.unlink(missing_ok=True)
    result = measured([sys.executable, str(Path(__file__).resolve()), "--phase", "prepare",
                       "--data", str(data), "--work", str(work)], work, _environment(work))
    if result["returncode"] != 0:
        raise RuntimeError("the import and export failed:\n" + "\n".join(result["output"]))
    done = json.loads(result["output"][-1])
    done["prepare"] = {k: result[k] for k in ("seconds", "cpu_seconds", "peak_bytes")}
    record.write_text(json.dumps(done), encoding="utf-8")
    return done


def _environment(work: Path) -> dict[str, str]:
    """Return the commands' environment: the user's defaults (no memory limit of ours), this
    project importable, and temporary files (Spark's, Python's) under the work folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("CXMETRICS_MEMORY_LIMIT", "CXMETRICS_DB")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    env["TMPDIR"] = str(work / "tmp")
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def lake_copy(lake: Path, destination: Path) -> Path:
    """Return a fresh copy of a lake's canonical folders (no build) at `destination`."""
    from cxmetrics.core.schema import TABLES

    shutil.rmtree(destination, ignore_errors=True)
    for table in TABLES:
        shutil.copytree(lake / table, destination / table)
    return destination


# The tables a lake partitions by month: an appended month is a new folder in each.
MONTHLY_FOLDERS = ("contacts", "responses", "outcomes", "engagement")


def hold_back_latest_month(lake: Path, aside: Path) -> list[str]:
    """Move the latest month folder of each table partitioned by month out of `lake` into `aside`
    (the undated answers' month=NULL stays; a table with no rows has no month); return the tables
    a month was moved of."""
    moved = []
    for table in MONTHLY_FOLDERS:
        months = sorted(p.name for p in (lake / table).iterdir() if p.name.startswith("month=") and p.name != "month=NULL")
        (aside / table).mkdir(parents=True)
        if months:
            shutil.move(str(lake / table / months[-1]), str(aside / table / months[-1]))
            moved.append(table)
    return moved


def put_back(aside: Path, lake: Path) -> None:
    """Append what hold_back_latest_month moved: its month folders are new files of the lake."""
    for table in MONTHLY_FOLDERS:
        for month in (aside / table).iterdir():
            shutil.move(str(month), str(lake / table / month.name))


# --- the builds -------------------------------------------------------------------------------------


def build_command(lake: Path, engine: str, master: str) -> list[str]:
    command = [sys.executable, "-m", "cxmetrics", "lake", "build", "--lake", str(lake), "--engine", engine]
    return command + (["--master", master] if engine == "spark" else [])


def _timed_build(work: Path, lake: Path, engine: str, master: str, extra: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Run `cxmetrics lake build` of `lake` with `engine` (and `extra` options) as a user does;
    return (the command's measured figures, the JSON it printed). Raise when it fails."""
    result = measured([*build_command(lake, engine, master), *extra], work, _environment(work))
    if result["returncode"] != 0:
        raise RuntimeError(f"the {engine} build {' '.join(extra)} failed ({result['returncode']}):\n"
                           + "\n".join(result["output"]))
    return result, json.loads("\n".join(_json_lines(result["output"])))


def run_build(work: Path, engine: str, master: str) -> dict:
    """Build a fresh copy of the work folder's lake with `engine`; return the command's figures and
    the rows of every table it wrote (its own JSON)."""
    lake = lake_copy(work / "lake", work / f"build-{engine}")
    result, printed = _timed_build(work, lake, engine, master)
    return {"command": " ".join(["python", *build_command(lake, engine, master)[1:]]),
            "seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"], "peak_bytes": result["peak_bytes"],
            "build_seconds": printed["seconds"], "tables": printed["tables"], "lake": str(lake)}


def run_appended_build(work: Path, engine: str, master: str) -> dict:
    """Build a fresh copy of the lake without its latest month, then append that month and build
    again (only what it changes is recounted); return both builds' figures, how the second was
    built, and the folder of its lake (to compare with the engine's full build of the whole lake)."""
    lake = lake_copy(work / "lake", work / f"appended-{engine}")
    aside = work / f"appended-{engine}-aside"
    shutil.rmtree(aside, ignore_errors=True)
    hold_back_latest_month(lake, aside)
    figures = {}
    for step, extra in (("without the latest month", ()), ("that month appended", ("--incremental",))):
        result, printed = _timed_build(work, lake, engine, master, extra)
        figures[step] = {"seconds": result["seconds"], "cpu_seconds": result["cpu_seconds"],
                         "peak_bytes": result["peak_bytes"], "build_seconds": printed["seconds"],
                         "how": printed["build"]}
        put_back(aside, lake)
    return {**figures, "lake": str(lake)}


def _json_lines(lines: list[str]) -> list[str]:
    """Return the lines of the JSON object the command printed last (Spark may log before it)."""
    start = max(i for i, line in enumerate(lines) if line.startswith("{"))
    return lines[start:]


def compare(figures: dict) -> dict[str, list[str]]:
    """Return {table: differences} of the Spark build against the DuckDB build (empty lists: equal).
    Revenue sums of doubles may differ in their last bits (docs/rollups.md): 1e-12 relative."""
    from cxmetrics.lake.compare import build_differences

    lakes = figures["builds"]
    return build_differences(Path(lakes["spark"]["lake"]), Path(lakes["duckdb"]["lake"]), exact_doubles=False,
                             spill_to=Path(figures["work"]) / "tmp")


def measure(data: Path, work: Path, engines: tuple[str, ...], master: str = SPARK_MASTER,
            appended: bool = False) -> dict:
    """Return every figure of one run: the set prepared in `work`, then each engine's build (and,
    when `appended`, each engine's build of an appended month, compared with its full build)."""
    work.mkdir(parents=True, exist_ok=True)
    subreaper = _become_subreaper()
    ready = prepared(data, work)
    load = [os.getloadavg()]
    builds = {}
    figures = {"date": date.today().isoformat(), "machine": machine(), "set": ready["set"], "work": str(work),
               "import": ready["import"], "export": ready["export"], "prepare": ready.get("prepare"),
               "builds": builds, "load_average": [], "cpu_tree_counted": subreaper}
    for engine in engines:
        builds[engine] = run_build(work, engine, master)
        if appended:
            from cxmetrics.lake.compare import build_differences

            month = run_appended_build(work, engine, master)
            month["ratio_to_full"] = month["that month appended"]["seconds"] / builds[engine]["seconds"]
            differences = build_differences(Path(month["lake"]), Path(builds[engine]["lake"]), exact_doubles=False,
                                            spill_to=work / "tmp")
            month["differences"] = {t: d for t, d in differences.items() if d}
            figures.setdefault("appended", {})[engine] = month
        load.append(os.getloadavg())
        figures["load_average"] = [round(one[0], 2) for one in load]
        # What is done so far, should a long run (Spark at 10 M contacts) be stopped before the end.
        (work / PARTIAL).write_text(json.dumps(figures), encoding="utf-8")
    if set(ENGINES) <= set(engines):
        figures["ratios"] = {k: builds["spark"][k] / builds["duckdb"][k] if builds["duckdb"][k] else None
                             for k in ("seconds", "cpu_seconds", "peak_bytes")}
        figures["differences"] = compare(figures)
    return figures


def machine() -> dict:
    import duckdb

    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        from importlib.metadata import version

        pyspark = version("pyspark")
    except Exception:  # noqa: BLE001 - not installed: the Spark build is then not run
        pyspark = "not installed"
    return {"cpus": os.cpu_count(), "model": model, "ram_bytes": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
            "python": platform.python_version(), "duckdb": duckdb.__version__, "pyspark": pyspark}


# --- the report -------------------------------------------------------------------------------------


def report_lines(figures: dict) -> list[str]:
    """Return the report as text lines: the set, each build, the ratios and the comparison."""
    s, builds = figures["set"], figures["builds"]
    lines = [f"set: {s['contacts']:,} contacts, {s['responses']:,} responses, {s['customers']:,} customers "
             f"(scale {s['scale']:g}, seed {s['seed']}); machine: {figures['machine']['cpus']} CPUs, "
             f"load average {' / '.join(str(x) for x in figures['load_average'])} (before and after each build)"]
    imported = figures["import"]
    lines.append("import: " + ", ".join(f"{k} {v['rows']:,} rows in {v['seconds']:.1f} s" for k, v in imported.items())
                 + f"; export {figures['export']['seconds']:.1f} s")
    header = f"{'engine':<8} {'wall s':>9} {'CPU s':>9} {'peak MiB':>9} {'build s':>9}"
    lines.append(header)
    for engine, b in builds.items():
        lines.append(f"{engine:<8} {b['seconds']:>9.1f} {b['cpu_seconds']:>9.1f} {b['peak_bytes'] / 2**20:>9,.0f} "
                     f"{b['build_seconds']:>9.1f}")
    if "ratios" in figures:
        r = figures["ratios"]
        lines.append(f"{'spark÷duckdb':<8} {_ratio(r['seconds']):>9} {_ratio(r['cpu_seconds']):>9} "
                     f"{_ratio(r['peak_bytes']):>9}")
    tables = list(next(iter(builds.values()))["tables"])
    lines.append(f"{'table':<28}" + "".join(f"{engine:>14}" for engine in builds))
    for table in tables:
        lines.append(f"{table:<28}" + "".join(f"{b['tables'][table]:>14,}" for b in builds.values()))
    for engine, month in figures.get("appended", {}).items():
        first, second = month["without the latest month"], month["that month appended"]
        lines.append(f"{engine}: the lake less its latest month built in {first['seconds']:.1f} s; that month appended "
                     f"and built again ({second['how']['how']}) in {second['seconds']:.1f} s, "
                     f"{_ratio(month['ratio_to_full'])} the full build of the whole lake; equal to it: "
                     + ("yes, every table" if not month["differences"] else f"NO: {month['differences']}"))
    if "differences" in figures:
        unequal = {t: d for t, d in figures["differences"].items() if d}
        lines.append("builds equal: yes, every table" if not unequal
                     else "builds equal: NO: " + "; ".join(f"{t}: {d[0]}" for t, d in unequal.items()))
    return lines


def _ratio(value) -> str:
    return "–" if value is None else f"{value:.1f}×"


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark as the command line asks; print the report (or its figures as JSON) and
    return the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="directory of a generated set (generated there "
                        "first when it holds none at --scale)")
    parser.add_argument("--scale", type=float, help="the set's scale (1: 10 M contacts; default: the set's own, else 0.01)")
    parser.add_argument("--seed", type=int, default=42, help="seed when generating (default 42)")
    parser.add_argument("--work", type=Path, required=True, help="folder for the workspace, the lake and its copies "
                        "(outside the project: the builds run there)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to build with, comma-separated "
                        "(default duckdb,spark; ratios and the comparison need both)")
    parser.add_argument("--master", default=SPARK_MASTER, help=f"Spark's master (default {SPARK_MASTER})")
    parser.add_argument("--appended", action="store_true", help="also build each engine's lake without its latest "
                        "month, then with that month appended, and compare with its full build")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of the report")
    parser.add_argument("--phase", choices=("prepare",), help=argparse.SUPPRESS)  # the child of `prepared`
    args = parser.parse_args(argv)
    if args.phase:
        print(json.dumps(prepare_phase(args.data, args.work)))
        return {}
    engines = tuple(e.strip() for e in args.engines.split(",") if e.strip())
    if not engines or set(engines) - set(ENGINES):
        parser.error(f"--engines takes some of: {', '.join(ENGINES)}")
    if args.scale is not None and not args.scale > 0:
        parser.error("--scale must be above 0")
    found = manifest(args.data)
    wanted = args.scale if args.scale is not None else (found["scale"] if found else 0.01)
    if not found or found["scale"] != wanted or found["seed"] != args.seed:
        generate(args.data, wanted, args.seed)
    figures = measure(args.data.resolve(), args.work.resolve(), engines, args.master, args.appended)
    figures["command"] = " ".join(["python benchmarks/lake_build.py", *(argv if argv is not None else sys.argv[1:])])
    print(json.dumps(figures, indent=1) if args.json else "\n".join(report_lines(figures)))
    return figures


if __name__ == "__main__":
    main()
