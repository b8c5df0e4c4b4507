"""Downloads: CSV bytes a spreadsheet opens safely."""

from __future__ import annotations

import pandas as pd

# A spreadsheet runs a cell starting with these as a formula (CSV injection); a leading
# apostrophe makes it plain text and is not shown.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return a text value that a spreadsheet will not run as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_csv(frame: pd.DataFrame) -> bytes:
    """Return the frame as UTF-8 CSV (with BOM, so Excel reads accents) with formula-like text neutralised."""
    cleaned = frame.copy()
    for column in cleaned.columns:
        if cleaned[column].dtype == object or pd.api.types.is_string_dtype(cleaned[column]):
            cleaned[column] = cleaned[column].map(neutralise)
    return cleaned.to_csv(index=False).encode("utf-8-sig")
