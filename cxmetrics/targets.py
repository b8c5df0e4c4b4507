"""Targets managers set for the headline metrics, kept in the database."""

from __future__ import annotations

import math

from .db import run
from .definitions import DEFINITIONS


def get_targets(con) -> dict[str, float]:
    """Return {metric: target} for every metric that has one."""
    return dict(run(con, "metrics/targets").fetchall())  # run(): a page's read, retried if out of memory


def set_target(con, metric: str, target: float | None) -> None:
    """Store (or, with None, remove) the target of a metric."""
    if metric not in DEFINITIONS:
        raise ValueError(f"no metric {metric!r}")
    if target is None:
        run(con, "metrics/clear_target", {"metric": metric})
        return
    target = float(target)
    if not math.isfinite(target):
        raise ValueError("a target must be a finite number")
    run(con, "metrics/set_target", {"metric": metric, "target": target})
