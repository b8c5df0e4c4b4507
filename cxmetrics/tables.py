"""Display tables: engine frames narrowed to the columns a reader needs, named in words, in
reading order. The first column keeps its dimension name so drill-through can find the value."""

from __future__ import annotations

import pandas as pd

REASON_COLUMNS = {
    "contacts": "Contacts",
    "fcr": "FCR %",
    "fcr_n": "FCR judged",
    "repeat_rate": "Repeat %",
    "nps": "NPS",
    "nps_n": "NPS n",
    "csat": "CSAT %",
    "csat_n": "CSAT n",
}
GAP_COLUMNS = {
    "value": "Figure",
    "n": "n",
    "rest_value": "Everyone else",
    "gap": "Gap",
    "gap_low": "Gap low (95 %)",
    "gap_high": "Gap high (95 %)",
    "significant": "Significant",
    "too_few": "Too few",
}
TEAM_COLUMNS = {
    "engagement": "Engagement",
    "engagement_months": "Months",
    "contacts": "Contacts",
    "fcr": "FCR %",
    "repeat_rate": "Repeat %",
    "nps": "NPS",
    "csat": "CSAT %",
    "csat_n": "CSAT n",
}
_COUNTS = {"Contacts", "FCR judged", "NPS n", "CSAT n", "n", "Months"}


def reason_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per value of `by` with volume, FCR, repeats, NPS and CSAT, most contacts first."""
    table = frame[[by, *REASON_COLUMNS]].rename(columns=REASON_COLUMNS)
    return table.sort_values("Contacts", ascending=False).reset_index(drop=True)


def gap_table(gaps: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return the segment gaps as a reader sees them: figure, n, everyone else, gap and its interval."""
    return gaps[[by, *GAP_COLUMNS]].rename(columns=GAP_COLUMNS)


def team_table(teams: pd.DataFrame) -> pd.DataFrame:
    """Return each team's engagement beside its CX figures."""
    return teams[["team", *TEAM_COLUMNS]].rename(columns=TEAM_COLUMNS)


def column_formats(table: pd.DataFrame) -> dict[str, str]:
    """Return printf formats for a display table's numeric columns: counts whole, figures to one decimal."""
    formats = {}
    for column in table.columns:
        if pd.api.types.is_bool_dtype(table[column]) or not pd.api.types.is_numeric_dtype(table[column]):
            continue
        formats[column] = "%d" if column in _COUNTS else "%.1f"
    return formats
