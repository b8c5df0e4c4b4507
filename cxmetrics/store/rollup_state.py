"""What the rollups were built from and what they can answer: the constants, the data version
they reflect and the segment columns they roll. The rollup families (`*_rollups.py`) read this
module; `rollups.py` lists the families and refreshes them, so the families never import it and
the two directions do not meet in a cycle.

A query uses a rollup only while `is_fresh` says the data version it was built from is still the
store's: a store migrated from an older version, or one whose rollups were never built, is
answered from the base tables, just slower. Every rollup answer equals the base-table answer
exactly; tests compare the two.

What a rollup can answer is narrower than what the base queries can: the repeat window must be one
of ROLLUP_WINDOWS, and a segment (to split or filter by) must be a text column with at most
rollups.MAX_SEGMENT_VALUES values. Anything else is computed from the base tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from .db import run

# The repeat windows (days) whose counts are kept: the default week and a month. Each window adds
# five counts to every row a build computes (about 15 % of its time); other windows are answered
# from the base tables.
ROLLUP_WINDOWS = (7, 30)


@dataclass(frozen=True)
class Change:
    """One import or deleted import, as an incremental refresh sees it: the table it changed, and
    when the latest contact started before and after it (the censoring edge). Its rows are in the
    temp table cx_changed_rows (sql/rollups/change_capture_*.sql), whichever way they went."""

    kind: str
    import_id: int
    removed: bool
    latest_before: datetime | None
    latest_after: datetime | None


def data_version(con) -> str:
    """Return a token that changes with every import and every deleted import."""
    return run(con, "rollups/status").fetchall()[0][1]


def status(con) -> tuple[bool, dict[str, str]]:
    """Return (whether the rollups reflect the data as it is now, {segment column: its table} they
    were built with), in one query."""
    built, current, names, sources = run(con, "rollups/status").fetchall()[0]
    return built is not None and built == current, dict(zip(names or [], sources or []))


def is_fresh(con) -> bool:
    """Return True when the rollups were built from the data as it is now."""
    return status(con)[0]


def rolled_segments(con) -> dict[str, str]:
    """Return {segment column: its table ("contacts" or "customers")} the rollups were built with."""
    return status(con)[1]


def segments_from(segments: dict[str, str], table: str) -> list[str]:
    """Return the rolled segment columns of `segments` ({column: its table}) that are `table`'s."""
    return [name for name, source in segments.items() if source == table]


def whole_days(filters) -> bool:
    """Return True when the filters' dates (if any) are calendar days, not times of day: the rollups
    keep days, so only such a request can be answered from them."""
    return all(value is None or (isinstance(value, date) and not isinstance(value, datetime))
               for value in (filters.date_from, filters.date_to))
