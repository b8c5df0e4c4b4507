"""The huddle screen in a real headless Chromium at 1920×1080: it opens straight from its URL with
the panels the query names, fills the screen with no Streamlit chrome, rotates (without a page
reload) through every panel, shows no customer id, draws figures at 48 px or more and every other
text at 24 px or more, and never asks any host but the local server for anything.

Screenshots of every panel go to artifacts/screenshots/huddle_*.png.
"""

from __future__ import annotations

import csv
import os
import re
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from .conftest import REPO_ROOT

SCREEN = {"width": 1920, "height": 1080}
SMALL_SCREEN = {"width": 1366, "height": 768}  # an older wall TV or a laptop on a projector: the same panel, scaled
EVERY = 4  # seconds per panel: short, so the test sees every turn
PANELS = ["kpi", "reasons", "drivers", "win", "comments"]
FIRST_LOAD_MS = 90_000  # the first session may also load the sample data into the empty database
MIN_FIGURE_PX, MIN_TEXT_PX = 48, 24

# Font sizes of every element inside the screen that holds text of its own, and of the figures.
FONT_SIZES_JS = """() => {
    const screen = document.querySelector('[data-testid="huddle-screen"]');
    const own = [...screen.querySelectorAll('*')].filter(el =>
        [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()));
    const size = el => parseFloat(getComputedStyle(el).fontSize);
    return {
        text: own.map(el => [el.textContent.trim().slice(0, 40), size(el)]),
        figures: [...screen.querySelectorAll('.hd-figure')].map(el => [el.textContent.trim(), size(el)]),
        labels: [...screen.querySelectorAll('.hd-label')].map(el => [el.textContent.trim().slice(0, 40), size(el)]),
    };
}"""

CHROME = ["stSidebar", "stSidebarCollapsedControl", "stSidebarNav", "stHeader", "stToolbar", "stDecoration",
          "stMainMenu", "stStatusWidget"]
VISIBLE_CHROME_JS = """ids => ids.filter(id => [...document.querySelectorAll(`[data-testid="${id}"]`)].some(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
}))"""

# Text that runs past the screen's edge (the screen hides overflow, so it would be cut off unseen).
OVERFLOW_JS = """() => [...document.querySelectorAll('[data-testid="huddle-screen"] *')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > window.innerWidth + 1 || r.bottom > window.innerHeight + 1);
}).map(el => el.textContent.trim().slice(0, 40))"""


def customer_ids() -> set[str]:
    """The ids the server's database holds: it loads sample_data/ into its empty temporary store."""
    with open(REPO_ROOT / "sample_data" / "customers.csv", newline="", encoding="utf-8") as f:
        return {row["customer_id"] for row in csv.DictReader(f)}


@pytest.fixture
def screen(browser):
    """(page, requests): a fresh 1920×1080 context whose every request and websocket URL is recorded."""
    context = browser.new_context(viewport=SCREEN)
    context.set_default_timeout(30_000)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda socket: requests.append(socket.url))
    yield page, requests
    context.close()


def shown_panel(page) -> str:
    return page.get_by_test_id("huddle-screen").get_attribute("data-panel")


def test_huddle_rotates_full_screen_offline_without_personal_data(screen, app_url, screenshots):
    page, requests = screen
    ids = customer_ids()
    page.goto(f"{app_url}/huddle?panels={','.join(PANELS)}&every={EVERY}&comments=1")
    expect(page.get_by_test_id("huddle-screen")).to_be_visible(timeout=FIRST_LOAD_MS)
    # A page reload would drop this marker: the rotation must happen inside the live page.
    page.evaluate("() => { window.__huddleMarker = 'still here'; }")

    seen, updated = [], []
    for turn in range(len(PANELS)):
        if turn:
            page.wait_for_function(
                "previous => { const s = document.querySelector('[data-testid=\"huddle-screen\"]');"
                " return s && s.dataset.panel !== previous; }",
                arg=seen[-1], timeout=EVERY * 3000, polling=100)
        panel = shown_panel(page)
        seen.append(panel)
        # Let the new panel paint before the screenshot: two animation frames, not a fixed time.
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=str(screenshots / f"huddle_{turn + 1}_{panel}.png"))
        assert page.get_by_test_id("stException").count() == 0, panel
        updated.append(page.get_by_test_id("huddle-screen").locator(".hd-foot").inner_text())

        # No personal data: no customer id anywhere in the page's text.
        text = page.locator("body").inner_text()
        assert not ids & set(re.findall(r"[A-Za-z0-9_]+", text)), f"customer id shown on the {panel} panel"
        assert not re.search(r"[\w.+-]+@[\w-]+\.\w", text), f"an e-mail address on the {panel} panel"

        # Big type: figures at 48 px or more, every other text (labels, notes) at 24 px or more.
        sizes = page.evaluate(FONT_SIZES_JS)
        assert sizes["text"], panel
        assert page.evaluate(OVERFLOW_JS) == [], f"text cut off by the screen's edge on the {panel} panel"
        assert min(s for _, s in sizes["text"]) >= MIN_TEXT_PX, (panel, sizes["text"])
        assert min((s for _, s in sizes["labels"]), default=MIN_TEXT_PX) >= MIN_TEXT_PX, (panel, sizes["labels"])
        if panel in ("kpi", "reasons", "drivers", "win"):
            assert sizes["figures"], f"no figure on the {panel} panel"
            assert min(s for _, s in sizes["figures"]) >= MIN_FIGURE_PX, (panel, sizes["figures"])

        # On a 1366×768 screen the same panel fits, every size scaled by the same factor.
        page.set_viewport_size(SMALL_SCREEN)
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert page.evaluate(OVERFLOW_JS) == [], f"text cut off at 1366×768 on the {panel} panel"
        scale = SMALL_SCREEN["width"] / SCREEN["width"]
        small = page.evaluate(FONT_SIZES_JS)
        # (The panel may have turned meanwhile: any panel keeps the floor, scaled.)
        assert min(s for _, s in small["text"]) >= MIN_TEXT_PX * scale - 0.5, (panel, small["text"])
        assert max(s for _, s in small["text"]) <= max(s for _, s in sizes["text"]) * scale + 0.5 or \
            shown_panel(page) != panel, (panel, small["text"])
        page.set_viewport_size(SCREEN)

    # Two rotations and more, in the order the URL gave, within one page life.
    assert seen == PANELS
    assert page.evaluate("() => window.__huddleMarker") == "still here"
    assert page.get_by_test_id("huddle-screen").count() == 1  # turns replace the panel, never pile up
    assert len(set(updated)) == len(PANELS)  # each turn re-read the data ("Updated hh:mm:ss")

    # Full screen, high contrast, no chrome.
    box = page.get_by_test_id("huddle-screen").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, SCREEN["width"], SCREEN["height"])
    colours = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('[data-testid="huddle-screen"]'));
        return [s.backgroundColor, s.color]; }""")
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert page.evaluate(VISIBLE_CHROME_JS, CHROME) == []
    # Opened by its own URL, the frame does not even build the navigation (position="hidden").
    assert page.get_by_test_id("stSidebarNav").count() == 0

    # Offline: every request (pages, scripts, fonts, websockets) went to the local server.
    local = urlsplit(app_url).netloc
    foreign = sorted({u for u in requests if urlsplit(u).netloc != local and not u.startswith(("data:", "blob:"))})
    assert requests and not foreign, foreign


def test_huddle_url_without_comments_never_shows_them(screen, app_url):
    page, _ = screen
    page.goto(f"{app_url}/huddle?panels=comments&every=60")
    expect(page.get_by_test_id("huddle-screen")).to_be_visible(timeout=FIRST_LOAD_MS)
    # The comments panel was not turned on: the screen falls back to the default panels.
    assert shown_panel(page) == "kpi"
    assert "What customers said" not in page.locator("body").inner_text()
