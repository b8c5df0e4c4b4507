"""Derived contact facts: each contact's previous and next contact of the same customer.

Stored at import so that repeat contacts, contact FCR and censoring, for any window and with
or without "same reason only", are comparisons on a row instead of a window function over all
contacts per click. Kept right when an import adds or removes contacts: only the customers
that import touches are recomputed, over their whole history.
"""

from __future__ import annotations

from .db import run


def mark_affected_by_import(con, import_id: int) -> None:
    """Add the customers that an import's contacts belong to to the temp table of affected customers."""
    con.execute("CREATE TEMP TABLE IF NOT EXISTS cx_affected_customers (customer_id VARCHAR)")
    run(con, "facts/affected_customers", {"import_id": import_id})


def refresh_affected(con) -> None:
    """Recompute the neighbour columns of every contact of the affected customers, then forget them."""
    run(con, "facts/contact_neighbours")
    con.execute("DROP TABLE cx_affected_customers")
