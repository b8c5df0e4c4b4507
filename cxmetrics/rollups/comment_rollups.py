"""The survey comments kept as a rollup: `comment_rollup` holds the rows of sql/voice/comment_rows.sql
(one per response with a comment, with its customer and its contact's channel and reason), built
whole, and after an import or delete rewritten for the answers it touches (`refresh_comments`), so
the Voice of the customer queries scope a hundred thousand comments instead of joining every answer
to ten million contacts on every visit.

The theme mentions and sentiments are joined at read time: they have their own build
(cxmetrics/engine/themes.py), which follows the dictionary as well as the data. A query reads the rollup
only while `rollup_state.is_fresh` says it reflects the data as it is now, and that query (included as the CTE comment_rows)
otherwise; the two hold the same rows (tests/test_comment_rollups.py).
"""

from __future__ import annotations

from ..store import rollup_state
from ..store.db import Identifier, quote_ident, run, table_columns
from ..store.dimensions import Filters

ROLLED_COMMENTS = quote_ident("comment_rollup")
# The CTE of the comment queries that holds sql/voice/comment_rows.sql, computed from the base tables.
_COMMENT_ROWS = quote_ident("comment_rows")
# The column a change of each table finds its comment rows by (comment_rollup's and cx_changed_rows').
_KEYS = {"responses": quote_ident("response_id"), "contacts": quote_ident("contact_id")}


def build(con, segments: dict[str, str]) -> None:
    """Rewrite comment_rollup from the comment rows, newest answer first (the comment list reads newest
    first, and the date filters skip row groups that way). Segments are joined at read time."""
    run(con, "rollups/comments_clear")
    run(con, "rollups/comments_build")


def refresh_comments(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Rewrite the comment rows `change` (its rows in cx_changed_rows) can alter: those of the
    responses added or removed, or, after a change of contacts, of the responses naming a contact
    added or removed (their channel, reason and customer are the contact's). Return which."""
    key = _KEYS[change.kind]
    run(con, "rollups/comments_clear_changed", key=key)
    run(con, "rollups/comments_add", key=key)
    return f"the comments of the {change.kind} added or removed"


def comments_source(con) -> Identifier:
    """Return the relation to read comments from: the rollup while it is fresh, else the comment rows
    computed from the base tables (the CTE comment_rows each comment query includes). A store from before migration 12 opened read-only (so not
    migrated) has no rollup table."""
    if rollup_state.is_fresh(con) and table_columns(con, "comment_rollup"):
        return ROLLED_COMMENTS
    return _COMMENT_ROWS


def comment_slots(con, filters: Filters = Filters()) -> dict[str, Identifier]:
    """Return the slots a comment query takes: `comments` (see comments_source), `segment` (the
    filter's segment column, or NULL), `segment_customers` and `segment_contacts` (the tables that
    bring it in: Filters.segment_tables)."""
    return {"comments": comments_source(con), "segment": filters.segment_sql(con), **filters.segment_tables(con)}
