"""AppTest: the contact-centre measures on the Overview's tiles and on Contact reasons where the
contact log has their columns, and neither tile nor column where it has not."""

from __future__ import annotations

import html
import re

import pytest

from cxmetrics import rollups
from cxmetrics.store.db import connect
from cxmetrics.core.definitions import DEFINITIONS
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.periods import compare_periods
from cxmetrics.core.presentation import format_value
from page_runner import empty_db as db, on_database, open_page  # noqa: F401 (db is a fixture)
from test_contact_centre import CONTACTS

OVERVIEW, REASONS = "views/overview.py", "views/contact_reasons.py"
CENTRE_LABELS = {"aht_seconds": "Handle time", "asa_seconds": "Speed of answer", "abandon_rate": "Abandonment",
                 "resolved_rate": "Reported resolution"}
BARE = "contact_id,customer_id,started_at,contact_reason\nk1,A,2024-01-01,Billing\nk2,A,2024-01-20,Tech\n"


def _store(db, tmp_path, text):
    """Fill the page's database with one contact log (so the sample is not loaded)."""
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    con = connect(db)
    try:
        assert load_file(con, "contacts", path, ImportOptions()).rows_rejected == 0
        rollups.ensure_fresh(con)
    finally:
        con.close()


def shown_tiles(at) -> dict[str, str]:
    """{label: value} of every tile drawn: st.metric ones, and the greyed ones (n < 30), which are
    drawn as HTML so they are never bold (ui.widgets.kpi_tile)."""
    shown = {m.label: m.value for m in at.metric}
    for block in at.markdown:
        found = re.search(r">([^<>]+)<br><span[^>]*>([^<>]+)</span>", block.value)
        if found:
            shown[html.unescape(found.group(1))] = html.unescape(found.group(2))
    return shown


def tile_helps(at) -> dict[str, str]:
    helps = {m.label: m.help for m in at.metric}
    for block in at.markdown:
        found = re.search(r"title='([^']*)'>([^<>]+)<br>", block.value)
        if found:
            helps[html.unescape(found.group(2))] = html.unescape(found.group(1))
    return helps


def test_labels_are_the_definitions():
    assert {key: DEFINITIONS[key].label for key in CENTRE_LABELS} == CENTRE_LABELS


def test_overview_shows_the_measures_the_log_has(db, tmp_path):
    _store(db, tmp_path, CONTACTS)
    at = open_page(OVERVIEW)
    shown = shown_tiles(at)
    current = on_database(db, lambda con: compare_periods(con)["current"])
    # the last 28 days (Jan 3 - 30): k2 abandoned, k4 20 s / 400 s, k5 100 s, k7 40 s / 500 s
    assert current["abandon_n"] == 4 and current["asa_n"] == 2
    for key, label in CENTRE_LABELS.items():
        assert shown[label] == format_value(key, current[key]), label
    assert shown["Handle time"] == "333 s" and shown["Speed of answer"] == "30 s"
    assert "what the agent recorded" in tile_helps(at)["Reported resolution"].lower()
    assert "Contact FCR" in shown  # both, side by side, never one for the other


def test_overview_has_no_contact_centre_tiles_without_the_columns(db, tmp_path):
    _store(db, tmp_path, BARE)
    at = open_page(OVERVIEW)
    labels = set(shown_tiles(at))
    assert "Contact FCR" in labels
    assert not labels & set(CENTRE_LABELS.values())
    assert "Contact centre" not in [h.value for h in at.subheader]


def _table(at, first_column):
    return next(df.value for df in at.dataframe if first_column in df.value.columns
                and "Reported resolution %" in df.value.columns)


def test_contact_reasons_shows_reported_resolution_beside_contact_fcr(db, tmp_path):
    _store(db, tmp_path, CONTACTS)
    at = open_page(REASONS, {"from": "2024-01-01", "to": "2024-01-31"})  # the whole log (30 days), not its last 28
    table = _table(at, "Contact reason").set_index("Contact reason")
    # Billing: k1 k2 k6 k7; Tech: k3 k4 k5 (hand counts in test_contact_centre's docstring)
    assert table.loc["Billing", "Reported resolution %"] == 100.0    # k1, k7 (k2 abandoned, k6 unknown)
    assert table.loc["Tech", "Reported resolution %"] == 50.0        # k3 yes, k5 no, k4 unknown
    assert table.loc["Billing", "Contact FCR %"] == 50.0             # k1 no (k2 two days on), k2 yes
    assert table.loc["Tech", "Contact FCR %"] == 100.0
    assert table.loc["Tech", "Contact FCR, transferred %"] == 100.0  # k3, k4
    assert table.loc["Billing", "Contact FCR, not transferred %"] == 0.0  # k1 (k2's transfers blank)
    # Rounded to what the interval supports: on 3 contacts, whole points (33.3 % -> 33).
    assert table.loc["Billing", "Abandonment %"] == 33  # k2 of k1 k2 k7
    assert table.loc["Tech", "Handle time (m:ss)"] == "3:53"  # 700 / 3 = 233.3 s
    assert table.loc["Tech", "Speed of answer (m:ss)"] == "0:15"
    assert table.loc["Tech", "Transfers %"] == 67  # 2 of 3
    text = " ".join(m.value for m in at.markdown)
    assert "**Reported resolution** (what the agent recorded): 75.0 % (n = 4)" in text
    assert "**Contact FCR** (what the customer's next contact shows): 80.0 % (n = 5)" in text


def test_contact_reasons_without_the_columns_says_what_would_fill_them(db, tmp_path):
    _store(db, tmp_path, BARE)
    at = open_page(REASONS)
    assert not [df for df in at.dataframe if "Reported resolution %" in df.value.columns]
    captions = " ".join(c.value for c in at.caption)
    assert "none of the contact-centre measures" in captions and "`answered`" in captions
    text = " ".join(m.value for m in at.markdown)
    assert "**Reported resolution** (what the agent recorded): no data" in text
