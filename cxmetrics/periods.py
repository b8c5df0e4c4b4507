"""Change between two periods: is a metric getting better, and is the change more than noise?

A change is called significant only when the 95 % interval of the difference between the two
periods' figures excludes 0 (the periods are treated as independent samples) and both periods
have at least 30 observations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from . import stats
from .db import run
from .dimensions import Filters
from .metrics import DEFAULT_WINDOW, figures, metric_counts
from .segments import METRICS, estimate, gap_range

DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Periods:
    current_from: date
    current_to: date
    previous_from: date
    previous_to: date

    @property
    def days(self) -> int:
        return (self.current_to - self.current_from).days + 1


def latest_day(con) -> date | None:
    """Return the latest day with a contact or a response, or None for an empty store."""
    return run(con, "metrics/latest_day").fetchall()[0][0]


def periods_for(con, filters: Filters, days: int = DEFAULT_DAYS) -> Periods | None:
    """Return the period to report and the one before it: the filter's dates when both are set,
    else the last `days` days of data (up to the filter's end, if set)."""
    if filters.date_from and filters.date_to:
        start, end = filters.date_from, filters.date_to
    else:
        end = filters.date_to or latest_day(con)
        if end is None:
            return None
        start = max(filters.date_from, end - timedelta(days=days - 1)) if filters.date_from else end - timedelta(days=days - 1)
    length = (end - start).days + 1
    previous_to = start - timedelta(days=1)
    return Periods(start, end, previous_to - timedelta(days=length - 1), previous_to)


def compare_periods(
    con, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False, days: int = DEFAULT_DAYS
) -> dict:
    """Return {"periods": Periods, "current": figures, "previous": figures, "changes": {metric: change}}.

    Each change holds value, low, high and significant (the interval excludes 0)."""
    periods = periods_for(con, filters, days)
    if periods is None:
        return {"periods": None, "current": {}, "previous": {}, "changes": {}}
    now = metric_counts(con, None, replace(filters, date_from=periods.current_from, date_to=periods.current_to),
                        window, same_reason)
    before = metric_counts(con, None, replace(filters, date_from=periods.previous_from, date_to=periods.previous_to),
                           window, same_reason)
    now_row = now[now["is_overall"] == 1].iloc[0]
    before_row = before[before["is_overall"] == 1].iloc[0]
    changes = {}
    for metric in METRICS:
        value, var, n = estimate(metric, now_row)
        old, old_var, old_n = estimate(metric, before_row)
        diff = stats.difference(value, var, old, old_var, bounds=gap_range(metric))
        # Below 30 observations the normal interval is not trustworthy (three promoters have
        # "no variance"), so such a change is never called significant.
        enough = min(n, old_n) >= stats.SMALL_N
        changes[metric] = {"value": diff.value, "low": diff.low, "high": diff.high,
                           "significant": diff.excludes_zero and enough}
    # Volume has no sampling error to test: its change is reported as a plain difference.
    changes["contacts"] = {"value": float(now_row["contacts"] - before_row["contacts"]), "low": None, "high": None,
                           "significant": False}
    return {"periods": periods, "current": figures(now_row), "previous": figures(before_row), "changes": changes}
