"""Targets managers set for the headline metrics, kept in the database.

A target is a sprint (cxmetrics.engine.status.Target): the figure to reach, the day the sprint starts,
the day it should be reached by (12 weeks later unless set) and the baseline the figure stood at
on the start day. A target stored without a start is a flat path at the target itself.
"""

from __future__ import annotations

import math
from datetime import date

from ..store.db import run
from ..core.definitions import DEFINITIONS
from ..store.dimensions import Filters
from .metrics import DEFAULT_WINDOW
from .periods import compare_periods
from .status import Target, default_end


def get_targets(con) -> dict[str, float]:
    """Return {metric: target} for every metric that has one."""
    return dict(run(con, "metrics/targets").fetchall())  # run(): a page's read, retried if out of memory


def get_target_plans(con) -> dict[str, Target]:
    """Return {metric: Target} for every metric that has one, with its sprint where it has one."""
    return {metric: Target(metric, float(target), start, end, None if baseline is None else float(baseline))
            for metric, target, start, end, baseline in run(con, "metrics/target_plans").fetchall()}


def set_target(con, metric: str, target: float | None, start: date | None = None, end: date | None = None,
               baseline: float | None = None) -> None:
    """Store (or, with None, remove) the target of a metric; with a `start`, as a sprint from `baseline`
    on `start` to `target` on `end` (12 weeks after the start unless given). ValueError says what is wrong."""
    if metric not in DEFINITIONS:
        raise ValueError(f"no metric {metric!r}")
    if target is None:
        run(con, "metrics/remove_target", {"metric": metric})
        return
    target = _finite(target, "a target")
    if start is None:
        if end is not None or baseline is not None:
            raise ValueError("a target's end day and baseline need a start day")
    else:
        end = end or default_end(start)
        if end <= start:
            raise ValueError(f"the end day ({end.isoformat()}) must come after the start day ({start.isoformat()})")
        baseline = None if baseline is None else _finite(baseline, "a baseline")
    run(con, "metrics/save_target", {"metric": metric, "target": target, "starts_on": start, "ends_on": end,
                                     "baseline": baseline})


def baseline_on(con, metric: str, start: date, window: int = DEFAULT_WINDOW, same_reason: bool = False) -> float | None:
    """Return the figure a sprint starting on `start` starts from: `metric` over the DEFAULT_DAYS days
    ending on the start day, the whole workspace (None when there is no data then)."""
    return compare_periods(con, Filters(date_to=start), window, same_reason)["current"].get(metric)


def _finite(value, what: str) -> float:
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number")
    return value
