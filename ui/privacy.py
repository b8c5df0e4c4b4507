"""The "Mask personal data" setting: one sidebar toggle, kept in the URL (mask=1 / mask=0) so a
shared link opens masked, read by every table that shows customer ids or comments.

Default: off when the dashboard runs locally without sign-in, on when a user has signed in
through Streamlit's `st.login` (a shared deployment). A `mask` in the URL overrides both.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from cxmetrics import app_state
from cxmetrics.face.privacy import mask_frame

TOGGLE_KEY = "privacy_mask"
LABEL = "Mask personal data"
HELP = ("Show customer ids as stable pseudonyms (cust-…) and hide e-mail addresses, phone numbers and long "
        "numbers in comments, on screen and in downloads. Display masking, not anonymisation: see docs/voice.md. "
        "Kept in the link (mask=1), so a shared link stays masked.")


def default_masking() -> bool:
    """Return the masking a session starts with when its URL does not say: on for a signed-in user, else off."""
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # no sign-in configured: Streamlit has no user to ask about
        return False


def masking_on() -> bool:
    """Return whether personal data is masked in this session (the URL's choice, else the default)."""
    chosen = app_state.scope().masked
    return default_masking() if chosen is None else chosen


def privacy_toggle() -> bool:
    """Draw the toggle in the sidebar, keep the choice in the scope and URL, and return it."""
    current = masking_on()
    chosen = st.sidebar.toggle(LABEL, value=current, key=TOGGLE_KEY, help=HELP)
    if chosen != current:
        app_state.set_scope(replace(app_state.chosen_scope(), masked=chosen))  # dates as chosen, not the shown period
    return chosen


def masked(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with customer ids and comments masked when the setting is on, else unchanged.
    Agents' names are masked in comments too: a comment praising an agent names a person."""
    if not masking_on():
        return frame
    return mask_frame(frame, names=_agent_names())


def _agent_names() -> list[str]:
    version = app_state.data_version()
    if "agent" not in dict(app_state.cached_dimensions(version)):
        return []
    return app_state.cached_values(version, "agent")
