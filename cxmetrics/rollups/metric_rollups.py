"""The contact and response rollups behind the metric engine: building them, and answering
`metrics.metric_counts` from them when they can.

Both tables hold one row per day × channel × contact reason × segment value (long form: seg_name
'' holds every contact or response once, each rolled segment column holds them again), so a
request is answerable when it splits by nothing, channel, contact reason, a period or a rolled
segment, filters by dates, channels, reasons and at most that same segment, and asks for a window
the rollup kept. `counts` returns None for anything else, and the caller asks the base tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, qualified, qualified_list, quote_ident, run
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension

# The columns of the rolled rows (r: sql/rollups/rolled_groups.sql) a request groups by.
_GROUPS = {None: qualified("r", "no_group"), "channel": qualified("r", "channel"),
           "contact_reason": qualified("r", "contact_reason")}
_GRAINS = {grain: qualified("r", f"period_{grain}") for grain in ("day", "week", "month")}
_PAIRS = {("channel", "contact_reason"): qualified("r", "channel_reason"),
          ("contact_reason", "channel"): qualified("r", "reason_channel")}
_SEGMENT_GROUP = qualified("r", "seg_value")
_TABLE_ALIAS = {"contacts": "c", "customers": "cu"}
NO_SEGMENT = NO_DIMENSION
_ROLLUPS = {"contacts": quote_ident("contact_rollup"), "responses": quote_ident("response_rollup")}
_CONTACTS = quote_ident("contacts")
_SCOPE = quote_ident("cx_metric_scope")  # made by rollups/metric_scope_days.sql
_CUSTOMER_TABLE = quote_ident("customers")
# A refresh after a change of contacts (_refresh_contacts): the change of contact_rollup's rows
# (diff_start.sql), the contacts whose judged flags the latest contact's move flips
# (metric_flip_contacts.sql), each sign's contacts (metric_stage.sql) and their customers
# (metric_customers.sql). The span of the changed customers' contacts they start from, and the
# neighbour facts of those the change moves (touchpoint_rollups.SPAN_STAGES and CHANGE_FACTS), are
# staged once for every family by rollups.apply_change.
_DIFF = quote_ident("cx_metric_diff")
_FLIPS = quote_ident("cx_metric_flips")
_PLUS, _MINUS = quote_ident("cx_metric_plus"), quote_ident("cx_metric_minus")
_CUSTOMERS = quote_ident("cx_metric_customers")
_CONTACT_STAGES = (_DIFF, _FLIPS, _PLUS, _MINUS, _CUSTOMERS)
# What judges a contact in contact_rollup_build.sql: the latest contact (its CTE), or a staged
# contact's own judge_at (metric_stage.sql).
_LATEST_AT, _JUDGED_AT = qualified("l", "last_started"), qualified("c", "judge_at")
# The columns of a contact contact_rollup_build.sql reads but its four neighbour facts (which a
# refresh computes for each side of a change: change_facts.sql); the change's span carries
# them (rollups.apply_change) for metric_stage.sql.
CONTACT_COLUMNS = ("contact_id", "started_at", "customer_id", "channel", "contact_reason", "answered",
                  "wait_seconds", "handle_seconds", "resolved", "transfers")


def build(con, segments: dict[str, str]) -> None:
    """Rebuild contact_rollup and response_rollup from the base tables, with `segments` rolled:
    the rows of every contact (response) once, then once more per segment."""
    run(con, "rollups/clear_contact_rollup")
    run(con, "rollups/clear_response_rollup")
    _count_days(con, segments, None, None, False)


def refresh_days(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring both tables up to date after `change` (its rows in cx_changed_rows) by counting again
    only what it can alter; return what. After a change of contacts, contact_rollup by the change of
    its rows (_refresh_contacts) and response_rollup by the days of the answers about the changed
    contacts; after one of responses or customers, the days it can alter. The days are a superset
    of those whose counts change (metric_days_*.sql say why each is in), so the result equals a
    rebuild exactly."""
    if change.kind == "outcomes":
        return "no outcome is counted here"
    if change.kind == "customers" and "customers" not in segments.values():
        return "no customers column is rolled"
    if change.kind == "contacts":
        if None in (change.latest_before, change.latest_after):
            # With no contact before or after, every day's censoring changes: count them all.
            build(con, segments)
            return "every day (the store had or has no contacts)"
        response_days, undated = run(con, "rollups/metric_response_days_contacts").fetchall()[0]
        said = _refresh_contacts(con, segments, change)
        if response_days or undated:
            run(con, "rollups/metric_clear_response_days", {"days": response_days, "undated": undated})
            _count_days(con, segments, [], response_days, undated)
        return (f"{said}; {len(response_days)} response days"
                + (" and the undated responses" if undated else ""))
    params = {"reach": max(rollup_state.ROLLUP_WINDOWS) + 1}
    contact_days, response_days, undated = run(con, f"rollups/metric_days_{change.kind}", params).fetchall()[0]
    if contact_days:
        run(con, "rollups/metric_clear_contact_days", {"days": contact_days})
    if response_days or undated:
        run(con, "rollups/metric_clear_response_days", {"days": response_days, "undated": undated})
    _count_days(con, segments, contact_days or [], response_days or [], undated)
    return (f"{len(contact_days)} contact days, {len(response_days)} response days"
            + (" and the undated responses" if undated else ""))


def _refresh_contacts(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring contact_rollup up to date after a change of contacts (its rows in cx_changed_rows) by
    the change of its rows; return what was counted.

    A row is a sum over contacts, and a contact's counts read only its own columns, its customer's
    previous and next contacts (any reason, same reason) and the latest contact. So the rows change
    by what the contacts as they are after the change count, less what they counted before, which
    splits in two (the latest contact before the change L0, after it L1):
    - the change's own part, everything judged against L0: the contacts whose neighbours it moves,
      found within the span around each changed customer's changed contacts (touchpoint_span.sql,
      staged by rollups.apply_change: nothing outside it reads a contact inside within 30 days) by
      working their facts out on each side (change_facts.sql, staged with it), and the changed
      contacts without a customer;
    - the latest contact's move, when it moved: every contact as it is now, judged against L1 less
      against L0, which only the contacts whose "judged" flag of a window flips change
      (metric_flip_contacts.sql).
    Each sign's contacts are staged once (metric_stage.sql, each carrying the latest contact that
    judges it) and counted by the build's own passes; the sum, netted per row and added to the rows
    (metric_merge_*.sql), is exact: the counts are whole numbers. Two passes per segment, not four:
    on Spark each statement costs its planning and jobs."""
    for table in _CONTACT_STAGES:
        run(con, "rollups/drop_stage", table=table)
    run(con, "rollups/diff_start", diff=_DIFF, table=_ROLLUPS["contacts"])
    low, high = sorted([change.latest_before, change.latest_after])
    run(con, "rollups/metric_flip_contacts", {"lo": low, "hi": high})
    (flipped,) = run(con, "rollups/stage_rows", table=_FLIPS).fetchall()[0]
    contact_segments = rollup_state.segments_from(segments, "contacts")
    columns = qualified_list([("c", name) for name in dict.fromkeys([*CONTACT_COLUMNS, *contact_segments])])
    moved = []
    for plus, table in ((False, _MINUS), (True, _PLUS)):
        run(con, "rollups/metric_stage", {"plus": plus, "before": change.latest_before,
                                          "after": change.latest_after}, table=table, columns=columns)
        moved.append(run(con, "rollups/stage_rows", table=table).fetchall()[0][0] - flipped)
        _count_change(con, segments, table, 1 if plus else -1)
    if segments:  # the rows of every contact once, both signs at once (contact_rollup_total.sql)
        run(con, "rollups/contact_rollup_total", {"seg_name": _summed_segment(segments), "days": None}, target=_DIFF)
    for step in ("old", "clear", "add"):
        run(con, f"rollups/metric_merge_{step}")
    for table in _CONTACT_STAGES:
        run(con, "rollups/drop_stage", table=table)
    said = (f"{moved[0]} contacts before the change and {moved[1]} after whose neighbours it moved, "
            "judged against the latest before it")
    return said + (f"; {flipped} contacts whose judged flags the moved latest contact flips" if flipped else "")


def _count_change(con, segments: dict[str, str], contacts: Identifier, sign: int) -> None:
    """Add the contact_rollup rows of the staged `contacts` (each judged against its own judge_at),
    times `sign`, to cx_metric_diff: once per rolled segment, or every contact once when no
    segment is rolled (the caller sums those of every contact from a segment's). Each pass
    joins the customers of `contacts` alone (at 10 M contacts, joining all million customers was
    most of a pass's time)."""
    run(con, "rollups/drop_stage", table=_CUSTOMERS)
    run(con, "rollups/metric_customers", contacts=contacts)
    for seg_name, column in _passes(segments):
        run(con, "rollups/contact_rollup_build", {"seg_name": seg_name, "days": None, "sign": sign},
            segment=column, contacts=contacts, latest=contacts, judged_at=_JUDGED_AT, customers=_CUSTOMERS,
            target=_DIFF)
    run(con, "rollups/drop_stage", table=_CUSTOMERS)


def _passes(segments: dict[str, str]) -> list[tuple[str, Identifier]]:
    """Return (seg_name, segment column) for every pass over the rows: each rolled segment, or,
    when none is rolled, '' (every row once). With segments, the rows of seg_name '' are summed
    from those of one of them (_summed_segment; contact_rollup_total.sql says why that is exact)
    instead of a pass of their own: at 10 M contacts, 0.04 s instead of 3.8."""
    if not segments:
        return [("", NO_SEGMENT)]
    return [(name, qualified(_TABLE_ALIAS[source], name)) for name, source in segments.items()]


def _summed_segment(segments: dict[str, str]) -> str:
    """Return the rolled segment whose rows are summed into seg_name '': any would do (each holds
    every row once); the first, so that the same segments always sum the same rows."""
    return next(iter(segments))


def _count_days(con, segments: dict[str, str], contact_days, response_days, undated: bool) -> None:
    """Add the rows of `contact_days` and `response_days` (and the undated responses when `undated`),
    or of every day when they are None, for every contact (response) once and again per segment
    (with segments, the rows of every contact once are summed from a segment's: _passes)."""
    passes = _passes(segments)
    contacts = _CONTACTS
    if contact_days:
        # A refresh's days are read from contacts once, not once per pass (each pass would scan
        # every contact to find them: at 10 M contacts, 13 passes took 7 s for a day's append).
        run(con, "rollups/drop_stage", table=_SCOPE)
        run(con, "rollups/metric_scope_days", {"days": contact_days})
        contacts = _SCOPE
    for seg_name, column in passes:
        if contact_days is None or contact_days:
            run(con, "rollups/contact_rollup_build", {"seg_name": seg_name, "days": contact_days, "sign": 1},
                segment=column, contacts=contacts, latest=_CONTACTS, judged_at=_LATEST_AT,
                customers=_CUSTOMER_TABLE, target=_ROLLUPS["contacts"])
        if response_days is None or response_days or undated:
            run(con, "rollups/response_rollup_build",
                {"seg_name": seg_name, "days": response_days, "undated": undated}, segment=column)
    if segments:  # the rows of every contact (response) once, summed from a segment's
        summed = _summed_segment(segments)
        if contact_days is None or contact_days:
            run(con, "rollups/contact_rollup_total", {"seg_name": summed, "days": contact_days},
                target=_ROLLUPS["contacts"])
        if response_days is None or response_days or undated:
            run(con, "rollups/response_rollup_total", {"seg_name": summed, "days": response_days, "undated": undated})
    if contacts is _SCOPE:
        run(con, "rollups/drop_stage", table=_SCOPE)


@dataclass(frozen=True)
class _Plan:
    seg_name: str
    group: Identifier


def _plan(con, by: str | None, filters: Filters, window: int, grain: str | None) -> _Plan | None:
    """Return how the rollups answer this request, or None when they cannot."""
    if window not in rollup_state.ROLLUP_WINDOWS:
        return None
    fresh, rolled = rollup_state.status(con)
    if not fresh:
        return None
    segment = resolve_dimension(con, filters.segment).name if filters.segment else None
    if segment is not None and segment not in rolled:
        return None
    if grain is not None:
        return _Plan(segment or "", _GRAINS[grain])
    name = resolve_dimension(con, by).name if by else None
    if name in _GROUPS:
        return _Plan(segment or "", _GROUPS[name])
    if name in rolled and segment in (None, name):
        return _Plan(name, _SEGMENT_GROUP)
    return None


def counts(
    con, by: str | None, filters: Filters, window: int, same_reason: bool, grain: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return (response counts, contact counts) framed as the base queries frame them, or None
    when the rollups cannot answer this request."""
    plan = _plan(con, by, filters, window, grain)
    return None if plan is None else _counts(con, plan, filters, window, same_reason)


def pair_counts(
    con, rows: str, columns: str, filters: Filters, window: int, same_reason: bool,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return (response counts, contact counts) grouped by a pair of the rollups' own columns
    (channel and contact reason, either way round), or None when the rollups cannot answer. The
    group_value is the JSON list [rows value, columns value]; a pair with a missing value is in no
    group (as a missing value is in none when split by one)."""
    names = {resolve_dimension(con, name).name for name in (rows, columns)}
    plan = _plan(con, None, filters, window, None)
    if plan is None or names != {"channel", "contact_reason"}:
        return None
    pair = _PAIRS[(resolve_dimension(con, rows).name, resolve_dimension(con, columns).name)]
    return _counts(con, _Plan(plan.seg_name, pair), filters, window, same_reason)


def _counts(
    con, plan: _Plan, filters: Filters, window: int, same_reason: bool,
) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Return the summed counts, or None when contact_rollup lacks the contact-centre columns: a
    store from before migration 15 opened read-only (so not migrated) whose rollups are fresh."""
    reason = "same" if same_reason else "any"
    params = {**filters.params(), "seg_name": plan.seg_name}
    try:
        contacts = run(
            con, "rollups/contact_counts", params, group=plan.group, rollup=_ROLLUPS["contacts"],
            repeats=quote_ident(f"repeats_{reason}_w{window}"),
            judged=quote_ident(f"judged_w{window}"),
            resolved=quote_ident(f"resolved_{reason}_w{window}"),
            judged_xfer=quote_ident(f"judged_xfer_w{window}"),
            resolved_xfer=quote_ident(f"resolved_{reason}_xfer_w{window}"),
            judged_direct=quote_ident(f"judged_direct_w{window}"),
            resolved_direct=quote_ident(f"resolved_{reason}_direct_w{window}"),
        ).df()
    except duckdb.BinderException:
        return None
    responses = run(con, "rollups/response_counts", params, group=plan.group, rollup=_ROLLUPS["responses"]).df()
    return responses, contacts
