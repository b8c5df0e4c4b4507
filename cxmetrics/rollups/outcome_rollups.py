"""The outcome rollups behind the Business outcomes page: building them, and answering
`outcomes.outcome_counts` and the monthly outcomes from them when they can.

Built whole by `rollups.refresh`, and after an import or delete of contacts or responses refreshed
per customer (`refresh_customers`: the repeat days or the spans of the changed rows' customers,
then the summary); sql/schema/008_outcome_rollups.sql describes the tables, docs/rollups.md the
design:
- outcome_spans: per customer, the spans of time over which one response stays the latest, with
  the NPS and CSAT group an outcome month starting in the span gets;
- outcome_repeaters: per customer, the fewest whole days W for which it made a repeat contact
  within W days (any reason, same reason);
- outcome_summary: per group (none, NPS group, CSAT group, repeat days, a rolled customers column)
  the customers, churners, revenue and sum of squared per-customer revenue, for everyone and again
  per value of each rolled customers column;
- outcome_monthly: per month (and rolled customers column value) the customers, churners, revenue.

outcome_summary answers a request with no channel, reason or contacts-column filter, a date range
keeping every outcome month and at most a rolled customers-column filter (the column it groups by,
if it groups by one), for any window up to MAX_ROLLED_WINDOW days; outcome_monthly answers any
date range as well. Anything else is worked out row by
row: from outcome_spans and outcome_repeaters while the rollups are fresh, else from the base
tables, with the same result either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from ..store import rollup_state
from ..store.db import Identifier, qualified, qualified_list, quote_ident, run
from ..store.dimensions import Filters, resolve_dimension

# Repeat windows (days) the rolled tables answer: any whole number of days up to this. A longer
# one (274 years) is left to the base query, which decides what such a window means.
MAX_ROLLED_WINDOW = 100_000
# The groups outcomes() splits by besides customers columns (here, where the rollups and outcomes.py
# can both reach them).
EXPERIENCE_GROUPS = ("nps_group", "csat_group", "repeat_contact")
_CONTACTS, _RESPONSES = quote_ident("contacts"), quote_ident("responses")
_SPANS, _REPEATERS = quote_ident("outcome_spans"), quote_ident("outcome_repeaters")
_CUSTOMERS = quote_ident("cx_rollup_customers")  # made by rollups/changed_customers.sql
_SCOPE = quote_ident("cx_scope_rows")  # made by rollups/scope_contacts.sql or scope_responses.sql
# The contact columns outcome_repeaters_build.sql reads; after a change of contacts the change's
# span union carries them (rollups.apply_change) for scope_contacts.sql.
CONTACT_COLUMNS = ("customer_id", "started_at", "prev_any_at", "prev_same_at")


def build(con, segments: dict[str, str]) -> None:
    """Rebuild the outcome rollups from the base tables, split by the rolled customers columns."""
    run(con, "rollups/outcome_clear_spans")
    run(con, "rollups/outcome_spans_build", responses=_RESPONSES)
    run(con, "rollups/outcome_clear_repeaters")
    run(con, "rollups/outcome_repeaters_build", contacts=_CONTACTS)
    _build_summary(con, segments)
    run(con, "rollups/outcome_clear_monthly")
    slots, params = _filter_sets(rollup_state.segments_from(segments, "customers"))
    run(con, "rollups/outcome_monthly_build", params, **slots)


def refresh_customers(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring the outcome rollups up to date after `change` (its rows in cx_changed_rows); return what
    was recounted. Contacts feed only the repeat days, responses only the spans: those are recounted
    for the customers of the changed rows, and the part of the summary (sums over every customer)
    that reads them is rewritten from them. The monthly rows read neither. A change of outcomes or
    customers rebuilds it all."""
    if change.kind not in ("contacts", "responses"):
        build(con, segments)
        return f"every table (a change of {change.kind} moves every sum)"
    table, build_name, slot = {
        "contacts": (_REPEATERS, "rollups/outcome_repeaters_build", "contacts"),
        "responses": (_SPANS, "rollups/outcome_spans_build", "responses"),
    }[change.kind]
    for stage in (_CUSTOMERS, _SCOPE):
        run(con, "rollups/drop_stage", table=stage)
    run(con, "rollups/changed_customers")
    run(con, f"rollups/scope_{change.kind}")
    run(con, "rollups/clear_customers", table=table, customers=_CUSTOMERS)
    run(con, build_name, **{slot: _SCOPE})
    (customers,) = run(con, "rollups/stage_rows", table=_CUSTOMERS).fetchall()[0]
    for stage in (_CUSTOMERS, _SCOPE):
        run(con, "rollups/drop_stage", table=stage)
    return f"{table} of {customers} customers, then " + _refresh_summary(con, segments, change.kind)


# The groupings of outcome_summary_experience_build.sql's rows (its by_name), from the spans.
_EXPERIENCE_GROUPINGS = ("nps_group", "csat_group")


def _refresh_summary(con, segments: dict[str, str], kind: str) -> str:
    """Count again the part of outcome_summary that `kind` feeds: its rows by NPS and CSAT group
    after a change of responses (the spans), every other row after a change of contacts (the
    repeat days); return which. A rolled customers column named like one of those groupings would
    make the two parts' rows alike (by_name holds the column's name): then all of it."""
    names = rollup_state.segments_from(segments, "customers")
    if set(names) & set(_EXPERIENCE_GROUPINGS):
        _build_summary(con, segments)
        return "outcome_summary"
    experience = kind == "responses"
    run(con, "rollups/outcome_clear_summary_part", {"experience": experience})
    _count_summary(con, names, experience)
    return "outcome_summary's rows " + ("by NPS and CSAT group" if experience else "but those by NPS and CSAT group")


def _build_summary(con, segments: dict[str, str]) -> None:
    names = rollup_state.segments_from(segments, "customers")
    run(con, "rollups/outcome_clear_summary")
    _count_summary(con, names, experience=False)
    _count_summary(con, names, experience=True)


def _count_summary(con, names: list[str], experience: bool) -> None:
    """Add one part of outcome_summary, split by the rolled customers columns `names`: its rows by
    NPS and CSAT group when `experience`, else every other row."""
    if experience:
        slots, params = _filter_sets(names)
        run(con, "rollups/outcome_summary_experience_build", params, **slots)
    else:
        slots, params = _customer_sets(names)
        run(con, "rollups/outcome_summary_customers_build", params, **slots)


def _segment_slots(names: list[str]) -> dict[str, Identifier]:
    """Return the slot listing missing.value (NULL: no segment) and the customers columns `names`:
    the list seg_values of the builds, where copy i reads position i + 1 (1 for none)."""
    return {"segment_columns": qualified_list([("missing", "value"), *(("cu", name) for name in names)])}


def _customer_sets(names: list[str]) -> tuple[dict[str, Identifier], dict]:
    """Return the slot and $params of outcome_summary_customers_build.sql: for each segment filter
    (none, then each rolled customers column) the rows by nothing and by repeat days (any reason,
    same reason); and, unfiltered, the rows by each rolled customers column `outcomes` can group by.

    Grouping by one column while filtering by another is left to the spans: neither page nor
    command asks for it, and its kinds of row would grow with the square of the columns."""
    none = 1  # the position of missing.value (NULL) in seg_values
    rows = {"by_names": [], "same_flags": [], "by_index": [], "seg_index": [], "seg_names": []}

    def add(by_name, same, by_index, seg_index, seg_name):
        for key, value in (("by_names", by_name), ("same_flags", same), ("by_index", by_index),
                           ("seg_index", seg_index), ("seg_names", seg_name)):
            rows[key].append(value)

    for f, seg_name in [(None, "")] + list(enumerate(names, start=1)):
        seg_index = f + 1 if f else none
        add("", None, none, seg_index, seg_name)
        add("repeat_contact", False, none, seg_index, seg_name)
        add("repeat_contact", True, none, seg_index, seg_name)
        # By this column, everyone. A column called like an experience group cannot be grouped by
        # (outcomes reads the name as the group).
        if f and seg_name not in EXPERIENCE_GROUPS:
            add(seg_name, None, f + 1, none, "")
    return _segment_slots(names), rows


def _filter_sets(names: list[str]) -> tuple[dict[str, Identifier], dict]:
    """Return the slot and $params of a build that counts everyone and again per value of each
    rolled customers column `names`: per copy, the position of its column in seg_values (1, NULL,
    for everyone) and its name ('' for everyone)."""
    return _segment_slots(names), {"seg_index": list(range(1, len(names) + 2)), "seg_names": ["", *names]}


@dataclass(frozen=True)
class _SegmentFilter:
    name: str  # '' for none
    values: list[str] | None


def _segment_filter(con, filters: Filters, rolled: dict[str, str]) -> _SegmentFilter | None:
    """Return the rolled customers-column filter of `filters` ('' when none), or None when the
    rollups cannot apply it (channels, reasons, a contacts column, an unrolled column)."""
    if filters.channels or filters.reasons:
        return None
    if not (filters.segment and filters.segment_values):
        return _SegmentFilter("", None)  # a segment without values filters nothing
    dimension = resolve_dimension(con, filters.segment)
    if dimension.table != "customers" or rolled.get(dimension.name) != "customers":
        return None
    return _SegmentFilter(dimension.name, list(filters.segment_values))


def counts(
    con, by: str | None, window: int, same_reason: bool, filters: Filters, rolled: dict[str, str],
) -> pd.DataFrame | None:
    """Return outcome_counts' frame summed from outcome_summary, or None when it cannot answer.

    `by` is None, an experience group or a customers column's real name; `rolled` the segments of
    `rollup_state.status`. Call only while the rollups are fresh."""
    segment = _segment_filter(con, filters, rolled)
    if segment is None or not window_rolled(window):
        return None
    group_segment, group_values = segment, None
    if by == "repeat_contact":
        group = qualified("s", "repeated")
    else:
        group = qualified("s", "group_value")
        if by is not None and by not in EXPERIENCE_GROUPS:
            if rolled.get(by) != "customers" or segment.name not in ("", by):
                return None
            # its rows are everyone's; filtered by itself, the groups are its chosen values
            group_segment, group_values = _SegmentFilter("", None), segment.values
    covered = _read(con, "rollups/outcome_months_covered", _dates(filters))
    if covered is None or not covered.iloc[0, 0]:
        return None
    params = {
        "by_name": by,
        "window": int(window),
        "same_reason": bool(same_reason),
        "seg_name": segment.name,
        "seg_values": segment.values,
        "group_seg_name": group_segment.name,
        "group_seg_values": group_segment.values,
        "group_values": group_values,
    }
    return _read(con, "rollups/outcome_summary_counts", params, group=group)


def monthly(con, filters: Filters, rolled: dict[str, str]) -> pd.DataFrame | None:
    """Return monthly_outcomes' frame summed from outcome_monthly, or None when it cannot answer.
    Call only while the rollups are fresh; `rolled` as for `counts`."""
    segment = _segment_filter(con, filters, rolled)
    if segment is None:
        return None
    params = {**_dates(filters), "seg_name": segment.name, "seg_values": segment.values}
    return _read(con, "rollups/outcome_monthly_counts", params)


def counts_from_spans(con, params: dict, slots: dict[str, Identifier]) -> pd.DataFrame | None:
    """Return outcome_counts.sql's frame for the same $params and slots, worked out row by row from
    outcome_spans and outcome_repeaters; None when the store has no such tables. Call only while
    the rollups are fresh, for a window up to MAX_ROLLED_WINDOW."""
    return _read(con, "rollups/outcome_counts_from_spans", params, **slots)


def window_rolled(window: int) -> bool:
    """Return True when the rolled tables answer repeat contact within `window` days."""
    return 0 <= int(window) <= MAX_ROLLED_WINDOW


def _read(con, name: str, params: dict, **slots: Identifier) -> pd.DataFrame | None:
    """Return the rollup query's frame, or None when the store has no outcome rollup tables: one
    from before migration 8 opened read-only (so not migrated) whose other rollups are fresh."""
    try:
        return run(con, name, params, **slots).df()
    except duckdb.CatalogException:
        return None


def _dates(filters: Filters) -> dict:
    return {"date_from": filters.date_from, "date_to": filters.date_to}
