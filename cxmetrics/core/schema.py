"""The canonical tables as data: each column's type, whether it is required, and its valid range.

The importer reads this to type, check and load a file; the metric engine reads the tables it
describes. `sql/schema/001_core.sql` creates the same tables; a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

# Column types the importer knows how to read from text.
TEXT, INTEGER, REAL, BOOLEAN, TIMESTAMP, MONTH = "text", "integer", "real", "boolean", "timestamp", "month"

# The longest duration read as one (about 31.7 years): anything longer is a unit or column mix-up.
# It also keeps the metric engine's exact sums of squared milliseconds far inside HUGEINT.
MAX_DURATION = 1e9

# Columns every data table has that no file feeds: provenance and the derived contact facts.
SYSTEM_COLUMNS = frozenset(
    {"import_id", "prev_any_at", "next_any_at", "prev_same_at", "next_same_at", "prev_any_id", "next_any_id"}
)


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    required: bool = False
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # a second row with the same key is rejected (first one wins)
    columns: tuple[Column, ...]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table("customers", ("customer_id",), (Column("customer_id", required=True),)),
        Table(
            "contacts",
            ("contact_id",),
            (
                Column("contact_id", required=True),
                Column("started_at", TIMESTAMP, required=True),
                Column("customer_id"),
                Column("channel"),
                Column("contact_reason"),
                Column("resolved", BOOLEAN),
                Column("answered", BOOLEAN),
                Column("wait_seconds", REAL, low=0, high=MAX_DURATION),  # time to answer (or to abandon)
                Column("transfers", INTEGER, low=0),
                Column("handle_seconds", REAL, low=0, high=MAX_DURATION),
                Column("agent"),
                Column("team"),
                Column("self_service", BOOLEAN),
            ),
        ),
        Table(
            "responses",
            ("response_id",),
            (
                Column("response_id", required=True),
                Column("responded_at", TIMESTAMP),
                Column("customer_id"),
                Column("contact_id"),
                Column("nps", INTEGER, low=0, high=10),
                Column("csat", INTEGER, low=1, high=5),
                Column("ces", INTEGER, low=1, high=7),
                Column("resolved_answer", BOOLEAN),
                Column("comment"),
                Column("survey"),
            ),
        ),
        Table(
            "outcomes",
            ("customer_id", "month"),
            (
                Column("customer_id", required=True),
                Column("month", MONTH, required=True),
                Column("revenue", REAL),
                Column("churned", BOOLEAN),
                Column("orders", REAL),
            ),
        ),
        Table(
            "engagement",
            ("team", "month"),
            (
                Column("team", required=True),
                Column("month", MONTH, required=True),
                Column("engagement_score", REAL),
            ),
        ),
    )
}

KINDS = tuple(TABLES)
