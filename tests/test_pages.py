"""AppTest for every dashboard page on the sample data: no exception, the figures shown are the
engine's, a filter change changes them, and the URL carries the filters."""

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.periods import compare_periods, data_span, shown_period
from cxmetrics.core.presentation import decimals_for, format_value
from cxmetrics.engine.segments import segment_gaps
from page_runner import db, open_page  # noqa: F401 (db is a fixture)

PAGES = ["views/overview.py", "views/contact_reasons.py", "views/segments.py", "views/outcomes.py", "views/data.py"]


def engine(db, filters=Filters()):
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(db)
    try:
        return compare_periods(con, filters)["current"]
    finally:
        con.close()


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_sample_data(db, page):
    at = open_page(page)
    assert not at.error, [e.body for e in at.error]
    # A download must not rerun the page: the rerun raced the deferred file request (no download).
    rerunning = [d.proto.label for d in at.get("download_button") if not d.proto.ignore_rerun]
    assert not rerunning, rerunning


def test_overview_tiles_show_the_engine_figures(db):
    at = open_page(PAGES[0])
    shown = tiles(at)
    current = engine(db)
    for label, key in (("NPS", "nps"), ("CSAT", "csat"), ("Contact FCR", "fcr"), ("Repeat contacts", "repeat_rate")):
        assert shown[label] == format_value(key, current[key])
    assert shown["Contacts"] == format_value("contacts", current["contacts"])


def test_a_filter_changes_the_figures(db):
    # AppTest reruns only the page script after the first run, not the frame (app.py) that
    # draws the shared filters, so a filter change is a fresh session with that filter in the
    # URL; the browser test changes the widgets themselves.
    everyone = tiles(open_page(PAGES[0]))["Contacts"]
    phone = tiles(open_page(PAGES[0], {"channel": "phone"}))["Contacts"]
    assert phone != everyone
    assert phone == format_value("contacts", engine(db, Filters(channels=("phone",)))["contacts"])


def test_url_parameters_set_the_filters(db):
    at = open_page(PAGES[0], {"channel": "chat", "window": "14", "same_reason": "1"})
    assert at.sidebar.multiselect(key="flt_channel").value == ["chat"]
    assert at.sidebar.number_input(key="flt_window").value == 14
    assert at.sidebar.toggle(key="flt_same_reason").value is True
    current = engine(db, Filters(channels=("chat",)))
    assert tiles(at)["Contacts"] == format_value("contacts", current["contacts"])
    # and the URL still carries them after the run
    assert at.query_params["window"] in ("14", ["14"])


def test_window_changes_the_repeat_rate(db):
    before = tiles(open_page(PAGES[0]))["Repeat contacts"]
    assert tiles(open_page(PAGES[0], {"window": "30"}))["Repeat contacts"] != before


def test_segments_page_shows_the_engine_gaps(db):
    at = open_page(PAGES[2])
    # A customer's id is no segment to split by (every group would be one customer).
    assert "customer_id" not in at.selectbox(key="seg_by").options and "tier" in at.selectbox(key="seg_by").options
    shown = at.dataframe[0].value
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(db)
    period = shown_period(Filters(), data_span(con))  # every page covers the Overview's period
    expected = segment_gaps(con, "nps", "tier", Filters(period.date_from, period.date_to))
    con.close()
    assert list(shown["Tier"]) == list(expected["tier"])
    # The gaps as the engine gives them, rounded to what each gap's interval supports.
    assert list(shown["Gap"]) == [round(g, decimals_for(lo, hi, None)) for g, lo, hi in
                                  zip(expected["gap"], expected["gap_low"], expected["gap_high"])]
    assert list(shown["Significant"]) == list(expected["significant"])


def test_contact_reasons_table_has_every_reason(db):
    at = open_page(PAGES[1])
    table = at.dataframe[0].value
    assert "Technical fault" in set(table["Contact reason"])
    fault = table[table["Contact reason"] == "Technical fault"].iloc[0]
    assert fault["Contact FCR %"] < table["Contact FCR %"].median()  # the planted effect is visible
