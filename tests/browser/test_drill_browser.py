"""Click to drill in a real headless Chromium, on a store of this module's own: clicking the bar of a
reason in "First-contact resolution by reason" shows the contacts that figure judged (as many as the
bar's n), filtered as the page is, downloadable, and cleared by a visible button; clicking a week of
the Overview trend shows that week's contacts (as many as the point's n).

The store is generated here: three reasons, every contact with a customer, spread over 60 days so
contact FCR judges all but the last week's contacts.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from page_runner import fill_store

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.metrics import metric_trend, metrics_frame

from .conftest import streamlit_server
from .test_dashboard_browser import assert_no_error_boxes, open_path, settle

START = datetime(2024, 1, 1, 9, 0)
REASONS = {"Billing": 40, "Login": 25, "Delivery": 12}  # contacts per reason
PERIOD = "from=2024-01-01&to=2024-03-01"


def _contacts() -> str:
    lines = ["contact_id,customer_id,started_at,channel,contact_reason"]
    for r, (reason, count) in enumerate(REASONS.items()):
        for i in range(count):
            # Customers shared across reasons so some contacts come back within the window.
            started = START + timedelta(days=(i * 59) // count, hours=r)
            lines.append(f"{reason[0]}{i},c{i % 17},{started:%Y-%m-%d %H:%M},{'phone' if i % 2 else 'chat'},{reason}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def drill_store(chromium_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("drill_app")
    fill_store(workdir / "cx.duckdb", workdir, {"contacts": _contacts()})
    con = connect(workdir / "cx.duckdb")
    chosen = Filters(START.date(), datetime(2024, 3, 1).date())
    try:
        by_reason = metrics_frame(con, "contact_reason", chosen).set_index("contact_reason")
        by_week = metric_trend(con, "week", chosen).set_index("period")
    finally:
        con.close()
    with streamlit_server(workdir) as base:
        yield base, by_reason, by_week


def test_clicking_a_bar_shows_the_contacts_behind_it(new_page, drill_store, screenshots, tmp_path):
    base, by_reason, _ = drill_store
    page = new_page()
    open_path(page, base, f"/contact_reasons?{PERIOD}")
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="First-contact resolution by reason")
    expect(chart).to_be_visible(timeout=30_000)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("Click a bar, point or cell to see the contacts behind it")
    # The bar is an SVG mark whose label names its reason (Vega's aria label of the datum).
    chart.locator('g.role-mark path[aria-label*="contact_reason: Login"]').first.click()
    panel = page.locator(".st-key-drill_fcr_by_reason")
    judged = int(by_reason.loc["Login", "fcr_n"])
    assert 0 < judged < REASONS["Login"]  # the last week's contacts are not judged: they must not appear
    expect(panel).to_contain_text(f"The {judged} contacts behind contact reason Login", timeout=30_000)
    settle(page, 30_000)
    page.screenshot(path=str(screenshots / "drill_contact_reasons.png"), full_page=False)
    panel.screenshot(path=str(screenshots / "drill_rows_panel.png"))
    with page.expect_download() as caught:
        panel.get_by_role("button", name="Download these rows").click()
    rows = list(csv.DictReader(io.StringIO((caught.value.path().read_bytes()).decode("utf-8-sig"))))
    assert len(rows) == judged
    assert {row["Contact reason"] for row in rows} == {"Login"}
    assert all(row["Resolved first time (contact FCR)"] in ("True", "False") for row in rows)
    panel.get_by_role("button", name="Clear").click()
    expect(page.locator(".st-key-drill_fcr_by_reason")).to_have_count(0, timeout=30_000)
    expect(main).to_contain_text("Click a bar, point or cell to see the contacts behind it")
    assert_no_error_boxes(page, "/contact_reasons")


def test_clicking_a_week_of_the_trend_shows_that_weeks_contacts(new_page, drill_store, screenshots):
    base, _, by_week = drill_store
    page = new_page()
    open_path(page, base, f"/?{PERIOD}")
    page.locator(".st-key-overview_metric").get_by_role("radio", name="Contact FCR").click()
    settle(page, 30_000)
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="Contact FCR by week")
    points = chart.locator("g.mark-symbol.role-mark path")
    expect(points.first).to_be_visible(timeout=30_000)
    points.nth(2).click()
    panel = page.locator(".st-key-drill_trend_fcr_week")
    expect(panel).to_contain_text("contacts behind week of", timeout=30_000)
    heading = panel.locator("strong").first.inner_text()  # "The N contacts behind week of 15 Jan 2024"
    shown, week = int(heading.split()[1]), datetime.strptime(heading.split("week of ")[1], "%d %b %Y")
    assert shown == by_week.loc[week, "fcr_n"] > 0
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "drill_overview_trend.png"))
    assert_no_error_boxes(page, "/ after clicking a week")


def _csv_rows(page, key: str) -> list[dict]:
    """Download the app's CSV behind the button of `key` and return its rows."""
    with page.expect_download() as caught:
        page.locator(f".st-key-{key} button").click()
    return list(csv.DictReader(io.StringIO(caught.value.path().read_bytes().decode("utf-8-sig"))))


def test_a_figure_reads_the_same_in_the_table_its_csv_and_the_charts_csv(new_page, drill_store):
    """One rule for the three (issue 18 item 4): the text Chromium draws in the reasons table's cell, the
    table's download and the FCR chart's download are the same characters for each reason's contact FCR."""
    from cxmetrics.core.presentation import figure_text
    from cxmetrics.face.tables import reason_table

    base, by_reason, _ = drill_store
    table = reason_table(by_reason.reset_index(), "contact_reason")
    column = "Contact FCR %"
    page = new_page()
    open_path(page, base, f"/contact_reasons?{PERIOD}")
    grid = page.locator(".st-key-tbl_reasons")
    grid.scroll_into_view_if_needed()
    # Glide's accessible copy of the canvas: column 0 is the row selector, then the table's columns.
    first = grid.get_by_test_id(f"glide-cell-{list(table.columns).index(column) + 1}-0")
    expect(first).not_to_have_text("", timeout=30_000)
    drawn = {}
    for row, reason in enumerate(table["Contact reason"]):
        cell = grid.get_by_test_id(f"glide-cell-{list(table.columns).index(column) + 1}-{row}")
        drawn[reason] = cell.inner_text().strip()
    table_csv = {r["Contact reason"]: r[column] for r in _csv_rows(page, "dl_reasons")}
    chart_csv = {r["Contact reason"]: r[column] for r in _csv_rows(page, "dl_fcr_by_reason")}
    expected = {reason: figure_text(value) for reason, value in zip(table["Contact reason"], table[column])}
    assert drawn == table_csv == chart_csv == expected
    assert not any(text.endswith(".0") for text in expected.values())
    assert_no_error_boxes(page, "/contact_reasons")
