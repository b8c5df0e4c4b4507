"""The sidebar every page shares: dates (the one period of every figure), channel, reason, one segment,
window W, same reason."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from cxmetrics import app_state
from cxmetrics.store.dimensions import Filters
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.periods import DEFAULT_DAYS
from cxmetrics.engine.url_state import MAX_WINDOW, Scope, filter_notices

NO_SEGMENT = "(none)"
PERIOD_TAG = "flt_period"  # the period the date inputs were last set to


def sidebar_filters() -> Scope:
    """Draw the shared filters and return the scope they set (also written into the URL)."""
    current = app_state.chosen_scope()
    # On the page, above its figures: what the link asked for that this view cannot show.
    for notice in app_state.url_notices():
        st.warning(escape_markdown(notice), icon=":material/link_off:")
    version = app_state.data_version()
    dimensions = dict(app_state.cached_dimensions(version))
    if app_state.link_followed():
        _show_link(current, dimensions, version)
    f = current.filters
    period = app_state.shown_period()
    _show_period(period)
    unknown: list[str] = []  # what a link asked for that this workspace does not have
    with st.sidebar:
        st.subheader("Filters")
        date_from = st.date_input("From", value=None, key="flt_from", format="YYYY-MM-DD")
        date_to = st.date_input("To", value=None, key="flt_to", format="YYYY-MM-DD",
                                help="Both days included; every page uses these dates. Without dates chosen, "
                                     f"the last {DEFAULT_DAYS} days of this workspace's data.")
        if (date_from, date_to) == (period.date_from, period.date_to):
            date_from, date_to = f.date_from, f.date_to  # untouched: keep what was chosen (None: the default)
        if period.chosen:
            st.button(f"Last {DEFAULT_DAYS} days of data", key="flt_default_period", on_click=app_state.reset_period,
                      icon=":material/history:", help="Forget the chosen dates.")
        channels = _multi("Channel", "channel", f.channels, dimensions, version, "flt_channel",
                          ("channel", "channels"), unknown)
        reasons = _multi("Contact reason", "contact_reason", f.reasons, dimensions, version, "flt_reason",
                         ("contact reason", "contact reasons"), unknown)
        segment_names = [NO_SEGMENT] + [d for d in dimensions if d not in ("channel", "contact_reason")]
        segment = st.selectbox(
            "Segment", segment_names,
            index=segment_names.index(f.segment) if f.segment in segment_names else 0,
            key="flt_segment", help="Any customer attribute or extra contact column; pick values below.",
        )
        segment = None if segment == NO_SEGMENT else segment
        segment_values = (
            _multi(f"{escape_markdown(segment)} is", segment, f.segment_values if segment == f.segment else (),
                   dimensions, version, f"flt_segment_values_{segment}", (f"{segment} value", f"{segment} values"), unknown)
            if segment else ()
        )
        st.subheader("Definitions")
        window = st.number_input(
            "Repeat window W (days)", min_value=1, max_value=MAX_WINDOW, value=current.window, key="flt_window",
            help="A contact is a repeat when the same customer's previous contact started at most W days before.",
        )
        same_reason = st.toggle(
            "Same reason only", value=current.same_reason, key="flt_same_reason",
            help="Count a repeat (and judge FCR) only against contacts with the same contact reason.",
        )
    for notice in unknown:  # said on the page, not in the sidebar where the filter is
        st.warning(escape_markdown(notice), icon=":material/link_off:")
    if date_from and date_to and date_from > date_to:
        st.sidebar.warning("'From' is after 'To': the dates are left as they were.")
        date_from, date_to = f.date_from, f.date_to
    new = replace(
        current,
        filters=Filters(date_from, date_to, tuple(channels), tuple(reasons), segment, tuple(segment_values)),
        window=int(window),
        same_reason=bool(same_reason),
    )
    app_state.set_scope(new)
    return new


def _show_period(period) -> None:
    """Put the shown period into the date inputs whenever it changes (another workspace, new data, a
    reset, a link), so they always show the days every figure covers."""
    tag = (app_state.workspace().name, period.date_from, period.date_to)
    if st.session_state.get(PERIOD_TAG) != tag:
        st.session_state["flt_from"], st.session_state["flt_to"] = period.date_from, period.date_to
        st.session_state[PERIOD_TAG] = tag


def _show_link(scope: Scope, dimensions: dict, version: str) -> None:
    """Set the widgets to the filters of a link just followed (an action on the Overview): a widget keeps
    the value the browser last sent unless it is set, and only values the data has can be shown."""
    f = scope.filters
    for key, name, chosen in (("flt_channel", "channel", f.channels), ("flt_reason", "contact_reason", f.reasons)):
        options = app_state.cached_values(version, name) if name in dimensions else []
        st.session_state[key] = [v for v in chosen if v in options]
    st.session_state["flt_window"], st.session_state["flt_same_reason"] = scope.window, scope.same_reason
    st.session_state.pop(PERIOD_TAG, None)  # _show_period puts the link's period into the date inputs


def _multi(label: str, name: str, chosen, dimensions: dict, version: str, key: str, words: tuple[str, str],
           unknown: list[str]) -> list[str]:
    """Draw one multi-select filter; values chosen (by a link) that the workspace does not have are
    added to `unknown` to be said on the page, not dropped silently (`words`: the filter's name, one and several)."""
    if name not in dimensions:
        return []
    options = app_state.cached_values(version, name)
    default = [v for v in chosen if v in options]
    if notice := filter_notices(tuple(chosen), options, *words):
        unknown.append(notice)
    return st.multiselect(label, options, default=default, key=key, placeholder="All")
