"""Display tables: engine frames narrowed to the columns a reader needs, in reading order, named,
rounded and blank as every table and CSV is (presentation.readable). The first column is the
split-by value, which drill-through reads by position."""

from __future__ import annotations

import pandas as pd

from ..core.presentation import readable

REASON_COLUMNS = ("contacts", "fcr", "fcr_n", "repeat_rate", "nps", "nps_n", "csat", "csat_n")
# Contact reasons' contact-centre table: reported resolution (the agent's record) beside contact FCR
# (the customer's next contact), never one for the other. The n of each figure is in metrics JSON.
CONTACT_CENTRE_COLUMNS = ("contacts", "resolved_rate", "fcr", "fcr_transferred", "fcr_not_transferred",
                          "transfer_rate", "aht_seconds", "asa_seconds", "abandon_rate")
# The n behind each contact-centre figure: a column is shown only when some row has data for it.
_CONTACT_CENTRE_N = {"resolved_rate": "resolved_n", "fcr": "fcr_n", "fcr_transferred": "fcr_transferred_n",
                     "fcr_not_transferred": "fcr_not_transferred_n", "transfer_rate": "transfer_n",
                     "aht_seconds": "aht_n", "asa_seconds": "asa_n", "abandon_rate": "abandon_n"}
# The figures that come from the log's own columns (contact FCR and contacts come from any log).
LOG_MEASURES = ("resolved_rate", "transfer_rate", "aht_seconds", "asa_seconds", "abandon_rate")
GAP_COLUMNS = ("value", "n", "rest_value", "gap", "gap_low", "gap_high", "significant", "too_few")
TEAM_COLUMNS = ("engagement", "engagement_months", "contacts", "fcr", "repeat_rate", "nps", "csat", "csat_n")


def reason_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per value of `by` with volume, FCR, repeats, NPS and CSAT, most contacts first."""
    table = frame.sort_values("contacts", ascending=False, kind="stable")
    return readable(table, keep=[by, *REASON_COLUMNS]).reset_index(drop=True)


def contact_centre_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per value of `by` with the contact-centre measures the data has (a figure no
    row has data for is left out, not shown as a column of blanks), most contacts first."""
    shown = [key for key in CONTACT_CENTRE_COLUMNS
             if key == "contacts" or (len(frame) and frame[_CONTACT_CENTRE_N[key]].fillna(0).gt(0).any())]
    table = frame.sort_values("contacts", ascending=False, kind="stable")
    return readable(table, keep=[by, *shown]).reset_index(drop=True)


def gap_table(gaps: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return the segment gaps as a reader sees them: figure, n, everyone else, gap and its interval,
    the figures rounded as the gap's interval supports."""
    return readable(gaps, keep=[by, *GAP_COLUMNS])


def team_table(teams: pd.DataFrame) -> pd.DataFrame:
    """Return each team's engagement beside its CX figures."""
    return readable(teams, keep=["team", *TEAM_COLUMNS])
