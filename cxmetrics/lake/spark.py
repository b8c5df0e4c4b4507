"""Apache Spark driven through `db.run`: `SparkConnection` answers the one call `db.run` makes of
a DuckDB connection (`execute(text, params)`) by translating the statement (`lake.dialect`) and
running it with `spark.sql`, so the rollup builders run on Spark unchanged, statement for
statement, from the same files in `sql/`.

The session runs on UTC with TIMESTAMP meaning a timestamp without time zone, as the store's
timestamps are (naive, in UTC): a Spark TIMESTAMP would shift them by the session's zone.
"""

from __future__ import annotations

import os
import re
import tempfile

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from ..store.db import query, quote_ident
from .dialect import to_spark

# Settings every lake session gets, local or remote (Spark Connect accepts these at run time).
SESSION_SETTINGS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.parquet.inferTimestampNTZ.enabled": "true",
}


def session(master: str | None = None, remote: str | None = None, shuffle_partitions: int | None = None,
            settings: dict[str, str] | None = None):
    """Return a SparkSession: on Spark Connect at `remote` (sc://host:port), else a local or
    submitted one on `master` (default: Spark's own, local[*] or spark-submit's --master), whose
    managed tables live in a temporary folder unless the session exists already. `settings` are
    more Spark settings (the tests' small-data ones): `spark.sql.*` ones are set at run time, the
    others (the JVM's options, the context's parallelism) given to a new local session as it
    starts, which is too late for a session running already.

    On a local master the shuffles default to two partitions per thread: with Spark's 200, meant
    for a cluster, the sample's build took 266 s on 2 cores where 2 partitions took 74 s."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("cxmetrics lake build")
    if remote:
        builder = builder.remote(remote)
    else:
        if master:
            builder = builder.master(master)
        if SparkSession.getActiveSession() is None:  # the folder is fixed when the session starts
            builder = builder.config("spark.sql.warehouse.dir", tempfile.mkdtemp(prefix="cxmetrics-spark-warehouse-"))
        builder = (builder
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.driver.memory", "2g"))
        for key, value in (settings or {}).items():
            if not key.startswith("spark.sql."):
                builder = builder.config(key, value)
        if shuffle_partitions is None and master and master.startswith("local"):
            shuffle_partitions = 2 * _local_threads(master)
    spark = builder.getOrCreate()
    if not remote:
        spark.sparkContext.setLogLevel("ERROR")  # a failing statement is raised; the JVM's log repeats it
    for key, value in SESSION_SETTINGS.items():
        spark.conf.set(key, value)
    if shuffle_partitions:
        spark.conf.set("spark.sql.shuffle.partitions", str(shuffle_partitions))
    for key, value in (settings or {}).items():
        if key.startswith("spark.sql."):
            spark.conf.set(key, value)
    return spark


def _local_threads(master: str) -> int:
    """Return the threads of a local master (local, local[N], local[*], local[N,F])."""
    match = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\s*\d+)?\])?", master.strip())
    if match and match.group(1) == "*":
        return os.cpu_count() or 1
    return int(match.group(1)) if match and match.group(1) else 1


class SparkResult:
    """The part of a DuckDB result the builders read: fetchall() (rows as tuples)."""

    def __init__(self, frame):
        self._frame = frame  # None: a statement with no rows to answer (an emulated DELETE)

    def fetchall(self) -> list[tuple]:
        return [] if self._frame is None else [tuple(row) for row in self._frame.collect()]


class SparkConnection:
    """A Spark session in the shape `db.run` and `db.table_columns` use a DuckDB connection.

    A temporary table of the SQL (a build's stage) becomes a temporary view of its rows computed
    at once, as DuckDB's temp table holds them (`_create_temp_table`). An INSERT into one (a
    refresh collecting rows in steps) is emulated: see `_insert_into_view`. Another view (the
    loop_cases view of the migrations) stays a view, cached."""

    def __init__(self, spark):
        self.spark = spark
        self._views: set[str] = set()  # the temporary tables of the SQL made on this connection

    def execute(self, text: str, params: dict | None = None) -> SparkResult:
        statement = to_spark(text)
        params = dict(params or {})
        holding_nulls = {k: v for k, v in params.items() if isinstance(v, (list, tuple)) and None in v}
        if holding_nulls:
            statement = _with_null_lists(statement, holding_nulls)
            params = {k: v for k, v in params.items() if k not in holding_nulls}
        args = {k: _argument(v) for k, v in params.items()} or None
        tree = sqlglot.parse_one(statement, read="spark")
        if isinstance(tree, exp.Delete):  # with a condition: one without is a TRUNCATE (lake.dialect)
            return self._delete(tree, args)
        if isinstance(tree, exp.Insert) and isinstance(tree.this, exp.Table) and tree.this.name in self._views:
            return self._insert_into_view(tree, args)
        if isinstance(tree, exp.Create) and tree.kind == "VIEW" and _creates_temp_table(text):
            return self._create_temp_table(tree, args)
        frame = self.spark.sql(statement, args=args)
        view = _created_view(statement)
        if view is not None:
            self.spark.catalog.cacheTable(view)
            self._views.add(view)
        return SparkResult(frame)

    def _create_temp_table(self, tree: exp.Create, args) -> SparkResult:
        """CREATE TEMP TABLE t AS query, which lake.dialect writes as a temporary view: the query's
        rows computed now (a local checkpoint) and kept under t's name. Cut from the plan that
        made them, as a DuckDB temp table is: a refresh's stages are built on one another, and a
        view of a view of a view made each statement reading the last of them plan all the ones
        below it again (a pass of the metric refresh over a few hundred contacts took 5 to 6 s on
        a cached view, the same pass over its rows checkpointed under a second)."""
        name = tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
        rows = self.spark.sql(tree.expression.sql("spark"), args=args).localCheckpoint()
        rows.createOrReplaceTempView(name)
        self._views.add(name)
        return SparkResult(None)

    def _insert_into_view(self, tree: exp.Insert, args) -> SparkResult:
        """INSERT INTO a temporary table of the SQL, which is a temporary view here and takes no
        INSERT: the view's rows and the query's, by position as INSERT takes them, computed at once
        (a local checkpoint, so that a query reading the view itself reads it as it was) and kept
        under the view's name."""
        name = tree.this.name
        rows = tree.expression.copy()
        if tree.args.get("with_"):
            rows.set("with_", tree.args["with_"].copy())
        combined = self.spark.table(name).union(self.spark.sql(rows.sql("spark"), args=args)).localCheckpoint()
        self.spark.catalog.uncacheTable(name)
        combined.createOrReplaceTempView(name)
        return SparkResult(None)

    def _delete(self, tree: exp.Delete, args) -> SparkResult:
        """DELETE FROM t WHERE c, which Spark's Parquet tables cannot run: t's rows except those c
        holds for (EXCEPT ALL keeps a row c is NULL for, as DELETE does, and c stays a WHERE, the
        one place Spark takes a correlated EXISTS) are written aside as a table, then over t."""
        name = tree.this.name
        kept = exp.except_(exp.select("*").from_(exp.to_table(name)),
                           exp.select("*").from_(tree.this.copy()).where(tree.args["where"].this.copy()),
                           distinct=False)
        aside = f"cx_kept_{name}"
        self.spark.sql(kept.sql("spark"), args=args).write.mode("overwrite").saveAsTable(aside)
        self.spark.table(aside).write.insertInto(name, overwrite=True)
        self.execute(query("lake/drop_table", table=quote_ident(aside)))
        return SparkResult(None)

    def table(self, name: str):
        """Return the relation `name` (its `.columns` are what db.table_columns reads)."""
        return self.spark.table(name)


def _argument(value):
    """Return a $param's value as Spark takes it: a list (which may hold NULLs, as DuckDB's lists
    may) as an array of literals, anything else as it is."""
    if isinstance(value, (list, tuple)):
        from pyspark.sql import functions

        return functions.array(*(functions.lit(item) for item in value))
    return value


def _with_null_lists(statement: str, lists: dict) -> str:
    """Return `statement` with each `:name` of `lists` written as an array literal. Spark takes no
    parameter array holding a NULL (the outcome builds' same_flags do), so such a list of numbers
    or booleans, which the builders compute themselves, is written into the statement; a list
    holding text is refused rather than written into SQL."""
    for name, values in lists.items():
        if not all(value is None or isinstance(value, (bool, int, float)) for value in values):
            raise ValueError(f"parameter {name!r}: a list holding NULL and text cannot be passed to Spark")
    tree = sqlglot.parse_one(statement, read="spark")

    def literal(node):
        if isinstance(node, exp.Placeholder) and node.name in lists:
            return exp.Array(expressions=[exp.convert(value) for value in lists[node.name]])
        return node

    return tree.transform(literal).sql(dialect="spark")


def _creates_temp_table(text: str) -> bool:
    """Return True when `text` (a statement of `sql/`, DuckDB's dialect) is a CREATE TEMP TABLE."""
    tree = sqlglot.parse_one(text, read="duckdb")
    return (isinstance(tree, exp.Create) and tree.kind == TokenType.TABLE.name
            and tree.find(exp.TemporaryProperty) is not None)


def _created_view(statement: str) -> str | None:
    tree = sqlglot.parse_one(statement, read="spark")
    if isinstance(tree, exp.Create) and tree.kind == "VIEW":
        return tree.this.name if isinstance(tree.this, exp.Table) else tree.this.this.name
    return None
