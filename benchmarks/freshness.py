"""How long a daily append takes to show: a day of contacts loaded into a big workspace, its rollups
refreshed incrementally inside the import, against the same load with the rollups rebuilt whole.

    python benchmarks/freshness.py --data /tmp/cx-bench-0.2 --scale 0.2 --base /tmp/cx-fresh-0.2.duckdb

Generates the set (benchmarks/generate.py) when --data holds none, loads it into --base with the
rollups built once (kept for later runs), then on two copies of that store loads the same file of
--append contacts: the day after the latest contact, each a copy of a stored contact (so of an
existing customer, with its channel, reason and team), which moves the censoring edge and makes
repeats of the customers' recent contacts.

- before: the rollups marked stale first (as every load left them before incremental refresh), so
  the load writes only its rows, and `rollups.ensure_fresh` then rebuilds every family;
- after: the load refreshes the rollups itself (`rollups.finish_change`), family by family.

Then the appended import is deleted on the second copy (incrementally) for the delete's figure.
Prints the figures and the ratios as JSON.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import generate  # noqa: E402
from cxmetrics import rollups  # noqa: E402
from cxmetrics.store.db import connect  # noqa: E402
from cxmetrics.ingest.importer import ImportOptions, delete_import, load_file  # noqa: E402


def seconds(call, *args):
    started = time.perf_counter()
    result = call(*args)
    return result, time.perf_counter() - started


def build_base(data: Path, base: Path) -> float:
    """Load the generated set into `base` and build its rollups once; return the seconds."""
    started = time.perf_counter()
    con = connect(base)
    for kind in generate.KINDS:
        load_file(con, kind, data / f"{kind}.csv", ImportOptions(force=True))
    rollups.ensure_fresh(con)
    con.close()
    return time.perf_counter() - started


def write_append(base: Path, out: Path, n: int) -> None:
    """Write `n` contacts dated the day after the latest one, copied from stored contacts."""
    con = connect(base, read_only=True)
    # The benchmark's own fixed query over its own store (not product SQL): n travels as a parameter,
    # and the rows are written by pandas, so no value is spliced into the text.
    picked = con.execute("""
        WITH latest AS (SELECT CAST(max(started_at) AS DATE) + 1 AS day FROM contacts),
        picked AS (SELECT * FROM contacts ORDER BY hash(contact_id), contact_id LIMIT $n)
        SELECT 'APPEND-' || row_number() OVER (ORDER BY p.contact_id) AS contact_id,
            p.customer_id,
            strftime(l.day + CAST(p.started_at AS TIME), '%Y-%m-%d %H:%M:%S') AS started_at,
            p.channel, p.contact_reason, p.resolved, p.transfers, p.handle_seconds, p.agent, p.team,
            p.self_service
        FROM picked AS p CROSS JOIN latest AS l
    """, {"n": int(n)}).df()
    picked.to_csv(out, index=False)
    con.close()


def measure(base: Path, append: Path, work: Path) -> dict:
    figures = {}
    # before: a load that leaves the rollups stale, then the full rebuild
    shutil.copy(base, work)
    con = connect(work)
    con.execute("DELETE FROM rollup_state")  # stale, as every load left them before
    _, figures["load_only_s"] = seconds(load_file, con, "contacts", append, ImportOptions(force=True))
    _, figures["full_rebuild_s"] = seconds(rollups.ensure_fresh, con)
    figures["full_rebuild_families_s"] = {f: round(r.seconds, 2) for f, r in rollups.last_refresh(con).items()}
    con.close()
    # after: the load refreshes the rollups incrementally inside its transaction
    shutil.copy(base, work)
    con = connect(work)
    assert rollups.is_fresh(con)
    result, figures["load_with_refresh_s"] = seconds(load_file, con, "contacts", append, ImportOptions(force=True))
    refreshed = rollups.last_refresh(con)
    figures["incremental_refresh_s"] = sum(r.seconds for r in refreshed.values())
    figures["incremental_families"] = {f: [r.how, r.detail, round(r.seconds, 2)] for f, r in refreshed.items()}
    _, figures["delete_with_refresh_s"] = seconds(delete_import, con, result.import_id)
    refreshed = rollups.last_refresh(con)
    figures["delete_refresh_s"] = sum(r.seconds for r in refreshed.values())
    figures["delete_families"] = {f: [r.how, r.detail, round(r.seconds, 2)] for f, r in refreshed.items()}
    con.close()
    work.unlink()
    figures["refresh_ratio_full_over_incremental"] = figures["full_rebuild_s"] / figures["incremental_refresh_s"]
    figures["append_ratio_before_over_after"] = (
        (figures["load_only_s"] + figures["full_rebuild_s"]) / figures["load_with_refresh_s"])
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="directory of a generated set (made if empty)")
    parser.add_argument("--scale", type=float, default=0.2, help="scale to generate at (default 0.2: 2 M contacts)")
    parser.add_argument("--base", type=Path, required=True, help="the loaded store (made once, then reused)")
    parser.add_argument("--append", type=int, default=5000, help="contacts in the appended day (default 5000)")
    args = parser.parse_args(argv)
    report: dict = {"append": args.append}
    if generate.manifest(args.data) is None:
        generate.generate(args.data, args.scale)
    if not args.base.exists():
        report["base_load_s"] = round(build_base(args.data, args.base), 1)
    con = connect(args.base)
    rollups.ensure_fresh(con)  # a base left stale (an interrupted run) is rebuilt once
    report["base_contacts"] = con.execute("SELECT count(*) FROM contacts").fetchone()[0]
    con.close()
    append = args.base.with_name(args.base.stem + f"-append-{args.append}.csv")
    write_append(args.base, append, args.append)
    report.update(measure(args.base, append, args.base.with_name(args.base.stem + "-work.duckdb")))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
