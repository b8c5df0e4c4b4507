"""The Voice of the customer page in a real headless Chromium: it opens without an exception box,
its charts draw, a search typed into the box narrows the comments, a theme row drills through to the
comments behind it, and "Mask personal data" masks customer ids and travels in the URL.

Screenshots: artifacts/screenshots/voice.png (whole page) and voice_search.png (after a search).
"""

from __future__ import annotations

import os
import re

import pytest

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from .test_dashboard_browser import assert_no_error_boxes, chart_summary, full_page_screenshot, open_path, settle

MATCHING = re.compile(r"^([\d,]+) comments match")


def open_voice(page: Page, app_url: str) -> None:
    open_path(page, app_url, "/voice")


def matching_count(page: Page) -> int:
    line = page.get_by_test_id("stMarkdown").filter(has_text=MATCHING).first
    expect(line).to_be_visible()
    return int(MATCHING.match(line.inner_text().strip()).group(1).replace(",", ""))


def comments_table(page: Page):
    return page.get_by_test_id("stDataFrame").filter(has_text="Answered").last


def table_cells(table) -> list[str]:
    return [t.strip() for t in table.locator("[id^='glide-cell-']").all_inner_texts()]


def test_voice_page_opens_searches_and_drills_through(page, app_url, screenshots):
    open_voice(page, app_url)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text("Voice of the customer")
    assert_no_error_boxes(page, "/voice")
    charts = chart_summary(page)
    assert len(charts) >= 4, charts
    assert not [c["title"] for c in charts if not c["marks"] and not c["canvas"]], charts
    full_page_screenshot(page, screenshots / "voice.png")

    everything = matching_count(page)
    search = page.get_by_label("Search the comments")
    search.scroll_into_view_if_needed()
    search.fill('"call back"')
    search.press("Enter")
    expect(page.get_by_test_id("stMarkdown").filter(has_text=MATCHING).first).not_to_have_text(
        re.compile(rf"^{everything:,} comments match"))
    settle(page)
    assert_no_error_boxes(page, "/voice after a search")
    found = matching_count(page)
    assert 0 < found < everything
    texts = " ".join(table_cells(comments_table(page))).lower()
    assert "call back" in texts and "repeat contact" in texts  # the comment and the theme it carries
    page.screenshot(path=str(screenshots / "voice_search.png"))

    # Drill-through: the theme table is the first dataframe; click the first data row's checkbox.
    themes_table = page.get_by_test_id("stDataFrame").first
    themes_table.scroll_into_view_if_needed()
    first_theme = themes_table.get_by_test_id("glide-cell-1-0")
    expect(first_theme).not_to_have_text("")
    theme = first_theme.inner_text().strip()
    themes_table.click(position={"x": 16, "y": 35 + 17})
    expander = page.get_by_test_id("stExpander").filter(has_text="The comments behind")
    expect(expander).to_contain_text(f"The comments behind '{theme}'")
    settle(page)
    assert_no_error_boxes(page, "/voice after selecting a theme")
    expect(expander.get_by_test_id("stDownloadButton")).to_be_visible()


def downloaded_ids(page: Page, tmp_path, name: str) -> list[str]:
    """Download the comments table as CSV and return its Customer column."""
    import csv

    with page.expect_download() as caught:
        page.locator(".st-key-dl_comments button").click()
    saved = tmp_path / name
    caught.value.save_as(saved)
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        return [row["Customer"] for row in csv.DictReader(fh)]


def test_mask_personal_data_masks_ids_and_stays_in_the_link(new_page, app_url, tmp_path):
    page = new_page()
    open_voice(page, app_url)
    plain = downloaded_ids(page, tmp_path, "plain.csv")
    assert plain and all(re.fullmatch(r"C\d{5}", c) for c in plain if c)

    page.get_by_test_id("stSidebar").get_by_text("Mask personal data").click()
    expect(page).to_have_url(re.compile(r"[?&]mask=1(&|$)"))
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text="Personal data masked").first).to_be_visible()
    settle(page)
    assert_no_error_boxes(page, "/voice masked")
    masked = downloaded_ids(page, tmp_path, "masked.csv")
    assert len(masked) == len(plain)
    assert all(re.fullmatch(r"cust-[0-9a-f]{10}", c) for c in masked if c)

    shared = new_page()  # the link alone carries the setting
    open_path(shared, "", page.url)
    expect(shared.get_by_test_id("stCaptionContainer").filter(has_text="Personal data masked").first).to_be_visible()
    assert downloaded_ids(shared, tmp_path, "shared.csv") == masked


def test_drill_through_on_other_pages_is_masked_too(page, app_url, tmp_path):
    import csv

    open_path(page, app_url, "/")
    open_path(page, app_url, "/contact_reasons?mask=1")
    table = page.get_by_test_id("stDataFrame").first  # reasons; rows drill through to their contacts
    table.scroll_into_view_if_needed()
    table.click(position={"x": 16, "y": 35 + 17})
    expander = page.get_by_test_id("stExpander").filter(has_text="The contacts behind")
    expect(expander).to_be_visible()
    settle(page)
    assert_no_error_boxes(page, "/contact_reasons?mask=1 after selecting a row")
    with page.expect_download() as caught:
        page.locator(".st-key-dl_reasons_contacts_behind button").click()
    saved = tmp_path / "behind.csv"
    caught.value.save_as(saved)
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ids = [row["Customer"] for row in rows]  # the CSV names its columns for readers, as the table does
    assert ids and all(re.fullmatch(r"cust-[0-9a-f]{10}", c) for c in ids if c)
