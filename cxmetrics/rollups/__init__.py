"""Rollup tables: the counts behind the dashboard's figures, summed once when the data changes so
a page reads thousands of pre-summed rows instead of scanning millions of contacts.

BUILDERS lists the rollup families, each with the base tables it is computed from, its full
build and (for some) an incremental refresh. Two ways keep them up to date:

- **Incrementally, inside the import.** `importer.load_file` and `importer.delete_import` call
  `begin_change` before their rows change and `finish_change` before they commit, so an import or
  a deleted import and its rollups land together or not at all. Only when the rollups were fresh
  before the change: each family that reads the changed table either recounts just the keys the
  change can alter (`Family.delta`: e.g. the metric rollups count the contacts whose neighbours
  a change of contacts moves before and after it, and those the latest contact's move judges, and
  recount the days of the responses added or removed; the touchpoint rollups the journeys around
  them) or, when it has
  no delta, is rebuilt whole (every family has one; a delta may still rebuild whole where no
  narrower refresh is exact); a family that reads none of it is left alone. When the rolled segment columns change, every family is rebuilt.
- **Whole, by `ensure_fresh`**, when the rollups are stale anyway (never built, a migration, an
  import while they were stale): `cxmetrics import`, the dashboard's upload and the first launch
  call it after their own transaction commits; it runs `refresh` in a transaction of its own.

Either way the data version they reflect is recorded, and `last_refresh` tells how each family
was brought up to date by the latest refresh on a connection. What a rollup can answer, and the
data version a query checks, are in rollup_state.py, which the families import (not this module,
which imports them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import duckdb

from . import (comment_rollups, loop_rollups, metric_rollups, outcome_rollups, path_rollups, story_rollups,
               touchpoint_rollups)
from ..store.db import quote_ident, run
from ..store.dimensions import available_dimensions
from ..store.rollup_state import (ROLLUP_WINDOWS, Change, data_version, is_fresh, rolled_segments,
                                  segments_from, status, whole_days)  # (re-exported: pages and tests read them here)

# A segment column with more values than this (an agent id, a free-text field) is not rolled up:
# its rows would outnumber what they save.
MAX_SEGMENT_VALUES = 64
# Each rolled segment is one more pass of every build: a file with 2,000 extra columns must not
# make 2,000. The first MAX_SEGMENTS that qualify, among the first MAX_CANDIDATES columns, are rolled.
MAX_SEGMENTS = 12
MAX_CANDIDATES = 64
# A change of more rows than this brings the rollups up to date by a full build, not by the
# families' deltas: a delta's temp tables grow with the change (the span holds every contact of its
# customers), and at 10 M contacts, under the default memory_limit (800 MB), an append of 250,000
# contacts refreshed in 35 s (1.1 GB peak), where one of 1,000,000 ran out of memory (a full build,
# 86 s there, holds at any size: ensure_fresh runs it).
DELTA_MAX_ROWS = 250_000
# The tables whose columns can be rolled segments: a change to them can change which are chosen.
SEGMENT_TABLES = ("contacts", "customers")
_CHANGED = quote_ident("cx_changed_rows")  # made by rollups/change_capture_*.sql
# The refresh log's name for staging the span of a change of contacts (apply_change), which no
# family owns: its seconds are part of the refresh's.
SPAN_STEP = "span"


@dataclass(frozen=True)
class Family:
    """One family of rollup tables: `build(con, segments)` rewrites them from the base tables
    `inputs`; `delta(con, segments, change)`, when there is one, brings them up to date after a
    change to one of those tables by recounting only what it can alter, and says what."""

    name: str
    inputs: frozenset[str]
    build: Callable[[object, dict[str, str]], None]
    delta: Callable[[object, dict[str, str], Change], str] | None = None


# In build order; a family reads only the base tables, its own tables and rollup_segments (and, in
# a refresh, the change's rows and the span around them: apply_change).
BUILDERS: tuple[Family, ...] = (
    Family("metric", frozenset({"contacts", "responses", "customers"}), metric_rollups.build,
           metric_rollups.refresh_days),
    Family("outcome", frozenset({"contacts", "responses", "customers", "outcomes"}), outcome_rollups.build,
           outcome_rollups.refresh_customers),
    Family("loop", frozenset({"contacts", "responses", "outcomes"}), loop_rollups.build,
           loop_rollups.refresh_customers),
    Family("story", frozenset({"contacts", "responses"}), story_rollups.build, story_rollups.refresh_customers),
    Family("comments", frozenset({"contacts", "responses"}), comment_rollups.build, comment_rollups.refresh_comments),
    Family("path", frozenset({"contacts", "customers"}), path_rollups.build, path_rollups.refresh),
    # Last: after a change of contacts its refresh stages the span of the flipped contacts under the
    # names of the change's span (touchpoint_rollups.SPAN_STAGES), which the refreshes above read.
    Family("touchpoint", frozenset({"contacts", "responses"}), touchpoint_rollups.build,
           touchpoint_rollups.refresh_journeys),
)


class Refreshed(NamedTuple):
    """How one family was brought up to date: "full", "delta" or "skipped"; why, or which keys; and
    the seconds it took."""

    how: str
    detail: str
    seconds: float


# The base tables some family reads: a change of another (engagement) only records the new version.
ROLLED_TABLES = frozenset().union(*(family.inputs for family in BUILDERS))


@dataclass
class Pending:
    """A change under way, noted by `begin_change` while the rollups were fresh."""

    kind: str
    import_id: int
    removed: bool
    latest_before: object


def refresh(con, why: str = "rebuilt") -> None:
    """Rebuild every rollup from the base tables and record the data version they reflect.

    Run it inside a transaction (`ensure_fresh`'s, or the importer's when the segment columns
    changed); it opens none of its own. `why` is recorded for `last_refresh`."""
    segments = choose_segments(con)
    run(con, "rollups/clear_segments")
    for name, source in segments.items():
        run(con, "rollups/add_segment", {"seg_name": name, "source": source})
    run(con, "rollups/refresh_log_start")
    for family in BUILDERS:
        started = time.perf_counter()
        family.build(con, segments)
        _note(con, family, "full", why, started)
    _record(con)


def ensure_fresh(con) -> bool:
    """Rebuild the rollups in a transaction of their own when they are stale; return True if rebuilt."""
    if is_fresh(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        refresh(con, "the rollups were stale")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def begin_change(con, kind: str, import_id: int, removed: bool) -> Pending | None:
    """Note, inside the importer's transaction and before its rows change, an import (or, with
    `removed`, a deletion) of `import_id` into table `kind`; return None when the rollups are stale
    already (`ensure_fresh` rebuilds them whole afterwards, so there is nothing to keep up).

    A deletion's rows are captured now, while they are still there."""
    if not is_fresh(con):
        return None
    latest = run(con, "rollups/latest_contact").fetchall()[0][0]
    if removed and kind in ROLLED_TABLES:
        _capture(con, kind, import_id)
    return Pending(kind, import_id, removed, latest)


def finish_change(con, pending: Pending | None) -> None:
    """Bring the rollups up to date after the change `begin_change` noted, inside the same
    transaction (after the importer has written its rows, its contact facts and its imports row),
    and record the new data version. Nothing when `pending` is None."""
    if pending is None:
        return
    if not pending.removed and pending.kind in ROLLED_TABLES:
        _capture(con, pending.kind, pending.import_id)
    segments = rolled_segments(con)
    if pending.kind in SEGMENT_TABLES and choose_segments(con) != segments:
        # The columns worth rolling changed (a new column, one passing MAX_SEGMENT_VALUES values, one
        # becoming text): every row of every segment-keyed family is keyed wrong, so no delta is safe.
        run(con, "rollups/drop_stage", table=_CHANGED)
        refresh(con, "the rolled segment columns changed")
        return
    too_large = pending.kind in ROLLED_TABLES and too_large_for_delta(con)
    if too_large:
        run(con, "rollups/drop_stage", table=_CHANGED)
        refresh(con, too_large)
        return
    latest = run(con, "rollups/latest_contact").fetchall()[0][0]
    change = Change(pending.kind, pending.import_id, pending.removed, pending.latest_before, latest)
    run(con, "rollups/refresh_log_start")
    for name, refreshed in apply_change(con, change, segments):
        run(con, "rollups/refresh_log_add", {"family": name, **refreshed._asdict()})
    _record(con)


def too_large_for_delta(con) -> str | None:
    """Return why the change in cx_changed_rows is brought up to date by a full build (it has more
    than DELTA_MAX_ROWS rows), or None."""
    (rows,) = run(con, "rollups/stage_rows", table=_CHANGED).fetchall()[0]
    if rows > DELTA_MAX_ROWS:
        return f"a change of {rows:,} rows, more than the {DELTA_MAX_ROWS:,} a delta refreshes"
    return None


def apply_change(con, change: Change, segments: dict[str, str]) -> list[tuple[str, Refreshed]]:
    """Bring each family up to date after `change`, whose rows are in cx_changed_rows (dropped at
    the end), with `segments` rolled as before it; return how each family was brought up to date
    (by name, after the SPAN_STEP when there was one).

    The refresh of a workspace's import (`finish_change`) and of a lake's appended files
    (`lake.build`) alike. After a change of contacts, the span of contacts around each changed
    customer's changed contacts (touchpoint_rollups.stage_span) is staged once for the refreshes
    that start from it, and dropped at the end with the changed rows; its time is the SPAN_STEP's."""
    done = []
    if change.kind == "contacts":
        started = time.perf_counter()
        # With every column the refreshes read of its customers' contacts (the rolled segment
        # columns of contacts among them), so that none reads every contact again for them.
        read = (*metric_rollups.CONTACT_COLUMNS, *path_rollups.CONTACT_COLUMNS, *story_rollups.CONTACT_COLUMNS,
                *outcome_rollups.CONTACT_COLUMNS, *segments_from(segments, "contacts"))
        customers, contacts = touchpoint_rollups.stage_span(con, change.removed, read)
        done.append((SPAN_STEP, Refreshed("staged", f"{contacts} contacts of {customers} customers",
                                          time.perf_counter() - started)))
    for family in BUILDERS:
        started = time.perf_counter()
        if change.kind not in family.inputs:
            how, detail = "skipped", f"it reads no {change.kind}"
        elif family.delta is None:
            family.build(con, segments)
            how, detail = "full", f"no incremental refresh for a change of {change.kind}"
        else:
            how, detail = "delta", family.delta(con, segments, change)
        done.append((family.name, Refreshed(how, detail, time.perf_counter() - started)))
    # Some were never made: a change of a table no family reads, or of responses.
    for table in (_CHANGED, *touchpoint_rollups.SPAN_STAGES, touchpoint_rollups.CHANGE_FACTS):
        run(con, "rollups/drop_stage", table=table)
    return done


def last_refresh(con) -> dict[str, Refreshed]:
    """Return {family: how it was brought up to date} by the latest refresh on this connection
    (empty when none ran on it; with the SPAN_STEP first when it staged one), for tests, the
    benchmark and anyone asking why a load took long."""
    try:
        rows = run(con, "rollups/refresh_log_read").fetchall()
    except duckdb.CatalogException:  # no refresh on this connection yet: no temp table
        return {}
    return {family: Refreshed(how, detail, seconds) for family, how, detail, seconds in rows}


def choose_segments(con) -> dict[str, str]:
    """Return the segment columns worth rolling up: text dimensions (other than channel and contact
    reason, which every rollup keeps anyway) with at most MAX_SEGMENT_VALUES distinct values."""
    chosen = {}
    candidates = [d for d in available_dimensions(con) if d.name not in ("channel", "contact_reason")]
    for dimension in candidates[:MAX_CANDIDATES]:
        if len(chosen) == MAX_SEGMENTS:
            break
        found = run(
            con, "rollups/segment_profile", {"limit": MAX_SEGMENT_VALUES + 1},
            table=quote_ident(dimension.table), column=quote_ident(dimension.name),
        ).fetchall()[0]
        is_text, values = found
        if is_text and values <= MAX_SEGMENT_VALUES:
            chosen[dimension.name] = dimension.table
    return chosen


def _capture(con, kind: str, import_id: int) -> None:
    """Keep the rows of `import_id` in cx_changed_rows (dropping one a failed refresh left)."""
    run(con, "rollups/drop_stage", table=_CHANGED)
    run(con, f"rollups/change_capture_{kind}", {"import_id": import_id})


def _note(con, family: Family, how: str, detail: str, started: float) -> None:
    run(con, "rollups/refresh_log_add", {"family": family.name, "how": how, "detail": detail,
                                         "seconds": time.perf_counter() - started})


def _record(con) -> None:
    run(con, "rollups/clear_state")
    run(con, "rollups/record_state", {"data_version": data_version(con)})
