"""The PwC call-centre export loaded through the Data page with nothing chosen but the kind, in a
real `streamlit run` and headless Chromium: the guesses are shown, and the calls land with their
times of day. Skipped (with the reason) when ../shared/realdata is not beside the repository."""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise
    pytest.skip("the playwright Python package is not installed", allow_module_level=True)

from .conftest import streamlit_server

PWC = Path(__file__).resolve().parents[3] / "shared" / "realdata" / "pwc_call_center.csv"
if not PWC.is_file():
    pytest.skip(f"real exports not found at {PWC.parent} (shared/ is not beside the repository)",
                allow_module_level=True)
FIRST_LOAD_MS = 90_000


@pytest.fixture(scope="module")
def server(chromium_path, tmp_path_factory):
    """(base URL, database path) of a `streamlit run app.py` of this module only."""
    workdir = tmp_path_factory.mktemp("guesses_app")
    with streamlit_server(workdir) as base:
        yield base, workdir / "cx.duckdb"


def wait_idle(page) -> None:
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState === 'notRunning'"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=FIRST_LOAD_MS,
    )


def test_the_call_log_loads_choosing_only_the_kind(server, page):
    base, db = server
    calls = pd.read_csv(PWC, dtype=str, keep_default_na=False)  # an independent reading of the file
    page.goto(f"{base}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=FIRST_LOAD_MS)
    page.get_by_role("combobox", name="What the file holds").click()
    page.get_by_role("option", name="contacts", exact=True).click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(PWC))
    load = page.get_by_role("button", name=re.compile(r"^Load [\d,]+ rows? into contacts$"))
    expect(load).to_be_visible(timeout=FIRST_LOAD_MS)
    wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main).to_contain_text("This looks like a contact log")
    expect(main).to_contain_text("Date and Time joined into one date and time")
    expect(main).not_to_contain_text("--")  # no command-line option named on the page
    expect(load).to_have_text(f"Load {len(calls):,} rows into contacts")
    load.click()
    expect(page.get_by_text(re.compile(r"^Loaded 5,000 rows into contacts from pwc_call_center"))).to_be_visible(
        timeout=FIRST_LOAD_MS)
    wait_idle(page)

    stamps = pd.to_datetime(calls["Date"] + " " + calls["Time"], format="%d-%b-%y %H:%M")
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "SELECT contact_id, started_at, contact_reason FROM contacts WHERE import_id = "
            "(SELECT max(import_id) FROM imports WHERE file_name = 'pwc_call_center.csv') ORDER BY contact_id").df()
    assert got.contact_id.tolist() == calls["Call Id"].tolist()
    assert (got.started_at == stamps).all()  # the times of day, not midnight
    assert got.started_at.dt.hour.nunique() > 1
    assert got.contact_reason.tolist() == calls["Topic"].tolist()
