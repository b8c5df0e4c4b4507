"""Overview: the headline figures, each with its interval, n and definition."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.dimensions import Filters
from cxmetrics.presentation import kpi_tiles

st.title("How are we doing?")
with st.sidebar:
    window = st.number_input("Repeat window W (days)", min_value=1, max_value=90, value=7, key="window")
    same_reason = st.toggle("Same reason only", value=False, key="same_reason")

result = app_state.cached_metrics(app_state.data_version(), None, Filters(), int(window), bool(same_reason))
columns = st.columns(6)
for column, tile in zip(columns, kpi_tiles(result["overall"], int(window), same_reason)):
    with column:
        st.metric(tile.label, tile.value, help=tile.help)
        note = f"{tile.interval} · n = {tile.n:,}" if tile.interval else f"n = {tile.n:,}"
        st.caption(f"{note} · too few responses" if tile.too_few else note)
