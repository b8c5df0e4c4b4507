"""The floor under the import ratio: the importer's own steps that no design keeping its rules can
skip, each timed alone over rows DuckDB has already typed for free.

Measured in the bare load's database, right after the bare loads, per table:

- **text read**: the importer's staging read (`reader.read_csv_into_stage`): every field as
  text, because the import rules (trimming, missing-value markers, date formats, decimal commas,
  a reason per rejected value quoting it) start from the text;
- **typing**: the importer's cleaning and typing expressions (`sql/import/typed_select.sql`) evaluated
  over every staged value, the results not kept (a fused design would write them straight out):
  the pass less the same pass taking every value as it is, so that re-reading the staged text is
  not counted;
- **key groups**: the importer's repeated-key query (`sql/import/key_repeats.sql`) over the key;
- **derived facts** (contacts): the importer's facts query (`sql/facts/new_contact_facts.sql`),
  its two window passes over the four columns it needs and the sort by line that joining the
  facts to the rows needs (2 to 4 s of its 11 s at 10 M contacts on two cores);
- **one write**: the typed rows written once to a new table of the database.

Their sum is a floor: the importer does all of it and more (typing and checking every value,
line numbers, the content hash, joining the facts to the rows). When the floor alone is above the
target ratio, no tuning of the rest reaches the target.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

from cxmetrics.store.contact_facts import FACT_COLUMNS
from cxmetrics.store.db import Identifier, identifier_list, query, quote_ident, run, table_columns
from cxmetrics.core.mapping import resolve_targets
from cxmetrics.ingest.reader import read_csv_into_stage
from cxmetrics.core.schema import TABLES
from cxmetrics.ingest.validation import typed_rows_query

PARTS = ("text read", "typing", "key groups", "derived facts", "one write")


def measure_floor(con: duckdb.DuckDBPyConnection, kind: str, bare: str, path: str) -> dict[str, float]:
    """Return the seconds of each of PARTS for `kind` (0 where a part does not apply), with the CSV
    file `path` already loaded by DuckDB alone into the table `bare` of a migrated store `con`."""
    columns = table_columns(con, bare)
    taken = dict.fromkeys(PARTS, 0.0)
    started = time.perf_counter()
    read_csv_into_stage(con, Path(path), columns, ",", '"')
    taken["text read"] = time.perf_counter() - started
    run(con, "import/number_lines_plain", {}, columns=identifier_list(columns))
    targets = resolve_targets(kind, columns, [], [])
    params, rows = typed_rows_query(targets, [], [])
    least = Identifier(", ".join(f"min(t_{i})" for i in range(len(targets))))
    # The same pass with every value taken as it is: reading the staged text and taking the least
    # values cost time of their own, which the typing is not charged with.
    as_read = Identifier(query(
        "import/typed_select",
        cleaned=Identifier(", ".join(f"{quote_ident(t.source)} AS r_{i}" for i, t in enumerate(targets))),
        typed=Identifier(", ".join(f"r_{i} AS t_{i}" for i in range(len(targets))))))
    started = time.perf_counter()
    run(con, "import/typing_pass", params, rows=rows, least=least).fetchall()
    typing = time.perf_counter() - started
    started = time.perf_counter()
    run(con, "import/typing_pass", {}, rows=as_read, least=least).fetchall()
    taken["typing"] = max(0.0, typing - (time.perf_counter() - started))
    con.execute("DROP VIEW cx_stage")
    _drop(con, "cx_stage_raw", "cx_csv_errors", "cx_csv_scans")
    # The importer's queries read the typed rows as cx_typed(__line, t_0, t_1, ...): here, a view
    # naming the bare table's already typed columns so.
    facts = [c for c in FACT_COLUMNS if c not in TABLES[kind].key] if kind == "contacts" else []
    used = list(TABLES[kind].key) + facts
    alias = {name: f"t_{i}" for i, name in enumerate(used)}
    con.execute("CREATE TEMP VIEW cx_typed AS SELECT rowid + 2 AS __line, "
                + ", ".join(f"{quote_ident(name)} AS {alias[name]}" for name in used) + " FROM " + quote_ident(bare))
    started = time.perf_counter()
    run(con, "import/key_repeats", key=Identifier(", ".join(alias[k] for k in TABLES[kind].key)))
    taken["key groups"] = time.perf_counter() - started
    _drop(con, "cx_key_repeats")
    if kind == "contacts":
        con.execute("CREATE TEMP TABLE cx_row_rejects (line BIGINT)")
        con.execute("CREATE TEMP TABLE cx_affected_customers (customer_id VARCHAR)")
        started = time.perf_counter()
        run(con, "facts/new_contact_facts", contact=Identifier(alias["contact_id"]),
            started=Identifier(alias["started_at"]), customer=Identifier(alias["customer_id"]),
            reason=Identifier(alias["contact_reason"]))
        taken["derived facts"] = time.perf_counter() - started
        _drop(con, "cx_new_facts", "cx_row_rejects", "cx_affected_customers")
    con.execute("DROP VIEW cx_typed")
    started = time.perf_counter()
    con.execute("CREATE TABLE floor_copy AS SELECT " + identifier_list(columns) + " FROM " + quote_ident(bare))
    taken["one write"] = time.perf_counter() - started
    _drop(con, "floor_copy")
    return taken


def _drop(con: duckdb.DuckDBPyConnection, *tables: str) -> None:
    for table in tables:
        con.execute("DROP TABLE IF EXISTS " + quote_ident(table))
