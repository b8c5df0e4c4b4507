"""The whole content of a store, for tests that must show a database unchanged (or two the same).

Tables come from the catalog (`sql/backup/tables.sql`) and are read through DuckDB's relation API,
so no table name is ever written into SQL text.
"""

from __future__ import annotations

from cxmetrics.store.db import run


def store_tables(con) -> list[str]:
    """Return the base tables of the store's main schema, by name."""
    return [row[0] for row in run(con, "backup/tables").fetchall()]


def store_content(con, tables=None) -> dict[str, tuple[list[str], list[str]]]:
    """Return {table: (column names, every row's repr, sorted)} for `tables` (default: every base table)."""
    content = {}
    for table in store_tables(con) if tables is None else tables:
        relation = con.table(table)
        content[table] = (list(relation.columns), sorted(map(repr, relation.fetchall())))
    return content
