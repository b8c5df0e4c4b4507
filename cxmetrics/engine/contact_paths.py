"""Where customers work hardest: the path repeats take, and self-service that fails.

A repeat's path is (previous contact's reason or channel → the repeat's); a self-service
failure is a self-service contact whose customer's next contact is assisted and starts within
24 hours (only the next contact is looked at, so a second self-service attempt in between
ends the journey).

Both are answered from the path rollups (cxmetrics/rollups/path_rollups.py) when those can, else from the
base tables; the two give the same figures in the same order.
"""

from __future__ import annotations

import pandas as pd

from ..rollups import path_rollups
from ..core import stats
from ..store.db import qualified, require_column, run
from ..store.dimensions import NO_DIMENSION, Filters
from .metrics import DEFAULT_WINDOW

PATH_COLUMNS = ("contact_reason", "channel")


def repeat_paths(con, by: str = "contact_reason", filters: Filters = Filters(), window: int = DEFAULT_WINDOW) -> pd.DataFrame:
    """Return (from_value, to_value, repeats, share of all repeats in %) pairs, most repeats first."""
    if by not in PATH_COLUMNS:
        raise ValueError(f"repeat paths go by {' or '.join(PATH_COLUMNS)}, not {by!r}")
    require_column(con, "contacts", by)
    frame = path_rollups.repeat_pairs(con, by, filters, int(window))
    if frame is None:
        frame = run(
            con,
            "paths/repeat_paths",
            {**filters.params(), "window": int(window)},
            from_value=qualified("p", by),
            to_value=qualified("c", by),
            segment=filters.segment_sql(con),
        ).df()
    total = frame["repeats"].sum()
    frame["share"] = frame["repeats"] * 100.0 / total if total else 0.0
    return frame


def self_service_failures(con, by: str = "contact_reason", filters: Filters = Filters()) -> dict:
    """Return {"overall": {...}, "groups": DataFrame}: self-service contacts, failures, failure rate with
    its Wilson interval, overall and per value of `by`, most self-service first."""
    group = qualified("c", by) if by else NO_DIMENSION
    if by:
        require_column(con, "contacts", by)
    counts = path_rollups.self_service_counts(con, by, filters)
    if counts is None:
        counts = run(con, "paths/self_service_failures", filters.params(), group=group,
                     segment=filters.segment_sql(con)).df()

    def figures(row) -> dict:
        rate = stats.wilson(int(row["failures"]), int(row["self_service"]))
        return {"self_service": rate.n, "failures": int(row["failures"]), "failure_rate": rate.value,
                "failure_low": rate.low, "failure_high": rate.high}

    overall = counts[counts["is_overall"] == 1]
    # A stable sort keeps the queries' order (by value) among groups of equal size.
    groups = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()].sort_values(
        "self_service", ascending=False, kind="stable")
    return {
        "overall": figures(overall.iloc[0]) if len(overall) else figures({"failures": 0, "self_service": 0}),
        "groups": pd.DataFrame(
            [{by: row["group_value"], **figures(row)} for _, row in groups.iterrows()],
            columns=[by, "self_service", "failures", "failure_rate", "failure_low", "failure_high"],
        ),
    }
