"""The sign-in gate and the analyst-only actions, through AppTest on the sample data.

Sign-in is off without settings (every existing page test runs that way); here the settings come
from the environment or from AppTest's secrets, as `.streamlit/secrets.toml` would give them.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.core import access
from cxmetrics.store import audit
from cxmetrics.ingest.bootstrap import SAMPLE_ACTOR
from cxmetrics.store.db import PROJECT_ROOT, connect

ANALYST_HASH = access.hash_password("analyst-pw", 1_000)
VIEWER_HASH = access.hash_password("viewer-pw", 1_000)
OVERVIEW, DATA = "views/overview.py", "views/data.py"
LOOP, VOICE = "views/close_the_loop.py", "views/voice.py"


@pytest.fixture
def db(sample_db, monkeypatch):
    path = sample_db
    for name in (access.ENV_ANALYST_HASH, access.ENV_VIEWER_HASH, access.ENV_ANALYSTS, access.ENV_VIEWERS):
        monkeypatch.delenv(name, raising=False)
    from cxmetrics import app_state

    app_state._connection.clear()
    app_state._sign_in_throttle.clear()  # wrong passwords count for the whole process
    yield path
    app_state._connection.clear()
    app_state._sign_in_throttle.clear()


@pytest.fixture
def passwords(db, monkeypatch):
    monkeypatch.setenv(access.ENV_ANALYST_HASH, ANALYST_HASH)
    monkeypatch.setenv(access.ENV_VIEWER_HASH, VIEWER_HASH)
    return db


def app(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    return at.run()


def sign_in(at: AppTest, password: str, name: str = "") -> AppTest:
    at.text_input(key="access_name").set_value(name)
    at.text_input(key="access_password").set_value(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    return at.run()


def texts(elements) -> list[str]:
    return [e.value if hasattr(e, "value") else e.body for e in elements]


def test_signed_out_sees_only_the_sign_in_form(passwords):
    at = app()
    assert not at.exception
    assert at.text_input(key="access_password").type == "text_input"
    assert not at.metric and not at.dataframe  # no figure, no table before signing in
    sign_in(at, "not-it")
    assert "That password is not right." in texts(at.error)
    assert not at.metric


def test_a_viewer_reads_but_cannot_set_targets_load_or_delete(passwords):
    at = sign_in(app(), "viewer-pw", "Mia")
    assert not at.exception, [e.message for e in at.exception]
    assert at.metric  # the overview's figures
    assert "Signed in as **Mia \\(viewer password\\)** · viewer" in texts(at.sidebar.caption)
    assert any("Analysts only: setting targets" in t for t in texts(at.info))
    assert not [n for n in at.number_input if n.key and n.key.startswith("target_")]

    at = go(at, DATA)
    assert not at.exception, [e.message for e in at.exception]
    assert any("Analysts only: loading a file" in t for t in texts(at.info))
    assert not at.get("file_uploader")
    assert "Analysts only: deleting an import needs an analyst sign-in." in texts(at.caption)
    assert not [b for b in at.button if b.key == "data_delete"]
    history = at.dataframe[0].value
    assert set(history["By"]) == {SAMPLE_ACTOR}


def test_a_viewer_reads_the_follow_ups_and_themes_but_cannot_change_them(passwords):
    at = go(sign_in(app(), "viewer-pw", "Mia"), LOOP)
    assert not at.exception, [e.message for e in at.exception]
    assert any("Analysts only: editing follow-ups" in t for t in texts(at.info))
    assert any("Analysts only: giving a cause to a team" in t for t in texts(at.info))
    assert all(b.disabled for b in at.button if b.label == "Save changes")
    assert not [b for b in at.button if b.label == "Save action"]

    at = go(at, VOICE)
    assert not at.exception, [e.message for e in at.exception]
    assert not [b for b in at.button if b.key == "voc_save"]


@pytest.mark.parametrize("save", [
    lambda app_state: app_state.save_follow_ups([]),
    lambda app_state: app_state.save_loop_action(None),
    lambda app_state: app_state.save_theme_dictionary([]),
    lambda app_state: app_state.add_theme_keyword("Price", "price", "en"),
    lambda app_state: app_state.save_target("nps", 20.0),
    lambda app_state: app_state.save_view("Weekly", ""),
    lambda app_state: app_state.rename_view("Weekly", "Monthly"),
    lambda app_state: app_state.delete_view("Weekly"),
], ids=["follow_ups", "loop_action", "theme_dictionary", "theme_keyword", "target", "save_view", "rename_view",
        "delete_view"])
def test_every_change_checks_the_role_itself_not_only_the_page(save, monkeypatch):
    """A stale or forged click by a viewer changes nothing: the write refuses before touching the database."""
    from cxmetrics import app_state

    monkeypatch.setattr(app_state, "current_user", lambda: access.User("Mia", "viewer", "password"))
    monkeypatch.setattr(app_state, "cursor", lambda: pytest.fail("a viewer's change reached the database"))
    with pytest.raises(PermissionError, match="only analysts"):
        save(app_state)


def test_an_analyst_sets_targets_and_deletes_with_their_name_in_the_log(passwords):
    at = sign_in(app(), "analyst-pw", "Ana")
    assert "Signed in as **Ana \\(analyst password\\)** · analyst" in texts(at.sidebar.caption)
    assert at.number_input(key="target_nps")
    at = go(at, DATA)
    assert at.get("file_uploader")
    at.button(key="data_delete").click()
    at.run()
    at.button(key="data_delete_yes").click()
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(passwords)
    try:
        newest = audit.entries(con, 1)[0]
    finally:
        con.close()
    assert (newest["actor"], newest["action"], newest["import_id"]) == ("Ana (analyst password)", "delete-import", 5)


def test_signing_out_forgets_the_user(passwords):
    # AppTest reruns only the page after the first run, not the frame with the gate, so this
    # checks the session; the browser test sees the sign-in form come back.
    at = sign_in(app(), "analyst-pw")
    assert "cx_user" in at.session_state
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert "cx_user" not in at.session_state


def test_too_many_wrong_passwords_make_the_session_wait(passwords):
    at = app()
    for _ in range(access.MAX_FAILURES - 1):
        sign_in(at, "guess")
        assert "That password is not right." in texts(at.error)
    sign_in(at, "guess")
    assert any(t.startswith("Too many wrong passwords") for t in texts(at.error))
    sign_in(at, "analyst-pw")  # even the right one waits out the lockout
    assert any(t.startswith("Too many wrong passwords") for t in texts(at.error))
    assert not at.metric


def test_a_new_session_does_not_reset_the_wait(passwords):
    # Reproduced: the count lived in the browser session, so a reload (a new session) tried again
    # at once: 3 tries in 6.5 s. Every AppTest is a new session of the same server process.
    first = app()
    for _ in range(access.MAX_FAILURES):
        sign_in(first, "guess")
    assert any(t.startswith("Too many wrong passwords") for t in texts(first.error))
    reloaded = sign_in(app(), "analyst-pw")
    assert any(t.startswith("Too many wrong passwords") for t in texts(reloaded.error))
    assert not reloaded.metric and "cx_user" not in reloaded.session_state


def test_password_hashes_in_secrets_work_like_the_environment(db):
    at = sign_in(app({"access": {"viewer_password_hash": VIEWER_HASH}}), "viewer-pw")
    assert at.metric
    assert "Signed in as **viewer password** · viewer" in texts(at.sidebar.caption)


def test_oidc_settings_show_the_provider_sign_in_and_nothing_else(db):
    auth = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "not-a-real-secret",
        "google": {
            "client_id": "id",
            "client_secret": "secret",
            "server_metadata_url": "https://accounts.google.com/.well-known/openid-configuration",
        },
    }
    at = app({"auth": auth, "access": {"analysts": ["ana@example.com"]}})
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in with Google"]
    assert not at.metric and not at.text_input


def test_broken_settings_keep_the_dashboard_closed(db, monkeypatch):
    monkeypatch.setenv(access.ENV_ANALYST_HASH, "letmein")
    at = app()
    assert not at.exception
    assert any("Sign-in is configured wrongly" in t for t in texts(at.error))
    assert not at.metric and not at.text_input


def test_without_settings_everyone_is_a_local_analyst(db):
    at = app()
    assert not [t for t in at.text_input if t.key == "access_password"]
    assert at.metric and at.number_input(key="target_nps")
    assert not [c for c in texts(at.sidebar.caption) if c.startswith("Signed in as")]


def _store_view(path, name: str) -> None:
    from cxmetrics.engine.saved_views import save_view

    con = connect(path)
    try:
        save_view(con, name, "segments", {"split_by": "region"}, actor="Ana")
    finally:
        con.close()


def test_a_viewer_opens_saved_views_but_cannot_save_rename_or_delete_them(passwords):
    _store_view(passwords, "By region")
    at = sign_in(app(), "viewer-pw", "Mia")
    assert not at.exception, [e.message for e in at.exception]
    assert "By region" in [b.label for b in at.sidebar.button]  # listed, and opens (test_saved_view_pages)
    assert ("Analysts only: saving, renaming or deleting a view needs an analyst sign-in. You are signed in as "
            "Mia \\(viewer password\\) (viewer).") in texts(at.sidebar.info)
    assert not [t for t in at.sidebar.text_input if t.key in ("view_new_name", "view_rename_to")]
    assert not [b for b in at.sidebar.button if b.key in ("view_rename", "view_delete")]
    assert "Save view" not in [b.label for b in at.sidebar.button]


def test_an_analysts_saved_and_deleted_views_are_in_the_log_with_their_name(passwords):
    at = sign_in(app(), "analyst-pw", "Ana")
    at.sidebar.text_input(key="view_new_name").set_value("My overview")
    next(b for b in at.sidebar.button if b.label == "Save view").click()
    at = at.run()
    assert not at.exception and not at.error
    at.sidebar.selectbox(key="view_pick").set_value("My overview")
    at.sidebar.button(key="view_delete").click()
    at = at.run()
    assert not at.exception and not at.error
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(passwords)
    try:
        logged = [(e["actor"], e["action"], e["detail"]["name"]) for e in audit.entries(con, 2)]
    finally:
        con.close()
    assert logged == [("Ana (analyst password)", "delete-view", "My overview"),
                      ("Ana (analyst password)", "save-view", "My overview")]


def test_without_sign_in_the_local_analyst_saves_views(db):
    at = app()
    assert at.sidebar.text_input(key="view_new_name")
    assert not [t for t in texts(at.sidebar.info) if t.startswith("Analysts only")]
