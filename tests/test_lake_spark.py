"""Every test that runs Apache Spark (issue 17), in one file so that they share one worker, one JVM
and one Spark build: a store holding a share of the sample and the edge store's rows, built on
Spark, equals its DuckDB build (tests/test_lake.py's comparison) and answers the command line as
the workspace does (tests/test_lake_workspace.py's 16 commands). The Spark build is made as a lake
grows: in full without the store's latest month, then again with that month appended (only what it
changes counted again); each is compared with DuckDB's full build of the same files.

A Spark build of this size costs its hundred statements' planning and scheduling more than its
rows (docs/scale.md, "Measured so far"): about 80 s for the edge store's 300 contacts, 170 s for
the whole sample's 13,600. So the run builds once, on one store with both: every fourth sample
customer with their contacts, answers and outcomes (the 16 commands' columns, segments and
months) and the edge store's windows' edges on top. A bigger CXMETRICS_TEST_SCALE (tests/scale.py)
takes a bigger share: at 4 or more, the whole sample.

Spark runs in local mode in one session for this file. Outside CI the tests skip when PySpark or
Java is missing; under CI (CI=1, as .ci/run sets it) they must run.
"""

from __future__ import annotations

import csv
import importlib
import os
import shutil
from pathlib import Path

import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics.store.db import connect
from cxmetrics.lake import build

from scale import scale
from benchmarks.lake_build import hold_back_latest_month, lake_copy, put_back
from test_lake import _export, assert_builds_equal, edge_store
from test_lake_workspace import COMMANDS, _answers, assert_same_answer

pytestmark = pytest.mark.slow  # its store's size follows CXMETRICS_TEST_SCALE


def _require_spark() -> None:
    if os.environ.get("CI"):
        importlib.import_module("pyspark")  # CI installs it (requirements-lake.txt): fail, never skip
        assert shutil.which("java"), "CI installs Java (.ci/run); the lake tests need it"
        return
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java (Debian: openjdk-17-jre-headless)")


# Settings for builds of a few thousand rows, where each of a build's hundred statements costs its
# planning, code generation and scheduling rather than its rows (docs/testing.md, "Spark"): the
# expressions interpreted instead of compiled (whole-stage and expression code generation off),
# no adaptive re-planning between a query's stages, one shuffle partition and one task per RDD,
# and a single-threaded collector. The JVM compiles with its quick first tier only (C1): the
# optimising tier spent a core on code this short build never runs long enough to repay (the
# file alone, run one after the other: 145 against 199 CPU-seconds of its process tree, the same
# wall time). C1 alone gets the optimising tier's code cache size (240 MB): with its own default of
# 48 MB the cache filled within 30 s, after which the JVM compiled nothing and the appended build
# ran interpreted (72 s against 51 s); this build uses about 60 MB (-XX:+PrintCodeCache). They
# change how Spark runs a statement, never what it computes: the builds are still compared with DuckDB's.
SMALL_DATA_SETTINGS = {
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m",
    "spark.default.parallelism": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
}


@pytest.fixture(scope="module")
def spark_session():
    """One local Spark session (2 threads, 1 shuffle partition, SMALL_DATA_SETTINGS) that every
    Spark build of this file reuses."""
    _require_spark()
    from cxmetrics.lake import spark

    session = spark.session("local[2]", shuffle_partitions=1, settings=SMALL_DATA_SETTINGS)
    yield session
    session.stop()


# Segments the 16 commands never name: the share rolls team (a contact's), tier, region and plan
# (a customer's), and the edge store's tier and region.
LEFT_OUT = ("agent", "tenure_band", "acquisition_channel")


def sample_share(folder: Path, every: int) -> Path:
    """Write the sample's CSV files into `folder`, keeping every `every`-th customer (by the number
    in the id) with their contacts, answers and outcomes, the contacts and answers of no customer,
    and every team's engagement; answers about a contact left out go too. The segment columns no
    command reads (LEFT_OUT) go as well: each rolled segment is another pass of every family's
    statements, and Spark's cost is per statement. Return `folder`."""
    folder.mkdir(parents=True)

    def copy(kind: str, keep) -> set[str]:
        with (bootstrap.SAMPLE_DIR / f"{kind}.csv").open(newline="", encoding="utf-8") as source, \
                (folder / f"{kind}.csv").open("w", newline="", encoding="utf-8") as target:
            reader = csv.DictReader(source)
            writer = csv.DictWriter(target, fieldnames=[c for c in reader.fieldnames if c not in LEFT_OUT],
                                    extrasaction="ignore")
            writer.writeheader()
            kept = [row for row in reader if keep(row)]
            writer.writerows(kept)
        return {row.get("contact_id", "") for row in kept}

    def customer_kept(row) -> bool:
        customer = row.get("customer_id", "")
        return customer == "" or int(customer.lstrip("C")) % every == 0

    contacts = copy("contacts", customer_kept)
    copy("customers", customer_kept)
    copy("responses", lambda row: customer_kept(row) and row["contact_id"] in contacts | {""})
    copy("outcomes", customer_kept)
    copy("engagement", lambda row: True)
    return folder


def spark_store(folder: Path) -> Path:
    """The store the Spark tests build: a share of the sample (all of it at CXMETRICS_TEST_SCALE 4 or
    more), then the edge store's rows and edges (tests/test_lake.edge_store) added to it."""
    every = max(1, round(4 / scale()))
    share = sample_share(folder / "sample-share", every)
    con = connect(folder / "store.duckdb")
    try:
        results = bootstrap.load_sample(con, share)
        assert [r.rows_rejected for r in results] == [0] * len(bootstrap.SAMPLE_ORDER)
    finally:
        con.close()
    return edge_store(folder)


@pytest.fixture(scope="module")
def spark_lake(spark_session, tmp_path_factory):
    """(the store, its lake built by DuckDB, the same lake built by Spark, the Spark builds' results,
    the first Spark build's tables with the DuckDB build of the same files): Spark builds the lake
    less its latest month in full, then again with that month appended, as a lake grows; the
    result is used for the comparisons and for the 16 commands."""
    folder = tmp_path_factory.mktemp("spark-store")
    db = spark_store(folder)
    _export(db, folder / "lake")
    build.build(str(folder / "lake"), "duckdb")
    spark_lake = lake_copy(folder / "lake", folder / "spark" / "lake")
    hold_back_latest_month(spark_lake, folder / "aside")
    first = build.build(str(spark_lake), "spark")
    shutil.copytree(spark_lake / "rollups", folder / "first" / "rollups")
    held = lake_copy(spark_lake, folder / "held")
    build.build(str(held), "duckdb")
    put_back(folder / "aside", spark_lake)
    appended = build.build(str(spark_lake), "spark", incremental=True)
    return db, folder / "lake", spark_lake, {"first": first, "appended": appended}, (folder / "first", held)


# ---------------------------------------------------------------------------- Spark build = DuckDB build


def test_the_spark_build_equals_the_duckdb_build(spark_lake):
    _, _, _, results, (first_built, held) = spark_lake
    first = results["first"]
    assert first["build"]["how"] == "full"
    assert set(first["tables"]) == set(build.OUTPUT_TABLES)
    assert first["tables"]["contact_facts"] > 3000  # a quarter of the sample's 13,600 contacts, and the edges
    # Revenue sums of the sample (cents) depend on the order they are added in: 1e-12 relative.
    assert_builds_equal(first_built, held, exact_doubles=False)


def test_an_appended_month_built_on_spark_equals_the_duckdb_build_of_the_whole_lake(spark_lake):
    _, lake, spark_built, results, _ = spark_lake
    appended = results["appended"]["build"]
    assert appended["how"] == "appended", appended
    assert {"contacts", "responses"} <= set(appended["appended"])
    assert appended["families"]["metric"][0].startswith("contacts: delta")
    assert appended["families"]["touchpoint"][0].startswith("contacts: delta (the journeys of")
    assert_builds_equal(spark_built, lake, exact_doubles=False)


# ---------------------------------------------------------------------------- the Spark-built lake as a workspace


def test_an_insert_into_a_temporary_table_adds_its_rows_once_reading_the_table_as_it_was(spark_session):
    """A temporary table of the SQL is a view on Spark, which takes no INSERT: SparkConnection
    emulates one, and an INSERT that reads the table it fills (touchpoint_*_merge_old.sql) reads it
    as it was before the statement."""
    from cxmetrics.lake.spark import SparkConnection

    con = SparkConnection(spark_session)
    con.execute("CREATE TEMP TABLE cx_test_rows AS SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t (n, s)")
    con.execute("INSERT INTO cx_test_rows SELECT n + 10, s FROM cx_test_rows WHERE n > $floor", {"floor": 1})
    con.execute("INSERT INTO cx_test_rows WITH more AS (SELECT 5 AS n) SELECT n, 'e' FROM more")
    rows = sorted(con.execute("SELECT n, s FROM cx_test_rows").fetchall())
    assert rows == [(1, "a"), (2, "b"), (5, "e"), (12, "b")]
    con.execute("DROP TABLE IF EXISTS cx_test_rows")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_spark_built_lake_answers_as_the_workspace(command, spark_lake, cxmetrics_cli, tmp_path):
    db, _, spark_built, _, _ = spark_lake
    assert_same_answer(command, *_answers(cxmetrics_cli, tmp_path, db, spark_built, command))
