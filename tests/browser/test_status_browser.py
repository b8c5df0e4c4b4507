"""Good or bad at a glance and what to do next, in a real headless Chromium: the Overview shows each
headline figure's status in words (coloured badges), ends with "What to do next", and an action's link
opens its page with its filter applied in the same session; the huddle opened from the navigation
offers a way back to the dashboard.

Screenshots: artifacts/screenshots/overview_status.png (the whole Overview),
overview_next_steps_link.png (the page an action opens) and huddle_from_navigation.png.
"""

from __future__ import annotations

import os
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from .test_dashboard_browser import FIRST_LOAD_MS, assert_no_error_boxes, full_page_screenshot, open_path, settle

STATUS_WORDS = re.compile(r"^(On track|At risk|Off track|Better|Worse|No real change|Not judged) "
                          r"\((against target|vs previous period)\)$")


def test_overview_shows_status_words_and_what_to_do_next(page, app_url, screenshots):
    open_path(page, app_url, "/")
    assert_no_error_boxes(page, "Overview")
    main = page.get_by_test_id("stMain")
    # Each badge: its words (after the icon's ligature name) and the colour they are drawn in.
    badges = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] .stMarkdownBadge')].map(b => [
        [...b.childNodes].filter(n => n.nodeType === Node.TEXT_NODE).map(n => n.textContent).join('').trim(),
        getComputedStyle(b).color.match(/\\d+/g).map(Number)])""")
    statuses = {words: rgb for words, rgb in badges if STATUS_WORDS.match(words)}
    # One status per judged headline figure (NPS, CSAT, CES, FCR, repeats) and per contact-centre tile.
    assert len([w for w, _ in badges if STATUS_WORDS.match(w)]) >= 5, badges
    for words in ("Better (vs previous period)", "No real change (vs previous period)"):
        expect(main.locator(".stMarkdownBadge", has_text=words).first).to_be_visible()
    red, green, blue = statuses["Better (vs previous period)"]
    assert green > red + 30 and green > blue, statuses  # better: green
    grey = statuses["No real change (vs previous period)"]
    assert max(grey) - min(grey) < 30, statuses  # no real change: grey, neither good nor bad
    expect(main.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(main.get_by_text(re.compile(r"Work on Technical fault:\u2060? it costs .* NPS points overall \(95 % interval"))).to_be_visible()
    links = main.get_by_role("link", name=re.compile(r"^(See .+ on Contact reasons|Open the follow-up list)$"))
    assert links.count() == 3
    full_page_screenshot(page, screenshots / "overview_status.png")


def test_an_action_link_opens_its_page_with_its_filter(page, app_url, screenshots):
    open_path(page, app_url, "/")
    page.get_by_test_id("stMain").get_by_role("link", name="See Technical fault on Contact reasons").first.click()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Contact reasons", timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)
    assert_no_error_boxes(page, "Contact reasons from an action")
    reasons = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has=page.get_by_role("combobox", name="Contact reason", exact=True))
    expect(reasons.get_by_text("Technical fault", exact=True)).to_be_visible()
    assert "reason=Technical+fault" in page.url and "link=" not in page.url
    page.screenshot(path=str(screenshots / "overview_next_steps_link.png"))


def test_the_huddle_opened_from_the_navigation_leads_back(page, app_url, screenshots):
    open_path(page, app_url, "/")
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Huddle").click()
    expect(page.get_by_test_id("huddle-screen")).to_be_visible(timeout=FIRST_LOAD_MS)
    back = page.get_by_role("link", name="Back to the dashboard")
    expect(back).to_be_visible()
    page.screenshot(path=str(screenshots / "huddle_from_navigation.png"))
    back.click()
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("How are we doing?", timeout=FIRST_LOAD_MS)
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(page.get_by_test_id("huddle-screen")).to_have_count(0)
