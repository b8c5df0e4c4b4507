"""The lake (issue 17): a workspace exported as Parquet, and its derived contact facts and rollup
tables built from those files by DuckDB and by Spark, equal to each other and to the workspace's own.

Spark runs in local mode in one session for the whole run. Outside CI the Spark tests skip when
PySpark or Java is missing; under CI (CI=1, as .ci/run sets it) they must run.
"""

from __future__ import annotations

import importlib
import os
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from cxmetrics.db import connect
from cxmetrics.lake import build, compare
from cxmetrics.lake.export import ExportError, export
from cxmetrics.schema import SYSTEM_COLUMNS, TABLES

from test_incremental_rollups import Store

FACT_COLUMNS = ("contact_id", "prev_any_at", "next_any_at", "prev_same_at", "next_same_at", "prev_any_id", "next_any_id")


def _require_spark() -> None:
    if os.environ.get("CI"):
        importlib.import_module("pyspark")  # CI installs it (requirements-lake.txt): fail, never skip
        assert shutil.which("java"), "CI installs Java (.ci/run); the lake tests need it"
        return
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("Spark needs Java (Debian: openjdk-17-jre-headless)")


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (2 threads, 2 shuffle partitions) that every Spark build reuses."""
    _require_spark()
    from cxmetrics.lake import spark

    session = spark.session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()


def _export(db: Path, lake: Path) -> None:
    con = connect(db, read_only=True)
    try:
        export(con, lake)
    finally:
        con.close()


def workspace_differences(db: Path, lake: Path, exact_doubles: bool) -> dict[str, list[str]]:
    """Return {output table: differences} of a lake's build against the workspace's own tables (its
    contacts' stored facts for contact_facts), compared by lake.compare."""
    con, built = duckdb.connect(str(db), read_only=True), compare.reader(lake.parent / "compare-spill")
    try:
        return {table: compare.table_differences(
                    compare.built(built, lake, table),
                    con.table("contacts").select(*FACT_COLUMNS) if table == build.FACTS_TABLE else con.table(table),
                    exact_doubles)
                for table in build.OUTPUT_TABLES}
    finally:
        con.close()
        built.close()


def assert_equal(differences: dict[str, list[str]]) -> None:
    """Fail naming every table that differs and how (lake.compare: sorted, row for row, column types
    included; doubles to the last bit or to 1e-12 relative)."""
    assert {table: found for table, found in differences.items() if found} == {}


def edge_store(directory: Path) -> Path:
    """A random store (tests/test_incremental_rollups.Store: missing customers, undated answers,
    revenue in quarters, whole days and odd seconds) with the windows' edges added: gaps of exactly
    7 and 30 days and one second more, two contacts of a customer at the same instant, contacts
    without a customer, and contacts exactly 7 and 30 days before the latest (the censored tail)."""
    store = Store(directory, seed=17, customers=40, contacts=300)
    first = store.latest() - timedelta(days=45)
    store.load_contacts(
        [first, first + timedelta(days=7), first + timedelta(days=14, seconds=1),
         first + timedelta(days=44), first + timedelta(days=44), first + timedelta(days=50),
         first, first + timedelta(days=30), first + timedelta(days=60, seconds=1)],
        customers=["u1", "u1", "u1", "u2", "u2", "", "u3", "u3", "u3"],
    )
    latest = store.latest() + timedelta(days=1)
    store.load_contacts([latest - timedelta(days=30), latest - timedelta(days=7), latest, latest],
                        customers=["u4", "u4", "u4", ""])
    store.load_responses(40)
    from cxmetrics import rollups

    rollups.ensure_fresh(store.con)
    store.con.close()
    return directory / "store.duckdb"


@pytest.fixture(scope="module")
def sample_lake(copy_sample, tmp_path_factory) -> tuple[Path, Path]:
    """(the sample workspace, its lake with the DuckDB build)."""
    folder = tmp_path_factory.mktemp("sample-lake")
    db = copy_sample(folder)
    _export(db, folder / "lake")
    build.build(str(folder / "lake"), "duckdb")
    return db, folder / "lake"


@pytest.fixture(scope="module")
def edge_lake(tmp_path_factory) -> tuple[Path, Path]:
    """(the edge store, its lake with the DuckDB build)."""
    folder = tmp_path_factory.mktemp("edge-lake")
    db = edge_store(folder)
    _export(db, folder / "lake")
    build.build(str(folder / "lake"), "duckdb")
    return db, folder / "lake"


def _spark_copy(lake: Path, destination: Path) -> Path:
    """A copy of a lake's canonical folders, without any build, for Spark to build into."""
    for table in TABLES:
        shutil.copytree(lake / table, destination / table)
    return destination


# ---------------------------------------------------------------------------- export


def test_export_writes_a_folder_per_table_by_month_without_system_columns(sample_lake):
    db, lake = sample_lake
    assert sorted(p.name for p in lake.iterdir()) == sorted([*TABLES, "rollups"])
    months = sorted(p.name for p in (lake / "contacts").iterdir())
    assert months and all(len(m) == len("month=2026-01") and m.startswith("month=") for m in months)
    assert all(p.name.startswith("month=") and len(p.name) == len("month=2026-01-01") for p in (lake / "outcomes").iterdir())
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in TABLES:
            files = duckdb.sql("SELECT * FROM read_parquet($files, hive_partitioning = false)",
                               params={"files": str(lake / table / "**" / "*.parquet")})
            expected = [c for c in con.table(table).columns if c not in SYSTEM_COLUMNS]
            assert files.columns == expected, table
            assert sorted(files.fetchall(), key=repr) == sorted(con.table(table).select(*expected).fetchall(), key=repr)
    finally:
        con.close()


def test_export_refuses_a_folder_that_already_holds_a_lake(sample_lake):
    db, lake = sample_lake
    con = connect(db, read_only=True)
    try:
        with pytest.raises(ExportError, match="already holds files"):
            export(con, lake)
    finally:
        con.close()


def test_an_empty_table_is_exported_with_its_columns(tmp_path, con):
    export(con, tmp_path / "lake")
    files = duckdb.sql("SELECT * FROM read_parquet($files)", params={"files": str(tmp_path / "lake" / "contacts" / "*.parquet")})
    assert "started_at" in files.columns and files.fetchall() == []


def test_the_command_line_exports_and_builds(run_cli, copy_sample, tmp_path):
    db = copy_sample(tmp_path)
    code, payload, err = run_cli("lake", "export", "--to", tmp_path / "lake", db=db)
    assert code == 0, err
    assert payload["tables"]["contacts"] > 0
    code, payload, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--engine", "duckdb", db=None)
    assert code == 0, err
    assert set(payload["tables"]) == set(build.OUTPUT_TABLES) and payload["tables"]["contact_rollup"] > 0
    code, _, err = run_cli("lake", "build", "--lake", tmp_path / "nowhere", db=None)
    assert code == 2 and "is missing" in err
    code, _, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--master", "local[1]", db=None)
    assert code == 2 and "--engine spark" in err


# ---------------------------------------------------------------------------- DuckDB build = workspace


@pytest.mark.parametrize("which", ["sample", "edges"])
def test_the_duckdb_build_equals_the_workspace_rollups_and_facts(which, sample_lake, edge_lake):
    db, lake = sample_lake if which == "sample" else edge_lake
    assert_equal(workspace_differences(db, lake, exact_doubles=which == "edges"))


# ---------------------------------------------------------------------------- Spark build = DuckDB build


@pytest.mark.parametrize("which", ["sample", "edges"])
def test_the_spark_build_equals_the_duckdb_build(which, sample_lake, edge_lake, spark_session, tmp_path):
    _, lake = sample_lake if which == "sample" else edge_lake
    spark_lake = _spark_copy(lake, tmp_path / "lake")
    result = build.build(str(spark_lake), "spark")
    assert set(result["tables"]) == set(build.OUTPUT_TABLES)
    # The revenue sums of the sample (cents) depend on the order they are added in; the edge
    # store's revenues are quarters, whose sums are exact in any order.
    assert_equal(compare.build_differences(spark_lake, lake, exact_doubles=which == "edges"))
