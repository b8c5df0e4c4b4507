"""Change between two periods: is a metric getting better, and is the change more than noise?

A change is called significant only when the 95 % interval of the difference between the two
periods' figures excludes 0 (the periods are treated as independent samples) and both periods
have at least 30 observations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from ..core import stats
from ..store.db import run
from ..store.dimensions import Filters
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
        # No dated contact or answer: the figures cover every row there is (a survey export without
        # dates shows its NPS), with no earlier period to compare with.
        everything = metric_counts(con, None, filters, window, same_reason)
        row = everything[everything["is_overall"] == 1]
        current = figures(row.iloc[0]) if len(row) else {}
        return {"periods": None, "current": current, "previous": {}, "changes": {}}
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
    changes.update(centre_changes(now_row, before_row))
    # Volume has no sampling error to test: its change is reported as a plain difference.
    changes["contacts"] = {"value": float(now_row["contacts"] - before_row["contacts"]), "low": None, "high": None,
                           "significant": False}
    return {"periods": periods, "current": figures(now_row), "previous": figures(before_row), "changes": changes}


# The contact-centre measures' counts (metric_counts' columns): (successes, n) of a share, or
# (sum, sum of squares, n) of a duration summed in whole milliseconds.
_CENTRE_SHARES = {"abandon_rate": ("abandoned", "answered_known"), "resolved_rate": ("resolved_yes", "resolved_known"),
                  "transfer_rate": ("transferred", "transfers_known")}
_CENTRE_SECONDS = {"asa_seconds": ("wait_ms", "wait_ms_sq", "wait_n"),
                   "aht_seconds": ("handle_ms", "handle_ms_sq", "handle_n")}


def centre_changes(now_row, before_row) -> dict:
    """Return the change of each contact-centre measure between two rows of counts, tested as the
    headline figures are (95 % interval excludes 0, 30+ observations in both periods)."""
    changes = {}
    for key, (hits, n_col) in _CENTRE_SHARES.items():
        now = (stats.wilson(int(now_row[hits]), int(now_row[n_col])).value,
               stats.proportion_variance(int(now_row[hits]), int(now_row[n_col])), int(now_row[n_col]))
        before = (stats.wilson(int(before_row[hits]), int(before_row[n_col])).value,
                  stats.proportion_variance(int(before_row[hits]), int(before_row[n_col])), int(before_row[n_col]))
        changes[key] = _change(now, before, stats.gap_bounds(stats.RATE_RANGE))
    for key, (total, total_sq, n_col) in _CENTRE_SECONDS.items():
        now, before = (_seconds_estimate(row[total], row[total_sq], int(row[n_col])) for row in (now_row, before_row))
        changes[key] = _change(now, before, None)
    return changes


def _seconds_estimate(total_ms, total_ms_sq, n: int) -> tuple[float | None, float | None, int]:
    total, total_sq = float(total_ms) / 1000.0, float(total_ms_sq) / 1_000_000.0
    return stats.mean(total, n), stats.mean_variance(total, total_sq, n), n


def _change(now, before, bounds) -> dict:
    (value, var, n), (old, old_var, old_n) = now, before
    diff = stats.difference(value, var, old, old_var, bounds=bounds)
    enough = min(n, old_n) >= stats.SMALL_N
    return {"value": diff.value, "low": diff.low, "high": diff.high, "significant": diff.excludes_zero and enough}


# --- the one period every page shows -------------------------------------------------------------


@dataclass(frozen=True)
class ShownPeriod:
    """The days every figure of the dashboard covers, and where the workspace's data lies.

    `chosen` is False when no dates were picked: the period is then the last DEFAULT_DAYS days of
    this workspace's own data (not of today's date)."""

    date_from: date | None
    date_to: date | None
    chosen: bool
    first_day: date | None  # the workspace's first and last day with a contact or a response
    last_day: date | None


def data_span(con) -> tuple[date | None, date | None]:
    """Return the first and the last day with a contact or a response (None, None in an empty store)."""
    first, last = run(con, "metrics/data_span").fetchall()[0]
    return first, last


def shown_period(filters: Filters, span: tuple[date | None, date | None], days: int = DEFAULT_DAYS) -> ShownPeriod:
    """Return the period to show for the filter's dates: both chosen, as chosen; otherwise as the
    Overview's tiles have always read it (periods_for): the last `days` days of data, up to the
    chosen end if any."""
    first, last = span
    chosen = filters.date_from is not None or filters.date_to is not None
    if filters.date_from and filters.date_to:
        return ShownPeriod(filters.date_from, filters.date_to, True, first, last)
    end = filters.date_to or last
    if end is None:
        return ShownPeriod(filters.date_from, None, chosen, first, last)
    start = end - timedelta(days=days - 1)
    if filters.date_from:
        start = max(filters.date_from, start)
        end = max(end, start)  # a start after the data: that one day, and the page says where the data is
    return ShownPeriod(start, end, chosen, first, last)


def holds_data(con, period: ShownPeriod) -> bool:
    """Return True when a contact or a response falls in the period (always False without data)."""
    if period.date_from is None or period.date_to is None:
        return False
    contacts, responses = run(con, "metrics/period_rows",
                              {"date_from": period.date_from, "date_to": period.date_to}).fetchall()[0]
    return bool(contacts or responses)


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def span_text(first: date, last: date) -> str:
    """Return '1 Mar – 28 Mar 2025', the year said once when both days share it."""
    if first.year == last.year:
        return f"{first.day} {first:%b} – {_day(last)}"
    return f"{_day(first)} – {_day(last)}"


def period_sentence(period: ShownPeriod, days: int = DEFAULT_DAYS, has_rows: bool = False) -> str:
    """Return what every figure covers, e.g. '1 Mar – 28 Mar 2025 (last 28 days of this workspace's data)';
    `has_rows` says whether the workspace holds anything, dated or not (a survey export without dates)."""
    if period.date_from is None or period.date_to is None:
        if has_rows:
            return "every date (none of this workspace's contacts or answers carries a date)"
        return "No data in this workspace yet: load a file on the Data page."
    why = "dates chosen in the sidebar" if period.chosen else f"last {days} days of this workspace's data"
    return f"{span_text(period.date_from, period.date_to)} ({why})"
