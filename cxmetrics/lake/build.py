"""`cxmetrics lake build`: the derived contact facts and every rollup table computed from a lake
folder's Parquet files, by DuckDB or by Spark, and written under `<lake>/rollups/<table>/`.

One build plan for both engines: the canonical tables are read from the lake as relations of
the same names, `sql/lake/contacts.sql` derives the contacts' facts, and then the rollup families
of `rollups.BUILDERS` run their own full builds unchanged, statement for statement, through
`db.run`, on a DuckDB connection or on a `lake.spark.SparkConnection` that translates each
statement (`lake.dialect`). The segment columns are chosen by `rollups.choose_segments`, as a
workspace chooses them. Only the engines' ways of reading and writing files differ:

- DuckDB: an in-memory store with the workspace schema (its rollup tables, the loop_cases view),
  whose canonical tables are replaced by views over the lake's files;
- Spark: temporary views over the files, the rollup tables as Spark tables with the workspace
  schema's column types, copied out as Parquet at the end.

A lake grows by files: each finished build records the files it read (`<lake>/rollups/build_inputs/`).
With none added the next build has nothing to do; with files added it is full, or, when asked
(`incremental`), it reads the previous tables back and applies each table's new files as one
change, with the families' own incremental refreshes (`refresh_appended`, `rollups.apply_change`),
as after an import into a workspace.

The lake folder is a path argument of each engine's reader and writer, never SQL text.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import sqlglot
from sqlglot import exp

from ..store import db
from .. import rollups
from ..store.db import quote_ident, run
from ..store.rollup_state import Change
from ..core.schema import TABLES
# What a build writes under <lake>/rollups/ (lake.layout: the lake workspace reads it too).
from .layout import FACTS_TABLE, INPUTS_FOLDER, OUTPUT_TABLES, ROLLUP_TABLES, ROLLUPS_FOLDER  # noqa: F401

# The lake's contacts as read, before lake/contacts.sql derives their facts into `contacts`.
RAW_CONTACTS = "lake_contacts"
ENGINES = ("duckdb", "spark")
# The order a user imports a workspace's files in (customers before the contacts whose segments they
# hold): a lake's appended files are refreshed table by table in it, each table's files one change.
APPEND_ORDER = ("customers", "contacts", "responses", "outcomes", "engagement")
# The view over one table's appended files while its rows are captured (lake/capture_*.sql).
APPENDED = "cx_appended_rows"
# Characters DuckDB's Parquet reader takes as a file pattern: a local lake folder may not hold them.
_PATTERN = re.compile(r"[*?\[\]{}]")
# A lake on a cluster's storage (s3a://, abfss://, hdfs://), which only Spark reads.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class LakeError(ValueError):
    """The lake folder cannot be built from (the message says why, in one line)."""


def build(lake: str, engine: str = "duckdb", master: str | None = None, remote: str | None = None,
          shuffle_partitions: int | None = None, full: bool = False, incremental: bool = False) -> dict:
    """Build the facts and rollups of the lake at `lake` with `engine` ("duckdb" or "spark": on
    Spark Connect at `remote`, else on `master`); return {"engine", "tables": {table: rows},
    "segments": {column: table}, "seconds", "build": how it was built, and why}.

    A lake that holds exactly the files its last build read is up to date: nothing is built,
    unless `full`. When it holds them and more, the build is full, or with `incremental` only what
    the new files change is computed again (`refresh_appended`): on the sets measured so far that
    took longer than a full build (docs/scale.md, "A lake that grows"), so it is asked for, not
    chosen."""
    if engine == "duckdb":
        runner = DuckDBEngine(lake)
    elif engine == "spark":
        runner = SparkEngine(lake, master, remote, shuffle_partitions)
    else:
        raise LakeError(f"no engine {engine!r}; engines are: {', '.join(ENGINES)}")
    try:
        started = time.perf_counter()
        files = runner.list_files()
        for table, names in files.items():
            if not names:
                raise LakeError(f"{table} holds no Parquet file: a lake holds one folder per table, "
                                "with at least one file (`cxmetrics lake export` writes them)")
        new, why = (None, "a full build was asked for") if full else appended(runner.previous_inputs(), files)
        if new is not None and not any(new.values()):
            return {"engine": engine, "tables": {t: runner.count_built(t) for t in OUTPUT_TABLES},
                    "segments": runner.built_segments(), "seconds": round(time.perf_counter() - started, 3),
                    "build": {"how": "up to date", "why": "no file was added since the last build"}}
        how = None
        if new is not None and not incremental:
            why = (f"{sum(map(len, new.values()))} files added since the last build (--incremental recounts "
                   "only what they change)")
        elif new is not None:
            old = {table: [f for f in names if f not in set(new[table])] for table, names in files.items()}
            how = refresh_appended(runner, old, new)
            if isinstance(how, str):  # what the new files change that no family's refresh can follow
                why, how = how, None
            else:
                why = f"{sum(map(len, new.values()))} files added since the last build"
        if how is None:
            runner.read(files)
            segments = run_plan(runner)
            how = {"how": "full", "why": why}
        else:
            segments = how.pop("segments")
            how = {"how": "appended", "why": why, **how}
        runner.forget_inputs()  # a build that fails while writing leaves none: the next one is full
        rows = {table: runner.write(table) for table in OUTPUT_TABLES}
        runner.write_inputs(files)
        return {"engine": engine, "tables": rows, "segments": segments,
                "seconds": round(time.perf_counter() - started, 3), "build": how}
    finally:
        runner.close()


def appended(previous: dict[str, list[str]] | None,
             current: dict[str, list[str]]) -> tuple[dict[str, list[str]] | None, str]:
    """Return ({table: its files added since the last build}, "") when the lake still holds every
    file the last build read (`previous`, None when there was none); else (None, why not): a file
    gone or replaced means rows changed that no refresh can find, so the build is full."""
    if not previous:
        return None, "no earlier build of this lake is recorded"
    new = {}
    for table, names in current.items():
        before = set(previous.get(table, ()))
        if not before:
            return None, f"the last build read no file of {table}"
        gone = before - set(names)
        if gone:
            return None, f"{len(gone)} file(s) of {table} the last build read are gone, e.g. {sorted(gone)[0]}"
        new[table] = [name for name in names if name not in before]
    return new, ""


def derive_facts(runner) -> None:
    """Compute the contacts' derived facts from the lake's contacts as they are read now."""
    for derived in ("contacts", FACTS_TABLE):
        runner.drop_derived(derived)
    run(runner.con, "lake/contacts", source=quote_ident(RAW_CONTACTS))
    run(runner.con, "lake/contact_facts")
    runner.add_views()


def run_plan(runner) -> dict[str, str]:
    """Run the build plan on an engine whose canonical tables are read: the facts, the segment
    choice and every family's full build; return the segments rolled."""
    con = runner.con
    derive_facts(runner)
    segments = rollups.choose_segments(con)
    run(con, "rollups/clear_segments")
    for name, source in segments.items():
        run(con, "rollups/add_segment", {"seg_name": name, "source": source})
    for family in rollups.BUILDERS:
        family.build(con, segments)
    return segments


# Why an incremental build is built in full after all (refresh_appended).
SEGMENTS_CHANGED = "the segment columns worth rolling changed with the new files"
REPEATED_IDS = "a contact id repeats in the lake's contacts: the incremental refresh finds contacts by id"


def refresh_appended(runner, old: dict[str, list[str]], new: dict[str, list[str]]) -> dict | str:
    """Bring the last build's tables up to date with the files `new` added to those it read (`old`):
    each table's new files are one change, in the order a user imports them (customers before the
    contacts whose segments they hold), and each rollup family recounts only the keys that change
    can alter, as after an import into a workspace (`rollups.apply_change`). The derived facts are
    computed again over every contact (one pass; a new contact moves its neighbours' facts).

    Return {"segments", "appended": {table: files}, "families": {family: how}}, or why the caller
    must build in full instead: the segment columns worth rolling changed (every segment-keyed row
    is then keyed wrong), a contact id repeats (the refreshes find a change's contacts by id;
    sql/lake/repeated_contact_ids.sql), or a table's new files hold more rows than
    rollups.DELTA_MAX_ROWS (a delta's temp tables grow with the change)."""
    con = runner.con
    runner.read(old)
    derive_facts(runner)
    for table in ROLLUP_TABLES:
        runner.load_built(table)
    segments = runner.built_segments()
    families: dict[str, list[str]] = {}
    current = dict(old)
    for table in APPEND_ORDER:
        if not new[table]:
            continue
        latest_before = run(con, "rollups/latest_contact").fetchall()[0][0]
        current[table] = old[table] + new[table]
        runner.read({table: current[table]})
        if table == "contacts":
            derive_facts(runner)
            if run(con, "lake/repeated_contact_ids").fetchall()[0][0]:
                return REPEATED_IDS
        if table in rollups.SEGMENT_TABLES and rollups.choose_segments(con) != segments:
            return SEGMENTS_CHANGED
        if table not in rollups.ROLLED_TABLES:
            continue  # engagement: no family reads it
        runner.read_appended(table, new[table])
        run(con, f"lake/capture_{table}", source=quote_ident(APPENDED))
        too_large = rollups.too_large_for_delta(con)
        if too_large:
            return too_large
        latest_after = run(con, "rollups/latest_contact").fetchall()[0][0]
        change = Change(table, 0, False, latest_before, latest_after)
        for name, refreshed in rollups.apply_change(con, change, segments):
            families.setdefault(name, []).append(f"{table}: {refreshed.how} ({refreshed.detail})")
        runner.drop_derived(APPENDED)
    return {"segments": segments, "appended": {t: len(f) for t, f in new.items() if f}, "families": families}


def _check_folders(lake: str) -> None:
    """Raise LakeError unless the local folder `lake` holds a folder per canonical table."""
    for table in TABLES:
        if not (Path(lake) / table).is_dir():
            raise LakeError(f"{Path(lake) / table} is missing: a lake holds one folder per table "
                            "(`cxmetrics lake export` writes them)")


def _view_name(table: str) -> str:
    return RAW_CONTACTS if table == "contacts" else table


def _table_folders(lake: str) -> dict[str, str]:
    """Return {canonical table: its folder in the lake}, as strings (a cluster's lake may be a URL)."""
    base = lake.rstrip("/")
    return {table: f"{base}/{table}" for table in TABLES}


def _inputs_rows(files: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Return the rows of the record of a build's input files: (table, file under the table's folder)."""
    return [(table, name) for table, names in files.items() for name in names]


def _inputs_of(rows) -> dict[str, list[str]] | None:
    """Return {table: files} from a record's rows (None when it holds none: no build finished)."""
    found: dict[str, list[str]] = {}
    for table, name in rows:
        found.setdefault(table, []).append(name)
    return found or None


class DuckDBEngine:
    """An in-memory DuckDB store with the workspace schema, reading the lake's local files."""

    def __init__(self, lake: str):
        if _PATTERN.search(str(lake)):
            raise LakeError(f"the lake folder {lake} holds a character DuckDB reads as a file pattern (* ? [ ] {{ }})")
        self.lake = Path(lake)
        _check_folders(str(lake))
        self.con = db.connect(":memory:")
        # A build bigger than the memory limit spills. An in-memory database would spill into `.tmp`
        # under the working directory (DuckDB's choice), a project checkout or any folder the command
        # was run from: a temporary folder of the build's own instead, removed when it ends.
        self._spill = tempfile.TemporaryDirectory(prefix="cxmetrics-lake-build-")
        db.apply_memory_settings(self.con, Path(self._spill.name))
        for table in TABLES:
            run(self.con, "lake/drop_table", table=quote_ident(table))

    def list_files(self) -> dict[str, list[str]]:
        """Return {canonical table: its Parquet files, as paths under the table's folder}, sorted."""
        return {table: sorted(path.relative_to(self.lake / table).as_posix()
                              for path in (self.lake / table).rglob("*.parquet") if path.is_file())
                for table in TABLES}

    def read(self, files: dict[str, list[str]]) -> None:
        """(Re)make each table's view over the given files of its folder."""
        for table, names in files.items():
            self._view(_view_name(table), [str(self.lake / table / name) for name in names])

    def read_appended(self, table: str, names: list[str]) -> None:
        self._view(APPENDED, [str(self.lake / table / name) for name in names])

    def _view(self, name: str, paths: list[str]) -> None:
        self.con.read_parquet(paths, hive_partitioning=False).create_view(name, replace=True)

    def drop_derived(self, name: str) -> None:
        """Drop a table this build derived (contacts, contact_facts) or the view of appended files."""
        if name == APPENDED:
            run(self.con, "lake/drop_view", view=quote_ident(name))
        else:
            run(self.con, "lake/drop_table", table=quote_ident(name))

    def add_views(self) -> None:
        """Nothing: the migrations made the views, which DuckDB resolves when they are read."""

    def previous_inputs(self) -> dict[str, list[str]] | None:
        """Return the files the last finished build read, or None when none is recorded or a table
        it wrote is missing."""
        built = self.lake / ROLLUPS_FOLDER
        if not all(any((built / table).glob("*.parquet")) for table in (*OUTPUT_TABLES, INPUTS_FOLDER)):
            return None
        return _inputs_of(self._built(INPUTS_FOLDER).fetchall())

    def _built(self, table: str):
        return self.con.read_parquet(str(self.lake / ROLLUPS_FOLDER / table / "*.parquet"))

    def load_built(self, table: str) -> None:
        """Fill a rollup table with the rows the last build wrote of it."""
        self._built(table).project(*(quote_ident(c) for c in self.con.table(table).columns)).insert_into(table)

    def built_segments(self) -> dict[str, str]:
        return dict(self._built("rollup_segments").fetchall())

    def count_built(self, table: str) -> int:
        return self._built(table).aggregate("count(*)").fetchall()[0][0]

    def forget_inputs(self) -> None:
        shutil.rmtree(self.lake / ROLLUPS_FOLDER / INPUTS_FOLDER, ignore_errors=True)

    def write_inputs(self, files: dict[str, list[str]]) -> None:
        folder = self.lake / ROLLUPS_FOLDER / INPUTS_FOLDER
        folder.mkdir(parents=True)
        frame = pd.DataFrame(_inputs_rows(files), columns=["table_name", "file"])
        self.con.from_df(frame).write_parquet(str(folder / "data_0.parquet"))

    def write(self, table: str) -> int:
        folder = self.lake / ROLLUPS_FOLDER / table
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        relation = self.con.table(table)
        relation.write_parquet(str(folder / "data_0.parquet"))
        return relation.aggregate("count(*)").fetchall()[0][0]

    def close(self) -> None:
        self.con.close()
        self._spill.cleanup()


class SparkEngine:
    """A Spark session (local, or Spark Connect) reading the lake through temporary views."""

    def __init__(self, lake: str, master: str | None, remote: str | None, shuffle_partitions: int | None):
        try:
            from . import spark
            self.session = spark.session(master, remote, shuffle_partitions)
        except ImportError as missing:
            raise LakeError(f"Spark is not installed ({missing}): pip install -r requirements-lake.txt "
                            "(for --spark-remote, pyspark[connect] of the same version)") from None
        if not _URL.match(str(lake)):
            _check_folders(str(lake))
        self.lake = str(lake).rstrip("/")
        self.con = spark.SparkConnection(self.session)
        # The workspace schema, for the rollup tables' column types and the views of the migrations.
        self._schema = db.connect(":memory:")
        for table in ROLLUP_TABLES:
            run(self.con, "lake/drop_table", table=quote_ident(table))
            self.session.createDataFrame([], self._spark_schema(table)).write.format("parquet").saveAsTable(table)

    def list_files(self) -> dict[str, list[str]]:
        """Return {canonical table: its Parquet files, as paths under the table's folder}, sorted,
        as Spark lists them (on a cluster's storage too)."""
        from urllib.parse import unquote

        found = {}
        for table, folder in _table_folders(self.lake).items():
            files = self.session.read.option("recursiveFileLookup", "true").parquet(folder).inputFiles()
            marker = f"/{table}/"  # the table's folder: partition folders are month=..., never a table's name
            found[table] = sorted(unquote(f[f.rindex(marker) + len(marker):]) for f in files)
        return found

    def read(self, files: dict[str, list[str]]) -> None:
        folders = _table_folders(self.lake)
        for table, names in files.items():
            self._view(_view_name(table), [f"{folders[table]}/{name}" for name in names])

    def read_appended(self, table: str, names: list[str]) -> None:
        folder = _table_folders(self.lake)[table]
        self._view(APPENDED, [f"{folder}/{name}" for name in names])

    def _view(self, name: str, paths: list[str]) -> None:
        self.session.read.parquet(*paths).createOrReplaceTempView(name)

    def drop_derived(self, name: str) -> None:
        self.session.catalog.dropTempView(name)  # uncached with it

    def add_views(self) -> None:
        """Create the migrations' views, once the relations they read (contacts) are there: Spark
        resolves a view's tables when it is made."""
        for statement in schema_views():
            self.con.execute(statement)

    def _spark_schema(self, table: str) -> str:
        """Return the Spark schema (a DDL column list) of a rollup table as the workspace schema
        types it; its column names are the migrations' own plain names."""
        relation = self._schema.table(table)
        columns = []
        for name, kind in zip(relation.columns, relation.types):
            if not _PLAIN_NAME.fullmatch(name):
                raise LakeError(f"{table}.{name} is not a plain column name")
            columns.append(f"`{name}` {exp.DataType.build(str(kind), dialect='duckdb').sql('spark')}")
        return ", ".join(columns)

    def _built_path(self, table: str) -> str:
        return f"{self.lake}/{ROLLUPS_FOLDER}/{table}"

    def _built(self, table: str):
        return self.session.read.parquet(self._built_path(table))

    def previous_inputs(self) -> dict[str, list[str]] | None:
        from pyspark.errors import AnalysisException

        try:
            for table in OUTPUT_TABLES:
                self._built(table).schema  # noqa: B018 (fails when the folder is missing)
            rows = self._built(INPUTS_FOLDER).collect()
        except AnalysisException:
            return None
        return _inputs_of((row["table_name"], row["file"]) for row in rows)

    def load_built(self, table: str) -> None:
        self._built(table).select(*self._schema.table(table).columns).write.insertInto(table)

    def built_segments(self) -> dict[str, str]:
        return {row[0]: row[1] for row in self._built("rollup_segments").collect()}

    def count_built(self, table: str) -> int:
        return self._built(table).count()

    def forget_inputs(self) -> None:
        """Empty the record (Spark Connect has no call that deletes a folder): no build is recorded."""
        self.session.createDataFrame([], "table_name string, file string").write.mode("overwrite").parquet(
            self._built_path(INPUTS_FOLDER))

    def write_inputs(self, files: dict[str, list[str]]) -> None:
        self.session.createDataFrame(_inputs_rows(files), "table_name string, file string").coalesce(1).write.mode(
            "overwrite").parquet(self._built_path(INPUTS_FOLDER))

    def write(self, table: str) -> int:
        frame = self.session.table(table)
        frame.write.mode("overwrite").parquet(self._built_path(table))
        return frame.count()

    def close(self) -> None:
        """Drop the rollup tables and the temporary views this build made, so that the session
        (which may go on: spark-submit's, a test's) can build again."""
        for table in ROLLUP_TABLES:
            run(self.con, "lake/drop_table", table=quote_ident(table))
        views = {*(_view_name(t) for t in TABLES), "contacts", FACTS_TABLE, APPENDED,
                 *(sqlglot.parse_one(s, read="duckdb").this.name for s in schema_views())}
        for view in views:
            self.session.catalog.dropTempView(view)
        self._schema.close()


def schema_views() -> list[str]:
    """Return the CREATE VIEW statements of the migrations, the latest definition of each view, in
    DuckDB's dialect: the views a build reads (loop_cases), which Spark has to be given."""
    latest: dict[str, str] = {}
    for _, path in db.migration_files():
        for statement in sqlglot.parse(path.read_text(encoding="utf-8"), read="duckdb"):
            if isinstance(statement, exp.Create) and statement.kind == "VIEW":
                latest[statement.this.name] = statement.sql(dialect="duckdb")
    return list(latest.values())
