"""Contact reasons: where customers work hardest, how repeats come back, and where self-service fails."""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import heatmap, interval_bar_chart, ranked_bar_chart
from cxmetrics.core.definitions import DEFINITIONS, help_text
from cxmetrics.engine.drill import Drill
from cxmetrics.engine.narrative import contact_fcr_note, missing_measures_note, resolution_sentence
from cxmetrics.core.presentation import N_FIELD, column_names
from cxmetrics.face.tables import CONTACT_CENTRE_COLUMNS, LOG_MEASURES, contact_centre_table, reason_table
from ui.choices import url_widget
from ui.widgets import chart, data_table, drill_table

MATRIX_LABELS = {"fcr": "FCR %", "repeat_rate": "Repeat %", "csat": "CSAT %", "nps": "NPS"}

scope = app_state.scope()
version = app_state.data_version()

st.title("Contact reasons")
st.caption(help_text("fcr", scope.window, scope.same_reason))

by_reason = app_state.cached_metrics_frame(version, "contact_reason", scope)
overall_figures = app_state.cached_metrics(version, None, scope)["overall"]
if fcr_note := contact_fcr_note(overall_figures, scope.window):
    st.info(fcr_note)
left, right = st.columns(2)
with left:
    chart(ranked_bar_chart, by_reason, category="contact_reason", value="fcr", low="fcr_low", high="fcr_high",
          n="fcr_n", title="First-contact resolution by reason", x_title="FCR %",
          shown=by_reason[["contact_reason", "fcr", "fcr_low", "fcr_high", "fcr_n"]], name="fcr_by_reason",
          drill=Drill.of("contacts", "fcr", contact_reason="contact_reason"))
with right:
    chart(ranked_bar_chart, by_reason, category="contact_reason", value="repeat_rate", low="repeat_low",
          high="repeat_high", n="repeat_n", title="Repeat contacts by reason", x_title="Repeat rate %",
          shown=by_reason[["contact_reason", "repeat_rate", "repeat_low", "repeat_high", "repeat_n"]],
          name="repeats_by_reason", drill=Drill.of("contacts", "repeat_rate", contact_reason="contact_reason"))

st.subheader("By reason: volume, resolution and what customers said")
drill_table(reason_table(by_reason, "contact_reason"), name="reasons", by="contact_reason", scope=scope)

st.subheader("Contact-centre measures by reason")
st.markdown(resolution_sentence(overall_figures))
centre = contact_centre_table(by_reason, "contact_reason")
shown = [key for key in CONTACT_CENTRE_COLUMNS if column_names([key])[key] in centre and key != "contacts"]
if any(key in shown for key in LOG_MEASURES):
    # The table above drills through to the same reasons' contacts; this one only reads.
    data_table(centre, "contact_centre", hide_index=True, key="tbl_contact_centre")
    with st.expander("What these figures mean"):
        for key in shown:
            st.markdown(f"**{DEFINITIONS[key].label}**: {help_text(key, scope.window, scope.same_reason)}")
note = missing_measures_note(overall_figures)
if note:
    st.caption(note)

st.subheader("Reason × channel")
# The first figure this period holds (CSAT for a call log without customer ids), not an empty FCR grid.
matrix_default = next((k for k in MATRIX_LABELS if overall_figures.get(N_FIELD[k])), "fcr")
metric = url_widget(st.segmented_control, "Figure", list(MATRIX_LABELS), default=matrix_default, key="matrix_metric",
                    format_func=MATRIX_LABELS.get, param="matrix_figure") or matrix_default
matrix = app_state.cached_matrix(version, "contact_reason", "channel", metric, scope)
chart(heatmap, matrix, row="contact_reason", column="channel", value=metric, n="n",
      title=f"{MATRIX_LABELS[metric]} by reason and channel", value_title=MATRIX_LABELS[metric],
      name=f"{metric}_by_reason_and_channel",
      drill=Drill.of("responses" if metric in ("csat", "nps") else "contacts", metric,
                     contact_reason="contact_reason", channel="channel"))

st.subheader("The path of repeats")
st.caption(f"Each repeat (a contact within {scope.window} days of the same customer's previous contact) counted by "
           "what the previous contact was and what the repeat is: which reason or channel customers come back through.")
path_by = url_widget(st.segmented_control, "Path by", ["contact_reason", "channel"], default="contact_reason",
                     key="path_by", format_func=lambda k: k.replace("_", " "), param="path_by") or "contact_reason"
paths = app_state.cached_repeat_paths(version, path_by, scope)
chart(heatmap, paths, row="from_value", column="to_value", value="repeats",
      title="Repeats: previous contact (rows) → repeat contact (columns)", value_title="repeats", fmt=".0f",
      name=f"repeat_paths_by_{path_by}",
      drill=Drill.of("contacts", "repeat_path", from_value=f"previous_{path_by}", to_value=path_by))

st.subheader("Self-service failures")
failures = app_state.cached_self_service(version, "contact_reason", scope)
overall = failures["overall"]
if overall["self_service"]:
    st.markdown(
        f"**{overall['failure_rate']:.1f} %** of {overall['self_service']:,} self-service contacts were followed by an "
        f"assisted contact within 24 hours (95 % interval {overall['failure_low']:.1f}–{overall['failure_high']:.1f} %)."
    )
    chart(interval_bar_chart, failures["groups"], category="contact_reason", value="failure_rate", low="failure_low",
          high="failure_high", n="self_service", title="Self-service failure rate by reason", y_title="failure %",
          name="self_service_failures", drill=Drill.of("contacts", "self_service", contact_reason="contact_reason"))
else:
    st.info("No self-service contacts in this selection.")
