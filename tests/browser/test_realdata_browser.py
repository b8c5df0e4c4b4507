"""Each real export of ../shared/realdata loaded through the Data page as a new user would, choosing
nothing but the kind (and the month of the telco snapshot), in a real `streamlit run` and headless
Chromium; then the pages that can show what the file holds show it. Skipped (with the reason) when
../shared/realdata is not beside the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed", allow_module_level=True)

from cxmetrics.store.db import open_waiting

from .conftest import streamlit_server

REALDATA = Path(__file__).resolve().parents[3] / "shared" / "realdata"
if not REALDATA.is_dir():
    pytest.skip(f"real exports not found at {REALDATA} (shared/ is not beside the repository)",
                allow_module_level=True)
SLOW_MS = 180_000  # a first load, or a 15,000-row file, on a busy 2-core machine
BOTANIC, PWC = REALDATA / "botanic_nps_survey.csv", REALDATA / "pwc_call_center.csv"
TELCO, TWEETS = REALDATA / "ibm_telco_customer_churn_satisfaction.csv", REALDATA / "twcs_spotifycares_support_requests.csv"
FIGURE = re.compile(r"[+\-−]?\d[\d,.]*( %| s)?")


@pytest.fixture(scope="module")
def server(chromium_path, tmp_path_factory):
    """(base URL, the user's workspace file) of a `streamlit run app.py` of this module only."""
    workdir = tmp_path_factory.mktemp("realdata_app")
    with streamlit_server(workdir) as base:
        yield base, workdir / "cx.duckdb"


def wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=SLOW_MS,
    )


def load_through_the_data_page(page, base: str, path: Path, kind: str, month: str | None = None) -> str:
    """Choose the kind, upload the file, give the month if asked, press Load; return the page's text."""
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    page.get_by_role("combobox", name="What the file holds").click()
    page.get_by_role("option", name=kind, exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("combobox", name="What the file holds")).to_have_value(kind)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    load = page.get_by_role("button", name=re.compile(rf"^Load [\d,]+ rows? into {kind}$"))
    if month:
        month_box = page.get_by_label(f"Value of month for every row")
        expect(month_box).to_be_visible(timeout=SLOW_MS)
        wait_idle(page)
        month_box.fill(month)
        month_box.press("Enter")
    expect(load).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).not_to_contain_text("--")  # no command-line option named on the page
    load.click()
    expect(page.get_by_text(re.compile(rf"^Loaded [\d,]+ rows into {kind} from {re.escape(path.name)}"))).to_be_visible(
        timeout=SLOW_MS)
    wait_idle(page)
    return main.inner_text()


def page_text(page, base: str, slug: str, query: str = "") -> str:
    page.goto(f"{base}/{slug}{query}")
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile("Every figure on this page"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    text = main.inner_text()
    assert "Traceback" not in text and "Error" not in text.split("Every figure", 1)[0]
    return text


def tile_value(page, label: str) -> str:
    """Return the value a headline tile shows under `label` (an st.metric)."""
    tile = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^{re.escape(label)}$")))
    expect(tile).to_have_count(1)
    return tile.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_every_real_export_loads_choosing_only_the_kind_and_shows_on_its_pages(server, page, screenshots):
    base, db = server

    # The survey without dates, first: alone in the workspace, every answer is in the period.
    said = load_through_the_data_page(page, base, BOTANIC, "responses")
    assert "The dashboard now shows your workspace cx" in said
    overview = page_text(page, base, "")
    assert FIGURE.fullmatch(tile_value(page, "NPS")), overview[:800]
    voice = page_text(page, base, "voice")
    assert re.search(r"[\d,]+ comments in the filters", voice)
    page.screenshot(path=str(screenshots / "realdata_botanic_voice.png"), full_page=True)

    # The telco customers (segments) and their outcomes as one month's snapshot.
    load_through_the_data_page(page, base, TELCO, "customers")
    load_through_the_data_page(page, base, TELCO, "outcomes", month="2024-06")
    outcomes = page_text(page, base, "outcomes")
    assert re.search(r"7,043 customers with outcomes; churn rate 26\.5 %", outcomes), outcomes[:800]
    page.screenshot(path=str(screenshots / "realdata_telco_outcomes.png"), full_page=True)

    # The call log as contacts: the Date and Time columns joined, its own measures on the pages.
    calls = pd.read_csv(PWC, dtype=str, keep_default_na=False)  # an independent reading of the file
    said = load_through_the_data_page(page, base, PWC, "contacts")
    overview = page_text(page, base, "")
    for label in ("Handle time", "Speed of answer", "Abandonment", "Reported resolution"):
        assert FIGURE.fullmatch(tile_value(page, label)), (label, overview[:1500])
    assert "Contact FCR needs customer ids" in overview
    reasons = page_text(page, base, "contact_reasons")
    assert re.search(r"Reported resolution \(what the agent recorded\): \d+\.\d %", reasons)
    page.screenshot(path=str(screenshots / "realdata_pwc_contact_reasons.png"), full_page=True)
    stamps = pd.to_datetime(calls["Date"] + " " + calls["Time"], format="%d-%b-%y %H:%M")

    # The same log as survey answers: its satisfaction rating is CSAT; unanswered calls' 0 rejected.
    load_through_the_data_page(page, base, PWC, "responses")
    overview = page_text(page, base, "")
    assert FIGURE.fullmatch(tile_value(page, "CSAT")), overview[:800]

    # The tweets as contacts: repeat contacts per customer, in their own months (2017).
    load_through_the_data_page(page, base, TWEETS, "contacts")
    reasons = page_text(page, base, "", "?from=2017-10-01&to=2017-12-31")
    assert FIGURE.fullmatch(tile_value(page, "Repeat contacts")), reasons[:800]
    page.screenshot(path=str(screenshots / "realdata_tweets_overview.png"), full_page=True)

    # Segments over the call log's last 28 days: a figure that period holds (CSAT, no survey NPS
    # there), split by a column with a few values; not an empty channel, not the tweets' text.
    segments = page_text(page, base, "segments")
    assert "No data for this selection" not in segments, segments[:1500]
    assert page.get_by_role("combobox", name="Metric").input_value() == "CSAT"
    assert page.get_by_role("combobox", name="Split by").input_value() == "contact_reason"
    table = page.get_by_test_id("stDataFrame").first  # the gap table: a reason, its CSAT and its n
    table.scroll_into_view_if_needed()
    topics = "|".join(re.escape(topic) for topic in sorted(set(calls["Topic"])))
    expect(table.get_by_test_id("glide-cell-1-0")).to_have_text(re.compile(rf"^({topics})$"))
    expect(table.get_by_test_id("glide-cell-2-0")).to_have_text(FIGURE)
    expect(table.get_by_test_id("glide-cell-3-0")).to_have_text(re.compile(r"^[1-9][\d,]*$"))
    page.screenshot(path=str(screenshots / "realdata_segments.png"), full_page=True)

    # Touchpoint map: the call log has no customer id; the page says where the journeys are (the
    # tweets, 2017) and its button shows them.
    touchpoints = page_text(page, base, "touchpoints")
    assert "none of its contacts carries a customer id" in touchpoints, touchpoints[:1500]
    page.get_by_role("button", name=re.compile(r"^Show the last 28 days of contacts with a customer id")).click()
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text(re.compile(r"Every figure on this page: 6 Nov – 3 Dec 2017"))).to_be_visible(
        timeout=SLOW_MS)
    wait_idle(page)
    expect(main).not_to_contain_text("No journeys")
    page.screenshot(path=str(screenshots / "realdata_touchpoints.png"), full_page=True)

    # The server lets go of the file between runs, but a session's run (a page left, an audit
    # line written) may still hold it for a moment: wait for it as the command line does.
    with open_waiting(db, read_only=True, wait=30) as con:
        got = con.execute(
            "SELECT contact_id, started_at, contact_reason FROM contacts WHERE import_id = "
            "(SELECT max(import_id) FROM imports WHERE file_name = 'pwc_call_center.csv' AND kind = 'contacts') "
            "ORDER BY contact_id").df()
        loaded = dict(con.execute("SELECT file_name || ':' || kind, rows_loaded FROM imports").fetchall())
        tweeter = con.execute("SELECT customer_id FROM contacts WHERE customer_id IS NOT NULL "
                              "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    assert got.contact_id.tolist() == calls["Call Id"].tolist()
    assert (got.started_at == stamps).all()  # the times of day, not midnight
    assert got.contact_reason.tolist() == calls["Topic"].tolist()
    assert loaded == {"botanic_nps_survey.csv:responses": 13_954, "pwc_call_center.csv:contacts": 5_000,
                      "pwc_call_center.csv:responses": 4_054,
                      "ibm_telco_customer_churn_satisfaction.csv:customers": 7_043,
                      "ibm_telco_customer_churn_satisfaction.csv:outcomes": 7_043,
                      "twcs_spotifycares_support_requests.csv:contacts": 15_090}

    # Customer story: a telco customer (segments and their churn month) and a tweeting customer (repeat contacts).
    telco_id = pd.read_csv(TELCO, dtype=str, nrows=1)["Customer ID"].iloc[0]
    for customer, expected in ((telco_id, r"churned in Jun 2024|revenue [\d,.]+ over 1 month"),
                               (tweeter, r"\d+ contacts from 2017-\d\d-\d\d to 2017-\d\d-\d\d, \d+ of them repeats")):
        page.goto(f"{base}/customer_story?customer={customer}")
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_text(re.compile(rf"^Customer {re.escape(customer)}$"))).to_be_visible(timeout=SLOW_MS)
        wait_idle(page)
        assert re.search(expected, main.inner_text()), main.inner_text()[:1500]
    page.screenshot(path=str(screenshots / "realdata_customer_story.png"), full_page=True)
