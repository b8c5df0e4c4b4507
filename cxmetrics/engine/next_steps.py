"""What to do next: at most three actions drawn from the data, each with the page and filter that shows it.

1. The driver that costs most: the contact reason whose NPS costs the whole base the most points
   (segments.driver_impact), among those whose gap to the rest is significant; with its interval.
2. The worst FCR: the contact reason with the lowest contact FCR among those significantly below
   the rest (segments.segment_gaps: 95 % interval, Benjamini–Hochberg across the reasons).
3. Overdue follow-ups: cases not closed whose due day has passed (sql/loop/overdue_cases.sql).
A driver or a reason that could be noise, or has fewer than 30 observations, is never an action.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..store.db import run
from ..core.definitions import DEFINITIONS
from ..store.dimensions import Filters
from ..rollups.loop_rollups import case_slots

MAX_STEPS = 3
REASONS_PAGE = "views/contact_reasons.py"
LOOP_PAGE = "views/close_the_loop.py"
NOTHING_TO_DO = ("Nothing stands out: no contact reason costs significantly more than the rest, none has "
                 "contact FCR significantly below the rest, and no follow-up is overdue.")


@dataclass(frozen=True)
class NextStep:
    """One action: what it is (`kind`), the sentence saying why, and where to see it: a page with
    `reasons` as its contact-reason filter (none: the filters as they are)."""

    kind: str  # "driver", "fcr" or "overdue"
    text: str
    page: str
    link: str
    reasons: tuple[str, ...] = ()


def driver_step(drivers: pd.DataFrame | None, metric: str = "nps", by: str = "contact_reason") -> NextStep | None:
    """Return the costliest significant driver (driver_impact's frame, biggest first), or None."""
    if drivers is None or drivers.empty:
        return None
    found = drivers[(drivers["impact"] > 0) & drivers["significant"].astype(bool) & ~drivers["too_few"].astype(bool)]
    if found.empty:
        return None
    row = found.iloc[0]
    label = DEFINITIONS[metric].label
    unit = "points" if metric == "nps" else "percentage points"
    name = str(row[by])
    text = (f"Work on {name}: it costs {row['impact']:.1f} {label} {unit} overall (95 % interval "
            f"{row['impact_low']:.1f} to {row['impact_high']:.1f}); customers scored {row['value']:.1f} after it "
            f"against {row['rest_value']:.1f} for everyone else (n = {int(row['n']):,}).")
    return NextStep("driver", text, REASONS_PAGE, f"See {name} on Contact reasons", (name,))


def fcr_step(gaps: pd.DataFrame | None, by: str = "contact_reason") -> NextStep | None:
    """Return the reason with the worst contact FCR among those significantly below the rest
    (segment_gaps' frame on "fcr"), or None."""
    if gaps is None or gaps.empty:
        return None
    found = gaps[gaps["significant"].astype(bool) & (gaps["gap"] < 0) & ~gaps["too_few"].astype(bool)]
    if found.empty:
        return None
    row = found.sort_values(["value", by], kind="stable").iloc[0]
    name = str(row[by])
    text = (f"Fix first-contact resolution for {name}: contact FCR {row['value']:.1f} % against "
            f"{row['rest_value']:.1f} % for the other reasons (gap {row['gap']:+.1f} pts, 95 % interval "
            f"{row['gap_low']:+.1f} to {row['gap_high']:+.1f}; n = {int(row['n']):,}).")
    return NextStep("fcr", text, REASONS_PAGE, f"See {name} on Contact reasons", (name,))


def overdue_step(overdue: int, oldest_due: date | None) -> NextStep | None:
    """Return the overdue follow-ups as an action, or None when none is overdue."""
    if not overdue:
        return None
    cases = "case is" if overdue == 1 else "cases are"
    since = f", the oldest due on {oldest_due.day} {oldest_due:%b %Y}" if oldest_due else ""
    text = f"Follow up: {overdue:,} {cases} past their due day and not closed{since}."
    return NextStep("overdue", text, LOOP_PAGE, "Open the follow-up list")


def next_steps(drivers: pd.DataFrame | None, fcr_gaps: pd.DataFrame | None, overdue: int, oldest_due: date | None) -> list[NextStep]:
    """Return at most MAX_STEPS actions, in the order above; an empty list when none applies."""
    steps = [driver_step(drivers), fcr_step(fcr_gaps), overdue_step(overdue, oldest_due)]
    return [s for s in steps if s is not None][:MAX_STEPS]


def overdue_cases(con, filters: Filters = Filters(), today: date | None = None) -> tuple[int, date | None]:
    """Return (how many follow-up cases in the filters are overdue on `today`, the earliest due day among them)."""
    from .follow_ups import utc_now

    params = {**filters.params(), "today": today or utc_now().date()}
    count, oldest = run(con, "loop/overdue_cases", params, **case_slots(con, filters)).fetchall()[0]
    return int(count), oldest
