"""The workspace pieces every page shares: the sidebar's switcher, the sample-data banner, and
removing the sample (analysts only, after a confirmation)."""

from __future__ import annotations

import streamlit as st

from cxmetrics import app_state
from cxmetrics.store import workspaces
from ui.access import is_analyst

DATA_PAGE = "views/data.py"
CONFIRM_KEY = "ws_confirm_remove"
FLASH_KEY = "ws_flash"
ERROR_KEY = "ws_error"


def label(workspace: workspaces.Workspace) -> str:
    return f"{workspace.name} (sample data)" if workspace.is_sample else workspace.name


def workspace_sidebar() -> workspaces.Workspace:
    """Draw the switcher (and the sample's removal) in the sidebar; return the session's workspace."""
    current = app_state.workspace()
    present = workspaces.listing()
    if current not in present:  # the sample before its first open: it is made as the page opens it
        present.append(current)
    names = [w.name for w in present]
    by_name = {w.name: w for w in present}
    with st.sidebar:
        # Keyed by the current workspace: after a switch made elsewhere (a load) the box shows it.
        picked = st.selectbox("Workspace", names, index=names.index(current.name), key=f"ws_pick:{current.name}",
                              format_func=lambda n: label(by_name[n]),
                              help="Each workspace is a data set of its own; the sample never mixes with yours.")
        if picked != current.name:
            app_state.switch_workspace(picked)
            st.rerun()
        if flash := st.session_state.pop(FLASH_KEY, None):
            st.success(flash)
        _removal(current, present)
    if notice := app_state.workspace_notice():
        st.warning(notice)
    return current


def _removal(current: workspaces.Workspace, present: list[workspaces.Workspace]) -> None:
    """Offer to remove the sample once the user has a workspace of their own (analysts only)."""
    user = workspaces.user_workspace()
    if not is_analyst() or not any(w.is_sample for w in present) or not app_state.user_has_data():
        return
    if not st.session_state.get(CONFIRM_KEY):
        st.button("Remove the sample data…", key="ws_remove", on_click=_ask, icon=":material/delete:")
        return
    st.warning(f"Remove the sample workspace? Its file is deleted; your workspace {user.name} stays as it is.")
    yes, no = st.columns(2)
    yes.button("Yes, remove it", key="ws_remove_yes", type="primary", on_click=_remove)
    no.button("Cancel", key="ws_remove_cancel", on_click=_cancel)


def _ask() -> None:
    st.session_state[CONFIRM_KEY] = True


def _cancel() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def _remove() -> None:
    _cancel()
    try:
        app_state.remove_sample()
    except (PermissionError, workspaces.UnknownWorkspace) as problem:
        st.session_state[ERROR_KEY] = f"The sample was not removed: {problem}"
        return
    st.session_state[FLASH_KEY] = "The sample data is removed."


def sample_banner(on_data_page: bool = False) -> None:
    """Say plainly when the figures are the sample's, with one action towards the user's own data."""
    if error := st.session_state.pop(ERROR_KEY, None):
        st.error(error)
    current = app_state.workspace()
    if not current.is_sample:
        return
    user = workspaces.user_workspace()
    has_own = app_state.user_has_data()
    if on_data_page:
        st.info(f"You are looking at sample data. A file you load here goes into your own workspace, {user.name}, "
                "and the dashboard switches to it; the sample stays apart.", icon=":material/science:")
        return
    # One line and one button, no columns: the Overview's tiles stay the page's first row and on the first screen.
    st.info("You are looking at sample data: a made-up company's customers, contacts and surveys, kept apart "
            "from your own data.", icon=":material/science:")
    if has_own:
        if st.button(f"Back to your data ({user.name})", key="ws_back", type="primary"):
            app_state.switch_workspace(user.name)
            st.rerun()
    elif st.button("Start with your own data", key="ws_start", type="primary", icon=":material/upload_file:"):
        st.switch_page(DATA_PAGE)
