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
        con.execute("DELETE FROM targets WHERE metric = $m", {"m": metric})
        return
    target = float(target)
    if not math.isfinite(target):
        raise ValueError("a target must be a finite number")
    con.execute(
        "INSERT OR REPLACE INTO targets VALUES ($m, $t, current_timestamp::TIMESTAMP)", {"m": metric, "t": target}
    )
