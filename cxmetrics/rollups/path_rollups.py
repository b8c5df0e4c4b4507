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

Built whole by `rollups.refresh`; after an import or delete of contacts (or of customers, when a
customers column is rolled), `refresh_days` counts again only the days the change can alter.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, qualified, qualified_list, quote_ident, require_column, run
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension

_ALIAS = {"contacts": "c", "customers": "cu"}
_CODES = quote_ident("cx_path_codes")
_REPEATS = quote_ident("cx_path_repeats")
_SELF_SERVICE = quote_ident("cx_path_self_service")
_TABLES = (quote_ident("repeat_path_rollup"), quote_ident("self_service_rollup"))
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
    _count_days(con, segments, None)


def refresh_days(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring both tables up to date after `change` (its rows in cx_changed_rows) by counting again
    only the days it can alter; return how many. A row is a contact's, by its own day, and reads
    only its previous contact (a repeat within the longest window) and its next one (a
    self-service failure within a day): so the days of the contacts added or removed and of their
    customers' contacts less than PATH_WINDOWS' longest and a day away (metric_days_contacts.sql;
    no count here reads the latest contact); after a change of customers, the days
    of their contacts, when a customers column is rolled (its value is the customer's)."""
    if change.kind == "customers" and "customers" not in segments.values():
        return "no customers column is rolled"
    params = {"reach": max(PATH_WINDOWS) + 1}
    days = run(con, f"rollups/metric_days_{change.kind}", params).fetchall()[0][0]
    if days:
        for table in _TABLES:
            run(con, "rollups/path_clear_days", {"days": days}, table=table)
        _count_days(con, segments, days)
    return f"{len(days)} days"


def _count_days(con, segments: dict[str, str], days) -> None:
    """Add both tables' rows of `days` (every day when None), every path and segment copy."""
    temps = (_CODES, _REPEATS, _SELF_SERVICE)
    for table in temps:
        run(con, "rollups/drop_stage", table=table)
    # The stages keep every copy's segment value in the list seg_values: NULL for the copy holding
    # every row once, then each rolled column's (checked against the schema).
    for name, source in segments.items():
        require_column(con, source, name)
    columns = qualified_list([("missing", "value"), *((_ALIAS[source], name) for name, source in segments.items())])
    copies = list(enumerate(["", *segments], start=1))
    run(con, "rollups/path_codes")

    run(con, "rollups/path_repeat_stage", {"days": days}, segment_columns=columns)
    for path_by, from_code in _FROM_CODES.items():
        for index, name in copies:
            run(con, "rollups/path_repeat_rows", {"path_by": path_by, "seg_name": name, "seg_index": index},
                from_code=from_code)
    run(con, "rollups/drop_stage", table=_REPEATS)

    run(con, "rollups/path_self_service_stage", {"days": days}, segment_columns=columns)
    for index, name in copies:
        run(con, "rollups/path_self_service_rows", {"seg_name": name, "seg_index": index})
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
