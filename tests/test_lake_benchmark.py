"""The lake-build benchmark (benchmarks/lake_build.py) works end to end at a tiny scale on the DuckDB
engine, and the comparison it and tests/test_lake.py use (lake.compare) tells equal builds from
unequal ones. No timing is asserted. Spark is left out here: its build is proved equal to DuckDB's in
tests/test_lake.py, and a Spark session of its own would cost a minute."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from benchmarks import lake_build
from cxmetrics.lake import build, compare
from cxmetrics.lake.layout import FACTS_TABLE, OUTPUT_TABLES, ROLLUPS_FOLDER

TINY = 0.00005  # 500 contacts, 100 responses, 50 customers


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory) -> tuple[dict, Path]:
    """(the figures of one benchmark run, DuckDB only, at the tiny scale; its work folder). Run as the
    script runs, in its own process: it reaps every child of the process it runs in."""
    base = tmp_path_factory.mktemp("lake-bench")
    result = subprocess.run(
        [sys.executable, str(lake_build.PROJECT_ROOT / "benchmarks" / "lake_build.py"), "--data", str(base / "data"),
         "--scale", str(TINY), "--seed", "3", "--work", str(base / "work"), "--engines", "duckdb", "--appended",
         "--json"],
        cwd=base, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), base / "work"


def test_the_benchmark_reports_the_duckdb_build_of_the_whole_set(tiny_build):
    figures, work = tiny_build
    assert figures["set"]["contacts"] == 500 and list(figures["builds"]) == ["duckdb"]
    assert "ratios" not in figures and "differences" not in figures  # they need both engines
    assert {k: v["rows"] for k, v in figures["import"].items()} == {
        k: v for k, v in figures["export"]["rows"].items() if k in figures["import"]}
    build = figures["builds"]["duckdb"]
    assert build["seconds"] > 0 and build["cpu_seconds"] > 0 and build["peak_bytes"] > 0
    assert list(build["tables"]) == list(OUTPUT_TABLES)
    assert build["tables"][FACTS_TABLE] == 500 and build["tables"]["contact_rollup"] > 0
    # The rows it reports are the rows it wrote, table by table.
    for table, rows in build["tables"].items():
        files = str(work / "build-duckdb" / ROLLUPS_FOLDER / table / "*.parquet")
        assert duckdb.sql("SELECT count(*) FROM read_parquet($f)", params={"f": files}).fetchall()[0][0] == rows, table
    assert (work / lake_build.PARTIAL).is_file()
    text = "\n".join(lake_build.report_lines(figures))
    assert "duckdb" in text and "contact_rollup" in text and "spark÷duckdb" not in text
    # --appended: the lake less its latest month, then that month appended, equal to the full build.
    month = figures["appended"]["duckdb"]
    assert month["without the latest month"]["how"]["how"] == "full"
    assert month["that month appended"]["how"]["how"] == "appended" and month["differences"] == {}
    assert month["ratio_to_full"] > 0 and "that month appended and built again (appended)" in text


def test_the_comparison_finds_a_changed_row_and_equal_builds_equal(tiny_build, tmp_path):
    _, work = tiny_build
    lake = work / "build-duckdb"
    assert compare.build_differences(lake, lake, exact_doubles=True, spill_to=tmp_path) == {t: [] for t in OUTPUT_TABLES}
    changed = tmp_path / "changed"
    facts = changed / ROLLUPS_FOLDER / FACTS_TABLE
    shutil.copytree(lake / ROLLUPS_FOLDER / FACTS_TABLE, facts)
    con = duckdb.connect()
    con.read_parquet(str(facts / "*.parquet")).create_view("facts")
    # One contact's next contact moved by a second: the only difference, in the only table changed.
    edited = con.sql("""SELECT * REPLACE (CASE WHEN contact_id = (SELECT min(contact_id) FROM facts
                                                                  WHERE next_any_at IS NOT NULL)
                                               THEN next_any_at + INTERVAL 1 SECOND ELSE next_any_at END
                                          AS next_any_at)
                        FROM facts""").to_arrow_table()
    con.close()
    for old in facts.iterdir():
        old.unlink()
    duckdb.from_arrow(edited).write_parquet(str(facts / "data_0.parquet"))
    left, right = compare.reader(tmp_path / "left"), compare.reader(tmp_path / "right")
    found = compare.table_differences(compare.built(left, changed, FACTS_TABLE), compare.built(right, lake, FACTS_TABLE),
                                      exact_doubles=True)
    left.close()
    right.close()
    assert len(found) == 1 and "next_any_at" in found[0], found


def test_the_duckdb_build_spills_into_a_folder_of_its_own_not_the_working_directory(tiny_build):
    # DuckDB would spill an in-memory database into `.tmp` under the working directory (a checkout).
    _, work = tiny_build
    engine = build.DuckDBEngine(str(work / "lake"))
    spill = Path(engine.con.execute("SELECT current_setting('temp_directory')").fetchall()[0][0])
    engine.close()
    assert spill.name.startswith("cxmetrics-lake-build-") and not spill.exists()


def test_the_benchmark_refuses_an_unknown_engine(tmp_path):
    with pytest.raises(SystemExit):
        lake_build.main(["--data", str(tmp_path), "--work", str(tmp_path), "--engines", "postgres"])
