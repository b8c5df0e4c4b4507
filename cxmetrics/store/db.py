"""The DuckDB store: where the file lives, how it is opened and migrated, and how SQL is loaded.

Every statement the product runs lives in `sql/**/*.sql`, one per file, and parses on its own
(tests/test_sql_files.py parses each and fails on SQL text in a Python module); Python only
opens and ends transactions and sets settings. What several files share (a CTE body, a
subquery) is a file of its own they include as `{{> folder/name}}`, written in when a file is
read. Values always travel as DuckDB `$params`. What fills a file's `{{slot}}` is an
`Identifier`: a name (or a list of names) that has to vary, such as a "split by" column, the
relation to read (a rollup or the CTE computing the same rows) or a file's own column names,
quoted by `quote_ident` after `require_column` or a fixed list checked it. The one exception is
`validation`'s typing pass (UNCONVERTED_MODULES). The two constants DuckDB's DDL takes no
`$param` for (a column type, a sequence's start) are a `DdlConstant`, checked against a fixed
grammar.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SQL_DIR = PROJECT_ROOT / "sql"
DEFAULT_DB = PROJECT_ROOT / "data" / "cx.duckdb"

# {{name}} marks an identifier slot in a SQL file; only `Identifier` values may fill it.
_SLOT = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
# {{> folder/name}} includes sql/folder/name.sql (a query or a CTE body) when the file is read.
_INCLUDE = re.compile(r"\{\{>\s*([a-z_]+(?:/[a-z_]+)*)\s*\}\}")
# One token of SQL that may hold a `$name` that is no parameter (a string literal, a quoted
# identifier, a comment), or a parameter: only the last group counts.
_PARAM_OR_TEXT = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/|\$([A-Za-z_][A-Za-z0-9_]*)", re.S
)
# A quoted name, optionally qualified by a query's own alias (c."channel"), or a list of them.
_QUOTED = r'(?:[a-z_][a-z0-9_]*\.)?"(?:[^"\x00]|"")+"'
_NAMES = re.compile(rf"{_QUOTED}(?:, {_QUOTED})*")
# The modules whose slots Identifier still takes SQL expressions from (issue 16): validation types
# an imported file with one expression per column of that file, its shape following the file
# (tests/test_sql_files.py says why it stays), and the benchmark that times that pass in parts.
UNCONVERTED_MODULES = frozenset({
    "cxmetrics.ingest.validation",
    "benchmarks.import_floor",
})


class UnknownColumn(ValueError):
    """A column name the user asked for that the database does not have."""


class Identifier(str):
    """A quoted SQL name, optionally qualified by a query's alias, or a comma list of them: the
    only thing a `{{slot}}` takes besides a DdlConstant. Make one with quote_ident or
    identifier_list; any other text is refused (see UNCONVERTED_MODULES)."""

    def __new__(cls, value: str):
        if not (isinstance(value, str) and _NAMES.fullmatch(value)):
            caller = sys._getframe(1).f_globals.get("__name__")
            if caller not in UNCONVERTED_MODULES:
                raise ValueError(f"not a quoted name or list of names: {str(value)[:80]!r}")
        return super().__new__(cls, value)


# The column types a DDL slot may take: DuckDB's scalar types, DECIMAL(p,s) and lists of them.
_DDL_TYPE = re.compile(
    r"(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|"
    r"FLOAT|DOUBLE|DECIMAL\(\d{1,2},\d{1,2}\)|VARCHAR|BLOB|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|"
    r"TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|INTERVAL|UUID|JSON)(\[\])*"
)


class DdlConstant(str):
    """A column type or a whole number, for the few DDL statements where DuckDB takes only
    constants, not `$params` (ALTER TABLE ... ADD COLUMN's type, CREATE SEQUENCE's START WITH)."""

    @classmethod
    def column_type(cls, name: str) -> "DdlConstant":
        """Return a column type name (e.g. VARCHAR, DECIMAL(18,3), BIGINT[]), or raise ValueError."""
        if not (isinstance(name, str) and _DDL_TYPE.fullmatch(name)):
            raise ValueError(f"not a column type: {str(name)[:80]!r}")
        return cls(name)

    @classmethod
    def integer(cls, value: int) -> "DdlConstant":
        """Return a whole number written as a SQL literal, or raise ValueError."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"not a whole number: {value!r}")
        return cls(str(value))


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Return the database file to use: `--db`, else `$CXMETRICS_DB`, else `data/cx.duckdb`."""
    chosen = explicit or os.environ.get("CXMETRICS_DB") or DEFAULT_DB
    return Path(chosen)


class DatabaseBusy(RuntimeError):
    """Another process holds the database file open; the message is one line naming it."""

    def __init__(self, message: str, holder: str = ""):
        super().__init__(message)
        self.holder = holder  # e.g. "PID 123: the dashboard", or "" when DuckDB did not say


# How long `connect` keeps trying while another process holds the file (DuckDB allows one
# writing process); $CXMETRICS_LOCK_WAIT overrides it, in seconds.
LOCK_WAIT_SECONDS = 30.0
_RETRY_SECONDS = (0.05, 0.1, 0.2, 0.5)
# One writer at a time inside this process: two dashboard sessions share one DuckDB instance,
# where two concurrent imports would conflict (or both pass the duplicate-key check).
_WRITES = threading.Lock()
WRITE_WAIT_SECONDS = 600.0


def lock_wait() -> float:
    """Return the seconds to wait for another process's lock: $CXMETRICS_LOCK_WAIT, else LOCK_WAIT_SECONDS."""
    try:
        return max(0.0, float(os.environ.get("CXMETRICS_LOCK_WAIT", LOCK_WAIT_SECONDS)))
    except ValueError:
        return LOCK_WAIT_SECONDS


def connect(
    path: str | os.PathLike | None = None, read_only: bool = False, wait: float | None = None,
) -> duckdb.DuckDBPyConnection:
    """Return a connection to the store, with the schema migrated to the latest version.

    While another process holds the file, keep trying for `wait` seconds (default `lock_wait()`),
    then raise DatabaseBusy naming that process."""
    target = db_path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    con = open_waiting(target, read_only, lock_wait() if wait is None else wait)
    try:
        apply_memory_settings(con, temp_directory(target))
    except BaseException:
        con.close()
        raise
    # Timestamps are stored naive in UTC; a session time zone other than UTC would shift
    # every value parsed with an offset (Twitter's "+0000", ISO "Z").
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
    return con


# DuckDB's own default is 80 % of the machine's RAM, which on a laptop running a browser and the
# dashboard leaves nothing else; a quarter of RAM, at least 256 MB and at most 800 MB, holds there.
# The cap keeps the whole process inside 1.5 GB: the limit covers DuckDB's buffers, not the Python
# process around them (pandas frames, Streamlit's sessions), which at 10 M contacts needs about
# 300-500 MB more; at a 1 GB limit the import and the dashboard peaked at 1.55 and 1.61 GB
# (docs/performance.md). Work bigger than the limit spills to the temp directory beside the
# database (`<database>.tmp`).
# A 1,000-column file (the column limit, cxmetrics.core.limits) of 20,000 rows loads under 500 MB.
MEMORY_FRACTION = 0.25
MEMORY_FLOOR_MB = 256
MEMORY_CAP_MB = 800


def default_memory_limit(ram_bytes: int | None = None) -> str:
    """Return the memory limit used when $CXMETRICS_MEMORY_LIMIT is unset: MEMORY_FRACTION of RAM,
    between MEMORY_FLOOR_MB and MEMORY_CAP_MB (e.g. '800MB' on an 8 GB laptop)."""
    if ram_bytes is None:
        try:
            ram_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError):
            ram_bytes = MEMORY_CAP_MB << 20 << 2
    megabytes = int(ram_bytes * MEMORY_FRACTION) >> 20
    return f"{min(MEMORY_CAP_MB, max(MEMORY_FLOOR_MB, megabytes))}MB"


class SettingError(duckdb.IOException):
    """A setting from the environment that DuckDB cannot use; the message is one line naming it."""


def memory_limit() -> str:
    """Return DuckDB's memory limit to use: $CXMETRICS_MEMORY_LIMIT (e.g. 4GB, 800MB, 50%), else
    default_memory_limit()."""
    return os.environ.get("CXMETRICS_MEMORY_LIMIT", "").strip() or default_memory_limit()


MAX_THREADS = 256


def thread_count() -> int | None:
    """Return how many threads DuckDB may use: $CXMETRICS_THREADS (a whole number from 1 to
    MAX_THREADS), or None when unset (DuckDB's own default, one per core).

    For a machine that does other work beside the store (a server that also runs the browser
    sessions, two imports at once, a test run that already has one process per core), where every
    connection taking every core only makes them queue for each other."""
    raw = os.environ.get("CXMETRICS_THREADS", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_THREADS:
        raise SettingError(
            f"CXMETRICS_THREADS={raw!r} is not a whole number of threads from 1 to {MAX_THREADS} (e.g. 2)")
    return int(raw)


def temp_directory(target: Path) -> Path | None:
    """Return where DuckDB spills work bigger than its memory limit: `<database>.tmp` beside the
    file, or None for an in-memory database (DuckDB's own choice)."""
    if str(target) == ":memory:":
        return None
    return target.with_name(target.name + ".tmp")


def apply_memory_settings(con: duckdb.DuckDBPyConnection, spill_to: Path | None = None) -> None:
    """Set the database instance's memory limit and temp directory (`spill_to`, when given) and keep
    rows in insertion order; with $CXMETRICS_THREADS, that many threads.

    The importer numbers a CSV file's lines by the order its rows were stored in, so
    `preserve_insertion_order` stays on (DuckDB's default) whatever else is tuned. Threads stay
    DuckDB's default, one per core, unless CXMETRICS_THREADS says otherwise. Settings belong to
    the database instance, which every connection to the same file in this process shares: once
    the dashboard has locked them (lock_down), they are left as they are."""
    if run(con, "store/configuration_locked").fetchall()[0][0]:
        return
    limit = memory_limit()
    if spill_to is not None:
        con.execute("SET temp_directory = $dir", {"dir": str(spill_to)})
    try:
        con.execute("SET memory_limit = $limit", {"limit": limit})
    except duckdb.Error as exc:
        raise SettingError(
            f"CXMETRICS_MEMORY_LIMIT={limit!r} is not a memory size DuckDB accepts (e.g. 2GB, 800MB or 50%): "
            f"{str(exc).strip().splitlines()[0]}"
        ) from None
    con.execute("SET preserve_insertion_order = true")
    threads = thread_count()
    if threads is not None:
        con.execute("SET threads = $threads", {"threads": threads})


def open_waiting(target: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Return a raw DuckDB connection, retrying while another process holds the file's lock."""
    deadline = time.monotonic() + wait
    for attempt in itertools.count():
        try:
            return duckdb.connect(str(target), read_only=read_only)
        except duckdb.IOException as exc:
            if not is_lock_conflict(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(busy_message(target, exc, wait), lock_holder(str(exc))) from None
        time.sleep(_RETRY_SECONDS[min(attempt, len(_RETRY_SECONDS) - 1)])


def is_lock_conflict(exc: BaseException) -> bool:
    """Return True when DuckDB refused to open a file because another process holds its lock."""
    return isinstance(exc, duckdb.IOException) and "conflicting lock" in str(exc).lower()


def busy_message(target: Path, exc: BaseException, waited: float) -> str:
    """Return one line saying which process holds the database and what to do about it."""
    holder = lock_holder(str(exc))
    return (
        f"the database {target} is open in another process{f' ({holder})' if holder else ''}; "
        f"waited {waited:g} s. "
        "Close that program or wait for its import to finish, then try again "
        "(set CXMETRICS_LOCK_WAIT to wait longer)"
    )


def lock_holder(message: str) -> str:
    """Return 'PID n: what it is' from DuckDB's lock message, naming the dashboard when it is one."""
    match = re.search(r"PID (\d+)", message)
    if not match:
        return ""
    pid = match.group(1)
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            command = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        command = ""
    if "streamlit" in command:
        what = "the dashboard"
    elif "cxmetrics" in command:
        what = "another cxmetrics command"
    else:
        what = command.split(" ")[0].rsplit("/", 1)[-1] or "unknown program"
    return f"PID {pid}: {what}"


@contextmanager
def writing(on_wait=None, wait: float | None = None):
    """Hold this process's one write slot for the block; call `on_wait()` first if someone else has it.

    Raise DatabaseBusy when the slot is still taken after `wait` seconds (WRITE_WAIT_SECONDS)."""
    if not _WRITES.acquire(blocking=False):
        if on_wait is not None:
            on_wait()
        limit = WRITE_WAIT_SECONDS if wait is None else wait
        if not _WRITES.acquire(timeout=limit):
            raise DatabaseBusy(f"another upload was still being written after {limit:g} s; try again later")
    try:
        yield
    finally:
        _WRITES.release()


def lock_down(con: duckdb.DuckDBPyConnection, allowed_directories: list[Path]) -> None:
    """Turn off DuckDB's access to files outside `allowed_directories` and lock the configuration.

    After this, nothing run on the database (by any connection of its instance) can read or
    write other files, attach databases, load extensions or change a setting back."""
    con.execute("SET allowed_directories = $dirs", {"dirs": [str(Path(d).resolve()) + os.sep for d in allowed_directories]})
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def migrate(con: duckdb.DuckDBPyConnection, only: Collection[int] | None = None) -> list[int]:
    """Apply the schema files in `sql/schema/` that this database has not seen; return their versions.

    With `only`, apply just those versions (a restore rebuilds a backup's schema first, then the rest)."""
    run(con, "store/create_migrations")
    done = {row[0] for row in run(con, "store/applied_migrations").fetchall()}
    applied = []
    for version, path in _migration_files():
        if version in done or (only is not None and version not in only):
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            run(con, "store/record_migration", {"version": version, "name": path.name})
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def migration_files() -> list[tuple[int, Path]]:
    """Return (version, path) of every schema file in `sql/schema/`, oldest first."""
    return _migration_files()


def _migration_files() -> list[tuple[int, Path]]:
    files = []
    for path in sorted((SQL_DIR / "schema").glob("*.sql")):
        files.append((int(path.name.split("_", 1)[0]), path))
    return files


@lru_cache(maxsize=None)
def _read_sql(name: str) -> str:
    """Return the text of `sql/<name>.sql` with its `{{> folder/name}}` includes written in."""
    return include_files(_file_text(name), (name,))


def _file_text(name: str) -> str:
    path = (SQL_DIR / f"{name}.sql").resolve()
    if SQL_DIR.resolve() not in path.parents:
        raise ValueError(f"not a query name: {name!r}")
    return path.read_text(encoding="utf-8")


def include_files(text: str, seen: tuple[str, ...] = ()) -> str:
    """Return `text` with each `{{> folder/name}}` replaced by the text of `sql/folder/name.sql`
    (itself with its includes written in): a query or CTE body several files share, kept once.

    The included text ends on a line of its own, so a comment on its last line cannot swallow
    what follows (a closing parenthesis); an include that includes itself is refused."""
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in seen:
            raise ValueError(f"{seen[0]}.sql includes itself through {name}.sql")
        return include_files(_file_text(name), (*seen, name)).rstrip() + "\n"

    return _INCLUDE.sub(fill, text)


def query(name: str, **identifiers: Identifier) -> str:
    """Return the text of `sql/<name>.sql` with its `{{slots}}` filled by checked identifiers."""
    text = _read_sql(name)

    def fill(match: re.Match) -> str:
        slot = match.group(1)
        value = identifiers.get(slot)
        if not isinstance(value, (Identifier, DdlConstant)):
            raise TypeError(f"{name}.sql slot {slot!r} needs an Identifier, got {value!r}")
        return value

    return _SLOT.sub(fill, text)


def quote_ident(name: str) -> Identifier:
    """Return `name` as a double-quoted SQL identifier (the one place identifiers are quoted)."""
    if not isinstance(name, str) or name == "" or "\x00" in name:
        raise UnknownColumn(f"not a usable column name: {name!r}")
    return Identifier('"' + name.replace('"', '""') + '"')


_ALIAS = re.compile(r"[a-z_][a-z0-9_]*")


def qualified(alias: str, name: str) -> Identifier:
    """Return `name` quoted and qualified by a query's own alias (e.g. c."channel"): a column of
    the relation the SQL file calls `alias`."""
    if not (isinstance(alias, str) and _ALIAS.fullmatch(alias)):
        raise ValueError(f"not a query alias: {alias!r}")
    return Identifier(f"{alias}.{quote_ident(name)}")


def qualified_list(columns) -> Identifier:
    """Return the (alias, name) pairs as qualified names joined by commas (c."team", cu."tier"),
    for a slot listing columns of a query's own relations."""
    return Identifier(", ".join(qualified(alias, name) for alias, name in columns))


def identifier_list(names) -> Identifier:
    """Return the quoted names joined by commas, for a column list slot."""
    return Identifier(", ".join(quote_ident(n) for n in names))


class _Gate:
    """Lets this process's queries run side by side, and one that ran out of memory run again alone.

    DuckDB's memory_limit is shared by every query of the process: fifty dashboard sessions asking
    for figures no rollup holds (a repeat window of 14 days, say) each scan millions of contacts at
    once, and some run out of memory although each alone fits. Such a query waits until the
    queries running now have finished, runs with no other starting meanwhile, and only its own
    second failure reaches the caller."""

    def __init__(self):
        self._changed = threading.Condition()
        self._running = 0
        self._alone = False

    @contextmanager
    def shared(self):
        with self._changed:
            while self._alone:
                self._changed.wait()
            self._running += 1
        try:
            yield
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    @contextmanager
    def alone(self):
        with self._changed:
            while self._alone:
                self._changed.wait()
            self._alone = True
            while self._running:
                self._changed.wait()
        try:
            yield
        finally:
            with self._changed:
                self._alone = False
                self._changed.notify_all()


_GATE = _Gate()


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **slots: Identifier):
    """Execute `sql/<name>.sql` with `params` as DuckDB `$params`; return the connection's result.

    Only the parameters the query names are passed: DuckDB refuses unused ones, and callers share
    one parameter set (the filters) across queries that use different parts of it. A query that
    runs out of memory beside others is run once more, alone (see _Gate); inside a transaction
    the failure has aborted it, so the first error is raised.
    """
    text = query(name, **slots)
    used = params_used(text)
    values = {k: v for k, v in (params or {}).items() if k in used}
    with _GATE.shared():
        try:
            return con.execute(text, values)
        except duckdb.OutOfMemoryException as problem:
            first = problem
    with _GATE.alone():
        try:
            return con.execute(text, values)
        except duckdb.TransactionException:
            raise first from None


def params_used(text: str) -> set[str]:
    """Return the names of the `$params` a SQL text uses: not those in its comments, string
    literals or quoted names (a `--` inside a string literal starts no comment)."""
    return {m.group(1) for m in _PARAM_OR_TEXT.finditer(text) if m.group(1)}


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the column names of a table (or temp table) as the database has them, in order; none
    when there is no such table.

    Asked of the relation API, which only binds the table: a page asks this several times per
    run, and a query of information_schema costs ten times as much."""
    try:
        return list(con.table(table).columns)
    except (duckdb.CatalogException, duckdb.ParserException):
        return []


def require_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> Identifier:
    """Return the quoted identifier of `table.column`, or raise UnknownColumn if it does not exist."""
    if column not in table_columns(con, table):
        raise UnknownColumn(f"{table} has no column {column!r}")
    return quote_ident(column)
