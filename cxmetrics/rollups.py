"""Rollup tables: the counts behind the dashboard's figures, summed once when the data changes so
a page reads thousands of pre-summed rows instead of scanning millions of contacts.

`refresh` rebuilds every rollup inside the caller's transaction (the importer's, so an import and
its rollups land together or not at all) and records the data version it built from. A query
uses a rollup only while `is_fresh` says that version is still the store's: a store migrated from
an older version, or one whose rollups were never built, is answered from the base tables, just
slower. Every rollup answer equals the base-table answer exactly; tests compare the two.

What a rollup can answer is narrower than what the base queries can: the repeat window must be one
of ROLLUP_WINDOWS, and a segment (to split or filter by) must be a text column with at most
MAX_SEGMENT_VALUES values. Anything else is computed from the base tables.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from .db import run

# The repeat windows (days) whose counts are kept: the default week and a month. Each window adds
# five counts to every row a build computes (about 15 % of its time); other windows are answered
# from the base tables.
ROLLUP_WINDOWS = (7, 30)
# A segment column with more values than this (an agent id, a free-text field) is not rolled up:
# its rows would outnumber what they save.
MAX_SEGMENT_VALUES = 64
# Each rolled segment is one more pass of every build: a file with 2,000 extra columns must not
# make 2,000. The first MAX_SEGMENTS that qualify, among the first MAX_CANDIDATES columns, are rolled.
MAX_SEGMENTS = 12
MAX_CANDIDATES = 64


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


# Each step rebuilds one family of rollup tables: step(con, segments) with the segment columns
# chosen by `refresh` ({name: "contacts" | "customers"}). Later steps may read earlier ones.
_STEPS: list[Callable] = []


def step(function: Callable) -> Callable:
    """Register `function` as a rollup-building step (a decorator); return it unchanged."""
    _STEPS.append(function)
    return function


def refresh(con) -> None:
    """Rebuild every rollup from the base tables and record the data version they reflect.

    Run it inside the transaction that changed the data; it opens none of its own."""
    from . import (comment_rollups, loop_rollups, metric_rollups, outcome_rollups,  # noqa: F401  (registers
                   path_rollups, story_rollups, touchpoint_rollups)  # noqa: F401  its steps)

    segments = choose_segments(con)
    run(con, "rollups/clear_segments")
    for name, source in segments.items():
        run(con, "rollups/add_segment", {"seg_name": name, "source": source})
    for build in _STEPS:
        build(con, segments)
    run(con, "rollups/clear_state")
    run(con, "rollups/record_state", {"data_version": data_version(con)})


def ensure_fresh(con) -> bool:
    """Rebuild the rollups in a transaction of their own when they are stale; return True if rebuilt."""
    if is_fresh(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        refresh(con)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def choose_segments(con) -> dict[str, str]:
    """Return the segment columns worth rolling up: text dimensions (other than channel and contact
    reason, which every rollup keeps anyway) with at most MAX_SEGMENT_VALUES distinct values."""
    from .dimensions import available_dimensions

    chosen = {}
    candidates = [d for d in available_dimensions(con) if d.name not in ("channel", "contact_reason")]
    for dimension in candidates[:MAX_CANDIDATES]:
        if len(chosen) == MAX_SEGMENTS:
            break
        found = run(
            con, "rollups/segment_profile", {"limit": MAX_SEGMENT_VALUES + 1},
            table=_quoted(dimension.table), column=_quoted(dimension.name),
        ).fetchall()[0]
        is_text, values = found
        if is_text and values <= MAX_SEGMENT_VALUES:
            chosen[dimension.name] = dimension.table
    return chosen


def whole_days(filters) -> bool:
    """Return True when the filters' dates (if any) are calendar days, not times of day: the rollups
    keep days, so only such a request can be answered from them."""
    return all(value is None or (isinstance(value, date) and not isinstance(value, datetime))
               for value in (filters.date_from, filters.date_to))


def _quoted(name: str):
    from .db import quote_ident

    return quote_ident(name)
