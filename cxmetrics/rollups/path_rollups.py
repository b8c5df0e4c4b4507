"""The rollups behind the Contact reasons page's paths: building them, and answering
`contact_paths.repeat_paths` and `contact_paths.self_service_failures` from them when they can.

repeat_path_rollup holds the repeats per path_by × day × channel × contact reason × segment value ×
previous contact's value, counted for each window of ROLLUP_WINDOWS; self_service_rollup holds the
self-service contacts and their failures per day × channel × contact reason × segment value. Both
use the long form of the metric rollups (seg_name '' holds every row once, each rolled segment
column holds them again). A request is answerable when the rollups are fresh, it filters by whole
days, channels, reasons and at most one rolled segment, asks for a window the rollup kept, and
splits by what the rollup kept; the answering functions return None for anything else and the
caller asks the base tables, which give the same figures, slower.

Built whole by `rollups.refresh`; after an import or delete of contacts, `refresh` counts the
contacts the change adds or removes and those whose previous or next contact it changes, before
and after it, and after one of customers (when a customers column is rolled) again the days of
their contacts.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, qualified, qualified_list, quote_ident, require_column, run
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension
from .touchpoint_rollups import SPAN_STAGES

_ALIAS = {"contacts": "c", "customers": "cu"}
_CODES = quote_ident("cx_path_codes")
_REPEATS = quote_ident("cx_path_repeats")
_SELF_SERVICE = quote_ident("cx_path_self_service")
_TABLES = (quote_ident("repeat_path_rollup"), quote_ident("self_service_rollup"))
_CONTACTS = quote_ident("contacts")
# A refresh after a change of contacts: the contacts whose rows it changes, on each side
# (path_side_contacts.sql), one side at a time (path_side_pick.sql), and the change of each table
# (diff_start.sql), merged into it (path_*_merge_*.sql).
_SIDES, _SIDE = quote_ident("cx_path_sides"), quote_ident("cx_path_side")
_DIFFS = (quote_ident("cx_path_repeat_diff"), quote_ident("cx_path_self_service_diff"))
_MERGES = ("path_repeat_merge", "path_self_service_merge")
# What the stages read (path_repeat_stage.sql's slots): every contact with its stored neighbours;
# or one side of a refresh's change, each contact with its neighbours on that side, found in the
# change's span (touchpoint_rollups.SPAN_STAGES, staged by rollups.apply_change). The side before
# is counted times -1 by the rows files' $sign: a sign column on every staged row, summed, made
# the full build's passes slower too (path_rollups.build 13.7 s against 12.6 s at 10 M contacts,
# in one comparison; counted per side, 13.1-13.3 s against 12.8-13.2 s).
_EVERY_CONTACT = {"contacts": _CONTACTS, "neighbours": _CONTACTS}
_ONE_SIDE = {"contacts": _SIDE, "neighbours": SPAN_STAGES[-1]}
# The contact columns the stages read but the neighbour facts (path_side_contacts.sql); the
# change's span carries them (rollups.apply_change).
CONTACT_COLUMNS = ("contact_id", "started_at", "customer_id", "channel", "contact_reason", "self_service")
_FROM_CODES = {"contact_reason": quote_ident("prev_reason_code"), "channel": quote_ident("prev_channel_code")}
_KEPT = {"contact_reason": qualified("r", "contact_reason"), "channel": qualified("r", "channel")}
_SEGMENT_GROUP = qualified("r", "seg_value")
_NO_GROUP = NO_DIMENSION
# The windows repeat_path_rollup has a repeats_wW column for (sql/schema/009_path_rollups.sql);
# a test keeps them equal to rollup_state.ROLLUP_WINDOWS.
PATH_WINDOWS = (7, 30)


def build(con, segments: dict[str, str]) -> None:
    """Rebuild repeat_path_rollup and self_service_rollup from the base tables, with `segments` rolled.

    Each table is built in two stages: the joined rows once into a temp table (the join is the
    expensive part), then one GROUP BY per segment copy (and per path) over it. One GROUP BY
    GROUPING SETS with every copy's set was tried and took more than twice as long at ten million
    contacts. Channels and reasons are grouped as integer codes, turned back into text as each copy
    is written (docs/rollups.md)."""
    for table in _TABLES:
        run(con, "rollups/path_clear", table=table)
    _count(con, segments, None, _EVERY_CONTACT, _TABLES, sign=1)


def refresh(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring both tables up to date after `change` (its rows in cx_changed_rows); return what was
    counted. A row is a contact's, by its own day, and reads only its own columns, its previous
    contact (a repeat within the longest window) and its next one (a self-service failure within a
    day); no count reads the latest contact.

    After a change of contacts: the contacts it adds or removes and those whose previous or next
    contact it changes, each counted on its side of the change (path_side_contacts.sql), the side
    before times -1, summed into the rows they change (whole numbers, so exact). After a change of
    customers, when a customers column is rolled (its value is the customer's): again the days of
    their contacts (metric_days_customers.sql)."""
    if change.kind == "contacts":
        return _refresh_contacts(con, segments, change)
    if "customers" not in segments.values():
        return "no customers column is rolled"
    params = {"reach": max(PATH_WINDOWS) + 1}
    days = run(con, "rollups/metric_days_customers", params).fetchall()[0][0]
    if days:
        for table in _TABLES:
            run(con, "rollups/path_clear_days", {"days": days}, table=table)
        _count(con, segments, days, _EVERY_CONTACT, _TABLES, sign=1)
    return f"{len(days)} days"


def _refresh_contacts(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """The change of both tables' rows after a change of contacts (refresh)."""
    stages = (_SIDES, _SIDE, *_DIFFS)
    for table in stages:
        run(con, "rollups/drop_stage", table=table)
    contact_segments = rollup_state.segments_from(segments, "contacts")
    columns = qualified_list([("c", name) for name in dict.fromkeys([*CONTACT_COLUMNS, *contact_segments])])
    run(con, "rollups/path_side_contacts", columns=columns)
    before, after = run(con, "rollups/path_side_counts").fetchall()[0]
    if before or after:
        for diff, table in zip(_DIFFS, _TABLES):
            run(con, "rollups/diff_start", diff=diff, table=table)
        for sign, count in ((-1, before), (1, after)):
            if count:
                run(con, "rollups/drop_stage", table=_SIDE)
                run(con, "rollups/path_side_pick", {"sign": sign})
                _count(con, segments, None, _ONE_SIDE, _DIFFS, sign=sign)
        for merge in _MERGES:
            for step in ("old", "clear", "add"):
                run(con, f"rollups/{merge}_{step}")
    for table in stages:
        run(con, "rollups/drop_stage", table=table)
    return (f"{before} contacts before the change and {after} after, added, removed or with another previous "
            "or next contact")


def _count(con, segments: dict[str, str], days, read: dict[str, Identifier],
           targets: tuple[Identifier, Identifier], sign: int) -> None:
    """Add the rows of the contacts `read` names (_EVERY_CONTACT or _ONE_SIDE) of `days` (every day
    when None), times `sign`, to `targets` (the two tables, or their change), every path and
    segment copy."""
    temps = (_CODES, _REPEATS, _SELF_SERVICE)
    for table in temps:
        run(con, "rollups/drop_stage", table=table)
    # The stages keep every copy's segment value in the list seg_values: NULL for the copy holding
    # every row once, then each rolled column's (checked against the schema).
    for name, source in segments.items():
        require_column(con, source, name)
    columns = qualified_list([("missing", "value"), *((_ALIAS[source], name) for name, source in segments.items())])
    copies = list(enumerate(["", *segments], start=1))
    run(con, "rollups/path_codes", contacts=read["neighbours"])
    repeats, self_service = targets

    run(con, "rollups/path_repeat_stage", {"days": days}, segment_columns=columns, **read)
    for path_by, from_code in _FROM_CODES.items():
        for index, name in copies:
            run(con, "rollups/path_repeat_rows",
                {"path_by": path_by, "seg_name": name, "seg_index": index, "sign": sign},
                from_code=from_code, target=repeats)
    run(con, "rollups/drop_stage", table=_REPEATS)

    run(con, "rollups/path_self_service_stage", {"days": days}, segment_columns=columns, **read)
    for index, name in copies:
        run(con, "rollups/path_self_service_rows", {"seg_name": name, "seg_index": index, "sign": sign},
            target=self_service)
    for table in temps:
        run(con, "rollups/drop_stage", table=table)


def repeat_pairs(con, by: str, filters: Filters, window: int) -> pd.DataFrame | None:
    """Return the (from_value, to_value, repeats) frame of sql/paths/repeat_paths.sql, or None when
    the rollup cannot answer (`by` is checked by the caller: contact_reason or channel)."""
    if window not in rollup_state.ROLLUP_WINDOWS or window not in PATH_WINDOWS:
        return None
    seg_name = _segment_name(con, filters)
    if seg_name is None:
        return None
    return _answer(
        con, "rollups/path_repeat_pairs", {**filters.params(), "path_by": by, "seg_name": seg_name},
        to_value=_KEPT[by], repeats=qualified("r", f"repeats_w{window}"),
    )


def self_service_counts(con, by: str | None, filters: Filters) -> pd.DataFrame | None:
    """Return the (is_overall, group_value, self_service, failures) frame of
    sql/paths/self_service_failures.sql, or None when the rollup cannot answer."""
    seg_name = _segment_name(con, filters)
    if seg_name is None:
        return None
    if not by:
        group = _NO_GROUP
    elif by in _KEPT:
        group = _KEPT[by]
    elif rollup_state.rolled_segments(con).get(by) == "contacts" and seg_name in ("", by):
        # A rolled segment is a text column (rollups.choose_segments), so its rolled values are
        # the column's own and group as the base query groups them.
        group, seg_name = _SEGMENT_GROUP, by
    else:
        return None
    return _answer(con, "rollups/path_self_service_counts", {**filters.params(), "seg_name": seg_name}, group=group)


def _answer(con, name: str, params: dict, **slots: Identifier) -> pd.DataFrame | None:
    """Return the rollup query's frame, or None when the store has no path rollup tables: a store
    from before migration 9 opened read-only (so not migrated) whose other rollups are fresh."""
    try:
        return run(con, name, params, **slots).df()
    except duckdb.CatalogException:
        return None


def _segment_name(con, filters: Filters) -> str | None:
    """Return the seg_name whose rows answer `filters` ('' without a segment), or None when the
    rollups cannot: stale, a segment not rolled, or a date that is not a whole day."""
    if not rollup_state.whole_days(filters) or not rollup_state.is_fresh(con):
        return None
    if not filters.segment:
        return ""
    dimension = resolve_dimension(con, filters.segment)
    return dimension.name if rollup_state.rolled_segments(con).get(dimension.name) == dimension.table else None
