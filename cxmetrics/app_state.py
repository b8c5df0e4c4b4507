"""The one module where cxmetrics touches Streamlit: the shared connection and cached results.

Results are cached by the data version (which changes with every import or delete) and the
filter values, never by a DataFrame argument, so a new import is seen at the next rerun.
"""

from __future__ import annotations

import streamlit as st

from . import bootstrap
from .db import connect, db_path
from .dimensions import Filters
from .metrics import metrics

CACHE_TTL_SECONDS = 600


@st.cache_resource(show_spinner="Opening the database…")
def _connection(path: str):
    con = connect(path)
    bootstrap.ensure_data(con)
    return con


def cursor():
    """Return a cursor on the shared connection (a cursor per call: DuckDB cursors are not shared across threads)."""
    return _connection(str(db_path())).cursor()


def data_version() -> str:
    """Return a token that changes whenever an import lands or is deleted."""
    row = cursor().execute(
        "SELECT coalesce(max(import_id), 0), count(deleted_at) FROM imports"
    ).fetchone()
    return f"{row[0]}-{row[1]}"


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_metrics(version: str, by: str | None, filters: Filters, window: int, same_reason: bool) -> dict:
    """Return the metric engine's result for these arguments (version keys the cache only)."""
    return metrics(cursor(), by, filters, window, same_reason)
