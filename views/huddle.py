"""Huddle: a full-screen, high-contrast view that rotates through the panels the URL names."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.engine.huddle import settings_from_query
from ui.huddle import draw_huddle

query = st.query_params.to_dict() | {"panels": st.query_params.get_all("panels")}
draw_huddle(settings_from_query(query), app_state.chosen_scope())  # its own days (`days=`), not the sidebar's period
