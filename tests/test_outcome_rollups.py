"""The outcome rollups answer exactly what the base tables answer, or decline.

Every request is computed three ways and compared field by field: summed from outcome_summary /
outcome_monthly (`outcome_rollups.counts` / `monthly`), worked out row by row from the rolled
outcome_spans and outcome_repeaters, and from the base tables (sql/outcomes/). On random stores
whose revenues are multiples of 0.25 every sum is exact in floating point, so the three must agree
to the last bit; on the sample data (revenues in cents) the counts must agree exactly and the
revenue sums to 1e-12 (the base query alone varies that much from run to run: DuckDB adds doubles
in no fixed order). Hand-made stores pin the definitions: the latest response before the month,
ties, undated answers, and the repeat window's edge.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics.rollups import outcome_rollups
from cxmetrics.engine import outcomes
from cxmetrics import rollups
from cxmetrics.store.db import UnknownColumn, connect, migrate, quote_ident, run
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file

BYS = (None, "nps_group", "csat_group", "repeat_contact")


def _write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n", encoding="utf-8")
    return path


def _load(con, tmp_path, kind, header, rows):
    result = load_file(con, kind, _write(tmp_path / f"{kind}.csv", header, rows), ImportOptions())
    assert result.rows_rejected == 0, result.rejects


def _rows(frame: pd.DataFrame) -> list[dict]:
    key = "month" if "month" in frame else "group_value"
    records = frame.to_dict("records")
    return sorted(records, key=lambda r: (r.get("is_overall", 0), str(r[key])))


def _same_value(a, b, exact: bool) -> bool:
    """Both missing, or the same type and value (floats to 1e-12 unless `exact`)."""
    if pd.isna(a) or pd.isna(b):
        return bool(pd.isna(a) and pd.isna(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and not exact:
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    return a == b


def assert_frames_equal(got: pd.DataFrame, expected: pd.DataFrame, exact: bool):
    assert list(got.columns) == list(expected.columns)
    got_rows, expected_rows = _rows(got), _rows(expected)
    assert len(got_rows) == len(expected_rows), (got_rows, expected_rows)
    for g, e in zip(got_rows, expected_rows):
        for column in e:
            assert _same_value(g[column], e[column], exact), (column, g, e)


def assert_three_ways(con, by, window, same_reason, filters, exact, summed_expected=True):
    """Assert the summed, experience and base answers agree; return the summed one (or None)."""
    fresh, rolled = rollups.status(con)
    assert fresh
    column = outcomes.group_slot(con, by)[1]
    summed = outcome_rollups.counts(con, column or by, window, same_reason, filters, rolled)
    assert (summed is not None) == summed_expected, (by, window, same_reason, filters)
    spans = outcomes.table_counts(con, by, window, same_reason, filters, from_spans=True)
    base = outcomes.table_counts(con, by, window, same_reason, filters, from_spans=False)
    assert_frames_equal(spans, base, exact)
    if summed is not None:
        assert_frames_equal(summed, base, exact)
    return summed


def assert_monthly_both_ways(con, filters, exact, summed_expected=True):
    fresh, rolled = rollups.status(con)
    summed = outcome_rollups.monthly(con, filters, rolled)
    assert (summed is not None) == summed_expected
    params, slots = outcomes.scope_params(con, filters)
    base = run(con, "outcomes/monthly_outcomes", params, **slots).df()
    if summed is not None:
        assert_frames_equal(summed, base, exact)


def _summed(by, filters) -> bool:
    """Whether outcome_summary answers a request the filters of these tests allow: grouping by a
    customers column goes with no segment filter or a filter on that same column."""
    return by in (None, *BYS) or not filters.segment_values or filters.segment == by


# --- the sample data: every split, window and reason setting, a spread of filters ------------------

@pytest.fixture(scope="module")
def sample(tmp_path_factory, copy_sample):
    con = connect(copy_sample(tmp_path_factory.mktemp("outcome_rollups")))
    bootstrap.ensure_data(con)
    yield con
    con.close()


def test_the_sample_store_is_rolled_with_its_customer_segments(sample):
    assert rollups.is_fresh(sample)
    assert outcome_rollups.build in [family.build for family in rollups.BUILDERS]
    names = {r[0] for r in sample.execute("SELECT DISTINCT seg_name FROM outcome_summary").fetchall()}
    customer_segments = {n for n, s in rollups.rolled_segments(sample).items() if s == "customers"}
    assert names == {""} | customer_segments and {"tier", "region"} <= customer_segments
    # every response with a score and a time opens a span, bar those cut short by one at the same instant
    (spans,) = sample.execute("SELECT count(*) FROM outcome_spans").fetchall()[0]
    (scored,) = sample.execute("SELECT count(*) FROM responses WHERE customer_id IS NOT NULL "
                               "AND (nps IS NOT NULL OR csat IS NOT NULL)").fetchall()[0]
    assert 0.9 * scored < spans <= scored


@pytest.mark.parametrize("window", [1, 7, 30])
@pytest.mark.parametrize("same_reason", [False, True])
def test_every_split_equals_the_base_tables(sample, window, same_reason):
    for by in (*BYS, "tier", "plan"):
        assert_three_ways(sample, by, window, same_reason, Filters(), exact=False)


SAMPLE_FILTERS = [
    Filters(segment="tier", segment_values=("Basic",)),
    Filters(segment="region", segment_values=("Zürich", "Åland", "nowhere")),
    Filters(segment="tier"),                                                 # a segment, no values
    Filters(date_from=date(2025, 1, 1), date_to=date(2027, 1, 1)),            # keeps every month
    Filters(date_from=date(2025, 11, 20)),                                   # its month counts whole
]
NOT_SUMMED = [
    Filters(date_from=date(2026, 2, 14), date_to=date(2026, 6, 30)),          # part of the months
    Filters(channels=("phone",)),
    Filters(reasons=("Technical fault", "Billing question")),
    Filters(segment="team", segment_values=("Harbor",)),                      # a contacts column
    Filters(segment="tier", segment_values=("Basic",), channels=("chat",)),
]


@pytest.mark.parametrize("filters", SAMPLE_FILTERS)
def test_filtered_requests_equal_the_base_tables(sample, filters):
    for by in (*BYS, "tier", "region"):
        assert_three_ways(sample, by, 7, False, filters, exact=False, summed_expected=_summed(by, filters))
    assert_three_ways(sample, "repeat_contact", 30, True, filters, exact=False)
    assert_monthly_both_ways(sample, filters, exact=False)


@pytest.mark.parametrize("filters", NOT_SUMMED)
def test_requests_the_summaries_cannot_answer_still_equal_the_base_tables(sample, filters):
    for by in (*BYS, "tier"):
        assert_three_ways(sample, by, 7, False, filters, exact=False, summed_expected=False)
    partial_dates = filters.date_from is not None
    assert_monthly_both_ways(sample, filters, exact=False, summed_expected=partial_dates)


@pytest.mark.parametrize("window", [0, 2, 5, 10, 365])
def test_any_whole_window_is_summed(sample, window):
    for same_reason in (False, True):
        assert_three_ways(sample, "repeat_contact", window, same_reason, Filters(), exact=False)


def test_a_window_beyond_the_rolled_ones_goes_to_the_base_tables(sample):
    window = outcome_rollups.MAX_ROLLED_WINDOW + 1
    assert_three_ways(sample, "repeat_contact", window, False, Filters(), exact=False, summed_expected=False)
    assert not outcome_rollups.window_rolled(window) and outcome_rollups.window_rolled(window - 1)


def test_public_results_are_the_same_fresh_and_stale(tmp_path, copy_sample):
    con = connect(copy_sample(tmp_path))  # the sample data, rollups built
    requests = [(by, Filters()) for by in (*BYS, "tier")] + [("nps_group", f) for f in SAMPLE_FILTERS + NOT_SUMMED]
    fresh = [outcomes.outcomes(con, by, 7, False, f) for by, f in requests]
    fresh_monthly = outcomes.monthly_outcomes(con, Filters())
    run(con, "rollups/clear_state")
    assert not rollups.is_fresh(con)
    for (by, f), got in zip(requests, fresh):
        expected = outcomes.outcomes(con, by, 7, False, f)
        for key in ("overall", "groups"):
            for g, e in zip(got[key] if key == "groups" else [got[key]], expected[key] if key == "groups" else [expected[key]]):
                assert g.keys() == e.keys()
                assert all(_same_value(g[k], e[k], exact=False) for k in e), (by, f, g, e)
        assert list(got["frame"].columns) == list(expected["frame"].columns) and len(got["frame"]) == len(expected["frame"])
    assert_frames_equal(fresh_monthly, outcomes.monthly_outcomes(con, Filters()), exact=False)
    con.close()


# --- random stores: every combination, to the last bit ---------------------------------------------

def _random_store(tmp_path, seed: int):
    """Customers with two segments (some missing from customers, some with a blank value); outcome
    months with revenues in quarters (some blank) and churn flags (some blank); responses with
    scores, blanks, undated ones, shared timestamps and answers exactly at a month's start; contacts
    at whole days and odd seconds, with channels, reasons and a team."""
    rng = random.Random(seed)
    customers = [f"u{i:02d}" for i in range(40)]
    listed = customers[:34]  # the rest have outcomes but no customers row
    customer_rows = [(c, rng.choice(["Gold", "Silver", "Basic", ""]), rng.choice(["North", "Süd", "East"])) for c in listed]
    months = [date(2024, m, 1) for m in range(1, 8)]
    outcome_rows = []
    for c in customers:
        first = rng.randrange(0, 4)
        for m in months[first:first + rng.randrange(1, 6)]:
            revenue = "" if rng.random() < 0.05 else rng.randrange(0, 4000) / 4
            churned = rng.choice(["true", "false", "false", "false", ""])
            outcome_rows.append((c, m.isoformat(), revenue, churned))
    stamps = [datetime(2024, 1, 1) + timedelta(days=rng.randrange(0, 200), seconds=rng.randrange(0, 86400))
              for _ in range(25)] + [datetime(2024, m, 1) for m in range(1, 8)]
    responses = []
    for i in range(160):
        roll = rng.random()
        answered = "" if roll < 0.08 else rng.choice(stamps).isoformat(sep=" ")
        responses.append((f"r{i:03d}", answered, rng.choice(customers + [""]),
                          rng.choice(list(range(11)) + [""]), rng.choice([1, 2, 3, 4, 5, ""])))
    contacts, start = [], datetime(2023, 12, 1)
    for i in range(300):
        if rng.random() < 0.5:
            at = start + timedelta(days=rng.randrange(0, 240))
        else:
            at = start + timedelta(days=rng.randrange(0, 240), seconds=rng.choice([1, 3600, 86399, 43200]))
        contacts.append((f"k{i:03d}", at.isoformat(sep=" "), rng.choice(customers + [""]),
                         rng.choice(["phone", "chat"]), rng.choice(["Billing", "Fault", ""]), rng.choice(["Atlas", "Harbor"])))
    con = connect(tmp_path / f"random{seed}.duckdb")
    _load(con, tmp_path, "customers", "customer_id,tier,region", customer_rows)
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned", outcome_rows)
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps,csat", responses)
    _load(con, tmp_path, "contacts", "contact_id,started_at,customer_id,channel,contact_reason,team", contacts)
    rollups.ensure_fresh(con)
    return con


RANDOM_FILTERS = [
    Filters(),
    Filters(segment="tier", segment_values=("Gold",)),
    Filters(segment="tier", segment_values=("Gold", "Basic")),
    Filters(segment="region", segment_values=("Süd",)),
    Filters(date_from=date(2023, 6, 1), date_to=date(2024, 7, 1)),
]
RANDOM_NOT_SUMMED = [
    Filters(date_from=date(2024, 3, 15), date_to=date(2024, 5, 31)),
    Filters(channels=("chat",)),
    Filters(reasons=("Fault",)),
    Filters(segment="team", segment_values=("Harbor",)),
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_stores_equal_the_base_tables_exactly(tmp_path, seed):
    con = _random_store(tmp_path, seed)
    assert {"tier": "customers", "region": "customers"}.items() <= rollups.rolled_segments(con).items()
    for filters in RANDOM_FILTERS:
        for by in ("nps_group", "csat_group", "tier", "region", None):
            assert_three_ways(con, by, 7, False, filters, exact=True, summed_expected=_summed(by, filters))
        for window in (0, 1, 3, 7, 30):
            for same in (False, True):
                assert_three_ways(con, "repeat_contact", window, same, filters, exact=True)
        assert_monthly_both_ways(con, filters, exact=True)
    for filters in RANDOM_NOT_SUMMED:
        for by in (*BYS, "tier"):
            assert_three_ways(con, by, 7, True, filters, exact=True, summed_expected=False)
        assert_monthly_both_ways(con, filters, exact=True, summed_expected=filters.date_from is not None)
    con.close()


# --- hand-made stores: the definitions ------------------------------------------------------------

def test_experience_is_the_latest_score_before_each_month(tmp_path):
    con = connect(tmp_path / "e.duckdb")
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned",
          [("c1", "2024-01", 10, "false"), ("c1", "2024-02", 10, "false"), ("c1", "2024-03", 10, "true"),
           ("c2", "2024-02", 5, "false"), ("c2", "2024-04", 5, "false"), ("c3", "2024-01", 20, "true")])
    _load(con, tmp_path, "responses", "response_id,customer_id,responded_at,nps,csat", [
        ("r1", "c1", "2023-12-15 10:00:00", 10, 5),   # before January: promoter, satisfied
        ("r2", "c1", "2024-02-01 00:00:00", 0, ""),   # at February's first instant: not before February
        ("r3", "c1", "2024-02-01 00:00:00", 8, ""),   # same instant, later id: wins from March (passive)
        ("r4", "c1", "2024-01-10 08:00:00", "", 3),   # CSAT only: neutral from February
        ("u1", "c2", "", 3, ""),                      # undated: before every month ...
        ("u2", "c2", "", 9, 1),                       # ... the later id wins: promoter, dissatisfied
        ("r5", "c2", "2024-03-05 12:00:00", 7, ""),   # dated: beats the undated ones from April
        ("r6", "c3", "2024-01-05 09:00:00", 9, 4),    # after c3's only month starts: no group
    ])
    rollups.ensure_fresh(con)
    spans = con.execute("SELECT customer_id, strftime(from_at, '%Y-%m-%d %H:%M'), strftime(until_at, '%Y-%m-%d %H:%M'), "
                        "nps_group, csat_group FROM outcome_spans ORDER BY 1, 2 NULLS FIRST").fetchall()
    assert spans == [
        ("c1", "2023-12-15 10:00", "2024-01-10 08:00", "promoter", "satisfied"),
        ("c1", "2024-01-10 08:00", "2024-02-01 00:00", "promoter", "neutral"),   # r1's NPS carries on
        ("c1", "2024-02-01 00:00", None, "passive", "neutral"),                  # r3; r2's span has no length
        ("c2", None, "2024-03-05 12:00", "promoter", "dissatisfied"),            # the undated u2
        ("c2", "2024-03-05 12:00", None, "passive", "dissatisfied"),             # CSAT still u2's
        ("c3", "2024-01-05 09:00", None, "promoter", "satisfied"),
    ]
    by_month = {
        # c3's answer came after 1 January: no answer yet
        1: ({"promoter": 1, "no answer": 1}, {"satisfied": 1, "no answer": 1}),
        2: ({"promoter": 2}, {"neutral": 1, "dissatisfied": 1}),
        3: ({"passive": 1}, {"neutral": 1}),
        4: ({"passive": 1}, {"dissatisfied": 1}),
    }
    for month, (nps, csat) in by_month.items():
        one_month = Filters(date_from=date(2024, month, 1), date_to=date(2024, month, 28))
        for by, expected in (("nps_group", nps), ("csat_group", csat)):
            assert {g[by]: g["customers"] for g in outcomes.outcomes(con, by, filters=one_month)["groups"]} == expected
            assert_three_ways(con, by, 7, False, one_month, exact=True, summed_expected=False)
    # Over all months each customer counts once, in the group of its deciding month (the first it
    # churned in, else its latest), with all its revenue: c1 churned in March (passive, 30), c2's
    # latest month is April (passive, 10), c3 churned in January before any answer (no answer, 20).
    groups = {g["nps_group"]: g for g in outcomes.outcomes(con, "nps_group")["groups"]}
    assert set(groups) == {"passive", "no answer"}
    assert (groups["passive"]["customers"], groups["passive"]["revenue"], groups["passive"]["churn_rate"]) == (2, 40.0, 50.0)
    assert (groups["no answer"]["customers"], groups["no answer"]["revenue"], groups["no answer"]["churn_rate"]) == (1, 20.0, 100.0)
    csat = {g["csat_group"]: g["customers"] for g in outcomes.outcomes(con, "csat_group")["groups"]}
    assert csat == {"neutral": 1, "dissatisfied": 1, "no answer": 1}
    for by in BYS:
        assert_three_ways(con, by, 7, False, Filters(), exact=True)
    con.close()


@pytest.mark.parametrize(
    "gap, days, repeats_within",
    [
        (timedelta(days=7), 7, {1: False, 6: False, 7: True, 14: True}),             # exactly 7 × 24 h
        (timedelta(days=7, microseconds=1), 8, {7: False, 8: True}),                 # a microsecond more
        (timedelta(hours=23, minutes=59, seconds=59), 1, {0: False, 1: True}),
        (timedelta(0), 0, {0: True, 1: True}),                                       # the same instant
        (timedelta(days=31), 31, {30: False, 31: True}),
        (timedelta(days=20000, microseconds=1), 20001, {20000: False, 20001: True}),
        # 2^17 days apart and a microsecond: dividing in floating point alone would round it down
        (timedelta(days=131072, microseconds=1), 131073, {}),
    ],
)
def test_repeat_contact_at_the_windows_edge(tmp_path, gap, days, repeats_within):
    con = connect(tmp_path / "w.duckdb")
    first = datetime(1660, 1, 3, 9, 30)
    _load(con, tmp_path, "contacts", "contact_id,started_at,customer_id,contact_reason", [
        ("k1", first.isoformat(sep=" "), "d1", "Billing"),
        ("k2", (first + gap).isoformat(sep=" "), "d1", "Fault"),   # another reason: not a same-reason repeat
        ("k3", first.isoformat(sep=" "), "d2", "Billing"),
    ])
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned",
          [("d1", "2024-02", 8, "true"), ("d2", "2024-02", 2, "false")])
    rollups.ensure_fresh(con)
    assert con.execute("SELECT any_days, same_days FROM outcome_repeaters WHERE customer_id = 'd1'").fetchall() == [
        (days, None)]
    for window, repeats in repeats_within.items():
        for same in (False, True):
            assert_three_ways(con, "repeat_contact", window, same, Filters(), exact=True)
            groups = {g["repeat_contact"]: g["customers"] for g in outcomes.outcomes(con, "repeat_contact", window, same)["groups"]}
            expected = {True: 1, False: 1} if repeats and not same else {False: 2}
            assert groups == expected, (window, same)
    con.close()


def test_grouping_by_the_segment_filtered_by_keeps_its_chosen_values(tmp_path):
    con = connect(tmp_path / "g.duckdb")
    _load(con, tmp_path, "customers", "customer_id,plan", [("a", "annual"), ("b", "monthly"), ("c", "annual")])
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned",
          [("a", "2024-01", 1.5, "false"), ("b", "2024-01", 2, "true"), ("c", "2024-01", 4, "false"),
           ("d", "2024-01", 8, "true")])
    rollups.ensure_fresh(con)
    result = outcomes.outcomes(con, "plan", filters=Filters(segment="plan", segment_values=("annual",)))
    assert [(g["plan"], g["customers"], g["revenue"]) for g in result["groups"]] == [("annual", 2, 5.5)]
    assert (result["overall"]["customers"], result["overall"]["revenue"]) == (2, 5.5)
    everyone = outcomes.outcomes(con, "plan")
    assert [(g["plan"], g["customers"]) for g in everyone["groups"]] == [("annual", 2), ("monthly", 1)]
    assert everyone["overall"]["customers"] == 4  # d has no customers row: in the overall figure only
    assert_three_ways(con, "plan", 7, False, Filters(segment="plan", segment_values=("annual",)), exact=True)
    con.close()


def test_a_store_with_many_yes_no_columns_is_rolled_up(tmp_path):
    con = connect(tmp_path / "wide.duckdb")
    header = "customer_id," + ",".join(f"flag_{i}" for i in range(40))
    rng = random.Random(5)
    _load(con, tmp_path, "customers", header,
          [(f"u{n}", *(rng.choice(["Yes", "No"]) for _ in range(40))) for n in range(300)])
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned",
          [(f"u{n}", f"2024-0{m}", n % 7, "true" if n % 5 == 0 and m == 3 else "false") for n in range(300) for m in (1, 2, 3)])
    rollups.ensure_fresh(con)
    rolled = rollups.rolled_segments(con)
    flags = [name for name, table in rolled.items() if table == "customers"]
    # Capped at MAX_SEGMENTS in all, taken in column order: flag_7 is rolled, flag_30 is not.
    assert len(rolled) == rollups.MAX_SEGMENTS
    assert sorted(flags, key=lambda f: int(f.split("_")[1])) == [f"flag_{i}" for i in range(len(flags))]
    assert "flag_7" in flags and "flag_30" not in flags
    for filters in (Filters(), Filters(segment="flag_7", segment_values=("Yes",)),
                    Filters(segment="flag_30", segment_values=("No",))):
        for by in ("repeat_contact", "flag_7", "flag_30", None):
            unrolled = "flag_30" in (by, filters.segment)  # answered from spans and base tables only
            assert_three_ways(con, by, 7, False, filters, exact=True, summed_expected=not unrolled)
    assert_three_ways(con, "flag_3", 7, False, Filters(segment="flag_7", segment_values=("Yes",)), exact=True,
                      summed_expected=False)
    con.close()


def test_a_customers_column_named_like_an_experience_group_is_only_a_filter(tmp_path):
    con = connect(tmp_path / "n.duckdb")
    _load(con, tmp_path, "customers", "customer_id,nps_group", [("a", "x"), ("b", "y")])
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned", [("a", "2024-01", 1, "false"), ("b", "2024-01", 2, "true")])
    _load(con, tmp_path, "responses", "response_id,customer_id,responded_at,nps", [("r", "a", "2023-05-01", 10)])
    rollups.ensure_fresh(con)
    assert rollups.rolled_segments(con).get("nps_group") == "customers"
    assert not con.execute("SELECT count(*) FROM outcome_summary WHERE by_name = 'nps_group' AND group_value IN ('x', 'y')").fetchall()[0][0]
    filtered = Filters(segment="nps_group", segment_values=("y",))
    assert outcomes.outcomes(con, None, filters=filtered)["overall"]["customers"] == 1
    assert_three_ways(con, "nps_group", 7, False, filtered, exact=True)
    con.close()


def test_stale_rollups_are_not_read_and_bad_groups_are_refused(tmp_path):
    con = connect(tmp_path / "st.duckdb")
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned", [("a", "2024-01", 3, "true")])
    assert not rollups.is_fresh(con)                     # loaded, never built
    assert outcomes.outcomes(con)["overall"]["customers"] == 1
    rollups.ensure_fresh(con)
    _write(tmp_path / "more.csv", "customer_id,month,revenue,churned", [("b", "2024-01", 5, "false")])
    run(con, "rollups/clear_state")                      # stale, as after a migration: the import
    load_file(con, "outcomes", tmp_path / "more.csv", ImportOptions())  # leaves them to ensure_fresh
    assert not rollups.is_fresh(con)                     # the rolled tables still hold one customer ...
    assert outcomes.outcomes(con)["overall"]["customers"] == 2   # ... so they are not read
    with pytest.raises(UnknownColumn):
        outcomes.outcomes(con, "plan; DROP TABLE outcomes")
    with pytest.raises(UnknownColumn):
        outcomes.outcomes(con, "nps_group", filters=Filters(segment="nowhere", segment_values=("x",)))
    con.close()


def test_a_store_without_outcomes_is_rolled_up_and_answers_zeros(tmp_path):
    con = connect(tmp_path / "none.duckdb")
    _load(con, tmp_path, "customers", "customer_id,tier", [("a", "Gold")])
    _load(con, tmp_path, "contacts", "contact_id,started_at,customer_id", [("k1", "2024-01-01", "a"), ("k2", "2024-01-02", "a")])
    rollups.ensure_fresh(con)
    assert con.execute("SELECT count(*) FROM outcome_summary").fetchall() == [(0,)]
    for by in (*BYS, "tier"):
        result = assert_three_ways(con, by, 7, False, Filters(), exact=True)
        assert result["customers"].tolist() == [0] and result["revenue"].tolist() == [0.0]
    assert_monthly_both_ways(con, Filters(), exact=True)
    assert outcomes.outcomes(con)["overall"]["customers"] == 0
    con.close()


def test_migrating_to_version_8_forgets_rollups_built_without_it(tmp_path):
    raw = duckdb.connect(str(tmp_path / "old.duckdb"))
    raw.execute("SET TimeZone = 'UTC'")
    migrate(raw, only=range(1, 8))
    run(raw, "rollups/record_state", {"data_version": rollups.data_version(raw)})
    assert rollups.is_fresh(raw)                          # a version-7 store with its rollups built
    migrate(raw)
    assert not rollups.is_fresh(raw)                      # version 8's tables are empty: not fresh
    raw.close()


def test_a_store_from_before_version_8_opened_read_only_uses_the_base_tables(tmp_path):
    path = tmp_path / "v7.duckdb"
    con = connect(path)
    _load(con, tmp_path, "customers", "customer_id,tier", [("a", "Gold"), ("b", "Basic")])
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned", [("a", "2024-01", 3, "true"), ("b", "2024-01", 1, "false")])
    rollups.ensure_fresh(con)
    expected = [outcomes.outcomes(con, by, filters=f) for by in BYS for f in (Filters(), Filters(date_from=date(2024, 1, 9)))]
    # what a version-7 store looks like: fresh rollups, no outcome rollup tables
    for table in ("outcome_spans", "outcome_repeaters", "outcome_summary", "outcome_monthly"):
        con.execute("DROP TABLE " + quote_ident(table))
    con.execute("DELETE FROM schema_migrations WHERE version = 8")
    con.close()
    old = connect(path, read_only=True)
    assert rollups.is_fresh(old)
    got = [outcomes.outcomes(old, by, filters=f) for by in BYS for f in (Filters(), Filters(date_from=date(2024, 1, 9)))]
    assert [(r["overall"], r["groups"]) for r in got] == [(r["overall"], r["groups"]) for r in expected]
    assert outcomes.monthly_outcomes(old)["customers"].tolist() == [2]
    old.close()


# --- the kinds-of-row bookkeeping ----------------------------------------------------------------

def test_customer_sets_list_each_kind_of_row_with_its_positions_in_seg_values():
    slots, params = outcome_rollups._customer_sets(["tier", "nps_group"])
    assert slots["segment_columns"] == 'missing."value", cu."tier", cu."nps_group"'
    # per filter (none, tier, nps_group): by nothing, by repeat days (any, same); "by tier" for
    # everyone, never "by nps_group" (that name is the NPS group). Position 1 is NULL: none.
    rows = list(zip(params["by_names"], params["same_flags"], params["by_index"], params["seg_index"],
                    params["seg_names"]))
    assert rows == [
        ("", None, 1, 1, ""), ("repeat_contact", False, 1, 1, ""), ("repeat_contact", True, 1, 1, ""),
        ("", None, 1, 2, "tier"), ("repeat_contact", False, 1, 2, "tier"),
        ("repeat_contact", True, 1, 2, "tier"), ("tier", None, 2, 1, ""),
        ("", None, 1, 3, "nps_group"), ("repeat_contact", False, 1, 3, "nps_group"),
        ("repeat_contact", True, 1, 3, "nps_group"),
    ]


def test_customer_sets_grow_with_the_columns_not_their_square():
    slots, params = outcome_rollups._customer_sets([f"c{i}" for i in range(36)])
    assert len(params["by_names"]) == 3 * 37 + 36 and slots["segment_columns"].count("cu.") == 36


def test_filter_sets_list_everyone_then_each_segment():
    slots, params = outcome_rollups._filter_sets(["tier", "region"])
    assert slots["segment_columns"] == 'missing."value", cu."tier", cu."region"'
    assert params == {"seg_index": [1, 2, 3], "seg_names": ["", "tier", "region"]}
    slots, params = outcome_rollups._filter_sets([])
    assert slots["segment_columns"] == 'missing."value"'
    assert params == {"seg_index": [1], "seg_names": [""]}
