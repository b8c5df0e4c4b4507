"""Overview: how we are doing, where it is worst, and whether it is getting better."""

from datetime import datetime, timezone
from functools import partial

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import trend_chart
from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.engine.drill import Drill
from cxmetrics.engine.narrative import driver_metric, driver_sentences, empty_figure_notes, period_caption
from cxmetrics.core.presentation import (CONTACT_CENTRE_KEYS, INTERVAL_FIELDS, KPI_KEYS, N_FIELD,
                                         contact_centre_tiles, kpi_tiles)
from cxmetrics.engine.status import statuses
from ui.access import analysts_only
from ui.status import next_steps_section, status_line, targets_form
from ui import widgets
from ui.choices import url_widget
from ui.widgets import chart, kpi_tile

REPORT_KEY = "overview_report_for"


def _report_file(model: dict, kind: str):
    """Return the report as HTML text or PDF bytes; run when the download is asked for, outside the page run."""
    from cxmetrics.face.report_sections import chart_specs

    specs = widgets.under_altair_lock(chart_specs, model)
    if kind == "pdf":
        from cxmetrics.face.report_pdf import render_pdf

        return render_pdf(model, specs)
    from cxmetrics.face.report_html import render_html

    return render_html(model, specs)


def report_downloads(scope, version: str, targets: dict) -> None:
    """Offer the report of the shown period, as HTML and as PDF. Its figures are gathered once asked for
    (a button), and each file is written only when downloaded: most visits never want one."""
    st.subheader("Report for the meeting")
    st.caption("The figures of this period against their targets and the period before, what moved, where it "
               "hurts most, FCR and repeats by reason, segment gaps, outcomes and follow-ups, with charts: one "
               "file, printable on A4, without personal data.")
    wanted = (version, scope)
    if st.session_state.get(REPORT_KEY) != wanted:
        if not st.button("Prepare the report", key="overview_report_prepare", icon=":material/description:"):
            return
        st.session_state[REPORT_KEY] = wanted
    now = datetime.now(timezone.utc).replace(tzinfo=None, second=0, microsecond=0)  # minute steps keep the cache useful
    model = app_state.cached_report_model(version, app_state.loop_version(), scope, tuple(sorted(targets.items())),
                                          now)
    period = model["period"]
    name = f"cx-report-{period['current_from']}-{period['current_to']}" if period else "cx-report"
    html_column, pdf_column = st.columns(2)
    # on_click="ignore": the download needs no rerun (and a rerun could race the file request).
    html_column.download_button("Download report (HTML)", partial(_report_file, model, "html"), file_name=f"{name}.html",
                                mime="text/html", key="overview_report_html", icon=":material/download:",
                                on_click="ignore")
    pdf_column.download_button("Download report (PDF)", partial(_report_file, model, "pdf"), file_name=f"{name}.pdf",
                               mime="application/pdf", key="overview_report_pdf", icon=":material/download:",
                               on_click="ignore")


scope = app_state.scope()
version = app_state.data_version()
comparison = app_state.cached_comparison(version, scope, 28)
targets = app_state.targets()

st.title("How are we doing?")
st.caption(period_caption(comparison["periods"], undated_rows=any(
    comparison["current"].get(n) for n in ("nps_n", "csat_n", "ces_n", "survey_fcr_n", "contacts"))))

# Good or bad at a glance (ui/status.py): each tile's status against its target's path, else the previous
# period; the target's distance is in the status line, so the tiles get no target of their own.
plans = app_state.target_plans()
last_day = comparison["periods"].current_to if comparison["periods"] else None
status_of = statuses(KPI_KEYS + CONTACT_CENTRE_KEYS, comparison["current"], comparison["changes"], plans, last_day)
tiles = kpi_tiles(comparison["current"], scope.window, scope.same_reason, comparison["changes"], None,
                  comparison["periods"].days if comparison["periods"] else None)
for column, tile in zip(st.columns(len(tiles)), tiles):
    with column:
        kpi_tile(tile)
        status_line(status_of.get(tile.key))
# An empty tile says why and what would fill it (no dates on the answers, no customer ids on the log).
for note in empty_figure_notes(comparison["current"], app_state.cached_undated_answers(version), scope.window):
    st.caption(note)

st.subheader("Where it hurts most")
hurts = driver_metric(comparison["current"])
drivers = app_state.cached_drivers(version, hurts, "contact_reason", scope)
for sentence in driver_sentences(drivers, hurts, "contact_reason"):
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
            status_line(status_of.get(tile.key))

st.subheader("Trend")
left, right = st.columns([3, 1])
trend_keys = [k for k in KPI_KEYS if k != "contacts"]
# The first figure this period holds (CSAT for a call log rated 1–5), not an empty NPS chart.
trend_default = next((k for k in trend_keys if comparison["current"].get(N_FIELD[k])), "nps")
metric = url_widget(left.segmented_control, "Metric", trend_keys, default=trend_default,
                    format_func=lambda k: DEFINITIONS[k].label, key="overview_metric", param="trend_metric") or trend_default
grain = url_widget(right.segmented_control, "By", ["day", "week", "month"], default="week", key="overview_grain",
                   param="trend_by") or "week"
trend = app_state.cached_trend(version, grain, scope)
low, high = INTERVAL_FIELDS[metric]
chart(trend_chart, trend, value=metric, low=low, high=high, n=N_FIELD[metric],
      title=f"{DEFINITIONS[metric].label} by {grain}", y_title=DEFINITIONS[metric].label, target=targets.get(metric),
      shown=trend[["period", metric, low, high, N_FIELD[metric]]], name=f"trend_{metric}_{grain}",
      drill=Drill.of("contacts" if metric in ("fcr", "repeat_rate") else "responses", metric, grain, period="period"))

report_downloads(scope, version, targets)

with st.expander("Set targets"):
    if analysts_only("setting targets"):
        targets_form([k for k in KPI_KEYS if k != "contacts"] + [t.key for t in centre], scope, last_day)

next_steps_section(scope)
