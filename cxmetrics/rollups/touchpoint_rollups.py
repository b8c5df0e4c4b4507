"""The rollups behind the Touchpoint map: building them, and answering `touchpoints.journey_flow`,
`touchpoints.journey_paths` and `touchpoints.top_values` from them when they can.

journey_flow_rollup holds, per window W of ROLLUP_WINDOWS and touchpoint kind, the contacts of
every journey by its first contact's day, channel and contact reason × step × touchpoint × next
touchpoint, with the counts behind FCR, escalation, NPS and CSAT; journey_path_rollup holds the
journeys by their first contact × the touchpoints of their first MAX_STEPS contacts × length.
Both keep raw touchpoints: the answer folds the rare ones into "Other" after summing. A request is
answerable when the rollups are fresh, it filters by whole days, channels and reasons (no
segment), asks for a window the rollup kept and at most MAX_STEPS steps; the answering functions
return None for anything else and the caller asks the base tables, which give the same rows.

Built whole by `rollups.refresh`; after an import or delete of contacts or responses,
`refresh_journeys` counts again only the journey keys the change can alter (docs/rollups.md,
"Incremental refresh").
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, quote_ident, run
from ..store.dimensions import Filters

# The windows touchpoint_stage.sql computes journeys for (its _w7 and _w30 columns); a test keeps
# them equal to rollup_state.ROLLUP_WINDOWS.
TOUCHPOINT_WINDOWS = (7, 30)
# The journey step the rollups cap at and the path length they keep: touchpoints.MAX_STEPS (a
# test keeps them equal; importing touchpoints here would be circular).
ROLLUP_STEPS = 5
_KINDS = ("channel", "contact_reason")
_TABLES = ("journey_touchpoint_codes", "journey_flow_rollup", "journey_path_rollup")
_STAGE = quote_ident("cx_touchpoint_stage")  # made by rollups/touchpoint_stage.sql
_CONTACTS = quote_ident("contacts")
# An incremental refresh's temp tables: made by rollups/touchpoint_touched_*.sql, touchpoint_keys.sql,
# touchpoint_scope.sql and touchpoint_diff_start.sql.
_KEYS = quote_ident("cx_touchpoint_keys")
_SCOPE = quote_ident("cx_touchpoint_scope")
_DIFFS = ((quote_ident("cx_touchpoint_flow_diff"), quote_ident("journey_flow_rollup")),
          (quote_ident("cx_touchpoint_path_diff"), quote_ident("journey_path_rollup")))
_DELTA_STAGES = (quote_ident("cx_touchpoint_touched"), _KEYS, _SCOPE, *(diff for diff, _table in _DIFFS))


def build(con, segments: dict[str, str]) -> None:
    """Rebuild journey_flow_rollup and journey_path_rollup from the base tables (segments are not
    rolled: a segment filter is answered from the base tables).

    One window-function pass over the contacts computes every contact's journey for both windows
    into a temp table (touchpoint_stage.sql); one GROUP BY per window, kind and table reads it,
    and one more sums each's by-day rows into its every-day rows."""
    run(con, "rollups/drop_stage", table=_STAGE)
    for table in _TABLES:
        run(con, "rollups/touchpoint_clear", table=quote_ident(table))
    run(con, "rollups/touchpoint_codes")
    _count(con, _CONTACTS, keyed=False)


def refresh_journeys(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring both tables up to date after `change` (its rows in cx_changed_rows) by counting again
    only the journeys it can alter; return how many keys that was.

    The rows are keyed by the journey's first contact (window, day, channel and reason), summed
    over customers, so a key is counted again whole: its by-day rows are removed and every journey
    starting there is followed again (touchpoint_scope.sql: each such customer's contacts from that
    start on). touchpoint_keys.sql says which keys, a superset of those that change: the journeys
    around each changed contact (or answered contact), and, when the latest contact moves, those of
    the contacts whose "judged" flag flips. The every-day rows take the difference of the by-day
    rows (whole numbers, so exact). A channel or reason value that comes or goes renumbers the
    touchpoint codes every row is keyed by: then, as when the store had or has no contacts, the
    tables are rebuilt whole."""
    if change.kind == "contacts":
        if None in (change.latest_before, change.latest_after):
            build(con, segments)
            return "every journey (the store had or has no contacts)"
        if run(con, "rollups/touchpoint_codes_changed").fetchall()[0][0]:
            build(con, segments)
            return "every journey (a channel or contact reason came or went: the touchpoint codes changed)"
    for table in _DELTA_STAGES:
        run(con, "rollups/drop_stage", table=table)
    if change.kind == "contacts":
        moved = change.latest_before != change.latest_after
        edges = sorted([change.latest_before, change.latest_after]) if moved else [None, None]
        run(con, "rollups/touchpoint_touched_contacts", {"edge_from": edges[0], "edge_to": edges[1]})
    else:
        run(con, "rollups/touchpoint_touched_responses")
    run(con, "rollups/touchpoint_keys")
    keys = _rows(con, _KEYS)
    contacts = 0
    if keys:
        for diff, table in _DIFFS:
            run(con, "rollups/touchpoint_diff_start", diff=diff, table=table)
        _diff(con, -1)
        for _diff_table, table in _DIFFS:
            run(con, "rollups/touchpoint_clear_keys", table=table)
        run(con, "rollups/touchpoint_scope")
        contacts = _rows(con, _SCOPE)
        _count(con, _SCOPE, keyed=True)
        _diff(con, 1)
        for part in ("flow", "path"):
            for step in ("old", "clear", "add"):
                run(con, f"rollups/touchpoint_{part}_totals_{step}")
    for table in _DELTA_STAGES:
        run(con, "rollups/drop_stage", table=table)
    return f"{keys} journey keys (window × first day × channel × reason), {contacts} contacts followed"


def _count(con, contacts: Identifier, keyed: bool) -> None:
    """Stage the journeys of `contacts` (touchpoint_stage.sql) and add their by-day rows; when
    `keyed`, only those of the keys in cx_touchpoint_keys (the every-day rows are then the caller's),
    else every journey's, and the every-day rows summed from them."""
    run(con, "rollups/drop_stage", table=_STAGE)
    run(con, "rollups/touchpoint_stage", contacts=contacts)
    for shift, window in enumerate(TOUCHPOINT_WINDOWS):
        # The stage's columns of this window (touchpoint_stage.sql: start_day_w7 ...).
        columns = {name: quote_ident(f"{name}_w{window}") for name in ("start_day", "start_cr", "step", "len")}
        if keyed:
            run(con, "rollups/touchpoint_keep_keys", {"window": window}, **columns)
        for kind in _KINDS:
            params = {"window": window, "kind": kind, "shift": 4 * shift}
            run(con, "rollups/touchpoint_flow_rows", params, **columns)
            run(con, "rollups/touchpoint_path_rows", params, **columns)
            if not keyed:
                run(con, "rollups/touchpoint_flow_totals", params)
                run(con, "rollups/touchpoint_path_totals", params)
    run(con, "rollups/drop_stage", table=_STAGE)


def _diff(con, sign: int) -> None:
    """Add the keyed by-day rows of both tables, times `sign`, to their every-day diffs."""
    run(con, "rollups/touchpoint_flow_diff", {"sign": sign})
    run(con, "rollups/touchpoint_path_diff", {"sign": sign})


def _rows(con, table: Identifier) -> int:
    return run(con, "rollups/stage_rows", table=table).fetchall()[0][0]


def answerable(con, filters: Filters, window: int, max_steps: int) -> bool:
    """Return True when the rollups can answer a touchpoint request with these settings."""
    return (window in rollup_state.ROLLUP_WINDOWS and window in TOUCHPOINT_WINDOWS
            and 1 <= max_steps <= ROLLUP_STEPS and not filters.segment
            and rollup_state.whole_days(filters)
            and rollup_state.is_fresh(con))


def top_values(con, kind: str, limit: int) -> list[str] | None:
    """Return touchpoints.top_values's list from the rollup, or None when it cannot answer
    (stale rollups, or a store without the tables)."""
    if not rollup_state.is_fresh(con):
        return None
    frame = _answer(con, "rollups/touchpoint_top_values",
                    {"window": TOUCHPOINT_WINDOWS[0], "kind": kind, "limit": int(limit)})
    return None if frame is None else list(frame["touchpoint"])


def flow(con, kind: str, filters: Filters, window: int, same_reason: bool, max_steps: int,
         top: list[str]) -> pd.DataFrame | None:
    """Return the frame of sql/touchpoints/journey_flow.sql from the rollup (counts not yet cast),
    or None when the rollup cannot answer. `kind` is checked by the caller."""
    if not answerable(con, filters, window, max_steps):
        return None
    return _answer(con, "rollups/touchpoint_flow", {
        **_params(kind, filters, window), "same_reason": bool(same_reason), "max_steps": int(max_steps),
        "top_values": top})


def paths(con, kind: str, filters: Filters, window: int, max_steps: int, limit: int,
          top: list[str]) -> pd.DataFrame | None:
    """Return the frame of sql/touchpoints/journey_paths.sql from the rollup, or None when the
    rollup cannot answer. `kind` is checked by the caller."""
    if not answerable(con, filters, window, max_steps):
        return None
    return _answer(con, "rollups/touchpoint_paths", {
        **_params(kind, filters, window), "max_steps": int(max_steps), "limit": int(limit), "top_values": top})


def _params(kind: str, filters: Filters, window: int) -> dict:
    params = {**filters.params(), "window": int(window), "kind": kind}
    params["all_days"] = filters.date_from is None and filters.date_to is None
    return params


def _answer(con, name: str, params: dict) -> pd.DataFrame | None:
    """Return the rollup query's frame, or None when the store has no touchpoint rollup tables: a
    store from before migration 10 opened read-only (so not migrated) whose other rollups are fresh."""
    try:
        return run(con, name, params).df()
    except duckdb.CatalogException:
        return None
