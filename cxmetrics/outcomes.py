"""Business outcomes by experience: churn and revenue per customer by NPS group, CSAT group,
repeat status or any customer segment, with intervals, and revenue at risk."""

from __future__ import annotations

from . import stats
from .db import Identifier, UnknownColumn, require_column, run
from .dimensions import NO_DIMENSION, Filters, resolve_dimension
from .mapping import column_key
from .metrics import DEFAULT_WINDOW, _plain

EXPERIENCE_GROUPS = ("nps_group", "csat_group", "repeat_contact")


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
        "customer_segment": segment.sql if on_customers else NO_DIMENSION,
        "contact_segment": segment.sql if on_contacts else NO_DIMENSION,
    }
    return params, slots


def outcome_counts(
    con, by: str | None, window: int = DEFAULT_WINDOW, same_reason: bool = False, filters: Filters = Filters()
):
    """Return the customer counts, churners and revenue sums per group plus the overall row."""
    if by is None:
        group = Identifier("CAST(NULL AS VARCHAR)")
    elif by in EXPERIENCE_GROUPS:
        group = Identifier(f"e.{by}")
    elif by == "customer_id":
        raise UnknownColumn("customer_id is not a segment")
    else:
        try:
            group = Identifier(f"cu.{_customers_column(con, by)}")
        except UnknownColumn:
            raise UnknownColumn(
                f"no customers column {by!r}; use a customers column or one of {', '.join(EXPERIENCE_GROUPS)}"
            ) from None
    params, slots = scope_params(con, filters)
    params.update({"window": int(window), "same_reason": bool(same_reason)})
    return run(con, "outcomes/outcome_counts", params, group=group, **slots).df()


def _customers_column(con, name: str) -> Identifier:
    """Return the quoted customers column called `name` or, failing that, its tidied form."""
    try:
        return require_column(con, "customers", name)
    except UnknownColumn:
        return require_column(con, "customers", column_key(name))


def outcome_figures(row) -> dict:
    """Return customers, churn rate (with Wilson interval), revenue and revenue per customer (with interval)."""
    customers = int(row["customers"])
    churn = stats.wilson(int(row["churned_customers"]), customers)
    revenue = float(row["revenue"] or 0.0)
    low, high = stats.mean_interval(revenue, float(row["revenue_sum_sq"] or 0.0), customers)
    return {
        "customers": customers,
        "churn_rate": churn.value,
        "churn_low": churn.low,
        "churn_high": churn.high,
        "revenue": revenue,
        "revenue_per_customer": stats.mean(revenue, customers),
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
    overall = outcome_figures(counts[counts["is_overall"] == 1].iloc[0])
    groups = []
    if by:
        rows = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()]
        for _, row in rows.sort_values("group_value", key=lambda s: s.astype(str)).iterrows():
            groups.append({by: _plain(row["group_value"]), **outcome_figures(row)})
    if by == "nps_group":
        _add_revenue_at_risk(groups)
    return {"overall": overall, "groups": groups, "frame": _frame(groups, by)}


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
        if base is None or group["churn_rate"] is None:
            group["revenue_at_risk"] = None
        else:
            group["revenue_at_risk"] = group["revenue"] * (group["churn_rate"] - base) / 100.0


def outcome_trend(con, filters=None, window: int = DEFAULT_WINDOW, same_reason: bool = False):
    """Return one row per month: customers, churn rate (with interval), revenue, and the month's NPS and CSAT."""
    import pandas as pd

    from .metrics import metric_trend

    params, slots = scope_params(con, filters or Filters())
    monthly = run(con, "outcomes/monthly_outcomes", params, **slots).df()
    rates = [stats.wilson(int(r.churned_customers), int(r.customers)) for r in monthly.itertuples()]
    monthly["churn_rate"] = [r.value for r in rates]
    monthly["churn_low"] = [r.low for r in rates]
    monthly["churn_high"] = [r.high for r in rates]
    monthly["month"] = pd.to_datetime(monthly["month"])
    cx = metric_trend(con, "month", filters or Filters(), window, same_reason)[["period", "nps", "nps_n", "csat", "csat_n"]]
    return monthly.merge(cx.rename(columns={"period": "month"}), on="month", how="outer").sort_values("month")
