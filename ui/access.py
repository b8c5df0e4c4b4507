"""The sign-in gate and the "analysts only" notice. Rules live in `cxmetrics.core.access`; the session's
user comes from `cxmetrics.app_state.current_user`."""

from __future__ import annotations

import streamlit as st

from cxmetrics.core import access
from cxmetrics import app_state
from cxmetrics.core.markdown_text import escape_markdown

VIEWER_NOTICE = "Analysts only: {what} needs an analyst sign-in. You are signed in as {name} (viewer)."
NOBODY_NOTICE = "Analysts only: {what} needs an analyst sign-in."


def require_loopback_while_sign_in_is_off() -> None:
    """With sign-in off on a server others can reach, show why and how to fix it, and stop the run.

    Runs before the sign-in gate: sign-in off lets everyone in as an analyst, which is only right
    when nobody but this machine can connect (server.address 127.0.0.1, the project's default)."""
    try:
        config = app_state.access_config()
    except access.AccessConfigError:
        return  # broken sign-in settings: the sign-in gate keeps everything closed and says why
    refusal = access.open_network_refusal(config, st.get_option("server.address"))
    if refusal:
        st.error(f"The dashboard stays closed. {refusal}", icon=":material/lock:")
        st.stop()


def require_sign_in(badge: bool = True):
    """Return the session's user; with sign-in on and nobody signed in, draw the sign-in screen and stop the run.

    `badge`: show who is signed in, with "Sign out", in the sidebar (not on a bare shared screen)."""
    try:
        config = app_state.access_config()
        user = app_state.current_user()
    except access.AccessConfigError as exc:
        # Fail closed: a shared server with broken settings shows nothing but this.
        st.error(f"Sign-in is configured wrongly, so the dashboard stays closed: {exc}")
        st.stop()
    if user is None:
        # The sign-in screen is the only page there is: the page list below the gate is never
        # built, so no page of views/ can be reached signed out.
        screen = (lambda: _oidc_screen(config)) if config.mode == "oidc" else (lambda: _password_screen(config))
        st.navigation([st.Page(screen, title="Sign in", url_path="sign-in")], position="hidden").run()
        st.stop()
    if config.enabled and badge:
        _signed_in_badge(user, config)
    return user


def is_analyst() -> bool:
    """Return True when the session's user may change data (uploads, deletes, targets, follow-ups)."""
    try:
        user = app_state.current_user()
    except access.AccessConfigError:
        return False
    return user is not None and user.is_analyst


def analysts_only(what: str) -> bool:
    """Return True when the session's user is an analyst; else show why `what` is not offered and return False."""
    if is_analyst():
        return True
    try:
        user = app_state.current_user()
    except access.AccessConfigError:
        user = None
    text = VIEWER_NOTICE if user is not None else NOBODY_NOTICE
    st.info(text.format(what=what, name=escape_markdown(user.name) if user else ""), icon=":material/lock:")
    return False


def _oidc_screen(config: access.AccessConfig) -> None:
    st.title("cxmetrics")
    if st.user.get("is_logged_in"):
        # The identity provider knows this person, but the settings do not admit them.
        st.error(f"{escape_markdown(st.user.get('email') or 'This account')} may not open this dashboard. "
                 "Ask its administrator to add you, or sign in with another account.")
        st.button("Sign out", on_click=st.logout, key="access_logout_refused")
        return
    st.write("Sign in to see the dashboard.")
    for provider in config.providers:
        label = f"Sign in with {provider.title()}" if provider else "Sign in"
        st.button(label, on_click=st.login, args=[provider] if provider else [], type="primary",
                  key=f"access_login_{provider or 'default'}")


def _password_screen(config: access.AccessConfig) -> None:
    st.title("cxmetrics")
    with st.form("access_sign_in"):
        st.write("Sign in with the password your team was given.")
        name = st.text_input("Your name (recorded with the imports and deletes you make)", key="access_name",
                             max_chars=access.MAX_NAME_LENGTH)
        password = st.text_input("Password", type="password", key="access_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    user, wait = app_state.password_sign_in(password, name)
    if user is not None:
        st.rerun()
    if wait:
        st.error(f"Too many wrong passwords. Try again in {wait:.0f} s.")
    else:
        st.error("That password is not right.")


def _signed_in_badge(user: access.User, config: access.AccessConfig) -> None:
    with st.sidebar:
        st.caption(f"Signed in as **{escape_markdown(user.name)}** · {user.role}")
        if config.mode == "oidc":
            st.button("Sign out", on_click=st.logout, key="access_logout")
        else:
            st.button("Sign out", on_click=app_state.password_sign_out, key="access_logout")
