"""The one period every figure covers, said at the top of each page; and, when it holds no data,
where the data is, with a button to go there."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from cxmetrics import app_state
from cxmetrics.engine.periods import DEFAULT_DAYS, period_sentence, span_text


# Pages whose figures do not follow the date range, and why (said where the period line would be).
ALL_TIME = {
    "Customer story": "The date range does not apply here: a customer's story is their whole history.",
}


def period_line(page: str) -> None:
    """Say which days every figure of the page covers; when none of them holds a contact or a
    response, say where the workspace's data is and offer to show it."""
    if page in ALL_TIME:
        st.caption(f":material/date_range: {ALL_TIME[page]}")
        return
    period = app_state.shown_period()
    st.caption(f":material/date_range: Every figure on this page: "
               f"{period_sentence(period, has_rows=app_state.workspace_has_rows())}.")
    if period.first_day is None or app_state.period_holds_data(period):
        return
    st.warning(f"No contacts or responses in {span_text(period.date_from, period.date_to)}. This workspace's "
               f"data runs {span_text(period.first_day, period.last_day)}.", icon=":material/event_busy:")
    start = max(period.first_day, period.last_day - timedelta(days=DEFAULT_DAYS - 1))
    st.button(f"Show the last {DEFAULT_DAYS} days of data ({span_text(start, period.last_day)})", key="period_go",
              on_click=app_state.reset_period, type="primary")
