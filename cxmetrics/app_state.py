"""The one module where cxmetrics touches Streamlit: the shared connection, the filter state
that lives in the URL, and the cached results every page reads.

The connection is held only while script runs use it (see held_connection), so a command-line
import can take the database file between runs; a run that finds the file taken waits, saying so.
Once opened (and the sample data loaded into an empty store), the database is locked down: no
file outside this process's upload directory can be read or written through it, and its
configuration cannot be changed back (see db.lock_down and docs/reliability.md).

Results are cached by the data version (which changes with every import or delete) and the
filter values, never by a DataFrame argument, so a new import is seen at the next rerun.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager

import streamlit as st

from .ingest import bootstrap, upload
from .engine import contact_paths, drill, outcomes, periods, segments, teams
from .store import workspaces
from .store.db import DatabaseBusy, UnknownColumn, connect, lock_down, run, writing
from .store.dimensions import (Filters, available_dimensions, dimension_values, resolve_dimension,
                               split_dimensions)
from .engine.customer_story import example_customer
from .store.held_connection import HeldConnection
from .engine.metrics import metric_matrix, metric_trend, metrics, metrics_frame, undated_answers
from .engine.targets import get_targets, set_target
from .engine.touchpoints import customer_contact_span
from .engine.url_state import PAGE_CHOICES, Scope, date_notices, query_from_scope, scope_from_query

CACHE_TTL_SECONDS = 600
SCOPE_KEY = "cx_scope"
URL_NOTICES_KEY = "cx_url_notices"
WORKSPACE_KEY = "cx_workspace"
WORKSPACE_PARAM = "ws"  # ?ws=cx: the workspace a link shows, by name only (never a path)
WORKSPACE_NOTICE = "cx_workspace_notice"
# Query parameters kept beside the shared scope: a page's own (the customer a Customer story link
# opens, its choices: url_state.PAGE_CHOICES) and the workspace.
PAGE_PARAMS = ("customer", WORKSPACE_PARAM, *PAGE_CHOICES)
LINK_PARAM = "link"  # ?link=1: a link the app made (link_query), whose filters replace the session's
LINK_FOLLOWED_KEY = "cx_link_followed"
BUSY_WAIT_SECONDS = 120  # how long a page waits for another program's import before giving up


def _open_store(path: str):
    if _is_lake(path):
        return _open_lake(workspaces.lake_workspace())
    con = connect(path, wait=0)
    try:
        # Only the sample workspace is ever filled with the sample data: a user's workspace starts empty.
        bootstrap.ensure_data(con, with_sample=path == str(workspaces.sample_workspace().path))
        lock_down(con, [upload.upload_root()])
    except BaseException:
        con.close()
        raise
    return con


def _open_lake(lake: workspaces.Workspace):
    """Open the lake workspace (cxmetrics.lake.workspace), locked down as a store is, with its folder
    the one besides the uploads' that its views may read."""
    from .lake.workspace import open_lake

    con = open_lake(lake.path)
    try:
        lock_down(con, [upload.upload_root(), lake.path])
    except BaseException:
        con.close()
        raise
    return con


def _is_lake(path: str) -> bool:
    lake = workspaces.lake_workspace()
    return lake is not None and path == str(lake.path)


_connection = HeldConnection(_open_store, keep_open=_is_lake)


@contextmanager
def _writing():
    """Hold this process's write slot (db.writing) for a change the user makes to the session's
    workspace; a lake workspace is read-only: ReadOnlyLake (a PermissionError) before anything starts."""
    if workspace().lake:
        from .lake.workspace import ReadOnlyLake

        raise ReadOnlyLake()
    with writing():
        yield


# --- workspaces ----------------------------------------------------------------------------------


def workspace() -> workspaces.Workspace:
    """Return this session's workspace: the one chosen (switcher, a load, or `?ws=` on the first run),
    else the default (the user's once it holds data, else the sample, made on first use).

    A name from the URL or the session is only used when it is one of the workspaces present; an
    unknown or hostile one (or one removed since) opens the default, with a notice."""
    if WORKSPACE_KEY not in st.session_state:
        st.session_state[WORKSPACE_KEY] = st.query_params.get(WORKSPACE_PARAM)
    name = st.session_state[WORKSPACE_KEY]
    if name is not None:
        try:
            return workspaces.resolve(name)
        except workspaces.UnknownWorkspace:
            shown = name if workspaces.is_name(name) else "(not a workspace name)"
            st.session_state[WORKSPACE_NOTICE] = f"There is no workspace called {shown}: showing the default one."
    chosen = workspaces.default(user_has_data())
    st.session_state[WORKSPACE_KEY] = chosen.name
    return chosen


def user_has_data() -> bool:
    """Return True when the user's own workspace exists and holds an import."""
    user = workspaces.user_workspace()
    return user.path.is_file() and not bootstrap.is_empty(cursor(user))


def switch_workspace(name: str) -> workspaces.Workspace:
    """Make the workspace called `name` (one of those present) this session's, with the filters that
    belonged to the old one's data (dates, channels, reasons, segment) back at their defaults."""
    chosen = workspaces.resolve(name)
    st.session_state[WORKSPACE_KEY] = chosen.name
    if SCOPE_KEY in st.session_state:
        st.session_state[SCOPE_KEY] = dataclasses.replace(st.session_state[SCOPE_KEY], filters=Filters())
    for key in [k for k in st.session_state if str(k).startswith("flt_")]:
        del st.session_state[key]  # the sidebar's widgets start again from the new workspace's data
    set_scope(chosen_scope())
    return chosen


def workspace_notice() -> str | None:
    """Return (once) why the workspace a link named was not opened."""
    return st.session_state.pop(WORKSPACE_NOTICE, None)


def load_workspace() -> workspaces.Workspace:
    """Return where a file loaded now goes: the session's workspace, or the user's own one when the
    session is looking at the sample (the sample never takes a user's rows)."""
    current = workspace()
    return workspaces.user_workspace() if current.is_sample else current


def after_load(target: workspaces.Workspace) -> bool:
    """Switch this session to the workspace a file was just loaded into (the Data page, after a load);
    return True when it was another workspace."""
    if workspace() == target:
        return False
    switch_workspace(target.name)
    return True


def remove_sample() -> None:
    """Remove the sample workspace (PermissionError unless an analyst is signed in; UnknownWorkspace when
    there is no sample, or no workspace of the user's to show instead)."""
    analyst_name()
    if not user_has_data():
        raise workspaces.UnknownWorkspace("load a file of your own first: the sample is all there is to show")
    sample = workspaces.resolve(workspaces.SAMPLE)
    with writing():
        _connection.clear(str(sample.path))
        workspaces.remove(sample)
    data_changed()
    if st.session_state.get(WORKSPACE_KEY) == sample.name:
        switch_workspace(workspaces.default(True).name)


def cursor(chosen: workspaces.Workspace | None = None):
    """Return a cursor on the shared connection to this session's workspace (or `chosen`), held until this
    script run ends (a cursor per call: DuckDB cursors are not shared across threads).

    While another program writes to the database, show that the page is waiting; after
    BUSY_WAIT_SECONDS, say so and stop the run."""
    notice = []

    def waiting(busy: DatabaseBusy) -> None:
        who = f" ({busy.holder})" if busy.holder else ""
        notice.append(st.empty())
        notice[0].info(
            f"Waiting for the database: another program{who} is writing to it, probably a command-line "
            "import. This page continues as soon as it finishes.",
            icon="⏳",
        )

    from .lake.workspace import LakeWorkspaceError

    try:
        return _connection.cursor(str((chosen or workspace()).path), BUSY_WAIT_SECONDS, waiting)
    except LakeWorkspaceError as problem:
        st.error(f"The lake workspace cannot be opened: {problem}")
        st.stop()
    except DatabaseBusy as busy:
        who = f" ({busy.holder})" if busy.holder else ""
        st.error(
            f"The database is still in use by another program{who} after {BUSY_WAIT_SECONDS} s. "
            "Reload the page when its import has finished."
        )
        st.stop()
    finally:
        if notice:
            notice[0].empty()


def data_version(chosen: workspaces.Workspace | None = None) -> str:
    """Return a token that changes whenever an import lands or is deleted, and differs between
    workspaces: every cached result is keyed by it, so two workspaces never share one."""
    # Through run(): every page run of every session asks this, and beside fifty sessions' scans it
    # once ran out of memory; run() tries such a query again alone.
    target = chosen or workspace()
    if target.lake:  # no import lands in a lake: its files change, by an export or a build
        from .lake.workspace import version

        cursor(target)  # opened first, so a lake that cannot be opened says why
        return f"{target.path}:{version(target.path)}"
    row = run(cursor(target), "import/data_version").fetchall()[0]
    return f"{target.path}:{row[0]}-{row[1]}"


def data_changed() -> None:
    """Forget every cached result after an import, a delete or a new target."""
    st.cache_data.clear()


# --- the shared scope, kept in the URL ----------------------------------------------------------


def scope() -> Scope:
    """Return the scope every figure uses: the session's, with its dates made the shown period (the
    last 28 days of this workspace's data unless dates were chosen), so every page covers the same days."""
    chosen = chosen_scope()
    period = shown_period()
    return dataclasses.replace(chosen, filters=dataclasses.replace(
        chosen.filters, date_from=period.date_from, date_to=period.date_to))


def all_dates(of: Scope) -> Scope:
    """Return `of` without dates: for the figures a page shows over all time (and says so)."""
    return dataclasses.replace(of, filters=dataclasses.replace(of.filters, date_from=None, date_to=None))


def shown_period() -> periods.ShownPeriod:
    """Return the period every figure covers, and where this workspace's data lies."""
    return periods.shown_period(chosen_scope().filters, cached_data_span(data_version()))


def workspace_has_rows() -> bool:
    """Return True when anything was ever imported into this session's workspace (dated or not)."""
    return cached_workspace_has_rows(data_version())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_workspace_has_rows(version: str) -> bool:
    # Asked above every page: once per data version, not on every rerun.
    return not bootstrap.is_empty(cursor())


def period_holds_data(period: periods.ShownPeriod) -> bool:
    """Return True when a contact or a response falls in `period`."""
    return cached_period_holds_data(data_version(), period.date_from, period.date_to)


def chosen_scope() -> Scope:
    """Return the scope of this session as chosen: from the URL on first run (or when a link the app made
    was followed, see link_query), then as the filters set it (dates None: none chosen)."""
    if SCOPE_KEY not in st.session_state or _followed_link():
        params = st.query_params.to_dict() | _lists(st.query_params)
        notices = list(date_notices(params))
        st.session_state[SCOPE_KEY] = _known_segment(scope_from_query(params), notices)
        st.session_state[URL_NOTICES_KEY] = tuple(notices)
    return st.session_state[SCOPE_KEY]


def link_query(of: Scope, reasons: tuple[str, ...] = ()) -> dict[str, str | list[str]]:
    """Return the query parameters of a link (st.page_link) that opens a page with `of`'s filters, its
    contact reasons replaced by `reasons` when given, in this workspace.

    Within a session the filters live in the session, not the URL; LINK_PARAM tells chosen_scope to
    take this link's filters (a copied link opens a new session, which reads them anyway)."""
    if reasons:
        of = dataclasses.replace(of, filters=dataclasses.replace(of.filters, reasons=tuple(reasons)))
    return query_from_scope(of) | {WORKSPACE_PARAM: workspace().name, LINK_PARAM: "1"}


def _followed_link() -> bool:
    """Return True (once) when this run follows a link_query link: its marker is taken out of the URL and
    noted for the sidebar, whose widgets then show the link's filters (see link_followed)."""
    if st.query_params.get(LINK_PARAM) != "1":
        return False
    del st.query_params[LINK_PARAM]
    st.session_state[LINK_FOLLOWED_KEY] = True
    return True


def link_followed() -> bool:
    """Return True (once) when the scope was just taken from a followed link: the filters' widgets, which
    keep their own values, must be set to it."""
    return bool(st.session_state.pop(LINK_FOLLOWED_KEY, False))


def reset_period() -> None:
    """Forget the chosen dates: every page goes back to the last 28 days of this workspace's data."""
    chosen = chosen_scope()
    set_scope(dataclasses.replace(chosen, filters=dataclasses.replace(chosen.filters, date_from=None, date_to=None)))


def go_to_period(date_from, date_to) -> None:
    """Choose the dates `date_from`–`date_to` (a "go to where the data is" button)."""
    chosen = chosen_scope()
    set_scope(dataclasses.replace(chosen, filters=dataclasses.replace(chosen.filters, date_from=date_from,
                                                                      date_to=date_to)))


def url_notices() -> tuple[str, ...]:
    """Return, once, what `chosen_scope()` changed in the link it opened with (dates moved into range)."""
    chosen_scope()
    return st.session_state.pop(URL_NOTICES_KEY, ())


def _known_segment(found: Scope, notices: list[str]) -> Scope:
    """Return the scope with its segment checked against the real schema: a URL naming a column the
    data does not have (an old link, or an edited one) opens without a segment instead of failing,
    and says so in `notices`."""
    if not found.filters.segment:
        return found
    try:
        name = resolve_dimension(cursor(), found.filters.segment).name
    except UnknownColumn:
        shown = found.filters.segment if len(found.filters.segment) <= 60 else found.filters.segment[:60] + "…"
        notices.append(f"The link asked for the segment '{shown}', which this workspace does not have; "
                       "showing all customers.")
        return dataclasses.replace(found, filters=dataclasses.replace(found.filters, segment=None, segment_values=()))
    return dataclasses.replace(found, filters=dataclasses.replace(found.filters, segment=name))


def set_scope(new: Scope) -> None:
    """Make `new` the session's scope and write it into the URL so a copied link reproduces the view."""
    st.session_state[SCOPE_KEY] = new
    # A page's own parameters (the customer a Customer story link opens) are not the scope's to drop.
    current = st.query_params.to_dict() | _lists(st.query_params)
    wanted = query_from_scope(new) | {k: current[k] for k in PAGE_PARAMS if k in current}
    wanted[WORKSPACE_PARAM] = workspace().name  # a copied link opens the same workspace
    if current != wanted:
        st.query_params.from_dict(wanted)


def _lists(params) -> dict:
    # Every parameter that may hold several values: the filters' and the pages' multiple choices.
    many = ("channel", "reason", "segment_value", *(c.param for c in PAGE_CHOICES.values() if c.kind == "many"))
    return {k: params.get_all(k) for k in many if k in params}


# --- cached reads ------------------------------------------------------------------------------


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_data_span(version: str):
    return periods.data_span(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_period_holds_data(version: str, date_from, date_to) -> bool:
    return periods.holds_data(cursor(), periods.ShownPeriod(date_from, date_to, True, None, None))


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_metrics(version: str, by: str | None, scope: Scope) -> dict:
    return metrics(cursor(), by, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_undated_answers(version: str) -> dict:
    return undated_answers(cursor())


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
    return drill.rows_behind(cursor(), kind, scope.filters, by, value, scope.window,
                             same_reason=scope.same_reason).drop(columns="rows_in_total")


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_rows_picked(version: str, kind: str, scope: Scope, pick: drill.Pick, measure: str | None):
    return drill.rows_picked(cursor(), kind, pick, scope.filters, measure, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_dimensions(version: str) -> list[tuple[str, str]]:
    return [(d.name, d.table) for d in available_dimensions(cursor())]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_split_dimensions(version: str) -> list[tuple[str, str]]:
    return [(d.name, d.table) for d in split_dimensions(cursor())]


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_values(version: str, name: str) -> list[str]:
    return dimension_values(cursor(), name)


def targets() -> dict[str, float]:
    """Return the stored targets (read fresh: they are few and edited in place)."""
    return get_targets(cursor())


def save_target(metric: str, value: float | None, start=None, end=None, of: Scope | None = None) -> None:
    """Store a target (with `start`, as a sprint to `end` from the figure on the start day, computed with
    `of`'s repeat settings) and forget cached results that show it. PermissionError unless an analyst is
    signed in; ValueError when the sprint cannot be (nothing stored)."""
    from .engine.targets import baseline_on

    analyst_name()
    con = cursor()
    of = of or Scope()
    baseline = baseline_on(con, metric, start, of.window, of.same_reason) if start and value is not None else None
    with _writing():
        set_target(con, metric, value, start, end, baseline)
    data_changed()


def target_plans() -> dict:
    """Return the stored targets as sprints ({metric: status.Target}; read fresh, as targets())."""
    from .engine.targets import get_target_plans

    return get_target_plans(cursor())


# --- the huddle screen -------------------------------------------------------------------------
# The screen refreshes all day: its results are keyed by the data version and bounded in number,
# so a day of refreshes keeps at most HUDDLE_CACHE_ENTRIES panels, never one per refresh.

HUDDLE_CACHE_ENTRIES = 32


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=HUDDLE_CACHE_ENTRIES, show_spinner=False)
def cached_huddle_panel(version: str, panel: str, scope: Scope, days: int, metric: str,
                        targets: tuple[tuple, ...]) -> dict:
    from .engine.huddle import panel_data
    from .engine.status import Target

    plans = {t[0]: Target(*t) for t in targets}  # (metric, target, start, end, baseline)
    return panel_data(cursor(), panel, scope.filters, scope.window, scope.same_reason, days, metric, plans)


# --- closing the loop, customer story, touchpoint map ------------------------------------------
# Follow-up edits and outer-loop actions change no import, so results showing them are keyed by
# loop_version() as well as the data version: a saved edit is seen at the next rerun.


def loop_version() -> str:
    """Return the token of the follow-up and action state (read fresh: one cheap query)."""
    from .engine.follow_ups import loop_version as version

    return version(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_follow_up_list(version: str, loop: str, scope: Scope, statuses: tuple[str, ...], today, limit: int):
    from .engine.follow_ups import follow_up_list

    return follow_up_list(cursor(), scope.filters, statuses, today=today, limit=limit)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_follow_up_metrics(version: str, loop: str, by: str, scope: Scope, target_hours: float, now):
    from .engine.follow_ups import follow_up_metrics

    return follow_up_metrics(cursor(), by, scope.filters, target_hours, now)


def next_steps(of: Scope) -> list:
    """Return what to do next in `of` (cxmetrics.engine.next_steps): at most three actions, each with its page."""
    from .engine.follow_ups import utc_now
    from .engine.next_steps import next_steps as steps

    version = data_version()
    if "contact_reason" in dict(cached_dimensions(version)):
        drivers = cached_drivers(version, "nps", "contact_reason", of)
        gaps = cached_gaps(version, "fcr", "contact_reason", of)
    else:  # a log without reasons has no reason to point at
        drivers = gaps = None
    overdue, oldest = cached_overdue(version, loop_version(), of, utc_now().date())
    return steps(drivers, gaps, overdue, oldest)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_overdue(version: str, loop: str, scope: Scope, today):
    from .engine.next_steps import overdue_cases

    return overdue_cases(cursor(), scope.filters, today)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_case_history(version: str, loop: str, case_ids: tuple[str, ...]):
    from .engine.follow_ups import case_history

    return case_history(cursor(), case_ids)


def save_follow_ups(changes) -> int:
    """Store follow-up edits (all or none; FollowUpError says why none); return how many cases changed.

    PermissionError unless an analyst is signed in: the page hides the controls, this is the check."""
    from .engine.follow_ups import save_follow_ups as save

    analyst_name()
    con = cursor()
    with _writing():
        return save(con, changes)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_action_effects(version: str, loop: str, voice: str, scope: Scope):
    """Before/after figures of every action; `voice` (voice_version(), which also brings the theme
    mentions up to date in the write slot) keys theme actions to the comments and dictionary."""
    from .engine.loop_actions import action_effects

    return action_effects(cursor(), scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_loop_actions(version: str, loop: str):
    from .engine.loop_actions import list_actions

    return list_actions(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_subjects(version: str, kind: str) -> list[str]:
    from .engine.loop_actions import subjects

    return subjects(cursor(), kind)


def save_loop_action(action, action_id: int | None = None) -> int:
    """Add an outer-loop action (or change action `action_id`); return its id. ActionError says why not;
    PermissionError unless an analyst is signed in."""
    from .engine.loop_actions import add_action, update_action

    analyst_name()
    con = cursor()
    with _writing():
        if action_id is None:
            return add_action(con, action)
        update_action(con, action_id, action)
        return action_id


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_story(version: str, loop: str, customer_id: str, window: int, same_reason: bool):
    from .engine.customer_story import customer_story

    return customer_story(cursor(), customer_id, window, same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_recent_detractors(version: str, loop: str, limit: int):
    from .engine.customer_story import recent_detractors

    return recent_detractors(cursor(), limit)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_customer_contact_span(version: str):
    return customer_contact_span(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_example_customer(version: str) -> str | None:
    return example_customer(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_journey_flow(version: str, kind: str, scope: Scope):
    from .engine.touchpoints import journey_flow

    return journey_flow(cursor(), kind, scope.filters, scope.window, scope.same_reason)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_journey_paths(version: str, kind: str, scope: Scope, limit: int = 15):
    from .engine.touchpoints import journey_paths

    return journey_paths(cursor(), kind, scope.filters, scope.window, limit=limit)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_channel_roles(version: str) -> dict[str, str]:
    from .engine.touchpoints import channel_roles

    return channel_roles(cursor())


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=8, show_spinner=False)
def cached_report_model(version: str, loop: str, scope: Scope, targets: tuple[tuple[str, float], ...], now):
    """The report of the shown period (cxmetrics.engine.report), keyed by the data and follow-up state."""
    from .engine.report import report_model

    return report_model(cursor(), scope.filters, scope.window, scope.same_reason, dict(targets), now)


# --- the voice of the customer ------------------------------------------------------------------
# Theme results follow the comments and the theme dictionary: their cache key is voice_version(),
# which changes with either. The stored mentions and sentiments are brought up to date (a write)
# in this process's one write slot before any cached theme read.


def voice_version() -> str:
    """Return a token that changes whenever the comments or the theme dictionary change."""
    from .engine import themes
    from .store.db import run

    con = cursor()
    comments, dictionary = run(con, "voice/facts_token").fetchall()[0]
    with writing():
        themes.ensure_facts(con)
    return f"{workspace().path}:{comments}|{dictionary}"


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_comments(version: str, scope: Scope, query, limit: int):
    from .engine.voice import comments

    return comments(cursor(), scope.filters, query, limit)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_theme_summary(version: str, scope: Scope):
    from .engine.voice import theme_summary

    return theme_summary(cursor(), scope.filters)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_theme_drivers(version: str, metric: str, scope: Scope):
    from .engine.voice import theme_drivers

    return theme_drivers(cursor(), metric, scope.filters)


@st.cache_data(ttl=CACHE_TTL_SECONDS, show_spinner=False)
def cached_theme_trend(version: str, scope: Scope):
    from .engine.voice import theme_trend

    return theme_trend(cursor(), scope.filters)


def theme_dictionary():
    """Return the theme dictionary (read fresh: the editor shows what is stored)."""
    from .engine.themes import dictionary

    return dictionary(cursor())


def save_theme_dictionary(rows) -> int:
    """Replace the theme dictionary with `rows`; return keywords stored (ThemeError: nothing changed;
    PermissionError unless an analyst is signed in)."""
    from .engine.themes import ensure_facts, save_dictionary

    analyst_name()
    con = cursor()
    with _writing():
        stored = save_dictionary(con, rows)
        ensure_facts(con)
    return stored


def add_theme_keyword(theme: str, pattern: str, language: str):
    """Add one keyword to the theme dictionary; return it (ThemeError: nothing changed; PermissionError
    unless an analyst is signed in)."""
    from .engine.themes import add_keyword, ensure_facts

    analyst_name()
    con = cursor()
    with _writing():
        keyword = add_keyword(con, theme, pattern, language)
        ensure_facts(con)
    return keyword


def try_theme_pattern(pattern: str):
    """Return the newest comments a keyword would tag (ThemeError when it is not a valid pattern)."""
    from .engine.themes import pattern_matches

    return pattern_matches(cursor(), pattern)


# --- who is using the app (rules in cxmetrics.core.access; the gate is ui/access.py) -----------------
USER_KEY = "cx_user"


def _new_throttle():
    from .core.access import SignInThrottle

    return SignInThrottle()


_sign_in_throttle = _new_throttle()  # one per server process: every session's wrong passwords


def access_config():
    """Return the sign-in settings from `.streamlit/secrets.toml` and the environment.

    Raises access.AccessConfigError when they cannot be used, including a secrets file that
    exists but does not parse: a typo must not quietly turn sign-in off on a shared server."""
    from streamlit.errors import StreamlitSecretNotFoundError

    from .core import access

    try:
        secrets = st.secrets.to_dict()
    except StreamlitSecretNotFoundError as exc:
        if getattr(exc, "error_id", None) != "no-secrets-found":
            raise access.AccessConfigError(f"secrets.toml cannot be read: {str(exc).splitlines()[0]}") from None
        secrets = {}
    return access.load_config(secrets)


def current_user():
    """Return who is using this session (access.User), or None when sign-in is on and nobody is signed in.

    With sign-in off (nothing configured) everyone is access.LOCAL_USER, an analyst."""
    from .core import access

    config = access_config()
    if config.mode == "off":
        return access.LOCAL_USER
    if config.mode == "oidc":
        if not st.user.get("is_logged_in"):  # absent until Streamlit has seen [auth]
            return None
        return access.oidc_user(config, st.user.get("email"), st.user.get("email_verified"))
    held = st.session_state.get(USER_KEY)
    # A session signed in with a password that has since been changed is signed out.
    if held and held[1] == (config.analyst_hash if held[0].is_analyst else config.viewer_hash):
        return held[0]
    st.session_state.pop(USER_KEY, None)
    return None


def password_sign_in(password: str, name: str = "") -> tuple[object | None, float]:
    """Return (the signed-in user or None, seconds to wait before the next try) for a shared password.

    Wrong passwords are counted per client address for the whole server process
    (`_sign_in_throttle`), not per browser session, so a reload does not reset the wait."""
    import time

    from .core import access

    config = access_config()
    client = client_address()
    wait = _sign_in_throttle.wait(client, time.monotonic())
    if wait:
        return None, wait
    user = access.password_user(config, password, name)
    if user is None:
        return None, _sign_in_throttle.failed(client, time.monotonic())
    _sign_in_throttle.succeeded(client)
    st.session_state[USER_KEY] = (user, config.analyst_hash if user.is_analyst else config.viewer_hash)
    return user, 0.0


def client_address() -> str | None:
    """Return the address of this session's browser, or None when Streamlit does not know it.

    Streamlit reports None for loopback; behind a reverse proxy every client has the proxy's
    address. Either way the sign-in throttle then counts for the whole server."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - no client context (a bare script run): count server-wide
        return None
    return address if isinstance(address, str) and address else None  # AppTest's runtime is a mock


def password_sign_out() -> None:
    """Forget this session's password sign-in."""
    st.session_state.pop(USER_KEY, None)


def analyst_name() -> str:
    """Return the name the audit log records for a change; raise PermissionError unless an analyst is signed in.

    Pages hide analyst actions from viewers; this is the check behind them, at the moment of the change."""
    from .core import access

    try:
        user = current_user()
    except access.AccessConfigError as exc:
        raise PermissionError(str(exc)) from None
    if user is None or not user.is_analyst:
        raise PermissionError("only analysts can change data")
    return user.name


# --- saved views (cxmetrics.engine.saved_views): a page and its link, kept in the session's workspace ---


def saved_views():
    """Return this workspace's saved views (read fresh: few, and changed from the sidebar)."""
    from .engine.saved_views import list_views

    return list_views(cursor())


def saved_view(name: str):
    """Return the saved view called `name` in this workspace (saved_views.ViewError when there is none)."""
    from .engine.saved_views import get_view

    return get_view(cursor(), name)


def save_view(name: str, page: str):
    """Save this page as it is seen now (its link: filters and the page's choices) as view `name` of this
    workspace; return it. ViewError says why not (nothing saved); PermissionError unless an analyst is
    signed in (viewers open views, analysts make them)."""
    from .engine.saved_views import save_view as save

    actor = analyst_name()
    current = st.query_params.to_dict() | _lists(st.query_params)
    con = cursor()
    with _writing():
        return save(con, name, page, current, actor)


def rename_view(old: str, new: str) -> str:
    """Rename saved view `old` to `new`; return the new name (ViewError says why not; PermissionError
    unless an analyst is signed in)."""
    from .engine.saved_views import rename_view as rename

    actor = analyst_name()
    con = cursor()
    with _writing():
        return rename(con, old, new, actor)


def delete_view(name: str) -> None:
    """Delete saved view `name` of this workspace (PermissionError unless an analyst is signed in)."""
    from .engine.saved_views import delete_view as delete

    actor = analyst_name()
    con = cursor()
    with _writing():
        delete(con, name, actor)


def forget_scope() -> None:
    """Forget the session's filters, so the next run reads them from the URL (a saved view opening)."""
    st.session_state.pop(SCOPE_KEY, None)
    st.session_state.pop(URL_NOTICES_KEY, None)
    for key in [k for k in st.session_state if str(k).startswith("flt_")]:
        del st.session_state[key]
