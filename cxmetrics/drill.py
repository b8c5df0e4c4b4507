"""Drill-through: the contacts and responses behind a figure, at most 5,000 rows."""

from __future__ import annotations

import pandas as pd

from .db import run
from .dimensions import NO_DIMENSION, Filters, resolve_dimension
from .metrics import DEFAULT_WINDOW

MAX_ROWS = 5000


def rows_behind(
    con, kind: str, filters: Filters = Filters(), by: str | None = None, value=None,
    window: int = DEFAULT_WINDOW, limit: int = MAX_ROWS,
) -> pd.DataFrame:
    """Return the contacts or responses (kind) in the filters whose `by` value equals `value`, newest first."""
    if kind not in ("contacts", "responses"):
        raise ValueError(f"drill-through shows contacts or responses, not {kind!r}")
    dimension = resolve_dimension(con, by).sql if by else NO_DIMENSION
    params = {**filters.params(), "value": None if value is None else str(value), "window": int(window),
              "limit": min(int(limit), MAX_ROWS)}
    return run(con, f"drill/{kind}", params, dimension=dimension, segment=filters.segment_sql(con)).df()
