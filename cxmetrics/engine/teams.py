"""Teams: each team's CX figures beside its employees' engagement score."""

from __future__ import annotations

import pandas as pd

from ..store.db import run, table_columns
from ..store.dimensions import Filters
from .metrics import DEFAULT_WINDOW, METRIC_FIELDS, metrics_frame


def team_scores(con, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False) -> pd.DataFrame:
    """Return one row per team: engagement (mean over the months in range) and every CX figure."""
    engagement = run(con, "teams/team_engagement", filters.params()).df()
    if "team" not in table_columns(con, "contacts"):
        return engagement.assign(**{f: None for f in METRIC_FIELDS})
    cx = metrics_frame(con, "team", filters, window, same_reason)
    return engagement.merge(cx, on="team", how="outer").sort_values("team").reset_index(drop=True)
