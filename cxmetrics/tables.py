"""Display tables: engine frames narrowed to the columns a reader needs, in reading order."""

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


def reason_table(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return one row per value of `by` with volume, FCR, repeats, NPS and CSAT, most contacts first."""
    table = frame[[by, *REASON_COLUMNS]].rename(columns=REASON_COLUMNS)
    return table.sort_values("Contacts", ascending=False).reset_index(drop=True)


def column_formats() -> dict[str, str]:
    """Return printf formats for the display columns (one decimal for rates)."""
    return {label: ("%.1f" if label.endswith("%") or label == "NPS" else "%d") for label in REASON_COLUMNS.values()}
