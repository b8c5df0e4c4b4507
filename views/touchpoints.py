"""Touchpoint map: which channels or reasons customers pass through, in order, and how each touchpoint does."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.charts import journey_flow_chart, ranked_bar_chart
from cxmetrics.touchpoints import MAX_STEPS, flow_edges, flow_nodes, touchpoint_summary, touchpoint_table
from ui.choices import url_widget
from ui.widgets import chart, data_table

KIND_LABELS = {"channel": "channel", "contact_reason": "contact reason"}

scope = app_state.scope()
version = app_state.data_version()

st.title("Touchpoint map")
reason = "same reason only" if scope.same_reason else "any reason"
st.caption(
    f"A journey is one customer's contacts where each starts at most W = {scope.window} days after the one before; "
    f"it starts at a contact with no contact in the {scope.window} days before. The filters choose journeys by "
    f"their first contact. FCR as everywhere ({reason}); a journey escalates from a touchpoint when its next "
    "contact is assisted (not self-service) and on another channel, e.g. web → phone or chat → phone. "
    "FCR and escalation count contacts whose W-day window has ended."
)
kind = url_widget(st.segmented_control, "Touchpoints are", list(KIND_LABELS), default="channel",
                  format_func=KIND_LABELS.get, key="touchpoint_kind", param="touchpoints") or "channel"

flow = app_state.cached_journey_flow(version, kind, scope)
if flow.empty:
    st.info("No journeys in this selection: no contacts with a customer start in it.")
    st.stop()
nodes = flow_nodes(flow)
edges = flow_edges(flow, nodes)
chart(journey_flow_chart, nodes, edges, title=f"Journeys by {KIND_LABELS[kind]}, step by step",
      shown=nodes.drop(columns=["rank"]), name=f"touchpoint_map_{kind}")
st.caption(f"Steps after the {MAX_STEPS}th are counted in the last column; the 12 busiest touchpoints are named, "
           "the rest are 'Other'. Hover a circle for its figures, a line for how many journeys took it.")

summary = touchpoint_summary(flow)
left, right = st.columns(2)
with left:
    chart(ranked_bar_chart, summary, category="touchpoint", value="escalation_share", low="escalation_low",
          high="escalation_high", n="judged", title="Journeys escalating from each touchpoint",
          x_title="% of contacts",
          shown=summary[["touchpoint", "escalation_share", "escalation_low", "escalation_high", "judged"]],
          name=f"escalation_by_{kind}")
with right:
    paths = app_state.cached_journey_paths(version, kind, scope)
    chart(ranked_bar_chart, paths, category="path", value="journeys", low=None, high=None, n="journeys",
          title="The most common journeys", x_title="journeys", name=f"journey_paths_{kind}")

st.subheader("Each touchpoint over all steps")
table = touchpoint_table(summary)
data_table(table, f"touchpoints_{kind}", label="Download the table", hide_index=True,
           column_config={c: st.column_config.NumberColumn(format="%.1f")
                          for c in ("FCR %", "Escalates %", "Escalates low (95 %)", "Escalates high (95 %)", "NPS",
                                    "CSAT %")})
