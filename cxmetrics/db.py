"""The DuckDB store: where the file lives, how it is opened and migrated, and how SQL is loaded.

Every query of the product lives in `sql/**/*.sql`. Values always travel as DuckDB `$params`;
an identifier that has to vary (a "split by" column, a file's own column names) goes through
`quote_ident`, and only after `require_column` has checked it against the real schema.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
DEFAULT_DB = PROJECT_ROOT / "data" / "cx.duckdb"

# {{name}} marks an identifier slot in a SQL file; only `Identifier` values may fill it.
_SLOT = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


class UnknownColumn(ValueError):
    """A column name the user asked for that the database does not have."""


class Identifier(str):
    """SQL text made only of quoted identifiers and fixed keywords; the only thing a `{{slot}}` takes."""


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """Return the database file to use: `--db`, else `$CXMETRICS_DB`, else `data/cx.duckdb`."""
    chosen = explicit or os.environ.get("CXMETRICS_DB") or DEFAULT_DB
    return Path(chosen)


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Return a connection to the store, with the schema migrated to the latest version."""
    target = db_path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only)
    # Timestamps are stored naive in UTC; a session time zone other than UTC would shift
    # every value parsed with an offset (Twitter's "+0000", ISO "Z").
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply the schema files in `sql/schema/` that this database has not seen; return their versions."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, path in _migration_files():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "INSERT INTO schema_migrations VALUES ($v, $n, current_timestamp::TIMESTAMP)",
                {"v": version, "n": path.name},
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _migration_files() -> list[tuple[int, Path]]:
    files = []
    for path in sorted((SQL_DIR / "schema").glob("*.sql")):
        files.append((int(path.name.split("_", 1)[0]), path))
    return files


@lru_cache(maxsize=None)
def _read_sql(name: str) -> str:
    path = (SQL_DIR / f"{name}.sql").resolve()
    if SQL_DIR.resolve() not in path.parents:
        raise ValueError(f"not a query name: {name!r}")
    return path.read_text(encoding="utf-8")


def query(name: str, **identifiers: Identifier) -> str:
    """Return the text of `sql/<name>.sql` with its `{{slots}}` filled by checked identifiers."""
    text = _read_sql(name)

    def fill(match: re.Match) -> str:
        slot = match.group(1)
        value = identifiers.get(slot)
        if not isinstance(value, Identifier):
            raise TypeError(f"{name}.sql slot {slot!r} needs an Identifier, got {value!r}")
        return value

    return _SLOT.sub(fill, text)


def quote_ident(name: str) -> Identifier:
    """Return `name` as a double-quoted SQL identifier (the one place identifiers are quoted)."""
    if not isinstance(name, str) or name == "" or "\x00" in name:
        raise UnknownColumn(f"not a usable column name: {name!r}")
    return Identifier('"' + name.replace('"', '""') + '"')


def identifier_list(names) -> Identifier:
    """Return the quoted names joined by commas, for a column list slot."""
    return Identifier(", ".join(quote_ident(n) for n in names))


def run(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None, **slots: Identifier):
    """Execute `sql/<name>.sql` with `params` as DuckDB `$params`; return the connection's result.

    Only the parameters the query names are passed: DuckDB refuses unused ones, and callers share
    one parameter set (the filters) across queries that use different parts of it.
    """
    text = query(name, **slots)
    used = set(_PARAM.findall(_COMMENT.sub("", text)))
    return con.execute(text, {k: v for k, v in (params or {}).items() if k in used})


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Return the column names of a table (or temp table) as the database has them, in order."""
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = $t ORDER BY ordinal_position",
        {"t": table},
    ).fetchall()
    return [r[0] for r in rows]


def require_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> Identifier:
    """Return the quoted identifier of `table.column`, or raise UnknownColumn if it does not exist."""
    if column not in table_columns(con, table):
        raise UnknownColumn(f"{table} has no column {column!r}")
    return quote_ident(column)
