"""AppTest of workspaces on the real app (app.py): the sample banner and its action, the switcher, a load
that switches to the user's workspace, removing the sample (analysts only, confirmed), hostile `?ws=` links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.core import access
from cxmetrics import app_state
from cxmetrics.store.db import PROJECT_ROOT, connect
from workspace_runner import (BANNER, DATA, OVERVIEW, CALLS, app, banner, checked, fresh, own_workspace,  # noqa: F401
                              switcher, tiles)


# --------------------------------------------------------------------------- workspaces


def test_a_fresh_start_shows_the_sample_with_a_banner_and_one_action_to_the_data_page(fresh):
    at = app()
    assert banner(at) and "kept apart from your own data" in banner(at)[0]
    assert switcher(at).options == ["sample (sample data)"]
    assert at.query_params["ws"] in ("sample", ["sample"])
    assert not (fresh / "cx.duckdb").exists()  # looking makes no workspace of the user's
    checked(at.button(key="ws_start").click().run())
    assert at.title[0].value == "Data"
    assert [i.body for i in at.info if "goes into your own workspace, cx" in i.body]


def test_a_load_from_the_sample_goes_into_the_users_workspace_and_switches_to_it(fresh):
    at = app(DATA)
    at.selectbox(key="data_kind").set_value("contacts")
    at.file_uploader[0].set_value(("calls.csv", CALLS.encode(), "text/csv"))
    checked(at.run())
    checked(at.button(key="data_load").click().run())
    assert at.success[0].value.endswith("The dashboard now shows your workspace cx.")
    assert not banner(at) and switcher(at).value == "cx"
    assert switcher(at).options == ["cx", "sample (sample data)"]
    assert at.query_params["ws"] in ("cx", ["cx"])

    app_state._connection.clear()
    con = connect(fresh / "sample.duckdb")  # the sample took none of the user's rows
    try:
        assert con.execute("SELECT count(*) FROM contacts WHERE contact_id LIKE 'M%'").fetchall() == [(0,)]
    finally:
        con.close()

    at.switch_page(OVERVIEW)
    checked(at.run())
    assert tiles(at)["Contacts"] == "3"  # the file's contacts, not the sample's
    assert any("4 Feb – 3 Mar 2025 (last 28 days" in c.value for c in at.caption)  # its own data's last days


def test_the_switcher_goes_to_the_sample_and_back(fresh):
    own_workspace(fresh, [("M1", "2025-03-01 09:00", "u1", "phone", "Billing")])
    at = app()
    assert not banner(at) and switcher(at).value == "cx"  # the user's workspace, once it holds data
    assert tiles(at)["Contacts"] == "1"
    checked(switcher(at).set_value("sample").run())
    assert banner(at) and at.query_params["ws"] in ("sample", ["sample"])
    assert tiles(at)["Contacts"] != "1"
    checked(at.button(key="ws_back").click().run())
    assert not banner(at) and switcher(at).value == "cx" and tiles(at)["Contacts"] == "1"


def test_a_link_names_a_workspace_and_a_hostile_one_opens_the_default(fresh):
    own_workspace(fresh, [("M1", "2025-03-01 09:00", "u1", "phone", "Billing")])
    assert banner(app(query={"ws": "sample"}))
    for hostile in ("../cx", str(fresh / "sample.duckdb"), "sample\x00"):
        at = app(query={"ws": hostile})
        assert not banner(at) and switcher(at).value == "cx"
        assert [w.value for w in at.warning if "There is no workspace called" in w.value]
    assert sorted(p.name for p in fresh.glob("*.duckdb")) == ["cx.duckdb", "sample.duckdb"]


def test_removing_the_sample_asks_first_then_deletes_its_file(fresh):
    at = app()
    assert not [b for b in at.button if b.key == "ws_remove"]  # the sample is all there is: nothing to remove
    own_workspace(fresh, [("M1", "2025-03-01 09:00", "u1", "phone", "Billing")])
    at = app(query={"ws": "sample"})
    checked(at.button(key="ws_remove").click().run())
    assert [w.value for w in at.sidebar.warning if w.value.startswith("Remove the sample workspace?")]
    checked(at.button(key="ws_remove_cancel").click().run())
    assert (fresh / "sample.duckdb").exists()
    checked(at.button(key="ws_remove").click().run())
    checked(at.button(key="ws_remove_yes").click().run())
    assert not (fresh / "sample.duckdb").exists()
    assert [s.value for s in at.sidebar.success] == ["The sample data is removed."]
    assert switcher(at).options == ["cx"] and not banner(at)
    assert not banner(app())  # and it stays removed for the next session


def test_only_an_analyst_can_remove_the_sample(fresh, monkeypatch):
    own_workspace(fresh, [("M1", "2025-03-01 09:00", "u1", "phone", "Billing")])
    monkeypatch.setenv(access.ENV_VIEWER_HASH, access.hash_password("viewer-pw", 1_000))
    monkeypatch.setenv(access.ENV_ANALYST_HASH, access.hash_password("analyst-pw", 1_000))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120).run()
    at.text_input(key="access_password").set_value("viewer-pw")
    next(b for b in at.button if b.label == "Sign in").click()
    checked(at.run())
    assert switcher(at).value == "cx"
    assert not [b for b in at.button if b.key == "ws_remove"]
    with pytest.raises(PermissionError):
        app_state.remove_sample()  # the check behind the hidden button
    assert (fresh / "sample.duckdb").exists()


