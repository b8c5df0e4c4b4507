"""Downloads: CSV bytes a spreadsheet opens safely."""

from __future__ import annotations

import pandas as pd

from .presentation import figure_text

# A spreadsheet runs a cell starting with these as a formula (CSV injection); "-1+cmd|..." is
# one, so text "-1" is neutralised too. Numbers stored as numbers are left as they are.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return a text value that a spreadsheet will not run as a formula (a leading apostrophe); other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV (with BOM, for Excel) where no cell or header can run as a formula,
    numbers written as the tables show them (presentation.figure_text)."""
    out = frame.copy()
    for name in out.columns:
        if pd.api.types.is_object_dtype(out[name]) or pd.api.types.is_string_dtype(out[name]):
            out[name] = out[name].map(neutralise, na_action="ignore")
        elif pd.api.types.is_float_dtype(out[name]):
            # Written as the table shows it ("67", not "67.0"): after neutralising, so "-3" stays a number.
            out[name] = out[name].map(figure_text, na_action="ignore")
    out.columns = [neutralise(str(c)) for c in out.columns]
    # CRLF line ends: the csv writer then quotes any field holding a CR or LF, which a bare CR needs.
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
