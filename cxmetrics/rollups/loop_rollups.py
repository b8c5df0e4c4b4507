"""The follow-up cases kept as a rollup: `loop_case_rollup` holds the rows of the `loop_cases` view
(a detractor answer or an unresolved complaint per row, with its default due date and whether a
detractor was saved), kept up to date with the data (built whole, or after an import or delete
rewritten for the customers it touches: `refresh_customers`) so Close the loop and Customer story
read a table instead of joining millions of answers and contacts on every visit.

The cases follow the data alone: their handling state lives in `follow_ups`, which the queries
join at read time, so a saved edit shows at once and never makes the rollup stale. A query reads
the rollup only while `rollup_state.is_fresh` says it reflects the data as it is now, and the view
otherwise; the two hold the same rows (tests/test_loop_rollups.py).
"""

from __future__ import annotations

from ..store import rollup_state
from ..store.db import Identifier, quote_ident, run, table_columns
from ..store.dimensions import Filters

ROLLED_CASES = quote_ident("loop_case_rollup")
_VIEW = quote_ident("loop_cases")
_STAGE = quote_ident("cx_loop_cases")  # made by rollups/loop_cases_stage*.sql
_BEFORE = quote_ident("cx_loop_cases_before")  # made by rollups/loop_cases_before.sql
_CONTACTS = quote_ident("cx_loop_contacts")  # made by rollups/loop_contacts_stage*.sql
_TABLES = (ROLLED_CASES, quote_ident("detractor_customer_rollup"), quote_ident("loop_case_counts"))
_CUSTOMERS = quote_ident("cx_rollup_customers")  # made by the files of _CUSTOMERS_OF
# The customers whose cases a change of each table can alter (see refresh_customers).
_CUSTOMERS_OF = {"contacts": "rollups/story_customers_contacts", "responses": "rollups/story_customers_responses",
                 "outcomes": "rollups/changed_customers"}


def build(con, segments: dict[str, str]) -> None:
    """Rewrite loop_case_rollup from the view, oldest opening first, then the customers with a
    detractor case (newest first) and the case counts from it. Segments are joined at read time,
    so `segments` is not used."""
    for table in _TABLES:
        run(con, "rollups/loop_clear", table=table)
    # Dropped before as well as after: a build that failed left it (a failed statement aborts
    # the transaction, so no cleanup can run then).
    run(con, "rollups/drop_stage", table=_STAGE)
    run(con, "rollups/loop_cases_stage")
    run(con, "rollups/loop_cases_build")
    run(con, "rollups/drop_stage", table=_STAGE)
    run(con, "rollups/loop_customers_build")
    run(con, "rollups/loop_counts_build", {"days": None})


def refresh_customers(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Rewrite the cases of the customers whose cases `change` (its rows in cx_changed_rows) can
    alter (computed from those customers' rows: loop_cases_stage_customers.sql, their contacts
    taken from the change's span after a change of contacts), their
    detractor_customer_rollup row, and the case counts of the days on which their cases count
    differently after than before (loop_case_days.sql); return how many customers and days.

    A case is one customer's (its answer's own, else its contact's), and everything it holds is
    that customer's: the contact's channel, reason and team, and whether a detractor was saved (the
    customer's later answers and outcome months). So the customers are those of the contacts added
    or removed and of the answers naming them, of the answers added or removed, or of the outcome
    rows (story_customers_*.sql, changed_customers.sql). The rows written go after the others, not
    in opening order: the case list reads the same rows, only less of them skipped."""
    for table in (_CUSTOMERS, _BEFORE, _CONTACTS, _STAGE):
        run(con, "rollups/drop_stage", table=table)
    run(con, _CUSTOMERS_OF[change.kind])
    run(con, "rollups/loop_cases_before")
    # After a change of contacts, rollups.apply_change has staged its customers' contacts (the span's union).
    run(con, "rollups/loop_contacts_stage_span" if change.kind == "contacts" else "rollups/loop_contacts_stage")
    for table in _TABLES[:2]:
        run(con, "rollups/clear_customers", table=table, customers=_CUSTOMERS)
    run(con, "rollups/loop_cases_stage_customers")
    days = sorted(run(con, "rollups/loop_case_days").fetchall()[0][0])
    run(con, "rollups/loop_cases_build")
    for table in (_BEFORE, _CONTACTS, _STAGE):
        run(con, "rollups/drop_stage", table=table)
    run(con, "rollups/loop_customers_add")
    if days:
        run(con, "rollups/loop_counts_clear_days", {"days": days})
        run(con, "rollups/loop_counts_build", {"days": days})
    (customers,) = run(con, "rollups/stage_rows", table=_CUSTOMERS).fetchall()[0]
    run(con, "rollups/drop_stage", table=_CUSTOMERS)
    return f"{customers} customers, {len(days)} days of case counts"


def cases_source(con) -> Identifier:
    """Return the relation to read cases from: the rollup while it is fresh, else the view. A store
    from before migration 11 opened read-only (so not migrated) has no rollup table."""
    if rollup_state.is_fresh(con) and table_columns(con, "loop_case_rollup"):
        return ROLLED_CASES
    return _VIEW


def counts_answer(con, filters: Filters) -> bool:
    """Return True when the follow-up figures for `filters` can be counted from loop_case_counts:
    the rollups are fresh, the dates are whole days and no segment is chosen (segments are joined
    row by row)."""
    return not filters.segment and rollup_state.whole_days(filters) and cases_source(con) == ROLLED_CASES


def case_slots(con, filters: Filters = Filters()) -> dict[str, Identifier]:
    """Return the slots a case query takes: `cases` (see cases_source), `segment` (the filter's
    segment column, or NULL), `segment_customers` and `segment_contacts` (the tables that bring
    that column in: Filters.segment_tables)."""
    return {"cases": cases_source(con), "segment": filters.segment_sql(con), **filters.segment_tables(con)}
