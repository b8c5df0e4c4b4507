"""The size of the slow tests (marked `slow`): bigger property and stress runs, which every run, CI's
included, runs at the size CXMETRICS_TEST_SCALE asks for.

CXMETRICS_TEST_SCALE is a positive number multiplying each slow test's example count or data size;
unset it is 1, the small size that keeps the suite within its time budget. A larger scale (e.g. 4,
the size these tests ran at before they had a scale) searches harder before a release or after a
change to the engine: `CXMETRICS_TEST_SCALE=4 python -m pytest -q -m slow`.
"""

from __future__ import annotations

import os

VARIABLE = "CXMETRICS_TEST_SCALE"


def scale() -> float:
    """Return CXMETRICS_TEST_SCALE as a positive number (1 when unset); refuse anything else in one line."""
    raw = os.environ.get(VARIABLE, "").strip()
    if not raw:
        return 1.0
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"{VARIABLE}={raw!r} is not a positive number")
    return value


def scaled(small: int, minimum: int = 1) -> int:
    """Return `small` (the size at scale 1) times the scale, rounded, never below `minimum`."""
    return max(minimum, round(small * scale()))
