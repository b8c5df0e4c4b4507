"""The dashboard in a real headless Chromium: every page opens without an exception box, charts draw,
the Overview's first screen holds the headline, a filter set in the sidebar changes the figures and
travels in the URL, a table row drills through to the contacts behind it, chart data downloads.

Screenshots go to artifacts/screenshots/ (full page for each page, first screen for the Overview).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.core.presentation import KPI_KEYS

from .conftest import VIEWPORT

FIRST_LOAD_MS = 60_000  # the first session also loads the sample data into the empty database
SETTLE_MS = 30_000
KPI_LABELS = [DEFINITIONS[key].label for key in KPI_KEYS]


@dataclass(frozen=True)
class AppPage:
    slug: str  # screenshot name
    nav: str  # the link text in the sidebar navigation
    path: str  # URL path
    heading: str  # the page's st.title
    charts: bool  # whether the page draws charts on the sample data


PAGES = [
    AppPage("overview", "Overview", "/", "How are we doing?", True),
    AppPage("contact_reasons", "Contact reasons", "/contact_reasons", "Contact reasons", True),
    AppPage("segments", "Segments", "/segments", "Segments", True),
    AppPage("outcomes", "Business outcomes", "/outcomes", "Business outcomes", True),
    AppPage("voice", "Voice of the customer", "/voice", "Voice of the customer", True),
    AppPage("close_the_loop", "Close the loop", "/close_the_loop", "Close the loop", True),
    AppPage("customer_story", "Customer story", "/customer_story", "Customer story", False),  # asks for a customer
    AppPage("touchpoints", "Touchpoint map", "/touchpoints", "Touchpoint map", True),
    AppPage("data", "Data", "/data", "Data", False),
]

# True when the script has finished, nothing is stale (a rerun leaves old elements faded until
# replaced), no running indicator, no placeholder of an element whose code is still loading, and
# every Vega-Lite chart has drawn its SVG or canvas.
IDLE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stMain"] h1')) return false;
    if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
    if (document.querySelector('[data-stale="true"]')) return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;  // a lazily loaded element
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every(chart => {
        const drawn = chart.querySelector('svg.marks, canvas');
        return drawn && drawn.getBoundingClientRect().height > 0;
    });
}"""


def settle(page: Page, timeout: int = SETTLE_MS) -> None:
    """Wait until the app is idle and its charts are drawn."""
    page.wait_for_function(IDLE_JS, timeout=timeout, polling=100)


def open_path(page: Page, base: str, path: str) -> None:
    page.goto(base + path)
    expect(page.locator('[data-testid="stMain"] h1').first).to_be_visible(timeout=FIRST_LOAD_MS)
    settle(page, FIRST_LOAD_MS)


def assert_no_error_boxes(page: Page, where: str) -> None:
    """Fail on any exception box (a crash in a page) or red error message."""
    exceptions = page.get_by_test_id("stException")
    if exceptions.count():
        pytest.fail(f"{where}: {exceptions.count()} exception box(es):\n" + "\n---\n".join(exceptions.all_inner_texts()),
                    pytrace=False)
    errors = page.get_by_test_id("stAlertContentError")
    if errors.count():
        pytest.fail(f"{where}: error message(s): " + " | ".join(errors.all_inner_texts()), pytrace=False)


def chart_summary(page: Page) -> list[dict]:
    """For every chart: its title and how many data marks (bars, points, lines, cells) it drew."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map(chart => ({
        title: (chart.querySelector('.role-title-text') || {}).textContent || '(untitled)',
        marks: chart.querySelectorAll('g.role-mark > path, g.role-mark > line, g.role-mark > rect').length,
        canvas: chart.querySelectorAll('canvas').length,
    }))""")


def full_page_screenshot(page: Page, path) -> None:
    """Screenshot the whole page. Streamlit scrolls inside stMain, not the document, so Playwright's
    full_page alone only sees the viewport: make the viewport as tall as the content for the shot."""
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebarContent"]')]
            .map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 16_000)})
    try:
        settle(page)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)


def metric_value(page: Page, label: str):
    """The value element of the st.metric tile whose label is exactly `label`."""
    label_el = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=label_el).get_by_test_id("stMetricValue")


def channel_combobox(page: Page):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name="Channel", exact=True)


def channel_tags(page: Page):
    widget = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(
        has=page.get_by_role("combobox", name="Channel", exact=True))
    return widget.locator("[data-tag]")


def pick_channel(page: Page, value: str) -> None:
    # With the longer page list the filters sit below the fold at 1366×768; a click that has to scroll
    # the sidebar first closes the dropdown it opens.
    channel_combobox(page).scroll_into_view_if_needed()
    channel_combobox(page).click()
    page.get_by_role("option", name=value, exact=True).click()
    page.keyboard.press("Escape")


# --- every page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("app_page", PAGES, ids=[p.slug for p in PAGES])
def test_page_opens_by_url_without_errors(page, app_url, screenshots, app_page):
    open_path(page, app_url, app_page.path)
    expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(app_page.heading)
    assert_no_error_boxes(page, app_page.path)
    full_page_screenshot(page, screenshots / f"{app_page.slug}.png")

    charts = chart_summary(page)
    if app_page.charts:
        assert charts, f"{app_page.path}: no chart drawn"
        empty = [c["title"] for c in charts if not c["marks"] and not c["canvas"]]
        assert not empty, f"{app_page.path}: charts drew no marks: {empty}"
        downloads = page.get_by_test_id("stDownloadButton")
        assert downloads.count() >= len(charts), (
            f"{app_page.path}: {len(charts)} charts but {downloads.count()} download buttons")
        expect(downloads.filter(has_text="Download chart data").first).to_be_visible()


def test_sidebar_navigation_reaches_every_page(page, app_url):
    open_path(page, app_url, "/")
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    # Plus the Huddle: a shared screen without sidebar or heading, tested in test_huddle_browser.py.
    expect(links).to_have_count(len(PAGES) + 1)
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Huddle")).to_have_count(1)
    for app_page in PAGES:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=app_page.nav).click()
        expect(page).to_have_url(re.compile(re.escape(app_url + app_page.path) + r"(\?.*)?$"))
        expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(app_page.heading)
        settle(page)
        assert_no_error_boxes(page, f"{app_page.nav} (from the sidebar)")
        # The shared filters are drawn on every page but Data.
        expect(channel_combobox(page)).to_have_count(0 if app_page.slug == "data" else 1)


# --- the Overview's first screen ----------------------------------------------------------------------


def test_overview_first_screen_holds_kpis_and_worst_reasons(page, app_url, screenshots):
    open_path(page, app_url, "/")
    page.screenshot(path=str(screenshots / "overview_first_screen.png"))
    main = page.get_by_test_id("stMain")
    tile_row = main.get_by_test_id("stHorizontalBlock").first
    columns = tile_row.get_by_test_id("stColumn")
    expect(columns).to_have_count(len(KPI_LABELS))
    for column, label in zip(columns.all(), KPI_LABELS):
        expect(column.get_by_text(label, exact=True)).to_be_visible()
        box = column.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (
            f"KPI tile {label!r} is not on the first screen: {box}")
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORT["width"], f"KPI tile {label!r} off screen: {box}"
    # No headline figure cut off by its narrow column (the six tiles share 906 px at this size).
    clipped = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMetricValue"]')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)""")
    assert not clipped, f"KPI values clipped at 1366×768: {clipped}"

    heading = page.get_by_role("heading", name="Where it hurts most")
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box and box["y"] + box["height"] <= VIEWPORT["height"], f"'Where it hurts most' below the fold: {box}"


# --- shared filters: widget → figures → URL → a new page ------------------------------------------------


def test_channel_filter_changes_contacts_and_survives_in_the_link(new_page, app_url):
    page = new_page()
    open_path(page, app_url, "/")
    contacts = metric_value(page, "Contacts")
    expect(contacts).to_have_count(1)
    everything = contacts.inner_text()

    pick_channel(page, "phone")
    expect(page).to_have_url(re.compile(r"[?&]channel=phone(&|$)"))
    expect(contacts).not_to_have_text(everything)
    settle(page)
    assert_no_error_boxes(page, "Overview with channel=phone")
    phone_only = contacts.inner_text()
    expect(channel_tags(page)).to_have_text(["phone"])
    link = page.url

    shared = new_page()  # a new context: nothing but the link is carried over
    open_path(shared, "", link)
    expect(channel_tags(shared)).to_have_text(["phone"])
    expect(metric_value(shared, "Contacts")).to_have_text(phone_only)
    assert "channel=phone" in urlsplit(shared.url).query


def test_filter_follows_across_pages(page, app_url):
    open_path(page, app_url, "/")
    pick_channel(page, "phone")
    expect(page).to_have_url(re.compile(r"[?&]channel=phone(&|$)"))
    settle(page)
    headings = {p.nav: p.heading for p in PAGES}
    for nav in ("Contact reasons", "Data", "Overview"):
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=nav).click()
        expect(page.locator('[data-testid="stMain"] h1').first).to_have_text(headings[nav])
        settle(page)
        if nav != "Data":
            expect(channel_tags(page), f"channel filter lost on {nav}").to_have_text(["phone"])
            expect(page, f"channel filter missing from the URL on {nav}").to_have_url(
                re.compile(r"[?&]channel=phone(&|$)"))


# --- drill-through ------------------------------------------------------------------------------------


def test_selecting_a_reason_row_shows_the_contacts_behind_it(page, app_url):
    open_path(page, app_url, "/contact_reasons")
    table = page.get_by_test_id("stDataFrame").first  # "By reason: volume, resolution and what customers said"
    table.scroll_into_view_if_needed()
    first_reason = table.get_by_test_id("glide-cell-1-0")  # glide's accessible copy of column 1, row 0
    expect(first_reason).not_to_have_text("")
    reason = first_reason.inner_text().strip()
    expect(page.get_by_text("Select a row to see the contacts behind it.")).to_be_visible()

    # Glide draws on a canvas: click the selection checkbox of the first data row
    # (Streamlit's default header and row height are 35 px; the checkbox column is ~30 px wide).
    table.click(position={"x": 16, "y": 35 + 17})
    expander = page.get_by_test_id("stExpander").filter(has_text="The contacts behind")
    expect(expander).to_be_visible()
    expect(expander).to_contain_text(f"The contacts behind '{reason}'")
    settle(page)
    assert_no_error_boxes(page, "Contact reasons after selecting a row")
    expect(expander.get_by_test_id("stDataFrame")).to_be_visible()
    expect(expander.get_by_test_id("stDownloadButton")).to_be_visible()


# --- downloads --------------------------------------------------------------------------------------


def test_chart_data_download_is_a_csv_of_the_chart(page, app_url, tmp_path):
    open_path(page, app_url, "/")
    with page.expect_download() as caught:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download chart data").first.click()
    download = caught.value
    assert download.suggested_filename == "trend_nps_week.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    lines = saved.read_text("utf-8-sig").splitlines()
    assert lines[0].split(",")[:2] == ["Period", "NPS"], lines[:2]  # named as the table and chart name them
    assert len(lines) > 2, "the trend download holds no rows"


# --- charts readable at 1366×768 -----------------------------------------------------------------------


# Regression guard: the "path of repeats" heatmap once hid every other column label (Vega's labelOverlap).
def test_heatmaps_name_every_row_and_column(page, app_url):
    open_path(page, app_url, "/contact_reasons")
    found = page.evaluate("""() => {
        const heatmaps = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
            .filter(chart => chart.querySelector('g.mark-rect.role-mark') && chart.querySelector('g.role-legend'));
        return {
            titles: heatmaps.map(chart => chart.querySelector('.role-title-text').textContent),
            hidden: heatmaps.flatMap(chart => [...chart.querySelectorAll('g.role-axis .role-axis-label text')]
                .filter(t => t.getAttribute('opacity') === '0')
                .map(t => `${chart.querySelector('.role-title-text').textContent}: ${t.textContent}`)),
        };
    }""")
    assert len(found["titles"]) == 2, f"expected the reason × channel and repeat-path heatmaps: {found['titles']}"
    assert not found["hidden"], f"heatmap axis labels hidden at 1366×768: {found['hidden']}"
