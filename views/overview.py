"""Overview: how we are doing, where it is worst, and whether it is getting better."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.charts import trend_chart
from cxmetrics.definitions import DEFINITIONS
from cxmetrics.narrative import driver_sentences, empty_figure_notes, period_caption
from cxmetrics.presentation import (CONTACT_CENTRE_KEYS, INTERVAL_FIELDS, KPI_KEYS, N_FIELD, contact_centre_tiles,
                                    kpi_tiles)
from ui.access import analysts_only
from ui.choices import url_widget
from ui.widgets import chart, kpi_tile

scope = app_state.scope()
version = app_state.data_version()
comparison = app_state.cached_comparison(version, scope, 28)
targets = app_state.targets()

st.title("How are we doing?")
st.caption(period_caption(comparison["periods"], undated_rows=any(
    comparison["current"].get(n) for n in ("nps_n", "csat_n", "ces_n", "survey_fcr_n", "contacts"))))

tiles = kpi_tiles(comparison["current"], scope.window, scope.same_reason, comparison["changes"], targets,
                  comparison["periods"].days if comparison["periods"] else None)
for column, tile in zip(st.columns(len(tiles)), tiles):
    with column:
        kpi_tile(tile)
# An empty tile says why and what would fill it (no dates on the answers, no customer ids on the log).
for note in empty_figure_notes(comparison["current"], app_state.cached_undated_answers(version), scope.window):
    st.caption(note)

st.subheader("Where it hurts most")
drivers = app_state.cached_drivers(version, "nps", "contact_reason", scope)
for sentence in driver_sentences(drivers, "nps", "contact_reason"):
    st.markdown(f"- {sentence}")

# Only the measures this log has columns for; none at all for a log without them. Below the
# drivers, so the headline row and "Where it hurts most" stay on the first screen.
centre = contact_centre_tiles(comparison["current"], scope.window, scope.same_reason)
if centre:
    st.subheader("Contact centre")
    st.caption("From the contact log's own columns, same period. Reported resolution is what the agent recorded; "
               "Contact FCR (above) is what the customer's next contact shows.")
    # As many columns as there can be tiles, so "Reported resolution" fits its label.
    for column, tile in zip(st.columns(len(CONTACT_CENTRE_KEYS)), centre):
        with column:
            kpi_tile(tile)

st.subheader("Trend")
left, right = st.columns([3, 1])
metric = url_widget(left.segmented_control, "Metric", [k for k in KPI_KEYS if k != "contacts"], default="nps",
                    format_func=lambda k: DEFINITIONS[k].label, key="overview_metric", param="trend_metric") or "nps"
grain = url_widget(right.segmented_control, "By", ["day", "week", "month"], default="week", key="overview_grain",
                   param="trend_by") or "week"
trend = app_state.cached_trend(version, grain, scope)
low, high = INTERVAL_FIELDS[metric]
chart(trend_chart, trend, value=metric, low=low, high=high, n=N_FIELD[metric],
      title=f"{DEFINITIONS[metric].label} by {grain}", y_title=DEFINITIONS[metric].label, target=targets.get(metric),
      shown=trend[["period", metric, low, high, N_FIELD[metric]]], name=f"trend_{metric}_{grain}")

with st.expander("Set targets"):
    if analysts_only("setting targets"):
        with st.form("targets"):
            inputs = {}
            for column, key in zip(st.columns(len(KPI_KEYS) - 1), [k for k in KPI_KEYS if k != "contacts"]):
                inputs[key] = column.number_input(DEFINITIONS[key].label, value=targets.get(key), key=f"target_{key}",
                                                   placeholder="none", step=1.0)
            if st.form_submit_button("Save targets"):
                for key, value in inputs.items():
                    app_state.save_target(key, value)
                st.rerun()
