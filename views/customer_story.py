"""Customer story: one customer's contacts, answers, follow-ups and outcomes on one timeline, with an export."""

from datetime import datetime, timezone

import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.charts import timeline_chart
from cxmetrics.engine.customer_story import (LANES, StoryError, clean_id, highlight_repeats, story_html,
                                             summary, timeline)
from cxmetrics.engine.follow_ups import mask_cases
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.core.presentation import readable_rows
from cxmetrics.face.privacy import mask_comment, mask_customer_id
from ui.privacy import masking_on
from ui.widgets import chart, data_table

PARAM = "customer"
PICK = "(pick a recent detractor)"

scope = app_state.scope()
mask = masking_on()
show_id = mask_customer_id if mask else str
show_text = mask_comment if mask else str
version = app_state.data_version()
loop = app_state.loop_version()

st.title("Customer story")
st.caption("Look up one customer to see everything the data holds on them, in order: the CX case study a team "
           "brings to a leadership meeting. The link of this page opens the same customer.")

recent = app_state.cached_recent_detractors(version, loop, 50)
if "story_customer_typed" not in st.session_state:
    st.session_state["story_customer_typed"] = st.query_params.get(PARAM, "")


def _take_pick() -> None:
    """Put the picked customer into the id box (the one source of the shown customer)."""
    if st.session_state["story_customer_pick"] != PICK:
        st.session_state["story_customer_typed"] = st.session_state["story_customer_pick"]
        st.session_state["story_customer_pick"] = PICK


typed_col, pick_col = st.columns(2)
# The hint is an id of this workspace (masked like every id on a masked screen), not the sample's.
example = app_state.cached_example_customer(version)
wanted = typed_col.text_input("Customer id", max_chars=200, key="story_customer_typed",
                              placeholder=f"e.g. {show_id(example)}" if example else "no customer ids loaded yet")
pick_col.selectbox("…or a recent detractor", [PICK, *recent["customer_id"].tolist()], key="story_customer_pick",
                   on_change=_take_pick, format_func=lambda c: c if c == PICK else show_id(c), help="Customers whose latest detractor answer (NPS 0–6) is most recent.")
if example is None and not (wanted or "").strip():
    st.info("None of this workspace's contacts or answers carries a customer id, and a story follows one customer. "
            "Map a customer id column when loading on the Data page to see stories.")
    st.stop()
if not (wanted or "").strip():
    st.info("Type a customer id or pick a recent detractor.")
    st.stop()
try:
    customer = clean_id(wanted)
except StoryError as problem:
    st.error(str(problem))
    st.stop()
if mask:  # a masked screen keeps the real id out of the address bar too
    st.query_params.pop(PARAM, None)
elif st.query_params.get(PARAM) != customer:
    st.query_params[PARAM] = customer

story = app_state.cached_story(version, loop, customer, scope.window, scope.same_reason)
if not story.known:
    st.warning(f"No customer '{escape_markdown(customer)}' in the data: check the id, or pick one from the list.")
    st.stop()

st.subheader(f"Customer {escape_markdown(show_id(customer))}")
if story.attributes:
    st.caption(" · ".join(f"{escape_markdown(k.replace('_', ' '))}: {escape_markdown(v)}"
                          for k, v in story.attributes.items() if v is not None))
for line in summary(story):
    st.markdown(f"- {escape_markdown(line)}")  # plain sentences quoting contact reasons

events = timeline(story, show_text)
chart(timeline_chart, events, lanes=list(LANES), title="Everything that happened, in order",
      name="customer_story_timeline")
st.download_button("Download the story (HTML)", icon=":material/description:", mime="text/html",
                   file_name=f"customer_story_{show_id(customer)}.html", key="story_export", on_click="ignore",
                   data=story_html(story, scope.window, scope.same_reason,
                                   datetime.now(timezone.utc).replace(tzinfo=None), show_id, show_text),
                   help="One self-contained page (summary, timeline, every table) to open, print or paste into slides.")

st.subheader("Contacts")
reason = "same reason only" if scope.same_reason else "any reason"
st.caption(f"Repeat: the customer's previous contact ({reason}) started at most {scope.window} days before. "
           "Came back: the next contact started within the same window (not resolved first time).")
data_table(highlight_repeats(story.contacts), "customer_story_contacts", hide_index=True)

st.subheader("Survey answers")
responses = mask_cases(story.responses, show_id, show_text)
data_table(readable_rows(responses), "customer_story_responses", hide_index=True)

st.subheader("Follow-ups")
if story.cases.empty:
    st.caption("No follow-up cases: no detractor answer or unresolved contact.")
else:
    data_table(readable_rows(mask_cases(story.cases.drop(columns=["customer_id"]), show_id, show_text)),
               "customer_story_cases", hide_index=True)
    if not story.history.empty:
        st.caption("What was done, change by change:")
        data_table(readable_rows(mask_cases(story.history, show_id, show_text)), "customer_story_case_history",
                   hide_index=True)
    st.page_link("views/close_the_loop.py", label="Edit the cases on Close the loop", icon=":material/task_alt:")

st.subheader("Outcomes")
if story.outcomes.empty:
    st.caption("No outcome months for this customer.")
else:
    data_table(readable_rows(story.outcomes), "customer_story_outcomes", hide_index=True,
               column_config={"Month": st.column_config.DateColumn("Month", format="YYYY-MM")})
