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
"""

from __future__ import annotations

import duckdb
import pandas as pd

from . import rollup_state
from .db import Identifier, run
from .dimensions import Filters

# The windows touchpoint_stage.sql computes journeys for (its _w7 and _w30 columns); a test keeps
# them equal to rollup_state.ROLLUP_WINDOWS.
TOUCHPOINT_WINDOWS = (7, 30)
# The journey step the rollups cap at and the path length they keep: touchpoints.MAX_STEPS (a
# test keeps them equal; importing touchpoints here would be circular).
ROLLUP_STEPS = 5
_KINDS = ("channel", "contact_reason")
_TABLES = ("journey_touchpoint_codes", "journey_flow_rollup", "journey_path_rollup")
_STAGE = Identifier("cx_touchpoint_stage")  # made by rollups/touchpoint_stage.sql


def build(con, segments: dict[str, str]) -> None:
    """Rebuild journey_flow_rollup and journey_path_rollup from the base tables (segments are not
    rolled: a segment filter is answered from the base tables).

    One window-function pass over the contacts computes every contact's journey for both windows
    into a temp table (touchpoint_stage.sql); one GROUP BY per window, kind and table reads it,
    and one more sums each's by-day rows into its every-day rows."""
    run(con, "rollups/drop_stage", table=_STAGE)
    for table in _TABLES:
        run(con, "rollups/touchpoint_clear", table=Identifier(table))
    run(con, "rollups/touchpoint_codes")
    run(con, "rollups/touchpoint_stage")
    for shift, window in enumerate(TOUCHPOINT_WINDOWS):
        suffix = Identifier(f"w{window}")
        for kind in _KINDS:
            params = {"window": window, "kind": kind, "shift": 4 * shift}
            run(con, "rollups/touchpoint_flow_rows", params, suffix=suffix)
            run(con, "rollups/touchpoint_flow_totals", params)
            run(con, "rollups/touchpoint_path_rows", params, suffix=suffix)
            run(con, "rollups/touchpoint_path_totals", params)
    run(con, "rollups/drop_stage", table=_STAGE)


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
