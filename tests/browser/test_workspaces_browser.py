"""Workspaces in a real headless Chromium over a real `streamlit run`, as a new user meets them: a fresh
start shows the sample with its banner; uploading a small contacts file on the Data page switches to
the `cx` workspace, whose Overview shows that file's data and not the sample's; the switcher goes back
to the sample and forth again."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from .conftest import streamlit_server
from .test_dashboard_browser import FIRST_LOAD_MS, assert_no_error_boxes, metric_value, settle

BANNER = "You are looking at sample data"
# Three calls of a made-up centre in March 2025: nothing like the sample's (thousands, in 2026).
CALLS = ("contact_id,started_at,customer_id,channel,contact_reason\n"
         "K1,2025-03-01 09:00,u1,phone,Billing\n"
         "K2,2025-03-02 10:00,u2,chat,Billing\n"
         "K3,2025-03-03 11:00,u1,phone,Moving\n")


@pytest.fixture(scope="module")
def fresh_app(chromium_path, tmp_path_factory):
    """(base URL, data folder) of a dashboard started on an empty data folder: a fresh clone."""
    workdir = tmp_path_factory.mktemp("workspaces_app")
    with streamlit_server(workdir, sample_from_template=False) as base:  # the app's own first launch
        yield base, workdir


def workspace_box(page: Page):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")


def choose_workspace(page: Page, label: str) -> None:
    workspace_box(page).click()
    page.get_by_role("option", name=label, exact=True).click()


def test_a_fresh_start_shows_the_sample_then_an_upload_switches_to_the_users_workspace(fresh_app, page, tmp_path):
    base, folder = fresh_app
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.get_by_text(BANNER)).to_be_visible()
    settle(page)
    sample_contacts = metric_value(page, "Contacts").inner_text()
    assert sample_contacts != "3"
    assert (folder / "sample.duckdb").exists() and not (folder / "cx.duckdb").exists()

    page.get_by_role("button", name="Start with your own data").click()
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("A file you load here goes into your own workspace, cx")).to_be_visible()
    page.get_by_role("combobox", name="What the file holds").click()
    page.get_by_role("option", name="contacts", exact=True).click()
    # The kind's rerun draws the uploader anew (a file given to the old one is lost): wait for it.
    expect(page.get_by_text("One row per contact with the organisation")).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page)
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS, encoding="utf-8")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(calls))
    page.get_by_role("button", name="Load 3 rows into contacts").click(timeout=FIRST_LOAD_MS)
    expect(page.get_by_text("The dashboard now shows your workspace cx.")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(workspace_box(page)).to_have_value("cx")
    expect(page).to_have_url(re.compile(r"[?&]ws=cx(&|$)"))

    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview").click()
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible(timeout=FIRST_LOAD_MS)
    # Until the page's run is over, the Overview drawn earlier on the sample can still be on screen
    # beside the new one (two "Contacts" tiles: CI saw 1,012 and 3): wait for idle, then read.
    settle(page, FIRST_LOAD_MS)
    expect(metric_value(page, "Contacts")).to_have_text("3")  # the file's calls, not the sample's
    expect(page.get_by_text("4 Feb – 3 Mar 2025 (last 28 days of this workspace's data)")).to_be_visible()
    expect(page.get_by_text(BANNER)).to_have_count(0)
    settle(page)
    assert_no_error_boxes(page, "Overview of the user's workspace")

    choose_workspace(page, "sample (sample data)")
    expect(page.get_by_text(BANNER)).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    expect(metric_value(page, "Contacts")).to_have_text(sample_contacts)
    expect(page).to_have_url(re.compile(r"[?&]ws=sample(&|$)"))
    # Until the rerun is over the sidebar can hold the old switcher beside the new one: wait for idle.
    settle(page)
    choose_workspace(page, "cx")
    expect(page.get_by_text(BANNER)).to_have_count(0, timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    expect(metric_value(page, "Contacts")).to_have_text("3")
    settle(page)
    assert_no_error_boxes(page, "back on the user's workspace")


QUALTRICS = Path(__file__).resolve().parents[1] / "exports" / "qualtrics_nps.csv"


def test_a_survey_tools_export_loads_choosing_only_the_kind(fresh_app, page):
    """A Qualtrics export as it downloads (question texts and import ids under the header, the
    satisfaction answer as words): the Data page says which rows it leaves out and what it read the
    questions as; loaded, the Overview shows its NPS and CSAT (tests/test_guesses.py computes them)."""
    base, _ = fresh_app
    page.goto(base + "/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    page.get_by_role("combobox", name="What the file holds").click()
    page.get_by_role("option", name="responses", exact=True).click()
    expect(page.get_by_text("One row per survey response")).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(QUALTRICS))
    main = page.get_by_test_id("stMain")
    # (the page's markdown escaping puts an invisible word joiner after each colon)
    expect(main.get_by_text(re.compile(r"^The first 2 rows under the header describe the columns \(question texts, "
                                       r"then Qualtrics import ids\):\W*left out, neither loaded nor rejected\.$"))
           ).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(main.get_by_text(re.compile(r"found by the question it answers \W*How likely are you to recommend us"))
           ).to_be_visible()
    expect(main.get_by_text(re.compile(r"This looks like survey responses \(nps, csat, comment"))).to_be_visible()
    page.get_by_role("button", name="Load 5 rows into responses").click(timeout=FIRST_LOAD_MS)
    expect(page.get_by_text(re.compile(r"^Loaded 5 rows into responses from qualtrics_nps\.csv"))).to_be_visible(
        timeout=FIRST_LOAD_MS)
    settle(page)
    assert_no_error_boxes(page, "Data page after loading a Qualtrics export")

    # The answers' own month (the workspace may hold later contacts, whose last 28 days are the default)
    page.goto(base + "/?ws=cx&from=2024-03-01&to=2024-03-31")
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    # Five answers are too few for a judged tile (drawn as text, not st.metric): read the figures
    text = " ".join(page.get_by_test_id("stMain").inner_text().split())
    assert "NPS +0 too few responses · n = 5" in text, text[:600]
    assert "CSAT 50.0 % too few responses · n = 4" in text, text[:600]
    assert_no_error_boxes(page, "Overview of the Qualtrics export")
