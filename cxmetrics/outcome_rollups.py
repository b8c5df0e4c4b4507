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

from . import rollup_state
from .db import Identifier, quote_ident, run
from .dimensions import Filters, resolve_dimension

# Repeat windows (days) the rolled tables answer: any whole number of days up to this. A longer
# one (274 years) is left to the base query, which decides what such a window means.
MAX_ROLLED_WINDOW = 100_000
# The groups outcomes() splits by besides customers columns (here, where the rollups and outcomes.py
# can both reach them).
EXPERIENCE_GROUPS = ("nps_group", "csat_group", "repeat_contact")
_CONTACTS, _RESPONSES = Identifier("contacts"), Identifier("responses")
_SPANS, _REPEATERS = Identifier("outcome_spans"), Identifier("outcome_repeaters")
_CUSTOMERS = Identifier("cx_rollup_customers")  # made by rollups/changed_customers.sql
_SCOPE = Identifier("cx_scope_rows")  # made by rollups/scope_contacts.sql or scope_responses.sql


def build(con, segments: dict[str, str]) -> None:
    """Rebuild the outcome rollups from the base tables, split by the rolled customers columns."""
    run(con, "rollups/outcome_clear_spans")
    run(con, "rollups/outcome_spans_build", responses=_RESPONSES)
    run(con, "rollups/outcome_clear_repeaters")
    run(con, "rollups/outcome_repeaters_build", contacts=_CONTACTS)
    _build_summary(con, segments)
    run(con, "rollups/outcome_clear_monthly")
    slots, params = _filter_sets(_customer_columns(segments), "month")
    run(con, "rollups/outcome_monthly_build", params, **slots)


def refresh_customers(con, segments: dict[str, str], change: rollup_state.Change) -> str:
    """Bring the outcome rollups up to date after `change` (its rows in cx_changed_rows); return what
    was recounted. Contacts feed only the repeat days, responses only the spans: those are recounted
    for the customers of the changed rows, and the summary (sums over every customer) is rewritten
    from them. The monthly rows read neither. A change of outcomes or customers rebuilds it all."""
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
    _build_summary(con, segments)
    return f"{table} of {customers} customers, then outcome_summary"


def _build_summary(con, segments: dict[str, str]) -> None:
    names = _customer_columns(segments)
    run(con, "rollups/outcome_clear_summary")
    slots, params = _customer_sets(names)
    run(con, "rollups/outcome_summary_customers_build", params, **slots)
    slots, params = _filter_sets(names, "by_name, group_value")
    run(con, "rollups/outcome_summary_experience_build", params, **slots)


def _customer_columns(segments: dict[str, str]) -> list[str]:
    return [name for name, source in segments.items() if source == "customers"]


def _segment_slots(names: list[str]) -> dict[str, Identifier]:
    """Return the slots selecting the customers columns `names` as seg_1 ... seg_k."""
    aliases = [quote_ident(f"seg_{i}") for i in range(1, len(names) + 1)]
    return {
        "segment_columns": Identifier("".join(f", cu.{quote_ident(n)} AS {a}" for n, a in zip(names, aliases))),
        "segment_names": Identifier("".join(f", {a}" for a in aliases)),
        "segment_values": Identifier(", ".join([f"CAST({a} AS VARCHAR)" for a in aliases] + ["CAST(NULL AS VARCHAR)"])),
    }


def _mask(arguments: list[str], grouped: list[str]) -> int:
    """Return GROUPING(arguments) for a grouping set of the columns `grouped`: a bit per argument,
    the first argument the highest, set when the argument is not in the set."""
    n = len(arguments)
    return sum(1 << (n - 1 - i) for i, name in enumerate(arguments) if name not in grouped)


def _customer_sets(names: list[str]) -> tuple[dict[str, Identifier], dict]:
    """Return the slots and $params of outcome_summary_customers_build.sql: for each segment filter
    (none, then each rolled customers column) the rows by nothing and by repeat days (any reason,
    same reason); and, unfiltered, the rows by each rolled customers column `outcomes` can group by.

    Grouping by one column while filtering by another is left to the spans: neither page nor
    command asks for it, and its sets would grow with the square of the columns (a file with 36
    yes/no columns would need 1,400)."""
    aliases = [f"seg_{i}" for i in range(1, len(names) + 1)]
    arguments = ["within_any", "within_same", *aliases]
    none = len(names) + 1  # the index of the trailing NULL in {{segment_values}}
    sets: list[frozenset] = []
    rows = {"row_sets": [], "by_names": [], "same_flags": [], "by_index": [], "seg_index": [], "seg_names": []}

    def add(columns, by_name, same, by_index, seg_index, seg_name):
        grouped = frozenset(columns)
        if grouped not in sets:
            sets.append(grouped)
        for key, value in (("row_sets", sets.index(grouped) + 1), ("by_names", by_name), ("same_flags", same),
                           ("by_index", by_index), ("seg_index", seg_index), ("seg_names", seg_name)):
            rows[key].append(value)

    for f, seg_name in [(None, "")] + list(enumerate(names, start=1)):
        filtered = [aliases[f - 1]] if f else []
        seg_index = f or none
        add(filtered, "", None, none, seg_index, seg_name)
        add(["within_any", *filtered], "repeat_contact", False, none, seg_index, seg_name)
        add(["within_same", *filtered], "repeat_contact", True, none, seg_index, seg_name)
        # By this column, everyone: the same set as everyone filtered by it. A column called like
        # an experience group cannot be grouped by (outcomes reads the name as the group).
        if f and seg_name not in EXPERIENCE_GROUPS:
            add(filtered, seg_name, None, f, none, "")
    ordered = [[c for c in arguments if c in grouped] for grouped in sets]
    slots = {
        **_segment_slots(names),
        "grouping_sets": Identifier(", ".join("(" + ", ".join(quote_ident(c) for c in cs) + ")" for cs in ordered)),
    }
    return slots, {**rows, "set_masks": [_mask(arguments, cs) for cs in ordered]}


def _filter_sets(names: list[str], always: str) -> tuple[dict[str, Identifier], dict]:
    """Return the slots and $params of a build grouping by the columns `always` (text, e.g.
    "month") for everyone and again per value of each rolled customers column."""
    keys = [quote_ident(c.strip()) for c in always.split(",")]
    aliases = [f"seg_{i}" for i in range(1, len(names) + 1)]
    arguments = [keys[0], *aliases]  # GROUPING(first key, seg_1 ... seg_k): the key is in every set
    none = len(names) + 1
    sets, masks, seg_index, seg_names = [], [], [], []
    for f, seg_name in [(None, "")] + list(enumerate(names, start=1)):
        filtered = [aliases[f - 1]] if f else []
        sets.append("(" + ", ".join([*keys, *(quote_ident(a) for a in filtered)]) + ")")
        masks.append(_mask(arguments, [keys[0], *filtered]))
        seg_index.append(f or none)
        seg_names.append(seg_name)
    slots = {**_segment_slots(names), "grouping_sets": Identifier(", ".join(sets))}
    return slots, {"set_masks": masks, "seg_index": seg_index, "seg_names": seg_names}


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
        group = Identifier("s.repeated")
    else:
        group = Identifier("s.group_value")
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
