"""Views that travel, in a real headless Chromium: a shared link with a page's own choices opens the page
with them restored (and the choice made in the page lands in the address bar); a link value the
workspace lacks is said on the page; the touchpoint map draws the main journeys.

Screenshots: artifacts/screenshots/touchpoint_map.png (the map of the main journeys) and
shared_link_segments.png (Segments opened from a link with its choices).
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, urlparse

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from .test_dashboard_browser import assert_no_error_boxes, chart_summary, open_path, settle


def test_a_shared_link_restores_the_page_choices(page, app_url, screenshots):
    open_path(page, app_url, "/segments?split_by=channel&metric=csat&channel=phone&channel=Fax")
    assert_no_error_boxes(page, "segments from a link")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("combobox", name="Split by")).to_have_value("channel")
    expect(main.get_by_role("combobox", name="Metric")).to_have_value("CSAT")
    expect(page.get_by_text("CSAT: gap to everyone else by channel")).to_be_visible()
    # The channel the workspace lacks is said on the page; the one it has stays chosen.
    expect(main.get_by_text("The link asked for channel 'Fax', which this workspace does not have; showing the "
                            "other channels chosen.")).to_be_visible()
    query = parse_qs(urlparse(page.url).query)
    assert query["split_by"] == ["channel"] and query["metric"] == ["csat"] and query["channel"] == ["phone"]
    page.screenshot(path=str(screenshots / "shared_link_segments.png"))


def test_a_choice_made_on_the_page_travels_in_the_address(page, app_url, new_page):
    open_path(page, app_url, "/touchpoints")
    page.get_by_test_id("stButtonGroup").get_by_text("contact reason", exact=True).click()
    expect(page.get_by_text("The main journeys by contact reason")).to_be_visible(timeout=30_000)
    settle(page)
    assert parse_qs(urlparse(page.url).query)["touchpoints"] == ["contact_reason"]
    # The same address in another session (a colleague's browser) opens the same view.
    other = new_page()
    open_path(other, app_url, urlparse(page.url).path + "?" + urlparse(page.url).query)
    expect(other.get_by_text("The main journeys by contact reason")).to_be_visible()


def test_an_unknown_page_choice_is_said_on_the_page(page, app_url):
    open_path(page, app_url, "/segments?split_by=favourite_colour")
    expect(page.get_by_test_id("stMain").get_by_text(
        "The link asked for split by 'favourite_colour', which this workspace does not have; showing 'tier'.")
    ).to_be_visible()


def test_the_touchpoint_map_shows_the_main_journeys(page, app_url, screenshots):
    open_path(page, app_url, "/touchpoints")
    assert_no_error_boxes(page, "touchpoint map")
    title = "The main journeys by channel"
    charts = {c["title"]: c for c in chart_summary(page)}
    assert charts[title]["marks"] or charts[title]["canvas"], charts
    chart = page.get_by_test_id("stVegaLiteChart").filter(has_text=title)
    chart.scroll_into_view_if_needed()
    settle(page)
    chart.screenshot(path=str(screenshots / "touchpoint_map.png"))
