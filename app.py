"""The dashboard's frame: page config, navigation and the filters every page shares."""

import streamlit as st

from ui.filters import sidebar_filters

st.set_page_config(page_title="cxmetrics", page_icon="📈", layout="wide")

navigation = st.navigation(
    {
        "Dashboard": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page("pages/contact_reasons.py", title="Contact reasons", icon=":material/support_agent:"),
            st.Page("pages/segments.py", title="Segments", icon=":material/groups:"),
            st.Page("pages/outcomes.py", title="Business outcomes", icon=":material/payments:"),
        ],
        "Data": [st.Page("pages/data.py", title="Data", icon=":material/upload_file:")],
    }
)
if navigation.title != "Data":
    sidebar_filters()
navigation.run()
