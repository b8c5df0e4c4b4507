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
`refresh_journeys` counts again, before and after the change, only the journeys of the customers
it touched (docs/rollups.md, "Incremental refresh").
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, qualified_list, quote_ident, run
from ..store.dimensions import Filters

# The windows touchpoint_stage.sql computes journeys for (its _w7 and _w30 columns); a test keeps
# them equal to rollup_state.ROLLUP_WINDOWS.
TOUCHPOINT_WINDOWS = (7, 30)
# The journey step the rollups cap at and the path length they keep: touchpoints.MAX_STEPS (a
# test keeps them equal; importing touchpoints here would be circular).
ROLLUP_STEPS = 5
# The touchpoint kinds touchpoint_journeys.sql counts every journey by; a test keeps them equal to
# touchpoints.KINDS and finds both windows and both kinds in the built tables.
ROLLUP_KINDS = ("channel", "contact_reason")
_STAGE = quote_ident("cx_touchpoint_stage")  # made by rollups/touchpoint_stage.sql
_CONTACTS = quote_ident("contacts")
_RESPONSES = quote_ident("responses")
_CODES = quote_ident("journey_touchpoint_codes")
_ROLLUPS = {"flow": quote_ident("journey_flow_rollup"), "path": quote_ident("journey_path_rollup")}
# An incremental refresh's temp tables: the changed points (touchpoint_points_*.sql), their
# customers' contacts on both sides (touchpoint_union_*.sql), the span of them counted again
# (touchpoint_span.sql), each side's contacts and answers (touchpoint_span_facts.sql,
# touchpoint_span_answers*.sql), the latest contact before the change (touchpoint_latest_before.sql),
# and the change of each table (diff_start.sql), netted (touchpoint_*_net.sql).
# The span's three stages (points, union, span): after a change of contacts, staged once by
# `stage_span` (rollups.apply_change) for the metric, path and touchpoint refreshes (the story and
# outcome ones read the union); the touchpoint refresh makes them again for a change of responses
# and for the flipped contacts.
SPAN_STAGES = tuple(quote_ident(f"cx_touchpoint_{name}") for name in ("points", "union", "span"))
# The neighbour facts, on both sides, of the contacts whose facts a change of contacts moves
# (change_facts.sql), staged with the change's span for the metric and path refreshes.
CHANGE_FACTS = quote_ident("cx_change_facts")
# The contact columns a span always carries: those touchpoint_stage.sql reads but the neighbour
# facts (touchpoint_union_responses.sql has these alone).
SPAN_COLUMNS = ("customer_id", "started_at", "contact_id", "channel", "contact_reason", "self_service")
_SIDES = {"old": (quote_ident("cx_touchpoint_old_contacts"), quote_ident("cx_touchpoint_old_answers")),
          "new": (quote_ident("cx_touchpoint_new_contacts"), quote_ident("cx_touchpoint_new_answers"))}
_LATEST_BEFORE = quote_ident("cx_touchpoint_latest_before")
_DIFFS = {"flow": quote_ident("cx_touchpoint_flow_diff"), "path": quote_ident("cx_touchpoint_path_diff")}
_NETS = (quote_ident("cx_touchpoint_flow_net"), quote_ident("cx_touchpoint_path_net"))
_DELTA_STAGES = (*(table for side in _SIDES.values() for table in side), _LATEST_BEFORE, *_DIFFS.values(), *_NETS)


def build(con, segments: dict[str, str]) -> None:
    """Rebuild journey_flow_rollup and journey_path_rollup from the base tables (segments are not
    rolled: a segment filter is answered from the base tables).

    One window-function pass over the contacts computes every contact's journey for both windows
    into a temp table (touchpoint_stage.sql); one GROUP BY per window, kind and table reads it,
    and one more per table sums its by-day rows into its every-day rows."""
    run(con, "rollups/drop_stage", table=_STAGE)
    for table in (_CODES, *_ROLLUPS.values()):
        run(con, "rollups/touchpoint_clear", table=table)
    run(con, "rollups/touchpoint_codes")
    _count(con, _CONTACTS, _RESPONSES, _CONTACTS, _ROLLUPS, sign=1, at_once=False)
    run(con, "rollups/touchpoint_flow_totals")
    run(con, "rollups/touchpoint_path_totals")


def refresh_journeys(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring both tables up to date after `change` (its rows in cx_changed_rows) by counting again
    only the journeys it can alter, and when the latest contact moved, the contacts it judges or
    no longer judges; return how many customers and contacts that was.

    The rows are sums over journeys, and a journey is one customer's, so the tables change by the
    rows of the changed customers' journeys after the change less those before it. Which contacts:
    per customer with a changed contact (or answered contact), the span from the 30-day journey
    start before the first of them to the one after the last (touchpoint_span.sql says why nothing
    outside bears on the journeys inside). Both sides are staged by the build's own
    touchpoint_stage.sql over the span: before the change, without the contacts (or responses) it
    added or with those it removed, their neighbour facts recomputed; both judged against the
    latest contact before the change. Each side's rows, the side before times -1, are netted per
    by-day and every-day row (most journeys counted are the same on both sides) and added to the
    rows they change (whole numbers, so exact).

    When the latest contact moved, what that alone changes is added: the rows as they are judged
    against the latest contact after the change, less as they are against the one before. Only
    the contacts whose "judged" flag flips differ, and only in their judged, resolved and escalated
    counts (touchpoint_flow_rows.sql's $flips), so one side is staged, over the spans around them,
    and no path row changes. (At 10 M contacts a day's append flips the flags of contacts of some
    57,000 customers, against some 5,000 whose contacts it adds: both sides were staged for all.)

    A channel or reason value that comes or goes renumbers the touchpoint codes every row is keyed
    by: then, as when the store had or has no contacts, the tables are rebuilt whole."""
    if change.kind == "contacts":
        if None in (change.latest_before, change.latest_after):
            build(con, segments)
            return "every journey (the store had or has no contacts)"
        if run(con, "rollups/touchpoint_codes_changed").fetchall()[0][0]:
            build(con, segments)
            return "every journey (a channel or contact reason came or went: the touchpoint codes changed)"
    for table in _DELTA_STAGES:
        run(con, "rollups/drop_stage", table=table)
    run(con, "rollups/touchpoint_latest_before", {"latest": change.latest_before})
    for part, diff in _DIFFS.items():
        run(con, "rollups/diff_start", diff=diff, table=_ROLLUPS[part])
    if change.kind == "responses":
        for table in SPAN_STAGES:
            run(con, "rollups/drop_stage", table=table)
        run(con, "rollups/touchpoint_points_responses")
        run(con, "rollups/touchpoint_union_responses")
        run(con, "rollups/touchpoint_span", columns=_span_columns("g", SPAN_COLUMNS))
    customers, contacts = _span_size(con)
    if contacts:
        for side, sign in (("old", -1), ("new", 1)):
            side_contacts, answers = _SIDES[side]
            run(con, "rollups/touchpoint_span_facts", {"old": side == "old"}, table=side_contacts)
            if side == "old" and change.kind == "responses":
                run(con, "rollups/touchpoint_span_answers_before", {"removed": change.removed}, table=answers)
            else:
                run(con, "rollups/touchpoint_span_answers", table=answers)
            _count(con, side_contacts, answers, _LATEST_BEFORE, _DIFFS, sign=sign)
    said = f"the journeys of {customers} customers, {contacts} contacts counted before and after the change"
    if change.kind == "contacts" and change.latest_before != change.latest_after:
        said += "; " + _count_flips(con, change)
    for part in _DIFFS:
        for step in ("net", "merge_old", "merge_clear", "merge_add"):
            run(con, f"rollups/touchpoint_{part}_{step}")
    for table in (*_DELTA_STAGES, *SPAN_STAGES):
        run(con, "rollups/drop_stage", table=table)
    return said


def stage_span(con, removed: bool, columns: tuple[str, ...]) -> tuple[int, int]:
    """Stage, after a change of contacts (its rows in cx_changed_rows; `removed` when they were
    removed), the span around each changed customer's changed contacts, before and after the change
    (SPAN_STAGES: touchpoint_points_contacts.sql, touchpoint_union_contacts.sql,
    touchpoint_span.sql): the contacts whose neighbours the change can move, for the metric, path
    and touchpoint refreshes (and the union, every contact of the changed contacts' customers, for
    the story and outcome ones), with SPAN_COLUMNS and `columns` (names of contacts' columns, the
    families' own constants and rolled segment columns), and the neighbour facts of those whose
    neighbours it moves, on both sides (CHANGE_FACTS); return its customers and contacts.
    rollups.apply_change stages it once before them, so they do not each read every contact for
    it, and with the columns they read, so they need not read every contact for those either."""
    for table in (*SPAN_STAGES, CHANGE_FACTS):
        run(con, "rollups/drop_stage", table=table)
    run(con, "rollups/touchpoint_points_contacts")
    _stage_union(con, removed, (*SPAN_COLUMNS, *columns))
    run(con, "rollups/change_facts", {"removed": removed})
    return _span_size(con)


def _stage_union(con, removed: bool, columns: tuple[str, ...]) -> None:
    """Stage the union of the points' customers' contacts on both sides, and the span of it."""
    run(con, "rollups/touchpoint_union_contacts", {"removed": removed}, columns=_span_columns("c", columns))
    run(con, "rollups/touchpoint_span", columns=_span_columns("g", columns))


def _span_columns(alias: str, columns: tuple[str, ...]) -> Identifier:
    """Return `columns` (each once, in order) qualified by `alias`, for the union and span files."""
    return qualified_list([(alias, name) for name in dict.fromkeys(columns)])


def _span_size(con) -> tuple[int, int]:
    """Return the customers and contacts of the staged span (touchpoint_span.sql)."""
    return tuple(run(con, "rollups/touchpoint_span_size").fetchall()[0])


def _count_flips(con, change: rollup_state.Change) -> str:
    """Add to the flow diff what the latest contact's move alone changes (refresh_journeys), over
    the contacts as they are after the change; return what was counted."""
    for table in (*SPAN_STAGES, *_SIDES["new"]):
        run(con, "rollups/drop_stage", table=table)
    forward = change.latest_after > change.latest_before
    edges = sorted([change.latest_before, change.latest_after])
    run(con, "rollups/touchpoint_points_flips", {"edge_from": edges[0], "edge_to": edges[1]})
    _stage_union(con, change.removed, SPAN_COLUMNS)
    customers, contacts = _span_size(con)
    if contacts:
        side_contacts, answers = _SIDES["new"]
        run(con, "rollups/touchpoint_span_facts", {"old": False}, table=side_contacts)
        run(con, "rollups/touchpoint_span_answers", table=answers)
        # Staged against the later latest contact (which judges the flipped contacts), the earlier
        # one as $flip_latest; a move back (a delete) takes their counts away.
        run(con, "rollups/drop_stage", table=_STAGE)
        run(con, "rollups/touchpoint_stage", {"flip_latest": edges[0]}, contacts=side_contacts,
            responses=answers, latest=_CONTACTS if forward else _LATEST_BEFORE)
        run(con, "rollups/touchpoint_flow_rows", {"windows": list(TOUCHPOINT_WINDOWS), "kinds": list(ROLLUP_KINDS),
                                                   "sign": 1 if forward else -1, "flips": True},
            target=_DIFFS["flow"])
        run(con, "rollups/drop_stage", table=_STAGE)
    return (f"the contacts whose judged flag the moved latest contact flips: {customers} customers' spans, "
            f"{contacts} contacts staged once")


def _count(con, contacts: Identifier, responses: Identifier, latest: Identifier,
           targets: dict[str, Identifier], sign: int, at_once: bool = True) -> None:
    """Stage the journeys of `contacts` with the answers of `responses` and the latest contact of
    `latest` (touchpoint_stage.sql's slots), and add their by-day rows times `sign` to
    `targets["flow"]` and `targets["path"]`: every window and kind in one statement per table
    (`at_once`: a refresh's small stage, where each statement costs a Spark build about a second
    of planning and jobs), or one per window and kind (a full build: at 10 M contacts, a quarter
    of the groups per hash table counts the flow rows in 9.2 s, all of them at once in 12 s)."""
    run(con, "rollups/drop_stage", table=_STAGE)
    run(con, "rollups/touchpoint_stage", {"flip_latest": None}, contacts=contacts, responses=responses, latest=latest)
    parts = [(TOUCHPOINT_WINDOWS, ROLLUP_KINDS)] if at_once else [
        ((window,), (kind,)) for window in TOUCHPOINT_WINDOWS for kind in ROLLUP_KINDS]
    for windows, kinds in parts:
        params = {"windows": list(windows), "kinds": list(kinds), "sign": sign, "flips": False}
        run(con, "rollups/touchpoint_flow_rows", params, target=targets["flow"])
        run(con, "rollups/touchpoint_path_rows", params, target=targets["path"])
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
