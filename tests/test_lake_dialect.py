"""One SQL source: every statement a lake build runs, rendered as the build renders it on the sample
data (every family, every rolled segment of contacts and of customers), translates to Spark SQL,
and nothing DuckDB-only is let through untranslated (issue 17, item 3).

The statements are recorded from a real DuckDB lake build, so a family that starts to run a new
file, or a builder that fills a slot differently, is checked with no list to keep up to date.
"""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from cxmetrics.store.db import connect
from cxmetrics.lake import build, dialect
from cxmetrics.lake.export import export


class Recording:
    """A DuckDB connection that keeps the text of every statement run through it."""

    def __init__(self, con):
        self._con = con
        self.statements: list[str] = []

    def execute(self, text, params=None):
        self.statements.append(text)
        return self._con.execute(text, params)

    def __getattr__(self, name):  # table(), read_parquet(), ...: the connection's own
        return getattr(self._con, name)


def _latest_month(names: list[str]) -> list[str]:
    months = sorted({name.split("/")[0] for name in names if name.startswith("month=") and name != "month=NULL"})
    return [name for name in names if months and name.startswith(months[-1] + "/")]


@pytest.fixture(scope="module")
def recorded(copy_sample, tmp_path_factory) -> list[str]:
    """The statements of a full build of the sample lake without its latest month, then of the
    build that appends that month (every family's refresh of contacts, responses and outcomes)."""
    folder = tmp_path_factory.mktemp("lake-dialect")
    con = connect(copy_sample(folder))
    try:
        export(con, folder / "lake")
    finally:
        con.close()
    runner = build.DuckDBEngine(str(folder / "lake"))
    con = runner.con
    try:
        runner.con = Recording(con)
        files = runner.list_files()
        new = {table: _latest_month(names) for table, names in files.items()}
        old = {table: [name for name in names if name not in new[table]] for table, names in files.items()}
        runner.read(old)
        build.run_plan(runner)
        for table in build.OUTPUT_TABLES:
            runner.write(table)
        runner.write_inputs(old)
        refreshed = build.refresh_appended(runner, old, new)
        assert isinstance(refreshed, dict) and refreshed["appended"]["contacts"] == 1, refreshed
        return runner.con.statements + build.schema_views()
    finally:
        con.close()


def test_the_build_runs_every_family_and_segment_pass(recorded):
    text = "\n".join(recorded)
    for marker in ("INSERT INTO contact_rollup", "INSERT INTO outcome_summary", "INSERT INTO loop_case_rollup",
                   "INSERT INTO story_answer_rollup", "INSERT INTO comment_rollup", "INSERT INTO journey_flow_rollup",
                   "INSERT INTO repeat_path_rollup", 'c."team"', 'cu."tier"',
                   # and the refreshes of an appended month
                   "cx_appended_rows", "DELETE FROM contact_rollup AS r", "DELETE FROM loop_case_counts WHERE"):
        assert marker in text, marker


def test_every_statement_of_the_build_translates_to_spark(recorded):
    failures = []
    for text in recorded:
        try:
            translated = dialect.to_spark(text)
        except (dialect.UntranslatedSQL, sqlglot.errors.SqlglotError) as problem:
            failures.append(f"{problem}: {text.strip().splitlines()[-1][:80]}")
            continue
        assert "$" not in sqlglot.parse_one(translated, read="spark").sql("spark", comments=False)  # $x is :x
    assert failures == []


def test_the_tables_a_build_writes_are_the_ones_its_statements_fill(recorded):
    filled = set()
    for text in recorded:
        tree = sqlglot.parse_one(text, read="duckdb")
        if isinstance(tree, exp.Insert):
            filled.add(tree.find(exp.Table).name)
    # Less the stages a refresh fills and drops (cx_touchpoint_flow_diff, ...): temp tables, never written out.
    assert {name for name in filled if not name.startswith("cx_")} == set(build.ROLLUP_TABLES)


@pytest.mark.parametrize("text, problem", [
    ("SELECT epoch_us(started_at) FROM contacts", "epoch_us"),
    ("SELECT list_position([1, 2], 2)", "list_position"),
    ("SELECT CAST(x AS HUGEINT) FROM t", "INT128"),
    ("SELECT EXTRACT(epoch FROM started_at) FROM contacts", "EPOCH"),
    ("SELECT EXTRACT(second FROM started_at) FROM contacts", "SECOND"),
    ("SELECT 1; SELECT 2", "one statement"),
    ("SELECT started_at - to_days(7) FROM contacts", "to_days"),
    ("SELECT * FROM a ASOF JOIN b ON a.k = b.k AND a.t > b.t", "ASOF JOIN"),
])
def test_what_has_no_spark_translation_is_refused(text, problem):
    with pytest.raises(dialect.UntranslatedSQL, match=problem):
        dialect.to_spark(text)


@pytest.mark.parametrize("duckdb_sql, spark_sql", [
    ("DELETE FROM contact_rollup", "TRUNCATE TABLE contact_rollup"),
    ("SELECT EXTRACT(ISODOW FROM d) FROM t", "SELECT EXTRACT(DAYOFWEEK_ISO FROM d) FROM t"),
    ("SELECT isodow(d) FROM t", "SELECT EXTRACT(DAYOFWEEK_ISO FROM d) FROM t"),
    ("SELECT dayofweek(d) FROM t", "SELECT (EXTRACT(DAYOFWEEK_ISO FROM d) % 7) FROM t"),
    ("SELECT GROUPING(a, b) FROM t GROUP BY GROUPING SETS ((a), (b))",
     "SELECT (CAST(GROUPING(a) AS BIGINT) * 2 + CAST(GROUPING(b) AS BIGINT) * 1) FROM t GROUP BY GROUPING SETS ((a), (b))"),
    ("CREATE OR REPLACE VIEW v AS SELECT a FROM t", "CREATE OR REPLACE TEMPORARY VIEW v AS SELECT a FROM t"),
    ("SELECT lead(a) OVER w, last_value(b IGNORE NULLS) OVER w FROM t "
     "WINDOW w AS (PARTITION BY c ORDER BY d ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)",
     "SELECT LEAD(a) OVER (PARTITION BY c ORDER BY d NULLS LAST), LAST_VALUE(b) IGNORE NULLS OVER "
     "(PARTITION BY c ORDER BY d NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t"),
    ("SELECT a FROM t WHERE b = $seg_name", "SELECT a FROM t WHERE b = :seg_name"),
])
def test_duckdb_constructs_become_their_spark_equivalents(duckdb_sql, spark_sql):
    assert dialect.to_spark(duckdb_sql) == spark_sql


def test_typeof_answers_with_duckdb_type_names():
    translated = dialect.to_spark("SELECT typeof(a) IN ('VARCHAR', 'NULL') FROM t")
    assert "WHEN 'string' THEN 'VARCHAR'" in translated and "WHEN 'void' THEN 'NULL'" in translated


def test_list_indexes_count_from_one_in_both_engines():
    assert dialect.to_spark("SELECT g.v[k.i], g.v[2] FROM g, k") == \
        "SELECT TRY_ELEMENT_AT(g.v, CAST(k.i AS INT)), TRY_ELEMENT_AT(g.v, 2) FROM g, k"


def test_an_index_inside_an_index_is_translated_too():
    assert dialect.to_spark("SELECT v[$i[k]] FROM t") == \
        "SELECT TRY_ELEMENT_AT(v, CAST(TRY_ELEMENT_AT(:i, CAST(k AS INT)) AS INT)) FROM t"


def test_unnests_side_by_side_are_read_position_by_position():
    translated = dialect.to_spark("SELECT unnest($a) AS x, unnest($b) AS y")
    assert translated.count("EXPLODE") == 1
    assert "TRY_ELEMENT_AT(:a, CAST(cx_position AS INT)) AS x" in translated
    assert "TRY_ELEMENT_AT(:b, CAST(cx_position AS INT)) AS y" in translated
