"""Tables people read, on the pages (AppTest over the sample store): columns named from the
definitions with their units, figures rounded (never 66.66666666666666), blanks drawn blank (the
table's placeholder is empty, no "None" or "nan" text), revenue in the currency setting."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.proto.Dataframe_pb2 import Dataframe as DataframeProto

from page_runner import db, open_page  # noqa: F401 (db is a fixture)

REASONS = "views/contact_reasons.py"


def _cells_are_readable(frame: pd.DataFrame) -> None:
    for column in frame.columns:
        values = frame[column].dropna()
        assert not values.astype(str).isin(["None", "nan", "NaN", "<NA>"]).any(), column
        if pd.api.types.is_float_dtype(values):
            assert (values.round(2) == values).all(), f"{column} carries more than two decimals"


def test_contact_reasons_tables_are_named_rounded_and_blank(db):
    at = open_page(REASONS)
    tables = [element for element in at.dataframe]
    reasons = tables[0].value
    assert list(reasons.columns) == ["Contact reason", "Contacts", "Contact FCR %", "Contact FCR n",
                                     "Repeat contacts %", "NPS", "NPS n", "CSAT %", "CSAT n"]
    for table in tables:
        # A blank cell is drawn blank: the placeholder is set, to nothing (unset, Streamlit writes "None").
        assert table.proto.HasField("placeholder") and table.proto.placeholder == ""
        _cells_are_readable(table.value)
    centre = next(t.value for t in tables if "Handle time (m:ss)" in t.value.columns)
    assert centre["Handle time (m:ss)"].dropna().str.fullmatch(r"\d+:\d\d").all()


def test_revenue_carries_the_currency_setting(db, monkeypatch):
    monkeypatch.setenv("CXMETRICS_CURRENCY", "EUR")
    at = open_page("views/outcomes.py")
    assert any("revenue per customer" in c.value and c.value.count("EUR") for c in at.caption)


# Every read-only table of each page (an editor's columns are labelled by its own column_config).
PAGES = {
    "views/touchpoints.py": None,
    "views/voice.py": None,
    "views/close_the_loop.py": None,
    "views/customer_story.py": {"customer": "C01515"},
    "views/segments.py": None,
    "views/data.py": None,
}


@pytest.mark.parametrize("page", list(PAGES))
def test_every_table_of_a_page_is_named_in_words_rounded_and_blank(db, page):
    at = open_page(page, PAGES[page])
    tables = [t for t in at.dataframe if t.proto.editing_mode == DataframeProto.EditingMode.READ_ONLY]
    assert tables, f"{page} drew no table"
    for table in tables:
        frame = table.value
        # "n" and "n judged" are the one lower-case start: the statistician's n.
        raw = [c for c in frame.columns
               if "_" in str(c) or (str(c)[:1].islower() and str(c) != "n" and not str(c).startswith("n "))]
        assert not raw, f"{page}: columns named as stored: {raw}"
        assert table.proto.placeholder == ""
        _cells_are_readable(frame)
