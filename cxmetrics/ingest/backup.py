"""Backups: every table of the store to Parquet with a manifest, and back into a new database.

`export_database` writes one Parquet file per table found in the catalog (so tables added by
later versions are included without a change here), then `manifest.json` last: a folder without
a manifest is an unfinished export. The manifest holds the schema versions, every table's row
count, columns and types, the SHA-256 of its file, and the sequences' positions.

`restore_database` refuses a target that holds data, checks the manifest and every file against
it, rebuilds the backup's schema version in a new file beside the target, loads every table in
one transaction (checking row counts before the commit), applies any newer migrations, and only
then moves the finished file into place. A failed restore leaves the target as it was.
"""

from __future__ import annotations

import glob
import json
import os
import re
import signal
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from ..store.db import (DdlConstant, identifier_list, lock_wait, migrate, migration_files, open_waiting,
                        quote_ident, run)
from .importer import sha256_of

MANIFEST = "manifest.json"
FORMAT = "cxmetrics-backup"
FORMAT_VERSION = 1
MIGRATIONS_TABLE = "schema_migrations"
_FILE_NAME = re.compile(r"[A-Za-z0-9_]{1,100}\.parquet")
# What a restore accepts. Every table and sequence a cxmetrics database has is named in lower-case
# snake_case; anything else in a manifest is tampering (a name holding `--` broke the parameter
# parsing of the statements it went into). Column names are tidy names in any script
# (mapping.column_key). A sequence value must fit the INTEGER id columns the sequences feed
# (import_id, event_id, action_id): past that, the next import would fail. Within it, a value is
# set in O(1) (see _restore_sequences).
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
MIN_SEQUENCE, MAX_SEQUENCE = 1, 2**31 - 1


class BackupError(ValueError):
    """An export or restore that cannot be done; the message is one line for the user."""


# --- export -------------------------------------------------------------------------------------


def export_database(path: str | os.PathLike, out: str | os.PathLike) -> dict:
    """Return the manifest after writing every table of the database at `path` to Parquet in `out`.

    `out` must be new or empty: an export never mixes with an older one.
    """
    source, folder = Path(path), Path(out)
    if not source.is_file():
        raise BackupError(f"there is no database at {source}")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"{folder} is not an empty folder; export into a new or empty one")
    folder.mkdir(parents=True, exist_ok=True)
    con = _open(source, read_only=True)
    written: list[Path] = []
    try:
        # One transaction: every table is read from the same snapshot.
        con.execute("BEGIN TRANSACTION")
        tables = [row[0] for row in run(con, "backup/tables").fetchall()]
        if MIGRATIONS_TABLE not in tables:
            raise BackupError(f"{source} is not a cxmetrics database (it has no {MIGRATIONS_TABLE} table)")
        entries = []
        for index, table in enumerate(tables):
            file_name = f"{table}.parquet" if _FILE_NAME.fullmatch(f"{table}.parquet") else f"table_{index}.parquet"
            target = folder / file_name
            written.append(target)
            run(con, "backup/export_table", {"path": str(target)}, table=quote_ident(table)).fetchall()
            entries.append({
                "name": table,
                "file": file_name,
                "rows": run(con, "backup/count_rows", table=quote_ident(table)).fetchall()[0][0],
                "columns": [{"name": n, "type": t} for n, t in run(con, "backup/columns", {"table": table}).fetchall()],
            })
        migrations = [{"version": v, "name": n} for v, n in run(con, "backup/migrations").fetchall()]
        sequences = [
            {"name": name, "last_value": last} for name, _start, _step, last in run(con, "backup/sequences").fetchall()
        ]
        con.execute("COMMIT")
    except BaseException:
        con.close()
        for file in written:
            file.unlink(missing_ok=True)
        raise
    con.close()
    for entry in entries:
        entry["sha256"] = sha256_of(folder / entry["file"])
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "schema_version": max(m["version"] for m in migrations) if migrations else 0,
        "migrations": migrations,
        "tables": entries,
        "sequences": sequences,
    }
    unfinished = folder / (MANIFEST + ".partial")
    unfinished.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    unfinished.replace(folder / MANIFEST)
    return manifest


# --- restore ------------------------------------------------------------------------------------


def read_manifest(folder: str | os.PathLike) -> dict:
    """Return the checked manifest of a backup folder; raise BackupError naming the first fault."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} holds no {MANIFEST}: not a backup, or an unfinished export")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeError) as exc:
        raise BackupError(f"{MANIFEST} is not valid JSON: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{MANIFEST} is not a cxmetrics backup manifest")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{MANIFEST} has format version {manifest.get('format_version')!r}; this cxmetrics reads {FORMAT_VERSION}")
    migrations = _list(manifest, "migrations")
    tables = _list(manifest, "tables")
    sequences = _list(manifest, "sequences")
    try:
        versions = [(int(m["version"]), str(m["name"])) for m in migrations]
        names = [str(t["name"]) for t in tables]
        for entry in tables:
            entry["rows"] = _count(entry["rows"], entry["name"])
            if not isinstance(entry["columns"], list) or not entry["columns"]:
                raise BackupError(f"{MANIFEST}: table {entry['name']} lists no columns")
            entry["columns"] = [{"name": str(c["name"]), "type": str(c["type"])} for c in entry["columns"]]
            _check_file(folder, entry)
        for sequence in sequences:
            if not _TABLE_NAME.fullmatch(str(sequence["name"])):
                raise BackupError(f"{MANIFEST}: {str(sequence['name'])[:80]!r} is not a sequence name a cxmetrics "
                                  "database has")
            value = sequence["last_value"]
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or not MIN_SEQUENCE <= value <= MAX_SEQUENCE):
                raise BackupError(f"{MANIFEST}: sequence {sequence['name']} has a value outside "
                                  f"{MIN_SEQUENCE}..{MAX_SEQUENCE}: {str(value)[:40]}")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"{MANIFEST} is incomplete or damaged ({type(exc).__name__}: {exc})") from None
    for entry in tables:
        _check_names(entry)
    if len(set(names)) != len(names):
        raise BackupError(f"{MANIFEST} lists a table twice")
    if MIGRATIONS_TABLE not in names or not versions:
        raise BackupError(f"{MANIFEST} has no schema versions: not a complete backup")
    known = {version: path.name for version, path in migration_files()}
    for version, name in versions:
        if known.get(version) != name:
            raise BackupError(
                f"the backup's schema version {version} ({name}) is unknown to this cxmetrics; restore it with the "
                "version that made it"
            )
    return manifest


def restore_database(folder: str | os.PathLike, path: str | os.PathLike) -> dict:
    """Return {"tables": {name: rows}, ...} after restoring a backup folder into a new or empty database at `path`."""
    folder, target = Path(folder), Path(path)
    manifest = read_manifest(folder)
    _require_empty(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(target)
    building = target.with_name(f"{_BUILDING_PREFIX.format(name=target.name)}{os.getpid()}")
    _remove_database_files(building)
    with _terminate_as_exception():
        con = _open(building, read_only=False, wait=False)
        try:
            migrate(con, only={int(m["version"]) for m in manifest["migrations"]})
            _load_tables(con, folder, manifest)
            newer = migrate(con)
            con.execute("CHECKPOINT")
            con.close()
            building.replace(target)
        except BaseException:  # KeyboardInterrupt and SIGTERM (below) too: no half-built file stays
            con.close()
            _remove_database_files(building)
            raise
    return {
        "database": str(target),
        "schema_version": manifest["schema_version"],
        "migrations_applied_after": newer,
        "tables": {t["name"]: t["rows"] for t in manifest["tables"]},
    }


def _check_names(entry: dict) -> None:
    """Raise BackupError unless a manifest's table and its columns are named as cxmetrics names them."""
    from ..core.mapping import is_tidy_name

    name = entry["name"]
    if not _TABLE_NAME.fullmatch(name):
        raise BackupError(f"{MANIFEST}: {name[:80]!r} is not a table name a cxmetrics database has")
    odd = next((c["name"] for c in entry["columns"] if not is_tidy_name(c["name"])), None)
    if odd is not None:
        raise BackupError(f"{MANIFEST}: {odd[:80]!r} is not a column name a cxmetrics database has (table {name})")


def _load_tables(con, folder: Path, manifest: dict) -> None:
    """Load every table of the manifest into the freshly migrated `con`, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        schema_tables = {row[0] for row in run(con, "backup/tables").fetchall()}
        listed = {t["name"] for t in manifest["tables"]}
        missing = sorted(schema_tables - listed)
        if missing:
            raise BackupError(f"the backup lacks the table(s) {', '.join(missing)}: it is incomplete")
        for entry in manifest["tables"]:
            _load_table(con, folder / entry["file"], entry, entry["name"] in schema_tables)
        restored = [{"version": v, "name": n} for v, n in run(con, "backup/migrations").fetchall()]
        if restored != sorted(manifest["migrations"], key=lambda m: m["version"]):
            raise BackupError(f"the {MIGRATIONS_TABLE} file does not match the manifest's schema versions")
        _restore_sequences(con, manifest["sequences"])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _load_table(con, file: Path, entry: dict, exists: bool) -> None:
    name, table = entry["name"], quote_ident(entry["name"])
    wanted = [(c["name"], c["type"]) for c in entry["columns"]]
    found = [(row[0], row[1]) for row in run(con, "backup/parquet_columns", {"path": str(file)}).fetchall()]
    if found != wanted:
        raise BackupError(f"{file.name} does not hold the columns and types the manifest lists for {name}")
    held = run(con, "backup/parquet_rows", {"path": str(file)}).fetchall()[0][0]  # the footer's count, no scan
    if held != entry["rows"]:
        raise BackupError(f"{file.name} holds {held} rows, the manifest says {entry['rows']}: the backup is damaged")
    if exists:
        # The backup is the whole truth: rows a migration seeded (schema versions, reference
        # lists) are replaced by the backed-up ones.
        run(con, "backup/clear_table", table=table).fetchall()
    else:
        run(con, "backup/create_table", {"path": str(file)}, table=table).fetchall()
    have = [row[0] for row in run(con, "backup/columns", {"table": name}).fetchall()]
    lacking = [column for column in have if column not in {c for c, _ in wanted}]
    if lacking:
        raise BackupError(f"{file.name} lacks column(s) {', '.join(lacking)} of table {name}: the backup is damaged")
    for column, type_name in wanted:
        if column not in have:
            try:  # the column types a restore may add: DuckDB's scalar types, DECIMAL(p,s) and lists
                column_type = DdlConstant.column_type(type_name)
            except ValueError:
                raise BackupError(f"column {name}.{column} has a type a restore does not create: {type_name}") from None
            run(con, "backup/add_column", table=table, column=quote_ident(column), type=column_type).fetchall()
    columns = identifier_list([column for column, _ in wanted])
    loaded = run(con, "backup/insert_rows", {"path": str(file)}, table=table, columns=columns).fetchall()[0][0]
    if loaded != entry["rows"]:
        raise BackupError(f"{file.name} holds {loaded} rows, the manifest says {entry['rows']}: the backup is damaged")


def _restore_sequences(con, sequences: list[dict]) -> None:
    """Move each sequence to where the backed-up database left it, so new ids never collide.

    In O(1): the sequence is made anew starting at the backed-up last value, and that value drawn
    once. (Drawing every value up to it took past 120 s for 10^13.) DuckDB's CREATE SEQUENCE takes
    only constants, not $params, so the start and step go into slots as integer literals: both
    are Python ints, the start checked against the bounds in read_manifest, the step from the catalog."""
    present = {name: (start, step, last) for name, start, step, last in run(con, "backup/sequences").fetchall()}
    for sequence in sequences:
        name, wanted = str(sequence["name"]), sequence["last_value"]
        if name not in present:
            raise BackupError(f"the backup's sequence {name} is not part of this schema")
        if wanted is None:
            continue
        start, step, _last = present[name]
        steps, remainder = divmod(int(wanted) - start, step)
        if remainder or steps < 0:
            raise BackupError(f"sequence {name}: {wanted} is not a value it hands out")
        run(con, "backup/restart_sequence", sequence=quote_ident(name), start=DdlConstant.integer(int(wanted)),
            step=DdlConstant.integer(int(step))).fetchall()
        drawn = run(con, "backup/draw_sequence", {"sequence": name}).fetchall()[0][0]
        if drawn != int(wanted):
            raise BackupError(f"sequence {name} could not be set to {wanted}")


def _require_empty(target: Path) -> None:
    """Raise BackupError unless `target` is missing or holds only what its schema itself puts there.

    Some migrations seed rows (reference lists); a database is empty when every table holds as
    many rows as a freshly migrated one of the same schema versions."""
    if not target.exists():
        return
    if not target.is_file():
        raise BackupError(f"{target} is not a database file")
    # Read-write, so that closing folds any write-ahead log into the file before it is replaced.
    con = _open(target, read_only=False)
    try:
        held, versions = _row_counts(con)
    finally:
        con.close()
    reference = _open(Path(":memory:"), read_only=False, wait=False)
    try:
        migrate(reference, only=versions)
        fresh, _ = _row_counts(reference)
    finally:
        reference.close()
    differs = sorted(t for t, n in held.items() if t != MIGRATIONS_TABLE and n != fresh.get(t, 0))
    if differs:
        raise BackupError(
            f"{target} already holds data (in {', '.join(differs[:3])}); restore into a new file or an empty database"
        )
    if Path(f"{target}.wal").exists():
        raise BackupError(f"{target} has an unfinished write-ahead log; open and close it once, then try again")


def _row_counts(con) -> tuple[dict[str, int], set[int]]:
    """Return ({table: rows}, applied schema versions) of a database."""
    tables = [row[0] for row in run(con, "backup/tables").fetchall()]
    counts = {t: run(con, "backup/count_rows", table=quote_ident(t)).fetchall()[0][0] for t in tables}
    versions = {v for v, _ in run(con, "backup/migrations").fetchall()} if MIGRATIONS_TABLE in tables else set()
    return counts, versions


def _check_file(folder: Path, entry: dict) -> None:
    file_name = str(entry["file"])
    if not _FILE_NAME.fullmatch(file_name):
        raise BackupError(f"{MANIFEST}: {file_name!r} is not a backup file name")
    file = folder / file_name
    if not file.is_file():
        raise BackupError(f"the backup lacks {file_name} (table {entry['name']})")
    if sha256_of(file) != entry["sha256"]:
        raise BackupError(f"{file_name} was changed after the export (its SHA-256 does not match the manifest)")


def _list(manifest: dict, key: str) -> list:
    value = manifest.get(key)
    if not isinstance(value, list):
        raise BackupError(f"{MANIFEST} lacks its {key!r} list: the backup is incomplete")
    return value


def _count(value, table) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BackupError(f"{MANIFEST}: the row count of {table} is not a whole number")
    return value


def _open(path: Path, read_only: bool, wait: bool = True) -> duckdb.DuckDBPyConnection:
    # The command line's own DuckDB instance, never the dashboard's locked-down one: it keeps
    # file access, which COPY ... TO and read_parquet need. Waits, like every command, while
    # another process holds the file (db.open_waiting raises DatabaseBusy after lock_wait()).
    con = open_waiting(path, read_only, lock_wait()) if wait else duckdb.connect(str(path), read_only=read_only)
    con.execute("SET TimeZone = 'UTC'")
    return con


_BUILDING_PREFIX = ".{name}.restoring-"  # + the PID of the process building it


@contextmanager
def _terminate_as_exception():
    """Within the block, let SIGTERM raise SystemExit, so a restore stopped that way (a service
    manager, `timeout`, `kill`) cleans up as it does for Ctrl-C. Python's default for SIGTERM ends
    the process at once, leaving the half-built file. Only the main thread may set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _remove_stale_builds(target: Path) -> None:
    """Remove what a restore into `target` killed outright (SIGKILL, power loss) left behind: a
    half-built file whose building process no longer runs."""
    prefix = _BUILDING_PREFIX.format(name=target.name)
    for leftover in target.parent.glob(f"{glob.escape(prefix)}*"):
        pid = leftover.name[len(prefix):].removesuffix(".wal")
        if pid.isdigit() and not _running(int(pid)):
            leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: running
        return True
    return True


def _remove_database_files(path: Path) -> None:
    for leftover in (path, Path(f"{path}.wal")):
        leftover.unlink(missing_ok=True)
