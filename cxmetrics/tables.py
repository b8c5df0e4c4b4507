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
# Contact reasons' contact-centre table: reported resolution (the agent's record) beside contact FCR
# (the customer's next contact), never one for the other. The n of each figure is in metrics JSON.
CONTACT_CENTRE_COLUMNS = {
    "contacts": "Contacts",
    "resolved_rate": "Reported resolution %",
    "fcr": "Contact FCR %",
    "fcr_transferred": "Contact FCR, transferred %",
    "fcr_not_transferred": "Contact FCR, not transferred %",
    "transfer_rate": "Transferred %",
    "aht_seconds": "Handle time (s)",
    "asa_seconds": "Speed of answer (s)",
    "abandon_rate": "Abandoned %",
}
# The n behind each contact-centre figure: a column is shown only when some row has data for it.
_CONTACT_CENTRE_N = {"resolved_rate": "resolved_n", "fcr": "fcr_n", "fcr_transferred": "fcr_transferred_n",
                     "fcr_not_transferred": "fcr_not_transferred_n", "transfer_rate": "transfer_n",
                     "aht_seconds": "aht_n", "asa_seconds": "asa_n", "abandon_rate": "abandon_n"}
# The figures that come from the log's own columns (contact FCR and contacts come from any log).
LOG_MEASURES = ("resolved_rate", "transfer_rate", "aht_seconds", "asa_seconds", "abandon_rate")
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


def contact_centre_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per value of `by` with the contact-centre measures the data has (a figure no
    row has data for is left out, not shown as a column of blanks), most contacts first."""
    shown = [key for key in CONTACT_CENTRE_COLUMNS
             if key == "contacts" or (len(frame) and frame[_CONTACT_CENTRE_N[key]].fillna(0).gt(0).any())]
    table = frame[[by, *shown]].rename(columns=CONTACT_CENTRE_COLUMNS)
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
