"""Click to drill on a page wired after the first ones, in a real headless Chromium over the sample:
clicking the detractors' dot of a theme in Voice of the customer's "Themes mentioned by detractors
and by promoters" shows the detractors' comments that mention it (as many as the dot's share
counted), downloadable, and cleared by a visible button. On the Huddle, which shows no row, a
contact reason's name opens Contact reasons filtered to that reason.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from datetime import date

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.voice import group_shares, theme_summary

from .test_dashboard_browser import FIRST_LOAD_MS, assert_no_error_boxes, open_path, settle

PERIOD = "from=2026-04-01&to=2026-09-30"
DETRACTORS = "Detractors (0–6)"


@pytest.fixture(scope="module")
def detractor_marks(sample_template, tmp_path_factory):
    """The detractors' dots of the theme chart on the sample, as the engine counts them (a copy of the
    store the session's server started from)."""
    path = tmp_path_factory.mktemp("drill_more") / "sample.duckdb"
    shutil.copyfile(sample_template, path)
    con = connect(path)
    try:
        summary, _ = theme_summary(con, Filters(date(2026, 4, 1), date(2026, 9, 30)))
    finally:
        con.close()
    shares = group_shares(summary[summary["comments"] > 0])
    return shares[shares["group"] == DETRACTORS].set_index("theme")


def test_clicking_a_themes_detractor_dot_shows_those_comments(new_page, app_url, detractor_marks, screenshots):
    page = new_page()
    open_path(page, app_url, f"/voice?{PERIOD}")
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="Themes mentioned by detractors and by promoters")
    expect(chart).to_be_visible(timeout=30_000)
    theme = detractor_marks.index[1]
    mentions = int(detractor_marks.loc[theme, "mentions"])
    assert 0 < mentions < int(detractor_marks.loc[theme, "n"])
    # A dot is an SVG symbol whose label names its theme and group (Vega's aria label of the datum).
    dot = chart.locator(f'g.role-mark path[aria-label*="theme: {theme}"][aria-label*="{DETRACTORS}"]')
    expect(dot).to_have_count(1)
    dot.click()
    panel = page.locator(".st-key-drill_theme_shares_by_group")
    expect(panel).to_contain_text(f"The {mentions} comments behind NPS group Detractor · theme {theme}",
                                  timeout=30_000)
    settle(page, 30_000)
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "drill_voice_theme.png"))
    with page.expect_download() as caught:
        panel.get_by_role("button", name="Download these rows").click()
    rows = list(csv.DictReader(io.StringIO(caught.value.path().read_bytes().decode("utf-8-sig"))))
    assert len(rows) == mentions
    assert {row["NPS group"] for row in rows} == {"detractor"}
    assert all(theme in row["Themes"] for row in rows)
    panel.get_by_role("button", name="Clear").click()
    expect(page.locator(".st-key-drill_theme_shares_by_group")).to_have_count(0, timeout=30_000)
    assert_no_error_boxes(page, "/voice after a click")


def test_a_reason_on_the_huddle_opens_contact_reasons_filtered_to_it(new_page, app_url, screenshots):
    page = new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})  # the screen the huddle is drawn for
    page.goto(f"{app_url}/huddle?panels=reasons&every=600")
    screen = page.get_by_test_id("huddle-screen")
    expect(screen).to_be_visible(timeout=FIRST_LOAD_MS)
    link = screen.locator("a.hd-link").first
    reason = link.inner_text()
    assert screen.locator("table").count() == 1 and not page.get_by_test_id("stDataFrame").count()
    page.screenshot(path=str(screenshots / "huddle_reason_links.png"))
    link.click()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Contact reasons", timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    reasons = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has=page.get_by_role("combobox", name="Contact reason", exact=True))
    expect(reasons.get_by_text(reason, exact=True)).to_be_visible()
    assert "link=" not in page.url
    assert_no_error_boxes(page, "Contact reasons from the huddle")
