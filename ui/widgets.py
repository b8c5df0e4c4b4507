"""Headline tiles, downloads and drill-through, drawn the same way on every page."""

from __future__ import annotations

import html
import threading

import pandas as pd
import streamlit as st

from cxmetrics import app_state
from cxmetrics.exports import safe_csv
from cxmetrics.presentation import Tile
from cxmetrics.tables import column_formats
from cxmetrics.url_state import Scope
from ui.privacy import masked

GREY = "#8a8a8a"


def kpi_tile(tile: Tile) -> None:
    """Draw one headline figure: value, interval, n, change and target; greyed when n is too small."""
    if tile.too_few:
        # st.metric is always bold; a figure on too few responses must not look like a finding.
        st.markdown(
            f"<div style='color:{GREY}' title='{html.escape(tile.help)}'>{html.escape(tile.label)}<br>"
            f"<span style='font-size:2rem;font-weight:400'>{html.escape(tile.value)}</span></div>",
            unsafe_allow_html=True,
        )
        st.caption(f"too few responses · n = {tile.n:,}")
    else:
        delta_color = "off" if tile.change_good is None else ("normal" if tile.change_good == _rises(tile) else "inverse")
        st.metric(tile.label, tile.value, delta=tile.change or None, delta_color=delta_color, help=tile.help)
        st.caption(f"{tile.interval} · n = {tile.n:,}" if tile.interval else f"n = {tile.n:,}")
    if tile.change_note:
        st.caption(tile.change_note)
    if tile.target:
        st.progress(tile.progress or 0.0, text=tile.target)


def _rises(tile: Tile) -> bool:
    """Return True when the change is upwards (Streamlit colours an upward delta green with 'normal')."""
    return tile.change.startswith("+")


def download(frame: pd.DataFrame, name: str, label: str = "Download CSV") -> None:
    """Offer the frame as a CSV download (formula-like cells neutralised)."""
    st.download_button(label, safe_csv(frame), file_name=f"{name}.csv", mime="text/csv", key=f"dl_{name}",
                       icon=":material/download:")


# Altair's chart-to-JSON step keeps process-wide state (the data transformers registry), and two
# sessions drawing charts at once broke it under load ("dictionary changed size during
# iteration"; altair#3554, streamlit#8409): one chart is turned into JSON at a time.
_ALTAIR = threading.Lock()


def chart(chart_obj, frame: pd.DataFrame, name: str) -> None:
    """Draw an Altair chart full width with a download of the data behind it."""
    # With width="stretch" Streamlit sizes the chart itself and squeezes a tall chart; give it
    # the height the builder chose (one row per category) plus room for the title and axis.
    with _ALTAIR:
        height = chart_obj.to_dict().get("height")
        if isinstance(height, int):
            st.altair_chart(chart_obj, width="stretch", height=height + 170)
        else:
            st.altair_chart(chart_obj, width="stretch")
    download(frame, name, "Download chart data")


def drill_table(frame: pd.DataFrame, *, name: str, by: str, scope: Scope, kind: str = "contacts") -> None:
    """Draw a table whose rows can be selected to show the contacts or responses behind them."""
    config = {column: st.column_config.NumberColumn(column, format=fmt) for column, fmt in column_formats(frame).items()}
    config[by] = st.column_config.TextColumn(by.replace("_", " ").capitalize())
    event = st.dataframe(frame, hide_index=True, on_select="rerun", selection_mode="single-row",
                         key=f"tbl_{name}", column_config=config)
    download(frame, name)
    rows = event.selection.rows if event and event.selection else []
    if rows:
        value = frame.iloc[rows[0]][by]
        # Drill-through is where customer ids and comments appear: the privacy setting masks them.
        behind = masked(app_state.cached_rows_behind(app_state.data_version(), kind, scope, by, value))
        with st.expander(f"The {kind} behind '{value}' ({len(behind):,} shown, newest first)", expanded=True):
            st.dataframe(behind, hide_index=True)
            download(behind, f"{name}_{kind}_behind")
    else:
        st.caption(f"Select a row to see the {kind} behind it.")
