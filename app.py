"""The dashboard's frame: page config, navigation and the filters every page shares."""

from pathlib import Path

import streamlit as st

from cxmetrics.core.access import pages_folder_problem
from ui.access import require_loopback_while_sign_in_is_off, require_sign_in
from ui.filters import sidebar_filters
from ui.huddle import HUDDLE_PATH, HUDDLE_TITLE, mark_dashboard_seen, opened_by_url
from ui.period import period_line
from ui.privacy import privacy_toggle
from ui.saved_views import saved_views_sidebar
from ui.workspaces import sample_banner, workspace_sidebar

st.set_page_config(page_title="cxmetrics", page_icon="📈", layout="wide")
if pages_problem := pages_folder_problem(Path(__file__).parent):  # docs/reliability.md, "Enforcement"
    st.error(f"The dashboard is closed: {pages_problem}.")
    st.stop()
# Sign-in off is only for a server nobody else can reach; else nothing below runs (docs/reliability.md).
require_loopback_while_sign_in_is_off()
# Off unless configured (docs/reliability.md); when on, nothing below runs signed out.
require_sign_in(badge=not opened_by_url())  # the huddle's bare screen shows no sidebar

navigation = st.navigation(
    {
        "Dashboard": [
            st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page("views/contact_reasons.py", title="Contact reasons", icon=":material/support_agent:"),
            st.Page("views/segments.py", title="Segments", icon=":material/groups:"),
            st.Page("views/outcomes.py", title="Business outcomes", icon=":material/payments:"),
            st.Page("views/voice.py", title="Voice of the customer", icon=":material/forum:"),
            st.Page("views/close_the_loop.py", title="Close the loop", icon=":material/task_alt:"),
            st.Page("views/customer_story.py", title="Customer story", icon=":material/person_search:"),
            st.Page("views/touchpoints.py", title="Touchpoint map", icon=":material/route:"),
        ],
        "Data": [st.Page("views/data.py", title="Data", icon=":material/upload_file:")],
        "Screens": [st.Page("views/huddle.py", title=HUDDLE_TITLE, icon=":material/co_present:", url_path=HUDDLE_PATH)],
    },
    # The huddle's own URL opens a bare shared screen: no navigation to draw.
    position="hidden" if opened_by_url() else "sidebar",
)
if navigation.title != HUDDLE_TITLE:
    mark_dashboard_seen()  # a huddle opened after this came from the navigation: it shows a way back
    workspace_sidebar()
    sample_banner(on_data_page=navigation.title == "Data")
if navigation.title not in ("Data", HUDDLE_TITLE):  # the huddle takes its filters from the URL only
    sidebar_filters()
    period_line(navigation.title)  # the days every figure of the page covers
    privacy_toggle()
    saved_views_sidebar(navigation.url_path)  # this workspace's views; save this page as one
navigation.run()
