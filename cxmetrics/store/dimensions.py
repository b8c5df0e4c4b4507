"""Dimensions: the columns a user may split or filter by, checked against the real schema.

A dimension is a column of `contacts` (responses follow it through their contact_id) or of
`customers` (contacts and responses follow it through customer_id); every extra column an
import kept is one. The result is a qualified, quoted identifier for a `{{slot}}` in `sql/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .db import Identifier, UnknownColumn, qualified, quote_ident, run, table_columns
from .rollup_state import is_fresh
from ..core.schema import SYSTEM_COLUMNS

# No dimension: the NULL column of the one-row relation `missing` that every query taking a
# dimension or segment slot cross-joins (CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing).
NO_DIMENSION = qualified("missing", "value")
# What a query over rows carrying a customer_id and a contact_id (a follow-up case, a comment) joins
# as cu and c: the table holding the chosen segment column, and for the other (or both, with no
# segment) the empty CTE no_segment (sql/segments/no_segment.sql, which such a query includes).
_NO_SEGMENT = quote_ident("no_segment")
_NOT_DIMENSIONS = {
    "contacts": SYSTEM_COLUMNS | {"contact_id", "started_at", "handle_seconds", "wait_seconds"},
    "customers": SYSTEM_COLUMNS | {"customer_id"},
}
_ALIAS = {"contacts": "c", "customers": "cu"}


@dataclass(frozen=True)
class Dimension:
    name: str
    table: str  # contacts | customers

    @property
    def sql(self) -> Identifier:
        return qualified(_ALIAS[self.table], self.name)


def available_dimensions(con) -> list[Dimension]:
    """Return every column the data can be split by: contacts' first, then customers'."""
    found: list[Dimension] = []
    names: set[str] = set()
    for table in ("contacts", "customers"):
        for column in table_columns(con, table):
            if column not in _NOT_DIMENSIONS[table] and column not in names:
                found.append(Dimension(column, table))
                names.add(column)
    return found


def resolve_dimension(con, name: str) -> Dimension:
    """Return the dimension called `name` (or the file's own spelling of it, e.g. "Tenure Band"),
    or raise UnknownColumn naming the ones there are."""
    from ..core.mapping import column_key

    dimensions = available_dimensions(con)
    for wanted in (name, column_key(name)):
        for dimension in dimensions:
            if dimension.name == wanted:
                return dimension
    known = ", ".join(d.name for d in available_dimensions(con))
    raise UnknownColumn(f"no dimension {name!r}; dimensions are: {known}")


@dataclass(frozen=True)
class Filters:
    """The shared filter state: dates (inclusive days), channels, reasons and one segment."""

    date_from: date | None = None
    date_to: date | None = None
    channels: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    segment: str | None = None
    segment_values: tuple[str, ...] = ()

    def params(self) -> dict:
        """Return the filter as the `$params` every metric query takes."""
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "channels": list(self.channels) or None,
            "reasons": list(self.reasons) or None,
            "segment_values": list(self.segment_values) if self.segment else None,
        }

    def segment_sql(self, con) -> Identifier:
        """Return the segment column's identifier, or NULL when no segment is chosen."""
        return resolve_dimension(con, self.segment).sql if self.segment else NO_DIMENSION

    def segment_tables(self, con) -> dict[str, Identifier]:
        """Return the slots segment_customers and segment_contacts of a query over rows `k` carrying
        a customer_id and a contact_id (a follow-up case, a comment), which it joins as cu and c:
        the table of the segment column (the row's customer, or the row's contact: for an answer,
        the contact it is about), and no_segment (no row) for the other, or both when no segment
        is chosen."""
        table = resolve_dimension(con, self.segment).table if self.segment else None
        return {f"segment_{name}": quote_ident(name) if table == name else _NO_SEGMENT
                for name in ("customers", "contacts")}


def dimension_values(con, name: str, limit: int = 500) -> list[str]:
    """Return the values of a dimension, most common first (for filter and split-by choices)."""
    dimension = resolve_dimension(con, name)
    column = quote_ident(dimension.name)
    if dimension.name in ("channel", "contact_reason") and is_fresh(con):
        # Every rollup row keeps these two: the counts are the same, summed from thousands of rows.
        rows = run(con, "rollups/dimension_values", {"limit": int(limit)}, column=column).fetchall()
    else:
        rows = run(con, "metrics/dimension_values", {"limit": int(limit)}, column=column,
                   table=quote_ident(dimension.table)).fetchall()
    return [r[0] for r in rows]


# A split into more groups than this is no comparison a chart can show (a free-text column, an id,
# a tweet's text); fewer than two is no comparison at all. Such columns still filter.
MIN_SPLIT_VALUES = 2
MAX_SPLIT_VALUES = 50


def split_dimensions(con) -> list[Dimension]:
    """Return the dimensions worth splitting a figure by: those holding between MIN_SPLIT_VALUES and
    MAX_SPLIT_VALUES distinct values, in available_dimensions' order.

    A real export brings every column it has: empty ones (a channel the call log never had),
    constant ones, row numbers and verbatim text. Offered to split by, the first of them became the
    default and the page showed "No data for this selection"."""
    kept = []
    for dimension in available_dimensions(con):
        values = run(con, "metrics/dimension_spread", table=quote_ident(dimension.table),
                     column=quote_ident(dimension.name)).fetchall()[0][0]
        if MIN_SPLIT_VALUES <= values <= MAX_SPLIT_VALUES:
            kept.append(dimension)
    return kept
