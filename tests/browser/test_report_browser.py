"""The report downloaded from the Overview in a real headless Chromium (issue 18, item 6): its headline
figures are the tiles' own, the HTML opens offline without a single request and prints on A4, and
the PDF downloads too. The files are kept in artifacts/report/ as the sample report."""

from __future__ import annotations

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

from pypdf import PdfReader

from cxmetrics.face.report_html import figures_from_html

from .conftest import SCREENSHOTS
from .test_dashboard_browser import metric_value, open_path, settle

REPORTS = SCREENSHOTS.parent / "report"
PREPARE_MS = 120_000  # the figures are gathered, then each file is rendered on the click


def _download(page, label: str, folder):
    button = page.get_by_test_id("stDownloadButton").filter(has_text=label)
    expect(button).to_be_visible(timeout=PREPARE_MS)
    with page.expect_download(timeout=PREPARE_MS) as caught:
        button.click()
    download = caught.value
    saved = folder / download.suggested_filename
    download.save_as(saved)
    return download.suggested_filename, saved


def test_the_overview_downloads_the_report_with_the_tiles_figures(page, new_page, app_url, tmp_path):
    open_path(page, app_url, "/")
    settle(page)
    tiles = {label: metric_value(page, label).inner_text().strip() for label in ("NPS", "Contacts")}
    page.get_by_role("button", name="Prepare the report").click()

    name, saved = _download(page, "Download report (HTML)", tmp_path)
    assert name.startswith("cx-report-") and name.endswith(".html")
    html = saved.read_text(encoding="utf-8")
    headline = {h["label"]: h["shown"] for h in figures_from_html(html)["headline"]}
    assert {label: headline[label] for label in tiles} == tiles  # the report says what the Overview says

    pdf_name, pdf = _download(page, "Download report (PDF)", tmp_path)
    assert pdf_name.endswith(".pdf") and pdf.read_bytes().startswith(b"%PDF-")

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "sample-report.html").write_text(html, encoding="utf-8")
    (REPORTS / "sample-report.pdf").write_bytes(pdf.read_bytes())

    # Opened on its own, offline: the file asks for nothing (charts are inline images).
    viewer = new_page()
    requests = []
    viewer.on("request", lambda request: requests.append(request.url))
    viewer.goto(saved.as_uri())
    expect(viewer.get_by_role("heading", name="Customer experience report")).to_be_visible()
    charts = viewer.locator("figure.chart img")
    assert charts.count() >= 3
    assert viewer.evaluate("() => [...document.images].every(image => image.complete && image.naturalWidth > 0)")
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    viewer.screenshot(path=str(REPORTS / "sample-report.png"), full_page=True)
    viewer.emulate_media(media="print")
    # Printed on A4 (Chromium's own print, used here only to check the page rules): several pages.
    printed = PdfReader(io.BytesIO(viewer.pdf(prefer_css_page_size=True))).pages
    assert len(printed) >= 2
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in printed} == {(595, 842)}
