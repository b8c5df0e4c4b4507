"""Whether two builds of a lake (or a build and a workspace) hold the same tables: every output table
compared row for row, both sides sorted by DuckDB and read in batches, so that a 10 M-contact build
is never held in Python at once (tests/test_lake.py, benchmarks/lake_build.py).

Doubles are equal to the last bit when asked; otherwise to 1e-12 relative: a sum of doubles such as
cents of revenue depends on the order it is added in, which neither engine fixes (docs/rollups.md).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import duckdb

from ..store.db import memory_limit, quote_ident
from .layout import OUTPUT_TABLES, ROLLUPS_FOLDER

BATCH_ROWS = 100_000
SHOWN = 5  # differences listed per table
DOUBLES = ("DOUBLE", "FLOAT")


def reader(spill_to: Path) -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection under the product's memory limit that spills into
    `spill_to` (DuckDB's own choice would be `.tmp` in the working directory)."""
    con = duckdb.connect()
    con.execute("SET temp_directory = $dir", {"dir": str(spill_to)})
    con.execute("SET memory_limit = $limit", {"limit": memory_limit()})
    return con


def built(con: duckdb.DuckDBPyConnection, lake: Path, table: str) -> duckdb.DuckDBPyRelation:
    """Return the relation of a table a lake build wrote (the folder is a path argument, not SQL)."""
    return con.read_parquet(str(Path(lake) / ROLLUPS_FOLDER / table / "*.parquet"))


def table_differences(left: duckdb.DuckDBPyRelation, right: duckdb.DuckDBPyRelation,
                      exact_doubles: bool) -> list[str]:
    """Return how two relations (each on its own connection: both are read at once) differ, at most
    SHOWN lines; an empty list when they hold the same columns, types and rows, in any order."""
    columns, types = left.columns, [str(t) for t in left.types]
    other = (right.columns, [str(t) for t in right.types])
    if (columns, types) != other:
        return [f"columns {list(zip(columns, types))} against {list(zip(*other))}"]
    counts = (left.aggregate("count(*)").fetchall()[0][0], right.aggregate("count(*)").fetchall()[0][0])
    if counts[0] != counts[1]:
        return [f"{counts[0]:,} rows against {counts[1]:,}"]
    doubles = {i for i, kind in enumerate(types) if kind in DOUBLES}
    # Both sides in one order: the other columns first, then the doubles (which may differ in their
    # last bits), NULLs last. The names are the relation's own columns, quoted.
    order = ", ".join(f"{quote_ident(columns[i])} ASC NULLS LAST"
                      for i in sorted(range(len(columns)), key=lambda i: i in doubles))
    found: list[str] = []
    pairs = zip(_rows(left.order(order)), _rows(right.order(order)))
    for position, (row, other_row) in enumerate(pairs, start=1):
        difference = _row_difference(row, other_row, columns, doubles, exact_doubles)
        if difference:
            found.append(f"sorted row {position:,}: {difference}")
            if len(found) == SHOWN:
                break
    return found


def _rows(relation: duckdb.DuckDBPyRelation):
    """Yield a relation's rows as tuples, read BATCH_ROWS at a time."""
    for batch in relation.to_arrow_reader(BATCH_ROWS):
        yield from zip(*(column.to_pylist() for column in batch.columns))


def _row_difference(row: tuple, other: tuple, columns: list[str], doubles: set[int], exact_doubles: bool) -> str:
    """Return the first column two rows differ in, with both values, or '' when they are equal."""
    for i, (value, other_value) in enumerate(zip(row, other)):
        if value == other_value:
            continue
        if (i in doubles and not exact_doubles and value is not None and other_value is not None
                and math.isclose(value, other_value, rel_tol=1e-12, abs_tol=1e-9)):
            continue
        return f"{columns[i]} {value!r} against {other_value!r}"
    return ""


def build_differences(left_lake: Path, right_lake: Path, exact_doubles: bool,
                      spill_to: Path | None = None) -> dict[str, list[str]]:
    """Return {output table: its differences} of two built lakes (every list empty: equal)."""
    with tempfile.TemporaryDirectory(prefix="cxmetrics-compare-", dir=spill_to) as scratch:
        left, right = reader(Path(scratch) / "left"), reader(Path(scratch) / "right")
        try:
            return {table: table_differences(built(left, left_lake, table), built(right, right_lake, table),
                                             exact_doubles) for table in OUTPUT_TABLES}
        finally:
            left.close()
            right.close()
