"""Derived contact facts: each contact's previous and next contact of the same customer.

Stored at import so that repeat contacts, contact FCR and censoring, for any window and with
or without "same reason only", are comparisons on a row instead of a window function over all
contacts per click. Kept right when an import adds or removes contacts: only the customers
that import touches are recomputed, over their whole history.

New contacts are written with their facts already computed (`insert_contacts`): the window
functions run over the few columns they need (the new contacts, and the stored contacts of their
customers who have some), and the facts join the new rows as they are written, a range of lines
at a time so that each join stays small. Only the stored contacts whose facts change are rewritten
afterwards (`refresh_affected`), by deleting their rows and inserting them again with the facts
right, which costs a third of an UPDATE of the same rows. Writing the rows and then updating every
one of them cost more than the insert, and the update held ten million row versions in memory
until the commit: at 10 M contacts it ran out of a 1 GB memory_limit.
"""

from __future__ import annotations

from .db import identifier_list, quote_ident, run

# New contacts written per statement: the facts of this many file lines are joined at once.
LINES_PER_INSERT = 1_000_000
# The columns the facts are computed from.
FACT_COLUMNS = ("contact_id", "started_at", "customer_id", "contact_reason")


def insert_contacts(con, import_id: int, columns: list[str]) -> None:
    """Write the accepted typed rows (cx_typed without a row reject) into contacts, with their
    derived facts; then fix the facts of the stored contacts the new ones became neighbours of.

    `columns` are the target columns in t_N order (cx_typed's t_0, t_1, ...), customer_id among
    them (without a customer a contact has no neighbours: the plain insert writes it)."""
    position = {name: i for i, name in enumerate(columns)}
    values = identifier_list(f"t_{i}" for i in range(len(columns)))
    # A fact column the file does not have reads new_contact_facts.sql's NULL column __none.
    key = {name: quote_ident(f"t_{position[name]}" if name in position else "__none") for name in FACT_COLUMNS}
    _start_affected(con)
    run(con, "facts/customers_with_history", customer=key["customer_id"])
    run(con, "facts/new_contact_facts", contact=key["contact_id"], started=key["started_at"],
        customer=key["customer_id"], reason=key["contact_reason"])
    last = run(con, "facts/last_typed_line").fetchall()[0][0]
    for first in range(0, last + 1, LINES_PER_INSERT):
        run(con, "facts/insert_contacts", {"import_id": import_id, "first": first, "after": first + LINES_PER_INSERT},
            columns=identifier_list(columns), values=values)
    run(con, "facts/drop_new_facts")
    refresh_affected(con)


def mark_affected_by_import(con, import_id: int) -> None:
    """Add the customers that an import's contacts belong to to the temp table of affected customers."""
    _start_affected(con)
    run(con, "facts/affected_customers", {"import_id": import_id})


def refresh_affected(con) -> None:
    """Recompute the neighbour columns of every contact of the affected customers, write those
    that changed (deleted and inserted again, not updated: see contact_neighbours.sql), then
    forget the customers."""
    if run(con, "facts/count_affected").fetchall()[0][0]:
        run(con, "facts/drop_moved")
        run(con, "facts/contact_neighbours")
        run(con, "facts/delete_moved")
        run(con, "facts/insert_moved")
        run(con, "facts/drop_moved")
    run(con, "facts/drop_affected")


def _start_affected(con) -> None:
    run(con, "facts/start_affected")
