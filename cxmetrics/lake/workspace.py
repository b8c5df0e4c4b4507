"""A lake workspace: a lake folder (`lake export` + `lake build`, by either engine) opened as a
DuckDB store the engine reads unchanged, for the command line (`--lake DIR`) and the dashboard
($CXMETRICS_LAKE).

`open_lake` returns a connection to an in-memory database with the workspace schema (the
migrations, so every table, view and setting the engine looks for is there) in which

- each canonical table (customers, contacts, responses, outcomes, engagement) is a view over its
  Parquet files, every file under `<lake>/<table>/` (the month folders' names are not read, so no
  `month` column appears that the workspace's table does not have), with the workspace table's
  columns in its order and types: `contacts` joined to the derived facts the build wrote
  (`<lake>/rollups/contact_facts/`), as the importer stores them on each contact; `import_id`,
  which no lake file holds, NULL; a file's own extra columns (segments) after them;
- each table a build writes (lake.layout.ROLLUP_TABLES) is a view over `<lake>/rollups/<table>/`;
- rollup_state records the store's data version, so `rollup_state.is_fresh` says the rollups
  answer, and the segment columns rolled are the build's (rollup_segments is one of its tables).

So the pages read the small rollups and the questions a rollup cannot answer (drill-through, a
customer's story, a comment search) read the Parquet files, with DuckDB pushing their filters into
the scan. The views read the files when they are queried: a lake built again is seen at once.

Nothing the user does is written into a lake. The canonical and rollup tables are views, which
DuckDB refuses to write into; the dashboard refuses imports, targets, saved views and the other
writes before they start (ReadOnlyLake). What the in-memory database does hold is derived and
kept per process: the voice facts (theme mentions, sentiments) computed from the lake's comments.

The folder is the user's, so it never becomes SQL text: it reaches DuckDB as the path argument
of the relation API's read_parquet, which DuckDB quotes into the view itself (a CREATE VIEW takes
no `$param`). A folder naming a character DuckDB reads as a file pattern (* ? [ ] { }) is refused,
as is a URL: DuckDB reads a local lake only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
from duckdb import ColumnExpression, ConstantExpression

from ..store import db, rollup_state
from ..store.db import quote_ident, run
from ..core.schema import TABLES
from .layout import FACTS_TABLE, OUTPUT_TABLES, ROLLUPS_FOLDER

# Characters DuckDB's Parquet reader takes as a file pattern (lake.build refuses them too).
_PATTERN = re.compile(r"[*?\[\]{}]")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://")
READ_ONLY = ("this workspace is a lake, read-only: its data changes by `python -m cxmetrics lake export` "
             "and `lake build`, not from here")


class LakeWorkspaceError(ValueError):
    """The folder cannot be opened as a lake workspace (the message says why, in one line)."""


class ReadOnlyLake(PermissionError):
    """A write (an import, a target, a saved view, a follow-up...) asked of a lake workspace."""

    def __init__(self, message: str = READ_ONLY):
        super().__init__(message)


def lake_folder(lake: str | os.PathLike) -> Path:
    """Return the lake folder `lake` as an absolute path, after checking that it can be opened:
    a local folder, no file-pattern character, every canonical table exported and every table a
    build writes present. Raise LakeWorkspaceError otherwise."""
    text = os.fspath(lake)
    if _URL.match(text):
        raise LakeWorkspaceError(f"{text} is not a local folder: a lake workspace reads a local lake "
                                 "(a cluster's lake is built there, then copied or mounted here)")
    folder = Path(text).resolve()
    if _PATTERN.search(str(folder)) or "\x00" in str(folder):
        raise LakeWorkspaceError(f"the lake folder {folder} holds a character DuckDB reads as a file pattern (* ? [ ] {{ }})")
    if not folder.is_dir():
        raise LakeWorkspaceError(f"{folder} is not a folder")
    for table in TABLES:
        if not (folder / table).is_dir():
            raise LakeWorkspaceError(f"{folder / table} is missing: `python -m cxmetrics lake export` writes a lake's tables")
    for table in OUTPUT_TABLES:
        if not (folder / ROLLUPS_FOLDER / table).is_dir():
            raise LakeWorkspaceError(f"{folder / ROLLUPS_FOLDER / table} is missing: build the lake first "
                                     f"(python -m cxmetrics lake build --lake {folder})")
    return folder


def open_lake(lake: str | os.PathLike) -> duckdb.DuckDBPyConnection:
    """Return a connection to the lake workspace at `lake` (see the module's docstring); raise
    LakeWorkspaceError when the folder is no built lake, or one whose files lack a column."""
    folder = lake_folder(lake)
    con = db.connect(":memory:")
    try:
        facts = _files(con, folder / ROLLUPS_FOLDER / FACTS_TABLE, FACTS_TABLE)
        for table in TABLES:
            _view(con, table, _files(con, folder / table, table, union=True), facts if table == "contacts" else None)
        for table in OUTPUT_TABLES:
            if table != FACTS_TABLE:
                _view(con, table, _files(con, folder / ROLLUPS_FOLDER / table, table))
        run(con, "rollups/clear_state")
        run(con, "rollups/record_state", {"data_version": rollup_state.data_version(con)})
    except BaseException:
        con.close()
        raise
    return con


def version(lake: str | os.PathLike) -> str:
    """Return a token that changes whenever a file of the lake is added, removed or rewritten (an
    export, a build, an appended month): the dashboard keys its cached figures by it."""
    count, newest, size = 0, 0, 0
    for root, _, files in os.walk(lake_folder(lake)):
        for name in files:
            found = os.stat(os.path.join(root, name))
            count, newest, size = count + 1, max(newest, found.st_mtime_ns), size + found.st_size
    return f"lake-{count}-{size}-{newest}"


def _files(con, folder: Path, table: str, union: bool = False) -> duckdb.DuckDBPyRelation:
    """Return every Parquet file under `folder` as one relation. Hive partitioning is off: the
    month folders say nothing a file's rows do not (and add no column). `union` matches a table's
    files by column name, for a month appended by another writer in another column order."""
    files = str(folder / "**" / "*.parquet") if union else str(folder / "*.parquet")
    try:
        return con.read_parquet(files, hive_partitioning=False, union_by_name=union)
    except duckdb.IOException as problem:
        raise LakeWorkspaceError(f"{table}: no Parquet file could be read under {folder} "
                                 f"({str(problem).strip().splitlines()[0]})") from None


def _view(con, table: str, files: duckdb.DuckDBPyRelation, facts: duckdb.DuckDBPyRelation | None = None) -> None:
    """Replace the schema's `table` by a view over `files` with the table's columns, in its order
    and of its types; for contacts, the derived facts come from `facts`. A canonical column no file
    holds is NULL, as in a workspace fed files without it; a build's table must hold every column.
    Columns are named as (alias, name) pairs, never parsed: a segment column may hold any character."""
    schema = con.table(table)
    wanted = dict(zip(schema.columns, schema.types))
    own = dict(zip(files.columns, files.types))
    derived = dict(zip(facts.columns, facts.types)) if facts is not None else {}
    rollup = table not in TABLES
    rows = files.set_alias("c")
    if facts is not None:
        rows = rows.join(facts.set_alias("f"), ColumnExpression("c", "contact_id") == ColumnExpression("f", "contact_id"),
                         how="left")
    columns = []
    for name, kind in wanted.items():
        if name in derived and name != "contact_id":
            source, found = ColumnExpression("f", name), derived[name]
        elif name in own:
            source, found = ColumnExpression("c", name), own[name]
        elif rollup:
            raise LakeWorkspaceError(f"{table} of the lake has no column {name!r}: build the lake again with this version")
        else:
            source, found = ConstantExpression(None), None
        columns.append((source if found == kind else source.cast(kind)).alias(name))
    if not rollup:  # a file's own columns after the schema's: the segments a workspace's imports add
        columns += [ColumnExpression("c", name).alias(name) for name in own if name not in wanted]
    run(con, "lake/drop_table", table=quote_ident(table))
    rows.select(*columns).create_view(table, replace=True)
