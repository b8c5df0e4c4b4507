"""Imported and typed values are shown as text on every page, in a real headless Chromium.

The store is built at test time with the project's importer from the sample data, every text value
rewritten to carry hostile Markdown and HTML: contacts' channel, contact reason, agent, team and an
extra column whose header is hostile too; customers' id (of one customer), tier, region, plan,
tenure band and acquisition channel; responses' survey and comment; the engagement file's team; a
hostile file name; theme names; a follow-up's owner, team and note; an outer-loop action's team and
text. One server and one browser then visit every page (drilling into a table row, a search, a split
by the hostile column, an upload with a hostile header, the delete confirmation, two huddle panels)
and fail on any element the values made (image, link, script, frame, LaTeX, colour, icon, bold) and on
any request to a host other than the dashboard's own.
"""

from __future__ import annotations

import csv
import os
from datetime import date
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

try:
    from playwright.sync_api import Page, expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics.ingest.bootstrap import SAMPLE_DIR, SAMPLE_ORDER
from cxmetrics.store.db import connect
from cxmetrics.engine.follow_ups import IN_PROGRESS, Change, follow_up_list, save_follow_ups
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.loop_actions import Action, add_action
from cxmetrics.core.mapping import column_key
from cxmetrics.engine.themes import dictionary, ensure_facts, save_dictionary

from .conftest import streamlit_server
from .test_dashboard_browser import open_path, settle

HOST = "evil.invalid"
LINK_TEXT = "Click to re-authenticate"
HOSTILE = [
    f"![x](http://{HOST}/b.png) [{LINK_TEXT}](http://{HOST}/login)",
    f"<img src=http://{HOST}/x.png>",
    "**bold** $x^2$ :red[alert] :material_home: :streamlit:",
    f"<script>alert(1)</script> see www.{HOST} or me@{HOST}",
]
SHORT_HOSTILE = [  # theme names hold at most 60 characters
    f"![t](http://{HOST}/t.png)",
    f"[{LINK_TEXT}](http://{HOST}/l)",
    f"<img src=http://{HOST}/t.png>",
    "**bold** $x^2$ :red[a] :streamlit:",
]
TEXT_COLUMNS = {
    "contacts": ("channel", "contact_reason", "agent", "team"),
    "customers": ("tier", "region", "plan", "tenure_band", "acquisition_channel"),
    "responses": ("survey", "comment"),
    "engagement": ("team",),
}
STORY_CUSTOMER = "C01557"  # in the sample data: a detractor (a follow-up case) with contacts and outcomes
HOSTILE_ID = f"{STORY_CUSTOMER} ![i](http://{HOST}/id.png)"
# Backticks: the Data page once listed file columns in `code`, which a backtick in the name ends.
EXTRA_HEADER = f"x` ![h](http://{HOST}/h.png) [{LINK_TEXT}](http://{HOST}/h) `note"
EXTRA_COLUMN = column_key(EXTRA_HEADER)  # the name the importer gives it
# No '/' in a file name: a browser reads '\' in an http URL as '/', so this still points at the host.
FILE_NAME = f"![f](http:\\\\{HOST}\\f.png) [{LINK_TEXT}](http:\\\\{HOST}\\f) $x^2$ :red[f].csv"
KEEP_ONE = 10  # of the sample's customers, one in ten (with their contacts, answers and outcomes)
LOAD_MS = 60_000

# Every element the hostile values could make, and every address on the hostile host.
INJECTED_JS = """host => {
    const found = [];
    const say = (why, e) => found.push(why + ': ' + e.outerHTML.slice(0, 160));
    // A link to a dashboard page may carry the host's name as text inside its query string: the browser
    // goes to this dashboard, never to the host.
    const ownQuery = a => {
        if (!/^href$/i.test(a.name)) return false;
        const url = new URL(a.value, location.href);
        return url.origin === location.origin && !url.pathname.includes(host) && !url.hash.includes(host);
    };
    for (const e of document.querySelectorAll('img, iframe, frame, object, embed, video, audio, source, image'))
        say('embedded element', e);
    for (const e of document.querySelectorAll('a')) {
        const href = e.getAttribute('href') || '';
        const own = href.startsWith('#') || e.href.startsWith(location.origin + '/');
        // The dashboard's own links may name a value (the huddle links a reason to its page, the
        // value percent-encoded in the query); a link the data makes points elsewhere.
        if (!own && e.textContent.includes('Click to re-authenticate')) say('link with the hostile text', e);
        else if (!own) say('link off the dashboard', e);
    }
    for (const e of document.querySelectorAll('script'))  // the page's own head holds one inline script
        if (e.src ? !e.src.startsWith(location.origin) : e.closest('#root')) say('script', e);
    for (const e of document.querySelectorAll('.katex, [aria-label="home icon"]')) say('markup from the data', e);
    for (const e of document.querySelectorAll('.stMarkdownColoredText, .stMarkdownColoredBackground'))
        if (e.closest('[data-testid="stMain"], [data-testid="stSidebar"]') && /^(alert|a|f)$/.test(e.textContent))
            say('colour from the data', e);  // the pages' own :gray[…] notes are not
    for (const e of document.querySelectorAll('strong, b'))
        if (e.textContent.trim() === 'bold') say('bold from the data', e);
    for (const e of document.querySelectorAll('*'))
        for (const a of e.attributes)
            if (/^(src|srcset|href|xlink:href|action|formaction|poster|data|style|background)$/i.test(a.name)
                && a.value.includes(host) && !ownQuery(a)) say('address of the hostile host in ' + a.name, e);
    return found;
}"""


def _hostile(value: str, position: int, pool=HOSTILE) -> str:
    return f"{pool[position % len(pool)]} {value}"


def _kept(customer_id: str | None) -> bool:
    """Keep one customer in KEEP_ONE (and rows without a customer column): pages draw faster on less data."""
    return customer_id is None or customer_id == STORY_CUSTOMER or int(customer_id.lstrip("C") or 0) % KEEP_ONE == 0


def _rewrite(kind: str, source: Path, target: Path) -> None:
    """Copy a sample CSV with every text column made hostile (each distinct value keeps its own name
    after the hostile part), the story customer's id hostile, and an extra hostile column on contacts."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if _kept(row.get("customer_id"))]
    columns = list(rows[0])
    for column in TEXT_COLUMNS.get(kind, ()):
        distinct = sorted({row[column] for row in rows if row[column]})
        renamed = {value: _hostile(value, i) for i, value in enumerate(distinct)}
        for row in rows:
            row[column] = renamed.get(row[column], row[column])
    for row in rows:
        if row.get("customer_id") == STORY_CUSTOMER:
            row["customer_id"] = HOSTILE_ID
    if kind == "contacts":
        columns.append(EXTRA_HEADER)
        for i, row in enumerate(rows):
            # Three groups, each with its own hostile name: a column of a few values (Segments offers
            # only columns of 2 to 50 values to split by).
            row[EXTRA_HEADER] = _hostile(f"group {i % 3}", i % 3)
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def build_hostile_store(workdir: Path) -> None:
    """Write workdir/cx.duckdb: the sample data made hostile, loaded with the importer, plus hostile
    theme names, a follow-up and an outer-loop action."""
    files = workdir / "files"
    files.mkdir()
    con = connect(workdir / "cx.duckdb")
    try:
        for kind in SAMPLE_ORDER:  # engagement last: its hostile file name is the newest import
            path = files / (FILE_NAME if kind == "engagement" else f"{kind}.csv")
            _rewrite(kind, SAMPLE_DIR / f"{kind}.csv", path)
            load_file(con, kind, path, ImportOptions(actor=HOSTILE[0]))
        themes = dictionary(con)
        names = {name: _hostile(str(i), i, SHORT_HOSTILE) for i, name in enumerate(themes["theme"].unique())}
        save_dictionary(con, themes.assign(theme=themes["theme"].map(names)).to_dict("records"))
        ensure_facts(con)
        cases = follow_up_list(con, statuses=None, customer_id=HOSTILE_ID)
        assert len(cases), f"no follow-up case for {HOSTILE_ID!r}: pick another STORY_CUSTOMER"
        save_follow_ups(con, [Change(cases["case_id"].iloc[0], IN_PROGRESS, owner=HOSTILE[1][:100],
                                     team=HOSTILE[2][:100], due_date=date(2026, 1, 31), note=" ".join(HOSTILE))])
        reason = con.execute("SELECT min(contact_reason) FROM contacts").fetchone()[0]
        add_action(con, Action("contact_reason", reason, HOSTILE[3][:100], " ".join(HOSTILE), "in_progress",
                               date(2026, 1, 1)))
    finally:
        con.close()


@pytest.fixture(scope="module")
def hostile_app(chromium_path, tmp_path_factory):
    """Base URL of `streamlit run app.py` over the hostile store."""
    workdir = tmp_path_factory.mktemp("hostile_app")
    build_hostile_store(workdir)
    with streamlit_server(workdir) as base:
        yield base


class Watch:
    """What the browser did on one page: every request off the dashboard's own host, and each check's
    injected elements, by where they were found."""

    def __init__(self, page: Page, base: str):
        self.page, self.base, self.problems = page, base, []
        own = urlsplit(base).netloc
        page.on("request", lambda request: self._request(request.url, own))

    def _request(self, url: str, own: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != own:
            self.problems.append(f"request to another host: {url}")

    def check(self, where: str, shows: str | None = HOST) -> None:
        """Record the injected elements on the page now; `shows`: text the page must hold, proof the
        hostile values reached it (as text)."""
        settle(self.page)
        self.problems += [f"{where}: {found}" for found in self.page.evaluate(INJECTED_JS, HOST)]
        if shows and shows not in self.page.locator("body").inner_text():
            self.problems.append(f"{where}: the page does not show {shows!r} as text: the test saw nothing hostile")


def open_first_row(page: Page, expander_text: str) -> None:
    """Select the first row of the page's first table and wait for the expander behind it."""
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    expect(table.get_by_test_id("glide-cell-1-0")).not_to_have_text("")
    table.click(position={"x": 16, "y": 35 + 17})
    expect(page.get_by_test_id("stExpander").filter(has_text=expander_text).first).to_be_visible()


def test_hostile_values_are_shown_as_text_on_every_page(page, hostile_app):
    watch = Watch(page, hostile_app)

    open_path(page, hostile_app, "/")
    watch.check("Overview")

    open_path(page, hostile_app, "/contact_reasons")
    open_first_row(page, "The contacts behind")
    watch.check("Contact reasons, a reason's contacts")

    open_path(page, hostile_app, "/segments")
    open_first_row(page, "behind")
    watch.check("Segments by tier, a tier's answers")
    split_by = page.get_by_role("combobox", name="Split by", exact=True)
    split_by.click()
    split_by.press_sequentially(EXTRA_COLUMN[:12])  # typed: the list filters to it
    page.get_by_role("option", name=EXTRA_COLUMN, exact=True).click()
    expect(page.get_by_role("combobox", name="Split by", exact=True)).to_have_value(EXTRA_COLUMN)
    watch.check("Segments by the hostile column", shows=None)  # its name is the importer's; values in the chart

    open_path(page, hostile_app, "/outcomes")
    watch.check("Business outcomes", shows=None)  # groups are NPS groups, not data

    open_path(page, hostile_app, "/voice")
    open_first_row(page, "The comments behind")
    watch.check("Voice, a theme's comments")
    search = page.get_by_label("Search the comments")
    search.fill(HOST)
    search.press("Enter")
    watch.check("Voice, a search")

    open_path(page, hostile_app, "/close_the_loop")
    watch.check("Close the loop", shows=None)  # values only in tables and charts (not text in the DOM)

    open_path(page, hostile_app, f"/customer_story?customer={quote(HOSTILE_ID)}")
    expect(page.get_by_test_id("stHeading").filter(has_text=f"Customer {STORY_CUSTOMER}")).to_be_visible()
    watch.check("Customer story of the hostile customer")

    # The hostile column as the sidebar's segment, with one of its values chosen.
    open_path(page, hostile_app, f"/touchpoints?segment={EXTRA_COLUMN}&segment_value={quote(_hostile('group 0', 0))}")
    expect(page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").filter(has_text=LINK_TEXT)).to_be_visible()
    watch.check("Touchpoint map, a segment of the hostile column")

    open_path(page, hostile_app, "/data")
    upload = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    upload.set_input_files(files=[{"name": FILE_NAME, "mimeType": "text/csv",
                                   "buffer": f"customer_id,tier,{EXTRA_HEADER}\nC1,{HOSTILE[1]},x\n".encode()}])
    expect(page.get_by_text("Other file columns", exact=False)).to_be_visible(timeout=LOAD_MS)
    watch.check("Data, an upload with a hostile header")
    page.get_by_role("tab", name="Import history").click()
    page.get_by_role("button", name="Delete import").click()
    expect(page.get_by_test_id("stAlertContentWarning").filter(has_text="Delete import")).to_be_visible()
    watch.check("Data, deleting the import with a hostile file name")

    for panels in ("reasons", "comments&comments=1"):
        page.goto(f"{hostile_app}/huddle?panels={panels}&every=300")
        expect(page.get_by_test_id("huddle-screen")).to_be_visible(timeout=LOAD_MS)
        watch.check(f"Huddle, {panels.split('&')[0]}")

    assert not watch.problems, "\n".join(watch.problems)
