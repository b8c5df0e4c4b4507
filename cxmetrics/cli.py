"""`python -m cxmetrics`: the analyst's scripting surface, printing JSON on stdout.

Exit 0 when the command did its work, 2 when it could not (nothing loaded, a bad argument, a
database in use), with a one-line reason on stderr. A user's mistake never prints a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb

from . import rollups
from .store.audit import cli_actor
from .store.db import PROJECT_ROOT, DatabaseBusy, UnknownColumn, connect
from .store.dimensions import Filters
from .core.schema import KINDS

EXIT_OK, EXIT_FAILED = 0, 2


class UserError(Exception):
    """A problem the user can fix; printed as one line, exit 2."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="python -m cxmetrics", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str, lake: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        store = sub.add_mutually_exclusive_group() if lake else sub
        store.add_argument("--db", help="database file (default: $CXMETRICS_DB or data/cx.duckdb)")
        if lake:
            store.add_argument("--lake", metavar="DIR", help="answer from a built lake folder instead (docs/scale.md)")
        return sub

    imp = command("import", "load a CSV, Excel or Parquet file into one of the tables")
    imp.add_argument("kind", choices=KINDS, help="the table the file feeds")
    imp.add_argument("file", help="the file to load")
    imp.add_argument("--map", action="append", default=[], metavar="SOURCE=TARGET",
                     help="feed TARGET from the file's column SOURCE, or from A+B joined with a space "
                     "(a date and a time of day); repeatable; a source may feed two targets")
    imp.add_argument("--set", action="append", default=[], metavar="TARGET=VALUE",
                     help="give every row VALUE for a column the file lacks (repeatable)")
    imp.add_argument("--date-format", action="append", default=[], metavar="FMT",
                     help="strptime format of the file's dates when not ISO-like (repeatable, tried in order)")
    imp.add_argument("--null", action="append", default=[], metavar="[COLUMN=]TEXT",
                     help="text that means a missing value, in every column (NA) or in one (Rating=0); repeatable")
    imp.add_argument("--recode", action="append", default=[], metavar="COLUMN:FROM=TO",
                     help="read FROM as TO in the file's COLUMN before typing, e.g. 'Continue buying:No=yes' (repeatable)")
    imp.add_argument("--skip-if", action="append", default=[], metavar="COLUMN=VALUE",
                     help="leave out rows whose COLUMN holds VALUE (counted as skipped, not rejected; repeatable)")
    imp.add_argument("--sheet", metavar="NAME|N", help="a workbook's sheet, by name or number from 1 (default: the first)")
    imp.add_argument("--encoding", help="the file's text encoding when detection gets it wrong")
    imp.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    imp.add_argument("--force", "--yes", action="store_true",
                     help="load even when most rows would be rejected or the file looks like another kind")

    delete = command("delete-import", "remove every row one import loaded")
    delete.add_argument("import_id", type=int)

    command("imports", "list the imports, newest first")

    met = command("metrics", "print NPS, CSAT, CES, FCR and repeat figures, overall and by a dimension", lake=True)
    met.add_argument("--by", metavar="DIMENSION", help="a column of contacts or customers")
    _add_scope(met)

    out = command("outcomes", "print churn and revenue, overall and by a dimension or experience group", lake=True)
    out.add_argument("--by", metavar="DIMENSION",
                     help="a customers column, nps_group, csat_group or repeat_contact")
    out.add_argument("--window", type=_positive_int, default=7, help="repeat window W in days (default 7)")
    out.add_argument("--same-reason", action="store_true", help="repeats count only with an equal contact reason")

    gaps = command("gaps", "print each value's gap to all other customers, with significance", lake=True)
    gaps.add_argument("--by", metavar="DIMENSION", required=True)
    gaps.add_argument("--metric", default="nps",
                      help="nps, csat, ces, survey_fcr, repeat_rate, fcr, or one of the contact log's own measures: "
                           "resolved_rate, abandon_rate, transfer_rate, asa_seconds, aht_seconds")
    _add_scope(gaps)

    drivers = command("drivers", "print the driver impact of each value of a dimension on NPS or CSAT", lake=True)
    drivers.add_argument("--by", metavar="DIMENSION", default="contact_reason")
    drivers.add_argument("--metric", default="nps", help="nps or csat")
    _add_scope(drivers)

    report = command("report", "write the report of a period (figures, changes, drivers, charts) as HTML or PDF")
    report.add_argument("--out", metavar="FILE.html|FILE.pdf",
                        help="the file to write; its ending picks the format (default: report-FROM-TO.html here)")
    _add_scope(report)

    sample = command("sample", "write a realistic sample data set as CSV files")
    sample.add_argument("--out", required=True, help="folder to write the CSV files into")
    sample.add_argument("--customers", type=_positive_int, default=2000)
    sample.add_argument("--seed", type=int, default=7)

    serve = command("serve", "start the dashboard (same as streamlit run app.py)", lake=True)
    serve.add_argument("--port", type=_positive_int, default=None)

    log = command("audit", "list who imported or deleted what, and when, newest first")
    log.add_argument("--limit", type=_positive_int, default=200, help="at most this many entries (default 200)")

    export = command("export", "back up every table to Parquet files with a manifest")
    export.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder to write the backup into")

    restore = command("restore", "restore a backup made by export into a new or empty database")
    restore.add_argument("--from", dest="source", required=True, metavar="DIR", help="the folder export wrote")

    lake = commands.add_parser("lake", help="a lake of Parquet files and its rollups, on DuckDB or Spark (docs/scale.md)",
                               description="a lake of Parquet files and its rollups, on DuckDB or Spark (docs/scale.md)")
    lake_commands = lake.add_subparsers(dest="lake_command", required=True, metavar="LAKE_COMMAND")
    lake_export = lake_commands.add_parser("export", help="write the workspace's canonical tables as Parquet, "
                                           "one folder per table, by month where it has a date")
    lake_export.add_argument("--to", required=True, metavar="DIR", help="a new or empty folder (the lake)")
    lake_export.add_argument("--db", help="database file (default: $CXMETRICS_DB or data/cx.duckdb)")
    lake_build = lake_commands.add_parser("build", help="compute the derived contact facts and every rollup table "
                                          "from a lake's Parquet files into DIR/rollups/")
    lake_build.add_argument("--lake", required=True, metavar="DIR", help="the folder `lake export` wrote")
    lake_build.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    how = lake_build.add_mutually_exclusive_group()
    how.add_argument("--full", action="store_true",
                     help="build everything again, even when no file was added since the last build")
    how.add_argument("--incremental", action="store_true",
                     help="when files were only added since the last build, compute again only what they "
                          "change (docs/scale.md: measured, not yet faster than a full build)")
    where = lake_build.add_mutually_exclusive_group()
    where.add_argument("--master", metavar="local[N]|URL", help="Spark master (default local[*]: every core of this machine)")
    where.add_argument("--spark-remote", metavar="sc://HOST:PORT", help="a Spark Connect server to build on")

    command("hash-password", "print the hash of a sign-in password (read from standard input) for secrets.toml")
    return parser


def _add_scope(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--from", dest="date_from", type=_date, help="first day, YYYY-MM-DD (inclusive)")
    sub.add_argument("--to", dest="date_to", type=_date, help="last day, YYYY-MM-DD (inclusive)")
    sub.add_argument("--window", type=_positive_int, default=7, help="repeat/FCR window W in days (default 7)")
    sub.add_argument("--same-reason", action="store_true", help="repeats count only with an equal contact reason")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-31") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        return _fail(str(exc))
    except UnknownColumn as exc:
        return _fail(str(exc))
    except DatabaseBusy as exc:
        return _fail(str(exc))
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            return _fail("the database is in use by another program (is the dashboard open?); try again when it is closed")
        return _fail(f"the database could not be opened: {str(exc).splitlines()[0]}")
    except duckdb.Error as exc:
        return _fail(f"the database refused the operation: {str(exc).strip().splitlines()[0]}")
    except OSError as exc:
        return _fail(f"{exc.filename or 'a file'} could not be used: {exc.strerror or exc}")
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was changed by the interrupted step")


def _fail(reason: str) -> int:
    print(reason.replace("\n", " "), file=sys.stderr)
    return EXIT_FAILED


def _print(payload) -> None:
    print(json.dumps(_finite(payload), ensure_ascii=False, indent=2, default=str))


def _finite(value):
    """Return the payload with NaN/inf turned into null, which JSON has and Python's json does not enforce."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def _scope(args) -> Filters:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise UserError("--from is after --to")
    return Filters(date_from=args.date_from, date_to=args.date_to)


def cmd_import(args) -> int:
    from .ingest.importer import ImportOptions, ImportRefused, load_file
    from .core.mapping import MappingError, parse_column_values, parse_pairs, parse_recodes

    try:
        options = ImportOptions(
            mapping=parse_pairs(args.map, "--map"),
            set_values=parse_pairs(args.set, "--set"),
            date_formats=args.date_format,
            nulls=[n for n in args.null if "=" not in n],
            column_nulls=parse_column_values([n for n in args.null if "=" in n], "--null"),
            recode=parse_recodes(args.recode),
            skip_if=parse_column_values(args.skip_if, "--skip-if"),
            sheet=args.sheet,
            force=args.force,
            encoding=args.encoding,
            dry_run=args.dry_run,
            actor=cli_actor(),
        )
    except MappingError as exc:
        raise UserError(str(exc)) from exc
    con = connect(args.db)
    try:
        result = load_file(con, args.kind, args.file, options)
        if result.rows_loaded and not options.dry_run:  # only a load changes what the rollups sum
            rollups.ensure_fresh(con)
    except ImportRefused as exc:
        raise UserError(str(exc)) from exc
    finally:
        con.close()
    _print(result.to_json())
    if result.already_imported:
        return _fail(f"this file was already imported as import #{result.already_imported}; nothing loaded")
    if result.rows_loaded == 0 and result.rows_rejected == 0:
        return _fail("no row could be loaded: 0 rows rejected (the file has a header but no data rows)")
    if result.rows_loaded == 0:
        first = result.rejects[0] if result.rejects else None
        detail = f" (line {first['line']}: {first['reason']})" if first else ""
        return _fail(f"no row could be loaded: {result.rows_rejected} rows rejected{detail}")
    if result.needs_confirmation and not args.force and not args.dry_run:
        return _fail(f"nothing loaded: {result.needs_confirmation}; check the mapping, or add --force to load anyway")
    return EXIT_OK


def cmd_delete_import(args) -> int:
    from .ingest.importer import ImportRefused, delete_import

    con = connect(args.db)
    try:
        removed = delete_import(con, args.import_id, cli_actor())
        rollups.ensure_fresh(con)
    except ImportRefused as exc:
        raise UserError(str(exc)) from exc
    finally:
        con.close()
    _print({"import_id": args.import_id, "rows_deleted": removed})
    return EXIT_OK


def cmd_imports(args) -> int:
    from .ingest.upload import import_history

    con = connect(args.db)
    try:
        frame = import_history(con)
    finally:
        con.close()
    _print(json.loads(frame.to_json(orient="records", date_format="iso")))
    return EXIT_OK


def _reader(args):
    """Return a connection to what a reading command answers from: the lake folder of `--lake`
    (lake.workspace), else the database of `--db`."""
    if getattr(args, "lake", None) is None:
        return connect(args.db)
    from .lake.workspace import LakeWorkspaceError, open_lake

    try:
        return open_lake(args.lake)
    except LakeWorkspaceError as exc:
        raise UserError(str(exc)) from exc


def cmd_metrics(args) -> int:
    from .engine.metrics import metrics

    con = _reader(args)
    try:
        _print(metrics(con, args.by, _scope(args), args.window, args.same_reason))
    finally:
        con.close()
    return EXIT_OK


def cmd_outcomes(args) -> int:
    from .engine.outcomes import outcomes

    con = _reader(args)
    try:
        result = outcomes(con, args.by, args.window, args.same_reason)
        _print({"overall": result["overall"], "groups": result["groups"]})
    finally:
        con.close()
    return EXIT_OK


def cmd_gaps(args) -> int:
    from .engine.segments import segment_gaps

    return _print_split(args, segment_gaps)


def cmd_drivers(args) -> int:
    from .engine.segments import driver_impact

    return _print_split(args, driver_impact)


def _print_split(args, compute) -> int:
    """Print `compute(con, metric, by, filters, window, same_reason)`'s frame (segment gaps or driver
    impact) as JSON records; an unknown metric or column is the user's error."""
    con = _reader(args)
    try:
        frame = compute(con, args.metric, args.by, _scope(args), args.window, args.same_reason)
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    finally:
        con.close()
    _print(json.loads(frame.to_json(orient="records")))
    return EXIT_OK


REPORT_FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def cmd_report(args) -> int:
    from .engine.report import report_model, shown_filters
    from .face.report_sections import chart_specs
    from .engine.targets import get_targets

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in REPORT_FORMATS:
        raise UserError(f"--out must end in .html or .pdf, not {out.name!r}")
    con = connect(args.db)
    try:
        filters = shown_filters(con, _scope(args))
        model = report_model(con, filters, args.window, args.same_reason, get_targets(con))
    finally:
        con.close()
    if out is None:
        period = model["period"]
        out = Path(f"report-{period['current_from']}-{period['current_to']}.html" if period else "report.html")
    kind = REPORT_FORMATS[out.suffix.lower()]
    specs = chart_specs(model)
    if kind == "pdf":
        from .face.report_pdf import render_pdf

        out.write_bytes(render_pdf(model, specs))
    else:
        from .face.report_html import render_html

        out.write_text(render_html(model, specs), encoding="utf-8")
    _print({"out": str(out), "format": kind, "period": model["period"],
            "headline": {h["key"]: {"value": h["value"], "n": h["n"], "previous": h["previous"],
                                    "change": h["change"], "significant": h["significant"], "target": h["target"]}
                         for h in model["headline"]}})
    return EXIT_OK


def cmd_sample(args) -> int:
    from .core.sample import write_sample

    try:
        written = write_sample(args.out, args.customers, args.seed)
    except OSError as exc:
        raise UserError(f"could not write to {args.out}: {exc.strerror or exc}") from exc
    _print({name: str(path) for name, path in written.items()})
    return EXIT_OK


def cmd_serve(args) -> int:
    from .core.access import pages_folder_problem

    if problem := pages_folder_problem(PROJECT_ROOT):
        raise UserError(problem)  # refused before Streamlit starts: its first requests would pass the gate
    command = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "app.py")]
    if args.port:
        command += ["--server.port", str(args.port)]
    env = dict(os.environ)
    if args.db:
        env["CXMETRICS_DB"] = str(Path(args.db).resolve())
    if args.lake:
        from .lake.workspace import LakeWorkspaceError, lake_folder
        from .store.workspaces import LAKE_VARIABLE

        try:
            env[LAKE_VARIABLE] = str(lake_folder(args.lake))  # refused here, not on the first page
        except LakeWorkspaceError as exc:
            raise UserError(str(exc)) from exc
    return subprocess.call(command, env=env)


def cmd_audit(args) -> int:
    from .store.audit import entries

    con = connect(args.db)
    try:
        _print(entries(con, args.limit))
    finally:
        con.close()
    return EXIT_OK


def cmd_export(args) -> int:
    from .ingest.backup import BackupError, export_database
    from .store.db import db_path

    try:
        manifest = export_database(db_path(args.db), args.out)
    except BackupError as exc:
        raise UserError(str(exc)) from exc
    _print({
        "out": str(Path(args.out)),
        "schema_version": manifest["schema_version"],
        "tables": {t["name"]: t["rows"] for t in manifest["tables"]},
    })
    return EXIT_OK


def cmd_lake(args) -> int:
    if args.lake_command == "export":  # needs only the runtime requirements; a build needs sqlglot too
        from .lake.export import ExportError, export

        con = connect(args.db, read_only=True)
        try:
            written = export(con, args.to)
        except ExportError as exc:
            raise UserError(str(exc)) from exc
        finally:
            con.close()
        _print({"to": str(Path(args.to)), "tables": written})
        return EXIT_OK
    from .lake.build import LakeError, build

    if args.engine == "duckdb" and (args.master or args.spark_remote):
        raise UserError("--master and --spark-remote are for --engine spark")
    try:
        master = args.master or (None if args.spark_remote or args.engine == "duckdb" else "local[*]")
        _print(build(args.lake, args.engine, master=master, remote=args.spark_remote, full=args.full,
                     incremental=args.incremental))
    except LakeError as exc:
        raise UserError(str(exc)) from exc
    return EXIT_OK


def cmd_restore(args) -> int:
    from .ingest.backup import BackupError, restore_database
    from .store.db import db_path

    try:
        _print(restore_database(args.source, db_path(args.db)))
    except BackupError as exc:
        raise UserError(str(exc)) from exc
    return EXIT_OK


def cmd_hash_password(args) -> int:
    import getpass

    from .core.access import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            raise UserError("the two passwords differ")
    else:
        # A pipe: the first line is the password (a trailing newline is not part of it).
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError("the password is empty")
    _print({"hash": hash_password(password)})
    return EXIT_OK


COMMANDS = {
    "import": cmd_import,
    "delete-import": cmd_delete_import,
    "imports": cmd_imports,
    "metrics": cmd_metrics,
    "outcomes": cmd_outcomes,
    "gaps": cmd_gaps,
    "drivers": cmd_drivers,
    "report": cmd_report,
    "sample": cmd_sample,
    "serve": cmd_serve,
    "audit": cmd_audit,
    "export": cmd_export,
    "restore": cmd_restore,
    "lake": cmd_lake,
    "hash-password": cmd_hash_password,
}
