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

The lake folder is a path argument of each engine's reader and writer, never SQL text.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import sqlglot
from sqlglot import exp

from ..store import db
from .. import rollups
from ..store.db import quote_ident, run
from ..core.schema import TABLES
# What a build writes under <lake>/rollups/ (lake.layout: the lake workspace reads it too).
from .layout import FACTS_TABLE, OUTPUT_TABLES, ROLLUP_TABLES, ROLLUPS_FOLDER  # noqa: F401

# The lake's contacts as read, before lake/contacts.sql derives their facts into `contacts`.
RAW_CONTACTS = "lake_contacts"
ENGINES = ("duckdb", "spark")
# Characters DuckDB's Parquet reader takes as a file pattern: a local lake folder may not hold them.
_PATTERN = re.compile(r"[*?\[\]{}]")
# A lake on a cluster's storage (s3a://, abfss://, hdfs://), which only Spark reads.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://")
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


class LakeError(ValueError):
    """The lake folder cannot be built from (the message says why, in one line)."""


def build(lake: str, engine: str = "duckdb", master: str | None = None, remote: str | None = None,
          shuffle_partitions: int | None = None) -> dict:
    """Build the facts and rollups of the lake at `lake` with `engine` ("duckdb" or "spark": on
    Spark Connect at `remote`, else on `master`); return {"tables": {table: rows}, "seconds": s,
    "segments": {column: table}}."""
    if engine == "duckdb":
        runner = DuckDBEngine(lake)
    elif engine == "spark":
        runner = SparkEngine(lake, master, remote, shuffle_partitions)
    else:
        raise LakeError(f"no engine {engine!r}; engines are: {', '.join(ENGINES)}")
    try:
        started = time.perf_counter()
        segments = run_plan(runner)
        rows = {table: runner.write(table) for table in OUTPUT_TABLES}
        return {"engine": engine, "tables": rows, "segments": segments,
                "seconds": round(time.perf_counter() - started, 3)}
    finally:
        runner.close()


def run_plan(runner) -> dict[str, str]:
    """Run the build plan on an engine whose canonical tables are read: the facts, the segment
    choice and every family's full build; return the segments rolled."""
    con = runner.con
    run(con, "lake/contacts", source=quote_ident(RAW_CONTACTS))
    run(con, "lake/contact_facts")
    runner.add_views()
    segments = rollups.choose_segments(con)
    for name, source in segments.items():
        run(con, "rollups/add_segment", {"seg_name": name, "source": source})
    for family in rollups.BUILDERS:
        family.build(con, segments)
    return segments


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
            files = self.con.read_parquet(str(self.lake / table / "**" / "*.parquet"), hive_partitioning=False)
            files.create_view(_view_name(table))

    def add_views(self) -> None:
        """Nothing: the migrations made the views, which DuckDB resolves when they are read."""

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
        for table, folder in _table_folders(self.lake).items():
            files = self.session.read.option("recursiveFileLookup", "true").parquet(folder)
            files.createOrReplaceTempView(_view_name(table))
        for table in ROLLUP_TABLES:
            run(self.con, "lake/drop_table", table=quote_ident(table))
            self.session.createDataFrame([], self._spark_schema(table)).write.format("parquet").saveAsTable(table)

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

    def write(self, table: str) -> int:
        frame = self.session.table(table)
        frame.write.mode("overwrite").parquet(f"{self.lake}/{ROLLUPS_FOLDER}/{table}")
        return frame.count()

    def close(self) -> None:
        """Drop the rollup tables and the temporary views this build made, so that the session
        (which may go on: spark-submit's, a test's) can build again."""
        for table in ROLLUP_TABLES:
            run(self.con, "lake/drop_table", table=quote_ident(table))
        views = {*(_view_name(t) for t in TABLES), "contacts", FACTS_TABLE,
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
