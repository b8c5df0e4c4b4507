"""The one module where cxmetrics touches Streamlit: the shared connection, the filter state
that lives in the URL, and the cached results every page reads.

Results are cached by the data version (which changes with every import or delete) and the
filter values, never by a DataFrame argument, so a new import is seen at the next rerun.
"""

from __future__ import annotations

import streamlit as st

from . import bootstrap, contact_paths, drill, outcomes, periods, segments, teams
from .db import connect, db_path
from .dimensions import available_dimensions, dimension_values
from .metrics import metric_matrix, metric_trend, metrics, metrics_frame
from .targets import get_targets, set_target
from .url_state import Scope, query_from_scope, scope_from_query

CACHE_TTL_SECONDS = 600
SCOPE_KEY = "cx_scope"


@st.cache_resource(show_spinner="Opening the database…")
def _connection(path: str):
    con = connect(path)
    bootstrap.ensure_data(con)
    return con


def cursor():
    """Return a cursor on the shared connection (a cursor per call: DuckDB cursors are not shared across threads)."""
    return _connection(str(db_path())).cursor()


def data_version() -> str:
    """Return a token that changes whenever an import lands or is deleted (and differs between databases)."""
    row = cursor().execute("SELECT coalesce(max(import_id), 0), count(deleted_at) FROM imports").fetchall()[0]
    return f"{db_path()}:{row[0]}-{row[1]}"


def data_changed() -> None:
    """Forget every cached result after an import, a delete or a new target."""
    st.cache_data.clear()


# --- the shared scope, kept in the URL ----------------------------------------------------------


def scope() -> Scope:
    """Return the scope of this session: from the URL on first run, then as the filters set it."""
    if SCOPE_KEY not in st.session_state:
        st.session_state[SCOPE_KEY] = scope_from_query(st.query_params.to_dict() | _lists(st.query_params))
    return st.session_state[SCOPE_KEY]


def set_scope(new: Scope) -> None:
    """Make `new` the session's scope and write it into the URL so a copied link reproduces the view."""
    st.session_state[SCOPE_KEY] = new
    wanted = query_from_scope(new)
    if (st.query_params.to_dict() | _lists(st.query_params)) != wanted:
        st.query_params.from_dict(wanted)


def _lists(params) -> dict:
    return {k: params.get_all(k) for k in ("channel", "reason", "segment_value") if k in params}


# --- cached reads ------------------------------------------------------------------------------


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_metrics(version: str, by: str | None, scope: Scope) -> dict:
    return metrics(cursor(), by, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_metrics_frame(version: str, by: str, scope: Scope):
    return metrics_frame(cursor(), by, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_matrix(version: str, rows: str, columns: str, metric: str, scope: Scope):
    return metric_matrix(cursor(), rows, columns, metric, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_trend(version: str, grain: str, scope: Scope):
    return metric_trend(cursor(), grain, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_comparison(version: str, scope: Scope, days: int) -> dict:
    return periods.compare_periods(cursor(), scope.filters, scope.window, scope.same_reason, days)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_gaps(version: str, metric: str, by: str, scope: Scope):
    return segments.segment_gaps(cursor(), metric, by, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_drivers(version: str, metric: str, by: str, scope: Scope):
    return segments.driver_impact(cursor(), metric, by, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_outcomes(version: str, by: str | None, scope: Scope) -> dict:
    return outcomes.outcomes(cursor(), by, scope.window, scope.same_reason, scope.filters)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_outcome_trend(version: str, scope: Scope):
    return outcomes.outcome_trend(cursor(), scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_repeat_paths(version: str, by: str, scope: Scope):
    return contact_paths.repeat_paths(cursor(), by, scope.filters, scope.window)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_self_service(version: str, by: str, scope: Scope) -> dict:
    return contact_paths.self_service_failures(cursor(), by, scope.filters)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_teams(version: str, scope: Scope):
    return teams.team_scores(cursor(), scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_rows_behind(version: str, kind: str, scope: Scope, by: str | None, value):
    return drill.rows_behind(cursor(), kind, scope.filters, by, value, scope.window)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_dimensions(version: str) -> list[tuple[str, str]]:
    return [(d.name, d.table) for d in available_dimensions(cursor())]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_values(version: str, name: str) -> list[str]:
    return dimension_values(cursor(), name)


def targets() -> dict[str, float]:
    """Return the stored targets (read fresh: they are few and edited in place)."""
    return get_targets(cursor())


def save_target(metric: str, value: float | None) -> None:
    """Store a target and forget cached results that show it."""
    set_target(cursor(), metric, value)
    data_changed()
