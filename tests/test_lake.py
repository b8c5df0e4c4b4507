"""The lake (issue 17): a workspace exported as Parquet, and its derived contact facts and rollup
tables built from those files by DuckDB, equal to the workspace's own. The Spark builds of the same
lakes, compared with these, are in tests/test_lake_spark.py (one file: one JVM, one build each).
"""

from __future__ import annotations

import math
from collections import Counter
import shutil
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from cxmetrics.store.db import connect
from cxmetrics import rollups
from cxmetrics.lake import build
from cxmetrics.lake.export import ExportError, export
from cxmetrics.core.schema import SYSTEM_COLUMNS, TABLES

from benchmarks.lake_build import hold_back_latest_month, lake_copy, put_back
from test_incremental_rollups import Store

FACT_COLUMNS = ("contact_id", "prev_any_at", "next_any_at", "prev_same_at", "next_same_at", "prev_any_id", "next_any_id")


def _export(db: Path, lake: Path) -> None:
    con = connect(db, read_only=True)
    try:
        export(con, lake)
    finally:
        con.close()


def built(lake: Path, table: str) -> tuple[list[str], list[str], list[tuple]]:
    """Return (columns, types, rows) of a table a lake build wrote."""
    relation = duckdb.sql("SELECT * FROM read_parquet($files)", params={"files": str(lake / "rollups" / table / "*.parquet")})
    return relation.columns, [str(t) for t in relation.types], relation.fetchall()


def workspace(db: Path, table: str) -> tuple[list[str], list[str], list[tuple]]:
    """Return (columns, types, rows) of a workspace's table (its contacts' facts for contact_facts)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        relation = con.table("contacts").select(*FACT_COLUMNS) if table == build.FACTS_TABLE else con.table(table)
        return relation.columns, [str(t) for t in relation.types], relation.fetchall()
    finally:
        con.close()


def assert_same_table(left, right, exact_doubles: bool, table: str) -> None:
    """Compare two (columns, types, rows) sorted. Doubles are equal to the last bit when
    `exact_doubles`; otherwise to 1e-12 relative: a sum of doubles such as cents of revenue
    depends on the order it is added in, which neither engine fixes (docs/rollups.md)."""
    (columns, types, rows), (other_columns, other_types, other_rows) = left, right
    assert (columns, types) == (other_columns, other_types), table
    assert len(rows) == len(other_rows), table
    doubles = [i for i, kind in enumerate(types) if kind in ("DOUBLE", "FLOAT")]
    # Sorted by the other columns first, then the doubles (whose last bits may differ), each
    # column's values in their own order with NULLs last. The order is worked out once: a key
    # that sorted each row's columns itself took most of a comparison's time (760,000 rows).
    order = [i for i in range(len(types)) if i not in doubles] + doubles

    def key(row):
        return tuple((row[i] is None, 0 if row[i] is None else row[i]) for i in order)

    if exact_doubles or not doubles:  # the same rows, as many times each: counted, not sorted
        counted, other_counted = Counter(rows), Counter(other_rows)
        only_left, only_right = counted - other_counted, other_counted - counted
        assert not only_left and not only_right, (table, list(only_left)[:3], list(only_right)[:3])
        return
    for row, other in zip(sorted(rows, key=key), sorted(other_rows, key=key)):
        for i, (value, other_value) in enumerate(zip(row, other)):
            if i in doubles and value is not None and other_value is not None:
                assert math.isclose(value, other_value, rel_tol=1e-12, abs_tol=1e-9), (table, columns[i])
            else:
                assert value == other_value, (table, columns[i])


def assert_builds_equal(left_lake: Path, right_lake: Path, exact_doubles: bool) -> None:
    for table in build.OUTPUT_TABLES:
        assert_same_table(built(left_lake, table), built(right_lake, table), exact_doubles, table)


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
    assert payload["build"]["how"] == "full"
    code, again, err = run_cli("lake", "build", "--lake", tmp_path / "lake", db=None)
    assert code == 0 and again["build"]["how"] == "up to date" and again["tables"] == payload["tables"], err
    code, again, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--full", db=None)
    assert code == 0 and again["build"] == {"how": "full", "why": "a full build was asked for"}, err
    code, again, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--incremental", db=None)
    assert code == 0 and again["build"]["how"] == "up to date", err
    code, _, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--full", "--incremental", db=None)
    assert code == 2 and "not allowed with" in err
    code, _, err = run_cli("lake", "build", "--lake", tmp_path / "nowhere", db=None)
    assert code == 2 and "is missing" in err
    code, _, err = run_cli("lake", "build", "--lake", tmp_path / "lake", "--master", "local[1]", db=None)
    assert code == 2 and "--engine spark" in err


# ---------------------------------------------------------------------------- DuckDB build = workspace


@pytest.mark.parametrize("which", ["sample", "edges"])
def test_the_duckdb_build_equals_the_workspace_rollups_and_facts(which, sample_lake, edge_lake):
    db, lake = sample_lake if which == "sample" else edge_lake
    for table in build.OUTPUT_TABLES:
        assert_same_table(built(lake, table), workspace(db, table), exact_doubles=which == "edges", table=table)


# ---------------------------------------------------------------------------- appended months

@pytest.mark.parametrize("which", ["sample", "edges"])
def test_a_build_after_an_appended_month_recounts_what_it_changes_and_equals_a_full_build(
        which, sample_lake, edge_lake, tmp_path):
    _, whole = sample_lake if which == "sample" else edge_lake
    lake = lake_copy(whole, tmp_path / "lake")
    moved = hold_back_latest_month(lake, tmp_path / "aside")
    assert {"contacts", "responses"} <= set(moved)
    first = build.build(str(lake), "duckdb")
    assert first["build"] == {"how": "full", "why": "no earlier build of this lake is recorded"}
    put_back(tmp_path / "aside", lake)
    result = build.build(str(lake), "duckdb", incremental=True)
    assert result["build"]["how"] == "appended", result["build"]
    assert result["build"]["appended"] == {table: 1 for table in moved}
    families = result["build"]["families"]
    assert families["metric"][0].startswith("contacts: delta") and families["path"][0].startswith("contacts: delta")
    assert_builds_equal(lake, whole, exact_doubles=which == "edges")
    again = build.build(str(lake), "duckdb")
    assert again["build"] == {"how": "up to date", "why": "no file was added since the last build"}
    assert again["tables"] == result["tables"] and again["segments"] == result["segments"]


def test_appended_customers_are_a_change_of_their_own_and_a_new_segment_choice_builds_in_full(edge_lake, tmp_path):
    _, whole = edge_lake
    lake = lake_copy(whole, tmp_path / "lake")
    customers = duckdb.sql("SELECT * FROM read_parquet($f)", params={"f": str(lake / "customers" / "*.parquet")})
    build.build(str(lake), "duckdb")
    # Customers of their own, with a tier of their own: the same segments are worth rolling.
    duckdb.sql("SELECT * REPLACE ('n' || customer_id AS customer_id, 'new tier' AS tier) FROM customers LIMIT 3"
               ).write_parquet(str(lake / "customers" / "data_1.parquet"))
    result = build.build(str(lake), "duckdb", incremental=True)
    assert result["build"]["how"] == "appended" and result["build"]["appended"] == {"customers": 1}
    assert all(entry.startswith("customers: ") for entries in result["build"]["families"].values() for entry in entries)
    assert_builds_equal(lake, build_whole(lake, tmp_path / "whole"), exact_doubles=True)
    # 70 tiers: tier is no longer worth rolling, so every segment-keyed row would be keyed wrong.
    duckdb.sql("SELECT customers.* REPLACE ('m' || customer_id || '-' || n AS customer_id, 'tier ' || customer_id || n "
               "AS tier) FROM customers, range(2) AS copies(n)").write_parquet(str(lake / "customers" / "data_2.parquet"))
    result = build.build(str(lake), "duckdb", incremental=True)
    assert result["build"] == {"how": "full", "why": build.SEGMENTS_CHANGED}
    assert "tier" not in result["segments"]
    assert_builds_equal(lake, build_whole(lake, tmp_path / "whole-2"), exact_doubles=True)


def build_whole(lake: Path, destination: Path) -> Path:
    """A full DuckDB build of a copy of `lake`'s canonical folders, for comparison."""
    copy = lake_copy(lake, destination)
    assert build.build(str(copy), "duckdb")["build"]["how"] == "full"
    return copy


def test_an_appended_contact_id_already_in_the_lake_builds_in_full(edge_lake, tmp_path):
    """The refreshes find a change's contacts by id, and no importer checked a lake's files: a
    contact id that repeats (here a copy of the latest contact a day later, in a file of its own)
    makes the incremental build a full one, equal to a full build of the same files."""
    lake = _built_lake_with_latest_contacts_again(edge_lake, tmp_path, 1, new_ids=False)
    result = build.build(str(lake), "duckdb", incremental=True)
    assert result["build"] == {"how": "full", "why": build.REPEATED_IDS}
    assert_builds_equal(lake, build_whole(lake, tmp_path / "whole"), exact_doubles=True)


def test_appended_files_of_more_rows_than_a_delta_takes_build_in_full(edge_lake, tmp_path, monkeypatch):
    """New files holding more rows than rollups.DELTA_MAX_ROWS make the incremental build a full
    one (a delta's temp tables grow with the change), equal to a full build of the same files."""
    lake = _built_lake_with_latest_contacts_again(edge_lake, tmp_path, 3, new_ids=True)
    monkeypatch.setattr(rollups, "DELTA_MAX_ROWS", 2)
    result = build.build(str(lake), "duckdb", incremental=True)
    assert result["build"] == {"how": "full", "why": "a change of 3 rows, more than the 2 a delta refreshes"}
    assert_builds_equal(lake, build_whole(lake, tmp_path / "whole"), exact_doubles=True)


def _built_lake_with_latest_contacts_again(edge_lake, tmp_path: Path, count: int, new_ids: bool) -> Path:
    """Return a copy of the edge lake, built in full, then given a file of its `count` latest
    contacts again a day later (under new ids, or their own) in their month's folder."""
    _, whole = edge_lake
    lake = lake_copy(whole, tmp_path / "lake")
    build.build(str(lake), "duckdb")
    latest_month = max(p for p in (lake / "contacts").iterdir() if p.name != "month=NULL")
    contacts = duckdb.sql("SELECT * FROM read_parquet($f, hive_partitioning = false)",
                          params={"f": str(latest_month / "*.parquet")})
    again = duckdb.sql("SELECT * REPLACE (CASE WHEN $new_ids THEN 'again-' || contact_id ELSE contact_id END "
                       "AS contact_id, started_at + INTERVAL 1 DAY AS started_at) FROM contacts "
                       "ORDER BY started_at DESC, contact_id LIMIT $count", params={"new_ids": new_ids, "count": count})
    again.write_parquet(str(latest_month / "again.parquet"))
    return lake


def test_added_files_build_in_full_unless_incremental_is_asked_for(edge_lake, tmp_path):
    _, whole = edge_lake
    lake = lake_copy(whole, tmp_path / "lake")
    moved = hold_back_latest_month(lake, tmp_path / "aside")
    build.build(str(lake), "duckdb")
    put_back(tmp_path / "aside", lake)
    result = build.build(str(lake), "duckdb")
    assert result["build"] == {"how": "full", "why": f"{len(moved)} files added since the last build "
                                                     "(--incremental recounts only what they change)"}
    assert_builds_equal(lake, whole, exact_doubles=True)


def test_a_file_gone_or_asked_for_means_a_full_build(edge_lake, tmp_path):
    _, whole = edge_lake
    lake = lake_copy(whole, tmp_path / "lake")
    build.build(str(lake), "duckdb")
    month = sorted((lake / "contacts").iterdir())[0]
    shutil.rmtree(month)
    result = build.build(str(lake), "duckdb")
    assert result["build"] == {"how": "full", "why": f"1 file(s) of contacts the last build read are gone, "
                                                     f"e.g. {month.name}/data_0.parquet"}
    assert build.build(str(lake), "duckdb", full=True)["build"] == {"how": "full", "why": "a full build was asked for"}
    # A build that stopped while writing leaves no record of its inputs: the next one is full.
    shutil.rmtree(lake / "rollups" / build.INPUTS_FOLDER)
    assert build.build(str(lake), "duckdb")["build"]["how"] == "full"


@pytest.mark.parametrize("previous, current, expected", [
    (None, {"contacts": ["a"]}, (None, "no earlier build of this lake is recorded")),
    ({"contacts": ["a"]}, {"contacts": ["a", "b"]}, ({"contacts": ["b"]}, "")),
    ({"contacts": ["a"], "customers": ["c"]}, {"contacts": ["a"], "customers": ["c"]},
     ({"contacts": [], "customers": []}, "")),
    ({"contacts": ["a", "b"]}, {"contacts": ["b", "c"]},
     (None, "1 file(s) of contacts the last build read are gone, e.g. a")),
    ({"contacts": ["a"]}, {"contacts": ["a"], "outcomes": ["o"]}, (None, "the last build read no file of outcomes")),
])
def test_appended_files_are_those_beside_every_file_the_last_build_read(previous, current, expected):
    assert build.appended(previous, current) == expected


def test_every_canonical_table_is_in_the_append_order():
    assert sorted(build.APPEND_ORDER) == sorted(TABLES)
