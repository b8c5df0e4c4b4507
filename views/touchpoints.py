"""Touchpoint map: which channels or reasons customers pass through, in order, and how each touchpoint does."""

from datetime import timedelta

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import journey_list_chart, ranked_bar_chart
from cxmetrics.engine.drill import Drill
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.narrative import no_journeys_note
from cxmetrics.engine.periods import DEFAULT_DAYS, span_text
from cxmetrics.engine.touchpoints import (MAX_STEPS, MAX_TOUCHPOINTS, OTHER_JOURNEYS, PATHS_READ,
                                          TOP_JOURNEYS, assisted_drop_sentence, journey_steps, journey_table,
                                          journeys_total, main_journeys, touchpoint_summary,
                                          touchpoint_table)
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
    # Say why, and where journeys are: a call log without customer ids can fill the shown days while
    # another file's customers' contacts lie years away.
    contacts, first_day, last_day = app_state.cached_customer_contact_span(version)
    shown_from, shown_to = scope.filters.date_from, scope.filters.date_to
    st.info(no_journeys_note(contacts, first_day, last_day, shown_from, shown_to))
    if contacts and shown_from and shown_to and (last_day < shown_from or first_day > shown_to):
        start = max(first_day, last_day - timedelta(days=DEFAULT_DAYS - 1))
        st.button(f"Show the last {DEFAULT_DAYS} days of contacts with a customer id ({span_text(start, last_day)})",
                  key="touchpoints_go", on_click=app_state.go_to_period, args=(start, last_day), type="primary")
    st.stop()
roles = app_state.cached_channel_roles(version) if kind == "channel" else {}
paths = app_state.cached_journey_paths(version, kind, scope, PATHS_READ)
total = journeys_total(flow)
main = main_journeys(paths, total, roles)
if drop := assisted_drop_sentence(paths, total, roles, cut_short=len(paths) >= PATHS_READ):
    st.markdown(f"**{escape_markdown(drop)}**")
chart(journey_list_chart, main, journey_steps(main, roles), title=f"The main journeys by {KIND_LABELS[kind]}",
      shown=journey_table(main), name=f"main_journeys_{kind}",
      drill=Drill.of("journeys", "journeys", given={"touchpoints": kind}, journey="journey"))
st.caption(f"The {TOP_JOURNEYS} most common journeys, by how many took each; every other journey is counted in "
           f"'{OTHER_JOURNEYS}', so the rows add up to all journeys. A journey is shown for its first {MAX_STEPS} "
           f"steps ('…': it went on); touchpoints beyond the {MAX_TOUCHPOINTS} busiest are 'Other'."
           + (" Blue steps are self-service, orange ones assisted contact (the contacts' self-service flag); the "
              "outlined step is where customers drop from self-service to assisted contact." if kind == "channel"
              else " Choose channels above to see where customers drop from self-service to assisted contact."))

summary = touchpoint_summary(flow)
chart(ranked_bar_chart, summary, category="touchpoint", value="escalation_share", low="escalation_low",
      high="escalation_high", n="judged", title="Journeys escalating from each touchpoint", x_title="% of contacts",
      shown=summary[["touchpoint", "escalation_share", "escalation_low", "escalation_high", "judged"]],
      name=f"escalation_by_{kind}",
      drill=Drill.of("journeys", "escalation", given={"touchpoints": kind}, touchpoint="touchpoint"))

st.subheader("Each touchpoint over all steps")
table = touchpoint_table(summary)
data_table(table, f"touchpoints_{kind}", label="Download the table", hide_index=True)
