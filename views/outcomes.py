"""Business outcomes: what experience is worth in churn and revenue."""

from datetime import timedelta

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import dual_trend_chart, interval_bar_chart
from cxmetrics.engine.drill import Drill
from cxmetrics.engine.narrative import NO_CHURN, NO_REVENUE, reconciliation_sentence, revenue_at_risk_sentence
from cxmetrics.engine.outcomes import EXPERIENCE_GROUPS
from cxmetrics.core.presentation import MONEY, format_money, unit_label
from ui.choices import url_widget
from ui.widgets import chart

LABELS = {"nps_group": "NPS group", "csat_group": "CSAT group", "repeat_contact": "repeat contact (yes/no)"}

scope = app_state.scope()
version = app_state.data_version()

st.title("Business outcomes")
overall = app_state.cached_outcomes(version, None, scope)["overall"]
# Month by month over every month there is: a trend of the period's one or two months would say nothing.
trend = app_state.cached_outcome_trend(version, app_state.all_dates(scope))
if not overall["customers"]:
    outcome_months = trend.loc[trend["customers"] > 0, "month"]
    if outcome_months.empty:
        st.info("No outcomes yet: load an outcomes file (customer × month with churn and revenue) on the Data page.")
        st.stop()
    first, last = outcome_months.min().date(), outcome_months.max().date()
    st.warning(f"No outcome month in this period: outcomes are monthly, from {first:%b %Y} to {last:%b %Y}.",
               icon=":material/event_busy:")
    end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    st.button(f"Show {first:%b %Y} – {last:%b %Y}", key="outcomes_go", type="primary",
              on_click=app_state.go_to_period, args=(first, end))
    st.stop()
churn_text = "no churn loaded" if overall["churn_rate"] is None else f"churn rate {overall['churn_rate']:.1f} % (any month)"
revenue_text = ("no revenue loaded" if overall["revenue_per_customer"] is None
                else f"revenue per customer {format_money(overall['revenue_per_customer'])}")
st.caption(
    f"{overall['customers']:,} customers with outcomes; {churn_text}; {revenue_text}. Each customer counts once, "
    "in the NPS and CSAT group of its latest answer before its deciding month (the month it churned, else its "
    "latest month)."
)

by_nps = app_state.cached_outcomes(version, "nps_group", scope)
st.markdown(revenue_at_risk_sentence(by_nps["groups"]))

group = url_widget(st.segmented_control, "Split by", list(EXPERIENCE_GROUPS), default="nps_group",
                   format_func=LABELS.get, key="outcomes_by", param="outcomes_by") or "nps_group"
result = app_state.cached_outcomes(version, group, scope)
frame = result["frame"]
customers = Drill.of("customers", **{group: group})  # a bar's customers, in the group of their deciding month
st.markdown(reconciliation_sentence(result["overall"], result["groups"], group, LABELS[group]))
left, right = st.columns(2)
with left:
    if result["loaded"]["churn"]:
        chart(interval_bar_chart, frame, category=group, value="churn_rate", low="churn_low", high="churn_high",
              n="customers", title=f"Churn rate by {LABELS[group]}", y_title="churn %", name=f"churn_by_{group}",
              drill=customers)
    else:
        st.info(NO_CHURN)
with right:
    if result["loaded"]["revenue"]:
        chart(interval_bar_chart, frame, category=group, value="revenue_per_customer",
              low="revenue_per_customer_low", high="revenue_per_customer_high", n="customers",
              title=f"Revenue per customer by {LABELS[group]}", y_title=unit_label("revenue", MONEY),
              name=f"revenue_by_{group}", drill=customers)
    else:
        st.info(NO_REVENUE)

st.subheader("Experience against outcome, month by month")
st.caption("Every month of the data, whatever the date range (the other filters apply): a trend needs more "
           "months than a period usually holds.")
chart(dual_trend_chart, trend, x="month", left="nps", right="churn_rate", left_title="NPS",
      right_title="churn % (customers leaving that month)", title="Monthly NPS against monthly churn",
      name="nps_and_churn_by_month", drill=Drill.of("responses", "nps", "month", all_dates=True, month="period"))
if not result["loaded"]["churn"]:
    st.caption(NO_CHURN)
