"""The dashboard's frame: page config, navigation and the filters every page shares."""

import streamlit as st

st.set_page_config(page_title="cxmetrics", page_icon="📈", layout="wide")

navigation = st.navigation([st.Page("pages/overview.py", title="Overview", icon="🏠", default=True)])
navigation.run()
