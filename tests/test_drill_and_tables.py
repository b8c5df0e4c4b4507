"""Click to drill and tables people read, without a browser.

Drill: a clicked mark's fields become a Pick (cxmetrics/engine/drill.py), and the rows picked on the sample
store are exactly as many as the n of the mark's figure, for every kind of chart the pages drill
from (a reason's bar, a reason × channel cell, a week's point, a segment's gap, a team's bar).
Tables: presentation.readable names, rounds and blanks columns by hand-computed rules.
"""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime, timezone

import pandas as pd
import pytest

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.drill import Drill, Pick, bucket_end, narrowed, pick_from_selection, rows_picked
from cxmetrics.core.exports import safe_csv
from cxmetrics.engine.metrics import metric_matrix, metric_trend, metrics_frame
from cxmetrics.core.presentation import column_names, decimals_for, figure_text, mm_ss, readable
from cxmetrics.engine.segments import segment_gaps
from cxmetrics.face.tables import contact_centre_table, reason_table
from cxmetrics.engine.teams import team_scores

PERIOD = Filters(date(2026, 4, 1), date(2026, 9, 30))  # within the sample (Nov 2025 – Oct 2026)


@pytest.fixture(scope="module")
def sample(sample_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("drill") / "sample.duckdb"
    shutil.copyfile(sample_template, path)
    con = connect(path)
    yield con
    con.close()


# --- Picks ---------------------------------------------------------------------------------------

def test_a_clicked_mark_becomes_drill_filters():
    drill = Drill.of("contacts", "fcr", "week", period="period", channel="channel", touchpoint="contact_reason")
    monday = int(datetime(2024, 3, 4, tzinfo=timezone.utc).timestamp() * 1000)  # Vega gives epoch ms
    pick = drill.pick({"period": monday, "channel": "phone", "touchpoint": "Billing"})
    assert pick == Pick(period=date(2024, 3, 4), grain="week", channel="phone", reason="Billing")
    assert pick.describe() == "week of 04 Mar 2024 · contact reason Billing · channel phone"
    assert Drill.of("responses", "csat", tier="tier").pick({"tier": "Gold"}) == Pick(by="tier", value="Gold")
    # A browser east of UTC (UTC+2) sends Monday's local midnight as Sunday 22:00 UTC; west (UTC−5), 05:00.
    for hour, day in ((22, 3), (5, 4)):
        sent = int(datetime(2024, 3, day, hour, tzinfo=timezone.utc).timestamp() * 1000)
        assert drill.pick({"period": sent}).period == date(2024, 3, 4)
    with pytest.raises(ValueError, match="no drill filter"):
        drill.pick({"agent": "x"})  # a field the chart did not declare
    with pytest.raises(ValueError):
        Drill.of("contacts", "nps")  # NPS counts responses, not contacts
    with pytest.raises(ValueError):
        pick_from_selection({"g": "Fan"}, {"g": "nps_group"})


def test_a_date_bucket_is_cut_to_the_chosen_dates():
    assert bucket_end(date(2024, 2, 1), "month") == date(2024, 2, 29)
    assert bucket_end(date(2024, 3, 4), "week") == date(2024, 3, 10)
    chosen = Filters(date(2024, 3, 6), date(2024, 3, 31), reasons=("Billing", "Login"))
    cut = narrowed(chosen, Pick(period=date(2024, 3, 4), grain="week", reason="Login"))
    assert (cut.date_from, cut.date_to, cut.reasons) == (date(2024, 3, 6), date(2024, 3, 10), ("Login",))


# --- The rows behind a mark are the rows its figure counted ----------------------------------------

def _count(con, kind, pick, measure, filters=PERIOD):
    rows, total = rows_picked(con, kind, pick, filters, measure)
    assert len(rows) == min(total, 5000)
    return total


def test_a_reasons_bars_rows_are_as_many_as_its_n(sample):
    frame = metrics_frame(sample, "contact_reason", PERIOD).set_index("contact_reason")
    for reason in frame.index[:3]:
        pick = Pick(reason=reason)
        assert _count(sample, "contacts", pick, "fcr") == frame.loc[reason, "fcr_n"]
        assert _count(sample, "contacts", pick, "repeat_rate") == frame.loc[reason, "repeat_n"]
        assert _count(sample, "responses", pick, "nps") == frame.loc[reason, "nps_n"]


def test_a_cells_rows_are_as_many_as_its_n(sample):
    for metric, kind in (("fcr", "contacts"), ("csat", "responses")):
        matrix = metric_matrix(sample, "contact_reason", "channel", metric, PERIOD)
        cell = matrix.dropna(subset=[metric]).iloc[0]
        pick = Pick(reason=cell["contact_reason"], channel=cell["channel"])
        assert _count(sample, kind, pick, metric) == cell["n"]


def test_a_weeks_rows_are_as_many_as_its_n(sample):
    trend = metric_trend(sample, "week", PERIOD)
    week = trend[trend["nps_n"] > 0].iloc[2]
    pick = Drill.of("responses", "nps", "week", period="period").pick({"period": week["period"].isoformat()})
    assert _count(sample, "responses", pick, "nps") == week["nps_n"]
    assert _count(sample, "contacts", pick, "fcr") == week["fcr_n"]


def test_a_segments_and_a_teams_rows_are_as_many_as_their_n(sample):
    gaps = segment_gaps(sample, "csat", "tier", PERIOD)
    first = gaps.iloc[0]
    assert _count(sample, "responses", Pick(by="tier", value=first["tier"]), "csat") == first["n"]
    teams = team_scores(sample, PERIOD)
    team = teams.iloc[0]
    assert _count(sample, "responses", Pick(by="team", value=team["team"]), "csat") == team["csat_n"]


# --- Tables people read ---------------------------------------------------------------------------

@pytest.mark.parametrize("low, high, expected", [
    (44.3, 89.5, 0),     # half-width 22.6: whole points (66.66… -> 67)
    (64.4, 69.0, 0),     # 2.3
    (65.3, 68.1, 1),     # 1.4: a leading 1 keeps the next digit
    (66.4, 66.92, 1),    # 0.26
    (3.40, 3.48, 2),     # 0.04
    (3.400, 3.402, 2),   # never more than two decimals
    (None, None, 1),     # no interval: a rate's default
])
def test_decimals_follow_the_interval(low, high, expected):
    assert decimals_for(low, high, "%") == expected


def test_durations_read_as_minutes_and_seconds():
    assert [mm_ss(684.0), mm_ss(59.6), mm_ss(3725), mm_ss(0), mm_ss(None), mm_ss(float("nan"))] == \
        ["11:24", "1:00", "62:05", "0:00", None, None]


def test_a_table_its_csv_and_a_charts_csv_read_the_same(monkeypatch):
    monkeypatch.delenv("CXMETRICS_CURRENCY", raising=False)
    frame = pd.DataFrame({
        "contact_reason": ["Billing", "Login"], "contacts": [3.0, None],
        "fcr": [66.66666666666666, None], "fcr_low": [44.3, None], "fcr_high": [89.5, None], "fcr_n": [30.0, None],
        "aht_seconds": [684.0, None], "csat": [81.25, 80.0], "csat_low": [80.9, 70.1], "csat_high": [81.6, 87.9]})
    table = readable(frame)
    assert list(table.columns) == ["Contact reason", "Contacts", "Contact FCR %", "Contact FCR % low (95 %)",
                                   "Contact FCR % high (95 %)", "Contact FCR n", "Handle time (m:ss)", "CSAT %",
                                   "CSAT % low (95 %)", "CSAT % high (95 %)"]
    first = table.iloc[0]
    assert (first["Contact FCR %"], first["Contact FCR % low (95 %)"], first["Contact FCR n"]) == (67, 44, 30)
    assert first["Handle time (m:ss)"] == "11:24" and first["Contacts"] == 3
    assert list(table["CSAT %"]) == [81.2, 80]  # per row: half-widths 0.35 and 8.9
    text = safe_csv(table).decode("utf-8-sig")
    # Written as the table draws them: no trailing ".0" on a figure rounded to whole points.
    assert text.splitlines()[1] == "Billing,3,67,44,90,30,11:24,81.2,80.9,81.6"
    assert text.splitlines()[2] == "Login,,,,,,,80,70,88"  # blanks blank: no None, no nan
    assert [figure_text(v) for v in table["CSAT %"]] == ["81.2", "80"]


def test_revenue_is_named_in_the_chosen_currency(monkeypatch):
    monkeypatch.setenv("CXMETRICS_CURRENCY", "EUR")
    assert column_names(["revenue_per_customer"]) == {"revenue_per_customer": "Revenue per customer (EUR)"}
    monkeypatch.delenv("CXMETRICS_CURRENCY")
    assert column_names(["revenue_per_customer"]) == {"revenue_per_customer": "Revenue per customer"}


def test_the_reason_tables_use_the_definitions_labels(sample):
    frame = metrics_frame(sample, "contact_reason", PERIOD)
    table = reason_table(frame, "contact_reason")
    assert list(table.columns) == ["Contact reason", "Contacts", "Contact FCR %", "Contact FCR n",
                                   "Repeat contacts %", "NPS", "NPS n", "CSAT %", "CSAT n"]
    centre = contact_centre_table(frame, "contact_reason")
    assert "None" not in safe_csv(centre).decode() and "nan" not in safe_csv(centre).decode()


def test_drillable_charts_carry_a_valid_click_selection():
    from cxmetrics.face.charts import (PICK, gap_chart, heatmap, interval_bar_chart, ranked_bar_chart,
                                       trend_chart)

    bars = pd.DataFrame({"g": ["a", "b"], "v": [1.0, 2.0], "lo": [0.5, 1.5], "hi": [1.5, 2.5], "n": [40, 50]})
    cells = pd.DataFrame({"r": ["a", "b"], "c": ["x", "y"], "v": [1.0, 2.0], "n": [40, 50]})
    weeks = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-01-08"]), "v": [1.0, 2.0],
                          "lo": [0.5, 1.5], "hi": [1.5, 2.5], "n": [40, 50]})
    gaps = bars.assign(sig=[True, False], few=[False, False])
    built = [
        (ranked_bar_chart(bars, category="g", value="v", low="lo", high="hi", n="n", title="t", x_title="x",
                          pickable=True), ["g"]),
        (interval_bar_chart(bars, category="g", value="v", low="lo", high="hi", n="n", title="t", y_title="y",
                            pickable=True), ["g"]),
        (heatmap(cells, row="r", column="c", value="v", n="n", title="t", value_title="v", pickable=True), ["r", "c"]),
        (trend_chart(weeks, value="v", low="lo", high="hi", n="n", title="t", y_title="y", pickable=True),
         ["period"]),
        (gap_chart(gaps, category="g", gap="v", low="lo", high="hi", significant="sig", too_few="few", title="t",
                   x_title="x", pickable=True), ["g"]),
    ]
    for chart, fields in built:
        spec = chart.to_dict(validate=True)  # Vega-Lite's schema accepts it
        assert [p["select"]["fields"] for p in spec["params"] if p["name"] == PICK] == [fields]
    plain = ranked_bar_chart(bars, category="g", value="v", low="lo", high="hi", n="n", title="t", x_title="x")
    assert "params" not in plain.to_dict()


def test_each_reasons_figure_is_one_text_in_table_table_csv_and_chart_csv(sample):
    """The Contact reasons page's three writers of a reason's figures (the table, its download, the chart's
    download of `shown`) give each figure the same characters; Chromium's drawing of the table is checked
    against them in tests/browser/test_drill_browser.py."""
    frame = metrics_frame(sample, "contact_reason", PERIOD)
    table = reason_table(frame, "contact_reason")
    table_csv = pd.read_csv(io.BytesIO(safe_csv(table)), dtype=str, encoding="utf-8-sig", keep_default_na=False)
    for key, columns in (("fcr", ["fcr", "fcr_low", "fcr_high", "fcr_n"]),
                         ("repeat_rate", ["repeat_rate", "repeat_low", "repeat_high", "repeat_n"])):
        chart = readable(frame[["contact_reason", *columns]])
        chart_csv = pd.read_csv(io.BytesIO(safe_csv(chart)), dtype=str, encoding="utf-8-sig", keep_default_na=False)
        label = column_names([key])[key]
        shown = [figure_text(v) for v in table[label]]
        assert list(table_csv[label]) == shown
        assert dict(zip(chart_csv["Contact reason"], chart_csv[label])) == dict(zip(table["Contact reason"], shown))
        assert all(text == "" or "." not in text or not text.endswith("0") for text in shown)  # no "67.0"
