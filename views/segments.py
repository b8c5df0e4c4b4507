"""Segments: is a group's experience really different from everyone else's?"""

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import gap_chart, ranked_bar_chart
from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.engine.drill import MEASURES, Drill
from cxmetrics.store.dimensions import MAX_SPLIT_VALUES, MIN_SPLIT_VALUES
from cxmetrics.engine.narrative import empty_split_note
from cxmetrics.core.presentation import N_FIELD
from cxmetrics.engine.segments import METRICS
from cxmetrics.face.tables import gap_table, team_table
from ui.choices import url_widget
from ui.widgets import chart, drill_table

RESPONSE_METRICS = ("nps", "csat", "ces", "survey_fcr")

scope = app_state.scope()
version = app_state.data_version()
# Only columns with a few values to compare (not an empty, constant, id or free-text column of a
# real export); a customer's id can filter, but split by it every group is one customer.
sources = {name: table for name, table in app_state.cached_split_dimensions(version) if name != "customer_id"}
dimensions = list(sources)
overall = app_state.cached_metrics(version, None, scope)["overall"]
# The figures this selection holds come first, the first of them chosen: a call log's own measures,
# not an empty NPS, on a workspace without a survey.
metric_keys = sorted(METRICS, key=lambda k: not overall.get(N_FIELD[k]))

st.title("Segments")
st.caption(
    "Each group's figure minus everyone else's, with the 95 % interval of the difference. A gap is marked "
    "significant when it survives the Benjamini–Hochberg correction (false-discovery rate 5 %) across all the "
    "groups compared at once; groups with fewer than 30 observations are faded."
)
left, right = st.columns(2)
default_dim = "tier" if "tier" in dimensions else (dimensions[0] if dimensions else None)
by = url_widget(left.selectbox, "Split by", dimensions, default=default_dim, key="seg_by", param="split_by",
                workspace_values=True)
metric = url_widget(right.selectbox, "Metric", metric_keys, default=metric_keys[0],
                    format_func=lambda k: DEFINITIONS[k].label, key="seg_metric", param="metric")

if not dimensions:
    st.info(f"No column to split by: segments need a column with {MIN_SPLIT_VALUES} to {MAX_SPLIT_VALUES} values, "
            "on the contacts or the customers (a tier, a plan, a region, an agent). Load one on the Data page.")
if by:
    # The log's own measures (handle time, abandonment…) drill to every contact of the group.
    kind = "responses" if metric in RESPONSE_METRICS else "contacts"
    gaps = app_state.cached_gaps(version, metric, by, scope)
    if note := empty_split_note(metric, by, sources[by], overall, int(gaps["n"].sum()),
                                app_state.cached_undated_answers(version), scope.window):
        st.info(note)
    chart(gap_chart, gaps, category=by, gap="gap", low="gap_low", high="gap_high", significant="significant",
          too_few="too_few", n="n", title=f"{DEFINITIONS[metric].label}: gap to everyone else by {by}",
          x_title=f"gap ({DEFINITIONS[metric].unit})", name=f"gaps_{metric}_by_{by}",
          drill=Drill.of(kind, metric if metric in MEASURES[kind] else None, **{by: by}))
    drill_table(gap_table(gaps, by), name=f"gaps_{by}", by=by, scope=scope,
                kind="responses" if metric in RESPONSE_METRICS else "contacts")

st.subheader("Teams: experience beside engagement")
st.caption("Employee engagement is the mean score over the months in the date range, from the engagement table.")
teams = app_state.cached_teams(version, scope)
if len(teams):
    chart(ranked_bar_chart, teams, category="team", value="csat", low="csat_low", high="csat_high", n="csat_n",
          title="CSAT by team", x_title="CSAT %",
          shown=teams[["team", "engagement", "csat", "csat_low", "csat_high", "csat_n"]], name="csat_by_team",
          drill=Drill.of("responses", "csat", team="team"))
    drill_table(team_table(teams), name="teams", by="team", scope=scope)
else:
    st.info("No teams in the data: load contacts with a team column and an engagement file.")
