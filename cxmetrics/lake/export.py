"""`cxmetrics lake export`: a workspace's canonical tables written as Parquet, the layout Spark
and DuckDB read a lake in.

One folder per canonical table (schema.TABLES: customers, contacts, responses, outcomes,
engagement), holding the columns files feed: the provenance (import_id) and the derived contact
facts are left out, since a lake build computes the facts itself and a lake's newer files come from
elsewhere. A table with a date is split into hive-style month folders, so a cluster reading one
month (or appending one) touches only its files: contacts by started_at and responses by
responded_at as `month=YYYY-MM` (`month=NULL` for an undated answer), outcomes and engagement by
their own `month` column (`month=YYYY-MM-01`, which stays in the files too, being the table's
column). Readers (`lake.build`) read every file under a table's folder and take no value from the
folder names.

The folder is the user's: it is passed to DuckDB's writer as a path argument, never put into SQL.
"""

from __future__ import annotations

from pathlib import Path

from ..store.db import identifier_list, query, quote_ident, table_columns
from ..core.schema import SYSTEM_COLUMNS, TABLES

# The date each table's rows are partitioned by, and whether that is the table's own month column.
DATED = {"contacts": "started_at", "responses": "responded_at"}
MONTHLY = ("outcomes", "engagement")
# The one file a table with no rows is written as, so that its folder still says its columns.
EMPTY_FILE = "empty.parquet"


class ExportError(ValueError):
    """The lake folder cannot be written (the message says why, in one line)."""


def export(con, to: str | Path) -> dict[str, int]:
    """Write every canonical table of the workspace on `con` under folder `to`; return
    {table: rows written}. Refuses a folder that already holds one of the tables."""
    target = Path(to)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is a file, not a folder")
    for table in TABLES:
        folder = target / table
        if folder.exists() and any(folder.iterdir()):
            raise ExportError(f"{folder} already holds files; export into a new or empty folder")
    written = {}
    for table in TABLES:
        folder = target / table
        folder.mkdir(parents=True, exist_ok=True)
        columns = [c for c in table_columns(con, table) if c not in SYSTEM_COLUMNS]
        slots = {"columns": identifier_list(columns), "table": quote_ident(table)}
        if table in DATED:
            rows = con.sql(query("lake/export_dated", dated=quote_ident(DATED[table]), **slots))
        else:
            rows = con.sql(query("lake/export_rows", **slots))
        count = rows.aggregate("count(*)").fetchall()[0][0]
        written[table] = count
        if count == 0:
            rows.project(*(quote_ident(c) for c in columns)).write_parquet(str(folder / EMPTY_FILE))
        elif table in DATED:
            rows.write_parquet(str(folder), partition_by=["month"], overwrite=True)
        elif table in MONTHLY:
            rows.write_parquet(str(folder), partition_by=["month"], write_partition_columns=True, overwrite=True)
        else:
            rows.write_parquet(str(folder / "data_0.parquet"))
    return written
