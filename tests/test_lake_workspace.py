"""A lake workspace (issue 17, item 2): the sample workspace exported as a lake, built by DuckDB,
and opened as a workspace (cxmetrics/lake/workspace.py) answers the command line with the same
JSON, figure for figure, as the DuckDB workspace holding the same rows.

The same lake built by Spark answers the same COMMANDS in tests/test_lake_spark.py, which builds
the sample on Spark once for this and for the comparison with the DuckDB build.
"""

from __future__ import annotations

import dataclasses
import json
import math

import duckdb
import pytest

from cxmetrics.store import rollup_state
from cxmetrics.core import schema
from cxmetrics.store.db import connect
from cxmetrics.lake import build, layout
from cxmetrics.lake.workspace import LakeWorkspaceError, lake_folder, open_lake, version

from benchmarks.lake_build import lake_copy
from test_lake import _export

# Every reading command, over rollups (the default window, whole days) and over the Parquet files
# themselves (a window no rollup keeps, a split no rollup rolls).
COMMANDS = [
    ("metrics",),
    ("metrics", "--by", "channel"),
    ("metrics", "--by", "region", "--from", "2026-08-01", "--to", "2026-09-30"),
    ("metrics", "--by", "plan", "--window", "30", "--same-reason"),
    ("metrics", "--by", "tier", "--window", "14"),
    ("metrics", "--by", "contact_reason", "--from", "2026-10-03", "--to", "2026-10-03"),
    ("outcomes",),
    ("outcomes", "--by", "nps_group"),
    ("outcomes", "--by", "repeat_contact", "--window", "30", "--same-reason"),
    ("outcomes", "--by", "region", "--window", "10"),
    ("gaps", "--by", "region"),
    ("gaps", "--by", "channel", "--metric", "fcr", "--from", "2026-07-01", "--to", "2026-10-31"),
    ("gaps", "--by", "team", "--metric", "aht_seconds"),
    ("gaps", "--by", "plan", "--metric", "repeat_rate", "--window", "3"),
    ("drivers",),
    ("drivers", "--by", "region", "--metric", "csat", "--same-reason"),
]


@pytest.fixture(scope="module")
def duckdb_lake(copy_sample, tmp_path_factory):
    """(the sample workspace, its lake built by DuckDB)."""
    folder = tmp_path_factory.mktemp("lake-workspace")
    db = copy_sample(folder)
    _export(db, folder / "lake")
    build.build(str(folder / "lake"), "duckdb")
    return db, folder / "lake"


def _answers(cxmetrics_cli, workdir, db, lake, command):
    """Return the command's stdout on the workspace and on the lake, both runs having succeeded."""
    on_db = cxmetrics_cli(command, db, workdir)
    on_lake = cxmetrics_cli([*command, "--lake", lake], None, workdir)
    assert on_db[0] == 0 and on_db[1] is not None, on_db[2]
    assert on_lake[0] == 0, on_lake[2]
    return on_db.stdout, on_lake.stdout


def assert_same_answer(command, on_db: str, on_lake: str) -> None:
    """The printed JSON is the same text, but for the revenue of `outcomes`: a sum of doubles
    (revenue in cents) depends on the order it is added in, which neither DuckDB nor Spark fixes,
    so the workspace's own rollups and a build of the same rows differ in the last bits (1e-12
    relative; docs/rollups.md, tests/test_lake.py). Those are compared to 1e-12, everything else
    (every count, rate, score, interval and name) exactly."""
    if command[0] != "outcomes":
        assert on_lake == on_db
        return

    def same(left, right, where):
        assert type(left) is type(right), where
        if isinstance(left, dict):
            assert list(left) == list(right), where
            for key in left:
                same(left[key], right[key], f"{where}.{key}")
        elif isinstance(left, list):
            assert len(left) == len(right), where
            for i, (a, b) in enumerate(zip(left, right)):
                same(a, b, f"{where}[{i}]")
        elif isinstance(left, float) and "revenue" in where:
            assert math.isclose(left, right, rel_tol=1e-12), where
        else:
            assert left == right, where

    same(json.loads(on_db), json.loads(on_lake), "")


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_the_duckdb_built_lake_answers_as_the_workspace(command, duckdb_lake, cxmetrics_cli, tmp_path):
    db, lake = duckdb_lake
    assert_same_answer(command, *_answers(cxmetrics_cli, tmp_path, db, lake, command))


def test_the_lake_workspace_has_the_workspace_tables_columns_and_types(duckdb_lake):
    db, lake = duckdb_lake
    workspace = duckdb.connect(str(db), read_only=True)
    con = open_lake(lake)
    try:
        for table in (*schema.TABLES, *layout.ROLLUP_TABLES):
            mine, theirs = con.table(table), workspace.table(table)
            assert (mine.columns, mine.types) == (theirs.columns, theirs.types), table
        # The rows and the derived facts the importer stored (not its provenance, which no lake holds).
        for table in schema.TABLES:
            columns = [c for c in workspace.table(table).columns if c != "import_id"]
            assert sorted(con.table(table).select(*columns).fetchall(), key=repr) == \
                sorted(workspace.table(table).select(*columns).fetchall(), key=repr), table
        assert rollup_state.is_fresh(con)
        assert rollup_state.rolled_segments(con) == rollup_state.rolled_segments(workspace)
    finally:
        con.close()
        workspace.close()


def test_the_lake_tables_take_no_rows(duckdb_lake):
    con = open_lake(duckdb_lake[1])
    try:
        with pytest.raises(duckdb.Error, match="not an? table"):
            con.execute("INSERT INTO contacts (contact_id, started_at) VALUES ('new', TIMESTAMP '2026-01-01')")
    finally:
        con.close()


def test_a_folder_that_is_no_built_lake_is_refused(duckdb_lake, tmp_path, cxmetrics_cli):
    db, lake = duckdb_lake
    with pytest.raises(LakeWorkspaceError, match="is missing"):
        open_lake(tmp_path)
    unbuilt = lake_copy(lake, tmp_path / "unbuilt")
    with pytest.raises(LakeWorkspaceError, match="build the lake first"):
        open_lake(unbuilt)
    pattern = tmp_path / "a*lake"
    pattern.mkdir()
    with pytest.raises(LakeWorkspaceError, match="file pattern"):
        lake_folder(pattern)
    with pytest.raises(LakeWorkspaceError, match="not a local folder"):
        lake_folder("s3a://bucket/lake")
    code, _, err = cxmetrics_cli(["metrics", "--lake", unbuilt], None, tmp_path)
    assert code == 2 and "build the lake first" in err
    code, _, err = cxmetrics_cli(["gaps", "--by", "region", "--lake", lake, "--db", db], None, tmp_path)
    assert code == 2 and "not allowed with argument" in err
    code, _, err = cxmetrics_cli(["serve", "--lake", unbuilt], None, tmp_path)  # before Streamlit starts
    assert code == 2 and "build the lake first" in err


def test_the_version_changes_when_the_lake_is_built_again(duckdb_lake, tmp_path):
    _, lake = duckdb_lake
    copy = lake_copy(lake, tmp_path / "lake")
    build.build(str(copy), "duckdb")
    before = version(copy)
    assert version(copy) == before
    assert build.build(str(copy), "duckdb")["build"]["how"] == "up to date"  # nothing written: still valid
    assert version(copy) == before
    build.build(str(copy), "duckdb", full=True)
    assert version(copy) != before


def test_the_row_level_questions_read_the_lake_as_the_workspace(duckdb_lake):
    """Drill-through, a customer's story and a comment search: what no rollup answers, read from the
    Parquet files (and the facts joined to them), give the workspace's rows."""
    from datetime import date

    from cxmetrics.engine import drill
    from cxmetrics.engine.customer_story import customer_story
    from cxmetrics.store.dimensions import Filters
    from cxmetrics.engine.voice import CommentQuery, comments

    db, lake = duckdb_lake
    filters = Filters(date(2026, 9, 1), date(2026, 10, 31))

    def asked(con):
        customer = con.sql("SELECT min(customer_id) FROM contacts WHERE next_any_at IS NOT NULL").fetchall()[0][0]
        story = customer_story(con, customer, 30, True)
        return [
            drill.rows_behind(con, "contacts", filters, "region", "Île-de-France", measure="repeat_rate").to_csv(),
            drill.rows_behind(con, "responses", filters, "channel", "phone", nps_group="Detractor").to_csv(),
            customer, [getattr(story, f.name).to_csv() if hasattr(getattr(story, f.name), "to_csv")
                       else getattr(story, f.name) for f in dataclasses.fields(story)],
            comments(con, filters, CommentQuery(search="wait", nps_groups=("detractor",)), 50).to_csv(),
        ]

    workspace = connect(db)
    con = open_lake(lake)
    try:
        on_workspace, on_lake = asked(workspace), asked(con)
    finally:
        workspace.close()
        con.close()
    assert on_lake == on_workspace
    # Each question found rows: a header line and more (the story: a known customer with contacts).
    assert all(text.count("\n") > 1 for text in (on_workspace[0], on_workspace[1], on_workspace[4]))
    assert on_workspace[3][1] is True and on_workspace[3][3].count("\n") > 1
