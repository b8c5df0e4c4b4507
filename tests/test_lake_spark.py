"""Every test that runs Apache Spark (issue 17), in one file so that they share one worker, one JVM
and one Spark build of each lake: the sample lake built on Spark equals the DuckDB build
(tests/test_lake.py's comparison) and answers the command line as the workspace does
(tests/test_lake_workspace.py's 16 commands); the edge store's Spark build equals its DuckDB build.

Split over two files, `pytest -n auto --dist loadfile` ran them on two workers, each starting its
own JVM and building the same sample on Spark (about 110 s each in CI). The build takes that long
for a hundred statements of a few thousand rows each (docs/scale.md, "Measured so far").

Spark runs in local mode in one session for this file. Outside CI the tests skip when PySpark or
Java is missing; under CI (CI=1, as .ci/run sets it) they must run.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path

import pytest

from cxmetrics.lake import build

from test_lake import _spark_copy, assert_builds_equal, edge_lake, sample_lake  # noqa: F401 (fixtures)
from test_lake_workspace import COMMANDS, _answers, assert_same_answer


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
# and a JVM that stops at its quick first JIT tier with a single-threaded collector. They change
# how Spark runs a statement, never what it computes: the builds are still compared with DuckDB's.
SMALL_DATA_SETTINGS = {
    "spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1",
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


def _spark_build(lake: Path, folder: Path) -> tuple[Path, dict]:
    """(a copy of `lake`'s canonical folders built by Spark, the build's result)."""
    spark_lake = _spark_copy(lake, folder / "lake")
    return spark_lake, build.build(str(spark_lake), "spark")


@pytest.fixture(scope="module")
def spark_sample(sample_lake, spark_session, tmp_path_factory):  # noqa: F811
    """(the sample workspace, its DuckDB-built lake, the same lake built by Spark, that build's
    result): built once for the comparison and for the 16 commands."""
    db, lake = sample_lake
    return (db, lake, *_spark_build(lake, tmp_path_factory.mktemp("sample-lake-spark")))


@pytest.fixture(scope="module")
def spark_edges(edge_lake, spark_session, tmp_path_factory):  # noqa: F811
    """(the edge store, its DuckDB-built lake, the same lake built by Spark, that build's result)."""
    db, lake = edge_lake
    return (db, lake, *_spark_build(lake, tmp_path_factory.mktemp("edge-lake-spark")))


# ---------------------------------------------------------------------------- Spark build = DuckDB build


@pytest.mark.parametrize("which", ["sample", "edges"])
def test_the_spark_build_equals_the_duckdb_build(which, request):
    _, lake, spark_lake, result = request.getfixturevalue(f"spark_{which}")
    assert set(result["tables"]) == set(build.OUTPUT_TABLES)
    # The revenue sums of the sample (cents) depend on the order they are added in; the edge
    # store's revenues are quarters, whose sums are exact in any order.
    assert_builds_equal(spark_lake, lake, exact_doubles=which == "edges")


# ---------------------------------------------------------------------------- the Spark-built lake as a workspace


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_spark_built_lake_answers_as_the_workspace(command, spark_sample, cxmetrics_cli, tmp_path):
    db, _, lake, _ = spark_sample
    assert_same_answer(command, *_answers(cxmetrics_cli, tmp_path, db, lake, command))
