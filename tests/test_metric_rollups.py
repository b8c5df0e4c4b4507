"""The metric rollups answer exactly what the base tables answer, or decline.

Every covered request is computed both ways (metric_rollups.counts and metrics.base_counts) and the
frames compared value for value: on the sample data over every split, window, reason setting and
a spread of filters; on random small stores; and on hand-made gaps at the window's edges."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics.rollups import metric_rollups
from cxmetrics.engine import metrics
from cxmetrics import rollups
from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters, dimension_values
from cxmetrics.ingest.importer import ImportOptions, load_file

from rollup_checks import fresh_and_stale
from scale import scaled


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    key = frame["is_overall"].astype(str) + "|" + frame["group_value"].astype(str)
    return frame.assign(_key=key).sort_values("_key").drop(columns="_key").reset_index(drop=True)


def assert_same(con, by, filters, window, same_reason, grain=None):
    rolled = metric_rollups.counts(con, by, filters, window, same_reason, grain)
    assert rolled is not None, "the rollups should answer this request"
    base = metrics.base_counts(con, by, filters, window, same_reason, grain)
    for got, expected in zip(rolled, base):
        pd.testing.assert_frame_equal(_sorted(got), _sorted(expected), check_dtype=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory, copy_sample):
    con = connect(copy_sample(tmp_path_factory.mktemp("rollups")))
    bootstrap.ensure_data(con)
    yield con
    con.close()


def test_sample_store_is_rolled_up_with_its_text_segments(sample):
    assert rollups.is_fresh(sample)
    rolled = rollups.rolled_segments(sample)
    assert {"tier", "region", "team"} <= set(rolled)
    assert rolled["tier"] == "customers" and rolled["team"] == "contacts"
    # numbers and booleans are not rolled (their values would come back as text)
    assert "transfers" not in rolled and "resolved" not in rolled


def test_rollup_windows_match_the_table_columns(sample):
    columns = {r[0] for r in sample.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'contact_rollup'").fetchall()}
    for window in rollups.ROLLUP_WINDOWS:
        for name in ("repeats_any", "repeats_same", "judged", "resolved_any", "resolved_same"):
            assert f"{name}_w{window}" in columns
    assert len([c for c in columns if c.startswith("judged_w")]) == len(rollups.ROLLUP_WINDOWS)


@pytest.mark.parametrize("window", rollups.ROLLUP_WINDOWS)
@pytest.mark.parametrize("same_reason", [False, True])
def test_every_split_equals_the_base_tables(sample, window, same_reason):
    for by in [None, "channel", "contact_reason", *rollups.rolled_segments(sample)]:
        assert_same(sample, by, Filters(), window, same_reason)


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_trends_equal_the_base_tables(sample, grain):
    assert_same(sample, None, Filters(), 7, False, grain)
    assert_same(sample, None, Filters(channels=("phone",), segment="tier", segment_values=("Premium",)), 30, True, grain)


FILTERS = [
    Filters(date_from=date(2025, 3, 1)),
    Filters(date_to=date(2025, 2, 14)),
    Filters(date_from=date(2025, 2, 1), date_to=date(2025, 2, 28)),
    Filters(date_from=date(2025, 5, 17), date_to=date(2025, 5, 17)),
    Filters(channels=("phone", "chat")),
    Filters(reasons=("Billing question",)),
    Filters(channels=("email",), reasons=("Delivery delay", "Refund request")),
    Filters(segment="tier", segment_values=("Premium", "Standard")),
    Filters(segment="tier", segment_values=()),
    Filters(segment="Team", segment_values=("Atlas",)),
    Filters(date_from=date(2025, 4, 1), channels=("chat",), segment="region", segment_values=("Zürich",)),
]


def assert_same_matrix(con, filters, window, same_reasons=(False, True)):
    """metric_matrix from the pair counts equals one single-dimension query per column value. Every
    figure is computed either way; the metric only picks the column shown, so one from the contacts
    (FCR) and one from the answers (NPS) cover both tables."""
    for rows, columns in (("contact_reason", "channel"), ("channel", "contact_reason")):
        for metric in ("fcr", "nps"):
            for same_reason in same_reasons:
                rolled, base = fresh_and_stale(con, lambda: metrics.metric_matrix(
                    con, rows, columns, metric, filters, window, same_reason, max_columns=3))
                pd.testing.assert_frame_equal(rolled, base, check_dtype=False)


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_metric_matrix_from_pair_counts_equals_one_query_per_column(sample, filters):
    assert metric_rollups.pair_counts(sample, "contact_reason", "channel", filters, 7, False) is not None \
        or filters.segment == "Team"  # a segment the sample rolls under its own name only
    assert_same_matrix(sample, filters, 7)


def test_channel_and_reason_values_from_the_rollup_equal_the_contacts(sample):
    for name in ("channel", "contact_reason", "Contact Reason"):
        for limit in (3, 500):
            rolled, base = fresh_and_stale(sample, lambda: dimension_values(sample, name, limit))
            assert rolled == base and len(base) == min(limit, len(set(base)))
    assert len(dimension_values(sample, "channel")) >= 4


def test_what_the_pair_counts_leave_to_the_loop(sample):
    assert metric_rollups.pair_counts(sample, "contact_reason", "tier", Filters(), 7, False) is None
    assert metric_rollups.pair_counts(sample, "channel", "channel", Filters(), 7, False) is None
    assert metric_rollups.pair_counts(sample, "contact_reason", "channel", Filters(), 3, False) is None


@pytest.mark.parametrize("filters", FILTERS, ids=range(len(FILTERS)))
def test_filtered_requests_equal_the_base_tables(sample, filters):
    for by in (None, "channel", "contact_reason", filters.segment or "tier"):
        assert_same(sample, by, filters, 7, False)
        assert_same(sample, by, filters, 30, True)


@pytest.mark.parametrize(
    "by, filters, window",
    [
        (None, Filters(), 5),                                               # a window not kept
        ("channel", Filters(), 14),
        ("tier", Filters(segment="region", segment_values=("Zürich",)), 7),  # two different segments
        ("transfers", Filters(), 7),                                         # not a text column
        (None, Filters(segment="resolved", segment_values=("true",)), 7),   # filter on a non-rolled column
    ],
)
def test_requests_the_rollups_cannot_answer_are_declined(sample, by, filters, window):
    assert metric_rollups.counts(sample, by, filters, window, False, None) is None
    # ...and metric_counts still answers them, from the base tables
    assert len(metrics.metric_counts(sample, by, filters, window, False)) >= 1


def _write(path, header, rows):
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in row) for row in rows) + "\n", encoding="utf-8")
    return path


def test_a_stale_rollup_is_not_used_until_rebuilt(tmp_path):
    con = connect(tmp_path / "stale.duckdb")
    first = _write(tmp_path / "a.csv", "contact_id,started_at,customer_id,channel,contact_reason",
                   [("c1", "2025-01-01 10:00:00", "u1", "phone", "Billing")])
    load_file(con, "contacts", first, ImportOptions())
    assert not rollups.is_fresh(con)                   # never built
    assert metric_rollups.counts(con, None, Filters(), 7, False, None) is None
    second = _write(tmp_path / "b.csv", "contact_id,started_at,customer_id,channel,contact_reason",
                    [("c2", "2025-01-03 10:00:00", "u1", "phone", "Billing")])
    load_file(con, "contacts", second, ImportOptions())
    assert not rollups.is_fresh(con)                   # an import into stale rollups leaves them stale
    assert metrics.metrics(con)["overall"]["contacts"] == 2   # answered from the base tables meanwhile
    assert rollups.ensure_fresh(con) is True
    assert rollups.ensure_fresh(con) is False          # nothing to do the second time
    assert_same(con, None, Filters(), 7, False)
    con.close()


def _edge_store(tmp_path, gap: timedelta, window: int):
    """A store of one customer: a contact, another `gap` later, and a last one 40 days on (so
    neither is censored); plus a contact without a customer."""
    start = datetime(2025, 1, 10, 9, 30, 0)
    rows = [
        ("c1", start, "u1", "phone", "Billing"),
        ("c2", start + gap, "u1", "chat", "Billing"),
        ("c3", start + gap + timedelta(days=40), "u1", "chat", "Delivery"),
        ("c4", start, "", "phone", "Billing"),
    ]
    path = _write(tmp_path / "edge.csv", "contact_id,started_at,customer_id,channel,contact_reason",
                  [(i, t.isoformat(sep=" "), u, ch, r) for i, t, u, ch, r in rows])
    con = connect(tmp_path / "edge.duckdb")
    load_file(con, "contacts", path, ImportOptions())
    rollups.ensure_fresh(con)
    return con


@pytest.mark.parametrize("window", rollups.ROLLUP_WINDOWS)
@pytest.mark.parametrize(
    "extra, repeats",
    [
        (timedelta(0), 1),                       # exactly W × 24 h: a repeat (inclusive)
        (timedelta(microseconds=1), 0),          # one microsecond more: not
        (-timedelta(seconds=1), 1),
    ],
)
def test_gaps_at_the_windows_edge(tmp_path, window, extra, repeats):
    con = _edge_store(tmp_path, timedelta(days=window) + extra, window)
    overall = metrics.metrics(con, None, Filters(), window, False)["overall"]
    assert overall["repeat_n"] == 3 and overall["contacts"] == 4
    assert round(overall["repeat_rate"] / 100 * 3) == repeats
    # c1 is resolved first time only when c2 is outside the window; c2 and c3 are always
    judged = overall["fcr_n"]
    assert round(overall["fcr"] / 100 * judged) == judged - repeats
    for same in (False, True):
        for by in (None, "channel", "contact_reason"):
            assert_same(con, by, Filters(), window, same)
    con.close()


def test_censoring_edge_equals_the_base_tables(tmp_path):
    """Contacts exactly W days, and W days less a second, before the latest one."""
    latest = datetime(2025, 6, 30, 18, 0, 0)
    rows = [("last", latest, "u9")]
    for window in rollups.ROLLUP_WINDOWS:
        rows.append((f"at{window}", latest - timedelta(days=window), f"a{window}"))
        rows.append((f"in{window}", latest - timedelta(days=window) + timedelta(seconds=1), f"b{window}"))
    path = _write(tmp_path / "censor.csv", "contact_id,started_at,customer_id,channel,contact_reason",
                  [(i, t.isoformat(sep=" "), u, "phone", "Billing") for i, t, u in rows])
    con = connect(tmp_path / "censor.duckdb")
    load_file(con, "contacts", path, ImportOptions())
    rollups.ensure_fresh(con)
    for window in rollups.ROLLUP_WINDOWS:
        overall = metrics.metrics(con, None, Filters(), window, False)["overall"]
        # judged: started at least W days before the latest; hand count of the rows above
        expected = sum(1 for _, t, _ in rows if t <= latest - timedelta(days=window))
        assert overall["fcr_n"] == expected
        assert_same(con, "contact_reason", Filters(), window, False)
    con.close()


# `slow`: one random store at the default CXMETRICS_TEST_SCALE of 1, four at 4 (tests/scale.py).
@pytest.mark.slow
@pytest.mark.parametrize("seed", range(1, 1 + scaled(1)))
def test_random_stores_equal_the_base_tables(tmp_path, seed):
    """Random contacts (ties in time, missing customers, channels and reasons, the contact-centre
    columns each sometimes blank), customers with a segment, and responses (some undated, some without a contact) — every request both ways."""
    rng = random.Random(seed)
    base = datetime(2025, 1, 1)
    customers = [f"u{i}" for i in range(25)]
    segment = {c: rng.choice(["A", "B", "C", ""]) for c in customers}
    _write(tmp_path / "customers.csv", "customer_id,tier", [(c, segment[c]) for c in customers])
    times = [base + timedelta(minutes=rng.randrange(0, 60 * 24 * 90)) for _ in range(30)]
    contacts = []
    for i in range(400):
        started = rng.choice(times) if rng.random() < 0.2 else base + timedelta(seconds=rng.randrange(0, 86400 * 90))
        # the contact-centre columns, each sometimes blank; durations with fractions of a second
        contacts.append((f"k{i}", started.isoformat(sep=" "), rng.choice(customers + [""]),
                         rng.choice(["phone", "chat", ""]), rng.choice(["Billing", "Delivery", "Fault", ""]),
                         rng.choice(["true", "false", ""]), rng.choice(["", 0, 7, 31.5, 120.25, 3600]),
                         rng.choice(["", 45, 300.125, 901, 7200]), rng.choice(["yes", "no", ""]),
                         rng.choice(["", 0, 0, 1, 3])))
    _write(tmp_path / "contacts.csv", "contact_id,started_at,customer_id,channel,contact_reason,"
           "answered,wait_seconds,handle_seconds,resolved,transfers", contacts)
    responses = []
    for i in range(200):
        answered = "" if rng.random() < 0.05 else (base + timedelta(seconds=rng.randrange(0, 86400 * 90))).isoformat(sep=" ")
        responses.append((f"r{i}", answered, rng.choice(customers + [""]),
                          rng.choice([c[0] for c in contacts] + [""]), rng.choice(list(range(11)) + [""]),
                          rng.choice([1, 2, 3, 4, 5, ""]), rng.choice([1, 4, 5, 7, ""]), rng.choice(["yes", "no", ""])))
    _write(tmp_path / "responses.csv", "response_id,responded_at,customer_id,contact_id,nps,csat,ces,resolved_answer",
           responses)
    con = connect(tmp_path / "random.duckdb")
    for kind in ("customers", "contacts", "responses"):
        load_file(con, kind, tmp_path / f"{kind}.csv", ImportOptions())
    rollups.ensure_fresh(con)
    assert "tier" in rollups.rolled_segments(con)
    requests = [
        Filters(),
        Filters(date_from=date(2025, 2, 1), date_to=date(2025, 2, 20)),
        Filters(channels=("chat",)),
        Filters(reasons=("Fault", "Billing")),
        Filters(segment="tier", segment_values=("A", "C")),
    ]
    for filters in requests:
        for window in rollups.ROLLUP_WINDOWS:
            for same in (False, True):
                for by in (None, "channel", "contact_reason", "tier"):
                    assert_same(con, by, filters, window, same)
            assert_same(con, None, filters, window, False, "week")
            assert_same_matrix(con, filters, window, same_reasons=(window == 30,))
    con.close()


def test_refresh_keeps_one_build_and_records_its_version(sample):
    sample.execute("BEGIN TRANSACTION")
    rollups.refresh(sample)
    rollups.refresh(sample)
    states = sample.execute("SELECT count(*) FROM rollup_state").fetchall()[0][0]
    fresh = rollups.is_fresh(sample)
    total = sample.execute("SELECT sum(contacts) FROM contact_rollup WHERE seg_name = ''").fetchall()[0][0]
    sample.execute("ROLLBACK")
    assert states == 1 and fresh
    assert total == sample.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
