"""Sign-in with shared passwords in a real browser: the gate, the viewer's limits, signing out.

A server of its own, started with the two password hashes in the environment (as a shared
server would set them), over its own temporary database.
"""

from __future__ import annotations

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics.core import access

from .conftest import streamlit_server

LOAD_MS = 90_000


@pytest.fixture(scope="module")
def protected_url(chromium_path, tmp_path_factory):
    """A server of this module only, with the two password hashes in its environment."""
    hashes = {
        access.ENV_ANALYST_HASH: access.hash_password("analyst-pw", 1_000),
        access.ENV_VIEWER_HASH: access.hash_password("viewer-pw", 1_000),
    }
    with streamlit_server(tmp_path_factory.mktemp("signin_app"), hashes) as base:
        yield base


def sign_in(page, base: str, password: str, name: str = "") -> None:
    page.goto(base + "/")
    expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=LOAD_MS)
    if name:
        page.get_by_role("textbox", name="Your name (recorded with the imports and deletes you make)").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_gate_the_viewer_and_signing_out(page, protected_url, screenshots):
    # The server's very first script run is a page URL: before app.py has ever run, Streamlit
    # would run a file of a folder named pages/ on its own, past the gate (why views/ is views/).
    for path in ("/data", "/huddle", "/close_the_loop"):  # no page opens by its URL
        page.goto(protected_url + path)
        expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=LOAD_MS)
        expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
        expect(page.get_by_test_id("stMetric")).to_have_count(0)

    page.goto(protected_url + "/")  # away from the "page not found" dialog
    expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # not even the page list
    page.screenshot(path=str(screenshots / "sign_in.png"))
    page.get_by_role("textbox", name="Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That password is not right.")).to_be_visible()

    sign_in(page, protected_url, "viewer-pw", "Mia")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=LOAD_MS)
    sidebar = page.get_by_test_id("stSidebar")
    # exact: the saved views' "Analysts only" notice names the viewer too.
    expect(sidebar.get_by_text("Mia (viewer password)", exact=True)).to_be_visible()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
    expect(page.get_by_text("Analysts only: loading a file needs an analyst sign-in.", exact=False)).to_be_visible(
        timeout=LOAD_MS)
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)

    sidebar.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("textbox", name="Password")).to_be_visible(timeout=LOAD_MS)
    expect(page.get_by_test_id("stMetric")).to_have_count(0)


def test_an_analyst_gets_the_upload(new_page, protected_url):
    page = new_page()
    sign_in(page, protected_url, "analyst-pw")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=LOAD_MS)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
    expect(page.get_by_test_id("stFileUploader")).to_be_visible(timeout=LOAD_MS)
