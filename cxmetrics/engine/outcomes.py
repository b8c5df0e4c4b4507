"""Business outcomes by experience: churn and revenue per customer by NPS group, CSAT group,
repeat status or any customer segment, with intervals, and revenue at risk."""

from __future__ import annotations

from ..rollups import outcome_rollups
from ..store import rollup_state
from ..core import stats
from ..store.db import Identifier, UnknownColumn, qualified, run, table_columns
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension
from ..core.mapping import column_key
from .metrics import DEFAULT_WINDOW, json_value
from ..rollups.outcome_rollups import EXPERIENCE_GROUPS  # noqa: F401  (the page reads it here)

# The NPS or CSAT group of a customer with no such score before its deciding month. Without it the
# groups would leave those customers out, and the overall churn rate would sit above every group's.
NO_ANSWER = "no answer"
# Groups in reading order (best first, the customers who never answered last); others by name.
GROUP_ORDER = {"promoter": 0, "passive": 1, "detractor": 2,
               "satisfied": 0, "neutral": 1, "dissatisfied": 2, NO_ANSWER: 9}


# "No segment" and "no group" in outcome_counts.sql, monthly_outcomes.sql, drill/customers.sql and
# sql/rollups/outcome_counts_from_spans.sql, which take the same slots: the NULL column of the
# one-row relation `missing` each cross-joins, as the metric queries do.
_NULL = NO_DIMENSION

def scope_params(con, filters: Filters) -> tuple[dict, dict]:
    """Return the ($params, slots) that restrict outcomes to the shared filters: outcome months in
    the date range, customers in the segment, customers with a contact in the channels/reasons."""
    segment = resolve_dimension(con, filters.segment) if filters.segment else None
    on_customers = segment is not None and segment.table == "customers"
    on_contacts = segment is not None and segment.table == "contacts"
    values = list(filters.segment_values) or None
    params = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "channels": list(filters.channels) or None,
        "reasons": list(filters.reasons) or None,
        "customer_segment_values": values if on_customers else None,
        "contact_segment_values": values if on_contacts else None,
        "contact_filter": bool(filters.channels or filters.reasons or (on_contacts and values)),
    }
    slots = {
        "customer_segment": segment.sql if on_customers else _NULL,
        "contact_segment": segment.sql if on_contacts else _NULL,
    }
    return params, slots


def outcome_counts(
    con, by: str | None, window: int = DEFAULT_WINDOW, same_reason: bool = False, filters: Filters = Filters()
):
    """Return the customer counts, churners and revenue sums per group plus the overall row.

    Fresh rollups answer from outcome_summary when they can, else row by row from the rolled
    outcome_spans and outcome_repeaters (`table_counts`); stale ones leave it to the base tables.
    All give the same figures."""
    group, column = group_slot(con, by)
    params, slots = scope_params(con, filters)
    fresh, rolled = rollup_state.status(con)
    if fresh:
        summed = outcome_rollups.counts(con, column or by, int(window), bool(same_reason), filters, rolled)
        if summed is not None:
            return summed
    from_spans = fresh and outcome_rollups.window_rolled(window)
    return _table_counts(con, group, params, slots, window, same_reason, from_spans)


def table_counts(
    con, by: str | None, window: int, same_reason: bool, filters: Filters, from_spans: bool
):
    """Return outcome_counts' frame worked out outcome row by outcome row: each month's experience
    from the rolled outcome_spans and outcome_repeaters (`from_spans`, only while the rollups are
    fresh) or from responses and contacts (the base query)."""
    group, _ = group_slot(con, by)
    params, slots = scope_params(con, filters)
    return _table_counts(con, group, params, slots, window, same_reason, from_spans)


def _table_counts(con, group, params, slots, window, same_reason, from_spans: bool):
    params = {**params, "window": int(window), "same_reason": bool(same_reason)}
    if from_spans:
        found = outcome_rollups.counts_from_spans(con, params, {"group": group, **slots})
        if found is not None:
            return found
    return run(con, "outcomes/outcome_counts", params, group=group, **slots).df()


def group_slot(con, by: str | None) -> tuple[Identifier, str | None]:
    """Return the {{group}} of outcome_counts.sql for `by`, and the customers column's real name
    when `by` is one; raise UnknownColumn for anything else."""
    if by is None:
        return _NULL, None
    if by in EXPERIENCE_GROUPS:
        return qualified("e", by), None
    if by == "customer_id":
        raise UnknownColumn("customer_id is not a segment")
    column = _customers_column(con, by)
    return qualified("cu", column), column


def _customers_column(con, name: str) -> str:
    """Return the customers column called `name` or, failing that, its tidied form (its real name)."""
    columns = table_columns(con, "customers")
    for wanted in (name, column_key(name)):
        if wanted in columns:
            return wanted
    raise UnknownColumn(f"no customers column {name!r}; use a customers column or one of {', '.join(EXPERIENCE_GROUPS)}")


def measures_loaded(con) -> dict:
    """Return {"revenue": bool, "churn": bool}: whether any outcome row carries that measure."""
    revenue_values, churn_values = run(con, "outcomes/measures_loaded").fetchone()
    return {"revenue": bool(revenue_values), "churn": bool(churn_values)}


def outcome_figures(row, loaded: dict | None = None) -> dict:
    """Return customers, churn rate (with Wilson interval), revenue and revenue per customer (with
    interval). A measure no outcome row carries (`loaded`, from measures_loaded) is None, not 0."""
    loaded = loaded or {"revenue": True, "churn": True}
    customers = int(row["customers"])
    churn = stats.wilson(int(row["churned_customers"]), customers if loaded["churn"] else 0)
    revenue = float(row["revenue"] or 0.0) if loaded["revenue"] else None
    low, high = (stats.mean_interval(revenue, float(row["revenue_sum_sq"] or 0.0), customers)
                 if loaded["revenue"] else (None, None))
    return {
        "customers": customers,
        "churn_rate": churn.value,
        "churn_low": churn.low,
        "churn_high": churn.high,
        "revenue": revenue,
        "revenue_per_customer": stats.mean(revenue, customers) if loaded["revenue"] else None,
        "revenue_per_customer_low": low,
        "revenue_per_customer_high": high,
    }


def outcomes(
    con, by: str | None = None, window: int = DEFAULT_WINDOW, same_reason: bool = False, filters: Filters = Filters()
) -> dict:
    """Return {"overall": figures, "groups": [...]} as the `outcomes` command prints it.

    By nps_group each group also carries revenue_at_risk = revenue × (churn rate − promoters' churn rate).
    """
    counts = outcome_counts(con, by, window, same_reason, filters)
    loaded = measures_loaded(con)
    overall = outcome_figures(counts[counts["is_overall"] == 1].iloc[0], loaded)
    groups = []
    if by:
        rows = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()]
        order = rows["group_value"].map(lambda v: (GROUP_ORDER.get(v, 5), str(v)))
        for _, row in rows.assign(order=order).sort_values("order").iterrows():
            groups.append({by: json_value(row["group_value"]), **outcome_figures(row, loaded)})
    if by == "nps_group":
        _add_revenue_at_risk(groups)
    return {"overall": overall, "groups": groups, "frame": _frame(groups, by), "loaded": loaded}


def _frame(groups: list[dict], by: str | None):
    import pandas as pd

    columns = [by] if by else []
    columns += ["customers", "churn_rate", "churn_low", "churn_high", "revenue", "revenue_per_customer",
                "revenue_per_customer_low", "revenue_per_customer_high"]
    if by == "nps_group":
        columns.append("revenue_at_risk")
    frame = pd.DataFrame(groups, columns=columns)
    if by:
        frame[by] = frame[by].astype(str)  # booleans (repeat_contact) as category labels
    return frame


def _add_revenue_at_risk(groups: list[dict]) -> None:
    promoters = next((g for g in groups if g["nps_group"] == "promoter"), None)
    base = promoters["churn_rate"] if promoters else None
    for group in groups:
        if base is None or group["churn_rate"] is None or group["revenue"] is None:
            group["revenue_at_risk"] = None
        else:
            group["revenue_at_risk"] = group["revenue"] * (group["churn_rate"] - base) / 100.0


def monthly_outcomes(con, filters: Filters = Filters()):
    """Return one row per outcome month: customers, churned customers and revenue (from the rollups
    when they are fresh and can answer, else from the base tables)."""
    params, slots = scope_params(con, filters)
    fresh, rolled = rollup_state.status(con)
    if fresh:
        summed = outcome_rollups.monthly(con, filters, rolled)
        if summed is not None:
            return summed
    return run(con, "outcomes/monthly_outcomes", params, **slots).df()


def outcome_trend(con, filters=None, window: int = DEFAULT_WINDOW, same_reason: bool = False):
    """Return one row per month: customers, churn rate (with interval), revenue, and the month's NPS and CSAT."""
    import pandas as pd

    from .metrics import metric_trend

    monthly = monthly_outcomes(con, filters or Filters())
    loaded = measures_loaded(con)
    # no churn column loaded: every month's rate is missing, not 0 %
    rates = [stats.wilson(int(r.churned_customers), int(r.customers) if loaded["churn"] else 0)
             for r in monthly.itertuples()]
    if not loaded["revenue"]:
        monthly["revenue"] = None
    monthly["churn_rate"] = [r.value for r in rates]
    monthly["churn_low"] = [r.low for r in rates]
    monthly["churn_high"] = [r.high for r in rates]
    monthly["month"] = pd.to_datetime(monthly["month"])
    cx = metric_trend(con, "month", filters or Filters(), window, same_reason)[["period", "nps", "nps_n", "csat", "csat_n"]]
    return monthly.merge(cx.rename(columns={"period": "month"}), on="month", how="outer").sort_values("month")
