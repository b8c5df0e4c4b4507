"""One customer's contacts and survey answers kept sorted by customer, as rollups, so Customer
story finds them in a row group instead of scanning every contact and answer.

`story_contact_rollup` holds the columns of `contacts` the story reads, for every contact with a
customer; `story_answer_rollup` every answer with a customer (its own, else its contact's), with
its contact's reason and channel. Both are sorted by customer: DuckDB keeps each column's minimum
and maximum per row group of about 120,000 rows, so `WHERE customer_id = ...` on a sorted table
reads the one row group that can hold it. The base tables are in file order, where a customer's
rows are anywhere.

Written whole with the other rollups, and after an import or delete of contacts or responses
rewritten for the customers it touches (`refresh_customers`); a story reads them only while
`rollup_state.is_fresh` says they reflect the data as it is now, and the base tables otherwise. The
two answer the same (tests/test_story_rollups.py).
"""

from __future__ import annotations

from ..store import rollup_state
from ..store.db import Identifier, quote_ident, run, table_columns

ROLLED_CONTACTS = quote_ident("story_contact_rollup")
ROLLED_ANSWERS = quote_ident("story_answer_rollup")
_BASE_CONTACTS = quote_ident("contacts")
_CUSTOMERS = quote_ident("cx_rollup_customers")  # made by rollups/story_customers_*.sql
# The contact columns story_contact_rollup keeps; after a change of contacts the change's span
# union carries them (rollups.apply_change) for story_contacts_add.sql.
CONTACT_COLUMNS = ("customer_id", "contact_id", "started_at", "channel", "contact_reason", "resolved", "agent", "team",
                   "self_service", "transfers", "handle_seconds", "prev_any_at", "next_any_at", "prev_same_at",
                   "next_same_at")


def build(con, segments: dict[str, str]) -> None:
    """Rewrite both story rollups from the base tables. The story shows no segment, so `segments`
    is not used."""
    for table in (ROLLED_CONTACTS, ROLLED_ANSWERS):
        run(con, "rollups/story_clear", table=table)
    run(con, "rollups/story_contacts_build")
    run(con, "rollups/story_answers_build")


def refresh_customers(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Rewrite the rows of the customers whose story `change` (its rows in cx_changed_rows) can
    alter; return how many. A change of responses leaves the contact rows as they are."""
    run(con, "rollups/drop_stage", table=_CUSTOMERS)
    run(con, f"rollups/story_customers_{change.kind}")
    tables = (ROLLED_CONTACTS, ROLLED_ANSWERS) if change.kind == "contacts" else (ROLLED_ANSWERS,)
    for table in tables:
        run(con, "rollups/clear_customers", table=table, customers=_CUSTOMERS)
    if change.kind == "contacts":
        run(con, "rollups/story_contacts_add")
    run(con, f"rollups/story_answers_add_{change.kind}")
    (customers,) = run(con, "rollups/stage_rows", table=_CUSTOMERS).fetchall()[0]
    run(con, "rollups/drop_stage", table=_CUSTOMERS)
    return f"{customers} customers" + ("" if change.kind == "contacts" else " (answers only)")


def rolled(con) -> bool:
    """Return True when a story can be read from the rollups: they are fresh and exist (a store from
    before migration 13 opened read-only, so not migrated, has none)."""
    return rollup_state.is_fresh(con) and bool(table_columns(con, "story_answer_rollup"))


def contacts_source(is_rolled: bool) -> Identifier:
    """Return the relation story/contacts.sql reads (its `contacts` slot)."""
    return ROLLED_CONTACTS if is_rolled else _BASE_CONTACTS
