"""Segment gaps and driver impact: is a group's figure really different, and what does it cost?

Both compare each value of a dimension with everyone else ("the rest" = overall counts minus
the group's), so they come from the same counts as the metric engine and agree with it.
"""

from __future__ import annotations

import pandas as pd

from ..core import stats
from ..store.dimensions import Filters
from .metrics import DEFAULT_WINDOW, json_value, metric_counts

# metric -> (kind, count columns): proportions are (successes, n); means (sum, sum_sq, n); durations
# ("seconds") the same in milliseconds; NPS (P, D, n)
METRICS = {
    "nps": ("nps", ("promoters", "detractors", "nps_n")),
    "csat": ("share", ("csat_satisfied", "csat_n")),
    "ces": ("mean", ("ces_sum", "ces_sum_sq", "ces_n")),
    "survey_fcr": ("share", ("survey_fcr_yes", "survey_fcr_n")),
    "repeat_rate": ("share", ("repeats", "linked")),
    "fcr": ("share", ("fcr_yes", "fcr_n")),
    # The contact log's own columns (docs/metrics.md, "Contact-centre measures"): the same counts the
    # Overview's contact-centre tiles come from, so a group's figure and the tile agree.
    "resolved_rate": ("share", ("resolved_yes", "resolved_known")),
    "abandon_rate": ("share", ("abandoned", "answered_known")),
    "transfer_rate": ("share", ("transferred", "transfers_known")),
    "asa_seconds": ("seconds", ("wait_ms", "wait_ms_sq", "wait_n")),
    "aht_seconds": ("seconds", ("handle_ms", "handle_ms_sq", "handle_n")),
}

# Where a smaller figure is the better one (a driver "costs" when its group is higher than the rest).
LOWER_IS_BETTER = frozenset({"ces", "repeat_rate", "abandon_rate", "transfer_rate", "asa_seconds", "aht_seconds"})

# The scale of each mean metric; a mean without one (a duration, say) is left unbounded.
MEAN_RANGES = {"ces": stats.CES_RANGE}


def gap_range(metric: str) -> tuple[float, float] | None:
    """Return the range a difference of two figures of `metric` can take (±200 for NPS, ±100 for a
    rate, ±6 for CES), to keep its interval within; None for an unbounded mean."""
    kind, _ = _metric(metric)
    bounds = {"nps": stats.NPS_RANGE, "share": stats.RATE_RANGE}.get(kind) or MEAN_RANGES.get(metric)
    return stats.gap_bounds(bounds) if bounds else None


def estimate(metric: str, counts) -> tuple[float | None, float | None, int]:
    """Return (figure, sampling variance, n) of a metric from a mapping of its counts."""
    kind, columns = _metric(metric)
    values = [counts[c] for c in columns]
    if kind == "nps":
        p, d, n = (int(v) for v in values)
        return stats.nps(p, d, n), stats.nps_variance(p, d, n), n
    if kind == "share":
        k, n = (int(v) for v in values)
        return stats.wilson(k, n).value, stats.proportion_variance(k, n), n
    total, total_sq, n = float(values[0]), float(values[1]), int(values[2])
    if kind == "seconds":  # durations are summed in whole milliseconds
        total, total_sq = total / 1000.0, total_sq / 1_000_000.0
    return stats.mean(total, n), stats.mean_variance(total, total_sq, n), n


def segment_gaps(
    con, metric: str, by: str, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False
) -> pd.DataFrame:
    """Return, per value of `by`: figure, n, the rest's figure, the gap with its 95 % interval and p-value,
    and `significant` (Benjamini–Hochberg, FDR 5 %), largest gaps first."""
    return _gaps(metric_counts(con, by, filters, window, same_reason), metric, by)


def segment_gaps_by_metric(
    con, metrics, by: str, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False
) -> dict[str, pd.DataFrame]:
    """Return {metric: segment_gaps(con, metric, by, ...)} for several metrics from one query (the
    counts of every metric come split by `by` together)."""
    counts = metric_counts(con, by, filters, window, same_reason)
    return {metric: _gaps(counts, metric, by) for metric in metrics}


def _gaps(counts: pd.DataFrame, metric: str, by: str) -> pd.DataFrame:
    """Return segment_gaps' frame from metric_counts' rows split by `by` (groups and the overall row)."""
    overall = counts[counts["is_overall"] == 1].iloc[0]
    groups = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()]
    _, columns = _metric(metric)
    rows = []
    for _, group in groups.iterrows():
        rest = {c: overall[c] - group[c] for c in columns}
        value, var, n = estimate(metric, group)
        rest_value, rest_var, rest_n = estimate(metric, rest)
        gap = stats.difference(value, var, rest_value, rest_var, bounds=gap_range(metric))
        # A group under 30 observations is shown but not tested: its normal interval is not
        # trustworthy (one promoter has "no variance") and it must not count as a discovery.
        tested = min(n, rest_n) >= stats.SMALL_N
        rows.append(
            {
                by: json_value(group["group_value"]),
                "value": value,
                "n": n,
                "rest_value": rest_value,
                "rest_n": rest_n,
                "gap": gap.value,
                "gap_low": gap.low,
                "gap_high": gap.high,
                "p_value": gap.p_value if tested else None,
                "excludes_zero": gap.excludes_zero,
                "too_few": n < stats.SMALL_N,
            }
        )
    frame = pd.DataFrame(rows, columns=[by, "value", "n", "rest_value", "rest_n", "gap", "gap_low", "gap_high",
                                        "p_value", "excludes_zero", "too_few"])
    frame["significant"] = stats.benjamini_hochberg(
        [None if pd.isna(p) else float(p) for p in frame["p_value"]]
    ) if len(frame) else []
    # to_numeric: a slice where no group has a gap leaves a column of None, which abs() refuses.
    return frame.sort_values("gap", key=lambda s: pd.to_numeric(s, errors="coerce").abs(), ascending=False,
                             na_position="last").reset_index(drop=True)


def driver_impact(
    con, metric: str = "nps", by: str = "contact_reason", filters: Filters = Filters(),
    window: int = DEFAULT_WINDOW, same_reason: bool = False,
) -> pd.DataFrame:
    """Return, per value of `by`, the points the whole population would gain if that group scored like
    the rest: share × (rest − group), with its interval; biggest gain first."""
    # One query: the split's overall row counts the whole population, as the unsplit query does.
    counts = metric_counts(con, by, filters, window, same_reason)
    gaps = _gaps(counts, metric, by)
    _, total_n = estimate(metric, counts[counts["is_overall"] == 1].iloc[0])[1:]
    share = gaps["n"] / total_n if total_n else gaps["n"] * 0.0
    lower_is_better = metric in LOWER_IS_BETTER
    sign = 1.0 if lower_is_better else -1.0
    frame = pd.DataFrame(
        {
            by: gaps[by],
            "share": share * 100.0,
            "value": gaps["value"],
            "rest_value": gaps["rest_value"],
            "n": gaps["n"],
            # gap = group − rest; the gain from scoring like the rest is −gap (+gap where lower is better)
            "impact": sign * share * gaps["gap"],
            "impact_low": (share * gaps["gap_high"] * sign) if not lower_is_better else share * gaps["gap_low"],
            "impact_high": (share * gaps["gap_low"] * sign) if not lower_is_better else share * gaps["gap_high"],
            "significant": gaps["significant"],
            "too_few": gaps["too_few"],
        }
    )
    return frame.sort_values("impact", ascending=False, na_position="last").reset_index(drop=True)


def _metric(metric: str):
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    return METRICS[metric]
