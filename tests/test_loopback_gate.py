"""Sign-in off only on a server nobody else can reach: the rule (cxmetrics.core.access) and the gate in app.py.

With sign-in off everyone who connects is an analyst who can load and delete data, and Streamlit
listens on every interface unless told otherwise. The project binds to 127.0.0.1
(.streamlit/config.toml); on any other address the app refuses to open until sign-in is on.
"""

from __future__ import annotations

import tomllib

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from cxmetrics.core import access
from cxmetrics.core.access import AccessConfig
from cxmetrics.store.db import PROJECT_ROOT

PASSWORD_ON = AccessConfig("password", analyst_hash=access.hash_password("pw", 1_000))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost", " LOCALHOST ",
                                     "unix:///run/cxmetrics.sock"])
def test_loopback_addresses_are_this_machine_only(address):
    assert not access.reachable_beyond_loopback(address)


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "fe80::1",
                                     "cx.example.com", "127.0.0.1.nip.io", "localhost.example.com"])
def test_every_other_address_counts_as_reachable(address):
    # Unset means every interface (Streamlit's default); a host name is not resolved: fail closed.
    assert access.reachable_beyond_loopback(address)


def test_sign_in_off_on_a_reachable_address_is_refused_with_the_fix():
    refusal = access.open_network_refusal(AccessConfig(), "0.0.0.0")
    assert "Sign-in is off and this server listens on address 0.0.0.0" in refusal
    assert 'server.address = "127.0.0.1"' in refusal and "turn sign-in on" in refusal
    assert "every network interface" in access.open_network_refusal(AccessConfig(), None)


@pytest.mark.parametrize("config, address", [(AccessConfig(), "127.0.0.1"), (PASSWORD_ON, "0.0.0.0"),
                                             (PASSWORD_ON, None)])
def test_loopback_or_sign_in_on_is_allowed(config, address):
    assert access.open_network_refusal(config, address) is None


def test_the_project_serves_this_machine_only_by_default():
    settings = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert settings["server"]["address"] == "127.0.0.1"


@pytest.fixture
def server_address(tmp_path, monkeypatch):
    """set(address): what `--server.address` would give the app run by AppTest in this process."""
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "gate.duckdb"))
    for name in (access.ENV_ANALYST_HASH, access.ENV_VIEWER_HASH, access.ENV_ANALYSTS, access.ENV_VIEWERS):
        monkeypatch.delenv(name, raising=False)
    before = st_config.get_option("server.address")
    yield lambda address: st_config.set_option("server.address", address, "test")
    st_config.set_option("server.address", before, "test")


def test_the_app_stays_closed_with_sign_in_off_on_every_interface(server_address):
    server_address("0.0.0.0")
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("The dashboard stays closed. Sign-in is off and this server listens on address 0.0.0.0")
    assert not at.metric and not at.dataframe and not at.sidebar.children  # no page, no navigation


def test_with_sign_in_on_the_same_address_shows_the_sign_in_form(server_address, monkeypatch):
    server_address("0.0.0.0")
    monkeypatch.setenv(access.ENV_ANALYST_HASH, access.hash_password("pw", 1_000))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    assert at.text_input(key="access_password").type == "text_input"
