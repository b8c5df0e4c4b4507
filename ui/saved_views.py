"""The sidebar's saved views: open one (its page with every filter and choice it was saved with),
save the page as it is seen, rename or delete one. Views belong to the session's workspace; everyone
opens them, only analysts save, rename or delete them (as they load files and set targets)."""

from __future__ import annotations

import streamlit as st

from cxmetrics import app_state
from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.core.markdown_text import escape_markdown
from cxmetrics.engine.saved_views import MAX_NAME, ViewError
from ui.access import analysts_only

FLASH_KEY = "views_flash"
ERROR_KEY = "views_error"
# Pages without the shared filters are not saved as views: the Data page and the huddle screen.
NOT_SAVED = ("data", "huddle")


def page_file(page: str) -> str | None:
    """Return the script of the page with URL path `page` ('' is the Overview), or None for none of ours."""
    name = page or "overview"
    path = PROJECT_ROOT / "views" / f"{name}.py"
    if name in NOT_SAVED or not name.replace("_", "").isalnum() or not path.is_file():
        return None
    return f"views/{name}.py"


def saved_views_sidebar(page: str) -> None:
    """Draw the saved views of this workspace in the sidebar, and the form that saves page `page`."""
    views = app_state.saved_views()
    with st.sidebar.expander(f"Saved views ({len(views)})", expanded=bool(views), icon=":material/bookmarks:"):
        if flash := st.session_state.pop(FLASH_KEY, None):
            st.success(flash)
        if error := st.session_state.pop(ERROR_KEY, None):
            st.error(error)
        for index, view in enumerate(views):
            if st.button(escape_markdown(view.name), key=f"view_open_{index}", icon=":material/bookmark:",
                         width="stretch"):
                _open(view.name)
        if app_state.workspace().lake:
            st.caption("A lake workspace is read-only: views are saved in a workspace of your own.")
            return
        if not analysts_only("saving, renaming or deleting a view"):
            return
        with st.form("view_save", clear_on_submit=True, border=False):
            name = st.text_input("Save this page as", max_chars=MAX_NAME, key="view_new_name",
                                 placeholder="e.g. Weekly huddle: phone",
                                 help="Keeps the page with its filters and choices in this workspace.")
            if st.form_submit_button("Save view", icon=":material/bookmark_add:"):
                _save(name, page)
        if views:
            _manage([v.name for v in views])


def _open(name: str) -> None:
    """Open a saved view: its page, with its link, every choice read from it again."""
    try:
        view = app_state.saved_view(name)
    except ViewError as problem:
        st.session_state[ERROR_KEY] = str(problem)
        st.rerun()
    target = page_file(view.page)
    if target is None:
        st.session_state[ERROR_KEY] = f"The view '{name}' opens a page this dashboard no longer has."
        st.rerun()
    # The page's own choices need no forgetting: this run stops here, before the page draws them, and
    # Streamlit drops the state of widgets a run did not draw, so they are read from the view's link.
    app_state.forget_scope()
    st.switch_page(target, query_params={**view.query, app_state.WORKSPACE_PARAM: app_state.workspace().name})


def _save(name: str, page: str) -> None:
    if page_file(page) is None:
        st.session_state[ERROR_KEY] = "This page cannot be saved as a view."
        return
    try:
        saved = app_state.save_view(name, page)
    except (ViewError, PermissionError) as problem:
        st.error(escape_markdown(str(problem)))
        return
    except PermissionError as problem:  # the role changed since the form was drawn
        st.error(f"Nothing was saved: {escape_markdown(str(problem))}")
        return
    st.session_state[FLASH_KEY] = f"Saved the view '{escape_markdown(saved.name)}'."
    st.rerun()


def _manage(names: list[str]) -> None:
    """Rename or delete one view."""
    with st.popover("Rename or delete…", icon=":material/edit:", width="stretch"):
        picked = st.selectbox("View", names, key="view_pick")
        new = st.text_input("New name", max_chars=MAX_NAME, key="view_rename_to")
        left, right = st.columns(2)
        if left.button("Rename", key="view_rename"):
            try:
                renamed = app_state.rename_view(picked, new)
            except ViewError as problem:
                st.error(escape_markdown(str(problem)))
            except PermissionError as problem:
                st.error(f"Nothing was renamed: {escape_markdown(str(problem))}")
            else:
                st.session_state[FLASH_KEY] = f"Renamed to '{escape_markdown(renamed)}'."
                st.rerun()
        if right.button("Delete", key="view_delete", type="primary"):
            try:
                app_state.delete_view(picked)
            except PermissionError as problem:
                st.error(f"Nothing was deleted: {escape_markdown(str(problem))}")
            else:
                st.session_state[FLASH_KEY] = f"Deleted the view '{escape_markdown(picked)}'."
                st.rerun()
