"""The path rollups (cxmetrics/rollups/path_rollups.py): hand-computed rows, and every answer equal to the
base tables' answer (figures and order) over many filter / split / window combinations, on the
sample data and on a random data set full of edge cases."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics.rollups import path_rollups
from cxmetrics import rollups
from cxmetrics.engine.contact_paths import repeat_paths, self_service_failures
from cxmetrics.store.db import UnknownColumn, connect, migrate, run, table_columns
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale

# A: web (self-service) Jan 1 09:00 → phone Jan 1 15:00 (6 h: a repeat within 1 day, a failure)
#    → chat Jan 19 15:00 (exactly 18 days: a repeat within 30 days only).
# B: app (self-service) Jan 2 10:00 → app Jan 2 11:00 (1 h, self-service again: no failure)
#    → email Jan 9 11:00 (exactly 7 days: a repeat within 7 days, not 1; 7 days is no failure).
# C: web (self-service) Jan 3 → nothing after (no failure). D has no customer record: its
#    contacts count everywhere but in a customer segment's copies.
CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,self_service,team
a1,A,2024-01-01 09:00,web,Billing,true,
a2,A,2024-01-01 15:00,phone,Billing,false,Red
a3,A,2024-01-19 15:00,chat,Billing,false,Blue
b1,B,2024-01-02 10:00,app,Login,true,
b2,B,2024-01-02 11:00,app,Login,true,
b3,B,2024-01-09 11:00,email,Billing,false,Red
c1,C,2024-01-03 08:00,web,Login,true,
d1,D,2024-01-04 08:00,phone,Login,false,Red
d2,D,2024-01-04 09:00,phone,Billing,false,Red
"""
CUSTOMERS = "customer_id,tier\nA,Gold\nB,Silver\nC,Gold\n"


def _load(con, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    assert load_file(con, kind, path, ImportOptions()).rows_rejected == 0


@pytest.fixture
def hand(tmp_path):
    con = connect(tmp_path / "hand.duckdb")
    _load(con, tmp_path, "customers", CUSTOMERS)
    _load(con, tmp_path, "contacts", CONTACTS)
    rollups.ensure_fresh(con)
    yield con
    con.close()


# (path_by, seg_name, seg_value, day, channel, reason, from_value, repeats within 7 days, within 30)
HAND_REPEAT_ROWS = [
    ("channel", "", None, date(2024, 1, 1), "phone", "Billing", "web", 1, 1),
    ("channel", "", None, date(2024, 1, 2), "app", "Login", "app", 1, 1),
    ("channel", "", None, date(2024, 1, 4), "phone", "Billing", "phone", 1, 1),
    ("channel", "", None, date(2024, 1, 9), "email", "Billing", "app", 1, 1),
    ("channel", "", None, date(2024, 1, 19), "chat", "Billing", "phone", 0, 1),
    ("channel", "team", "Blue", date(2024, 1, 19), "chat", "Billing", "phone", 0, 1),
    ("channel", "team", "Red", date(2024, 1, 1), "phone", "Billing", "web", 1, 1),
    ("channel", "team", "Red", date(2024, 1, 4), "phone", "Billing", "phone", 1, 1),
    ("channel", "team", "Red", date(2024, 1, 9), "email", "Billing", "app", 1, 1),
    ("channel", "tier", "Gold", date(2024, 1, 1), "phone", "Billing", "web", 1, 1),
    ("channel", "tier", "Gold", date(2024, 1, 19), "chat", "Billing", "phone", 0, 1),
    ("channel", "tier", "Silver", date(2024, 1, 2), "app", "Login", "app", 1, 1),
    ("channel", "tier", "Silver", date(2024, 1, 9), "email", "Billing", "app", 1, 1),
]
# (seg_name, seg_value, day, channel, reason, self_service, failures)
HAND_SELF_SERVICE_ROWS = [
    ("", None, date(2024, 1, 1), "web", "Billing", 1, 1),
    ("", None, date(2024, 1, 2), "app", "Login", 2, 0),
    ("", None, date(2024, 1, 3), "web", "Login", 1, 0),
    ("team", None, date(2024, 1, 1), "web", "Billing", 1, 1),  # kept: the team copy adds up to all
    ("team", None, date(2024, 1, 2), "app", "Login", 2, 0),
    ("team", None, date(2024, 1, 3), "web", "Login", 1, 0),
    ("tier", "Gold", date(2024, 1, 1), "web", "Billing", 1, 1),
    ("tier", "Gold", date(2024, 1, 3), "web", "Login", 1, 0),
    ("tier", "Silver", date(2024, 1, 2), "app", "Login", 2, 0),
]


def test_repeat_path_rollup_rows_by_hand(hand):
    rolled = rollups.rolled_segments(hand)
    assert (rolled["team"], rolled["tier"]) == ("contacts", "customers")
    rows = hand.execute(
        "SELECT path_by, seg_name, seg_value, day, channel, contact_reason, from_value, repeats_w7, repeats_w30 "
        "FROM repeat_path_rollup "
        "WHERE path_by = 'channel' AND seg_name IN ('', 'team', 'tier') ORDER BY ALL"
    ).fetchall()
    assert rows == HAND_REPEAT_ROWS
    by_reason = hand.execute(
        "SELECT from_value, contact_reason, sum(repeats_w7) FROM repeat_path_rollup "
        "WHERE path_by = 'contact_reason' AND seg_name = '' GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    # a2 (Billing after Billing), d2 (Billing after Login), b2 (Login after Login), b3 (Billing
    # after Login); a3 is 18 days after a2, outside 7 days.
    assert by_reason == [("Billing", "Billing", 1), ("Login", "Billing", 2), ("Login", "Login", 1)]


def test_self_service_rollup_rows_by_hand(hand):
    rows = hand.execute("SELECT * FROM self_service_rollup WHERE seg_name IN ('', 'team', 'tier') ORDER BY ALL").fetchall()
    assert rows == HAND_SELF_SERVICE_ROWS


@pytest.mark.parametrize("window, expected", [
    (1, [("Billing", "Billing", 1), ("Login", "Billing", 1), ("Login", "Login", 1)]),
    (7, [("Login", "Billing", 2), ("Billing", "Billing", 1), ("Login", "Login", 1)]),
    (30, [("Billing", "Billing", 2), ("Login", "Billing", 2), ("Login", "Login", 1)]),
])
def test_repeat_paths_from_the_rollup_by_hand(hand, window, expected):
    rolled = path_rollups.repeat_pairs(hand, "contact_reason", Filters(), window)
    assert (rolled is not None) == (window in rollups.ROLLUP_WINDOWS)  # else from the base tables
    frame = repeat_paths(hand, "contact_reason", Filters(), window)
    # Most repeats first, ties by previous value, then repeat value.
    assert list(frame[["from_value", "to_value", "repeats"]].itertuples(index=False, name=None)) == expected


@pytest.mark.parametrize("filters, expected", [
    (Filters(segment="tier", segment_values=("Gold",)), {("web", "phone"): 1}),
    (Filters(segment="tier", segment_values=("Silver",)), {("app", "app"): 1, ("app", "email"): 1}),
    (Filters(segment="team", segment_values=("Red",)), {("web", "phone"): 1, ("phone", "phone"): 1, ("app", "email"): 1}),
    (Filters(date_from=date(2024, 1, 2), date_to=date(2024, 1, 4)), {("app", "app"): 1, ("phone", "phone"): 1}),
    (Filters(channels=("phone",)), {("web", "phone"): 1, ("phone", "phone"): 1}),
    (Filters(reasons=("Login",)), {("app", "app"): 1}),
    (Filters(segment="tier", segment_values=()), {}),
])
def test_repeat_paths_filters_from_the_rollup_by_hand(hand, filters, expected):
    assert path_rollups.repeat_pairs(hand, "channel", filters, 7) is not None
    frame = repeat_paths(hand, "channel", filters, 7)
    assert {(r.from_value, r.to_value): r.repeats for r in frame.itertuples()} == expected


@pytest.mark.parametrize("by, filters, overall, groups", [
    ("contact_reason", Filters(), (4, 1), [("Login", 3, 0), ("Billing", 1, 1)]),
    ("channel", Filters(), (4, 1), [("app", 2, 0), ("web", 2, 1)]),  # a tie: by value
    ("contact_reason", Filters(segment="tier", segment_values=("Gold",)), (2, 1), [("Billing", 1, 1), ("Login", 1, 0)]),
    ("contact_reason", Filters(date_from=date(2024, 1, 2)), (3, 0), [("Login", 3, 0)]),
    (None, Filters(channels=("web",)), (2, 1), []),
    ("team", Filters(), (4, 1), []),  # self-service contacts have no team
])
def test_self_service_from_the_rollup_by_hand(hand, by, filters, overall, groups):
    assert path_rollups.self_service_counts(hand, by, filters) is not None
    result = self_service_failures(hand, by, filters)
    assert (result["overall"]["self_service"], result["overall"]["failures"]) == overall
    shown = result["groups"][[by, "self_service", "failures"]] if by else result["groups"]
    assert list(shown.itertuples(index=False, name=None)) == groups


def test_rollup_windows_are_the_columns_kept(hand):
    kept = [c for c in table_columns(hand, "repeat_path_rollup") if c.startswith("repeats_w")]
    assert tuple(int(c.removeprefix("repeats_w")) for c in kept) == path_rollups.PATH_WINDOWS == rollups.ROLLUP_WINDOWS


@pytest.mark.parametrize("call", [
    lambda con: path_rollups.repeat_pairs(con, "contact_reason", Filters(), 3),  # a window not kept
    lambda con: path_rollups.repeat_pairs(con, "contact_reason", Filters(), 1),
    lambda con: path_rollups.repeat_pairs(con, "channel", Filters(date_from=datetime(2024, 1, 2, 12)), 7),
    lambda con: path_rollups.self_service_counts(con, "contact_reason", Filters(date_to=datetime(2024, 1, 2, 12))),
    lambda con: path_rollups.self_service_counts(con, "team", Filters(segment="tier", segment_values=("Gold",))),
    lambda con: path_rollups.self_service_counts(con, "self_service", Filters()),  # not rolled
])
def test_what_the_rollups_leave_to_the_base_tables(hand, call):
    assert call(hand) is None


def test_stale_rollups_are_not_read(hand, tmp_path):
    assert path_rollups.repeat_pairs(hand, "channel", Filters(), 7) is not None
    built_for = rollups.data_version(hand)
    _load(hand, tmp_path, "contacts", "contact_id,customer_id,started_at,channel\ne1,A,2024-01-19 16:00,web\n")
    run(hand, "rollups/clear_state")  # the rollups as they were before this import
    run(hand, "rollups/record_state", {"data_version": built_for})
    assert not rollups.is_fresh(hand)
    assert path_rollups.repeat_pairs(hand, "channel", Filters(), 7) is None
    assert path_rollups.self_service_counts(hand, "channel", Filters()) is None
    new_pair = (("chat", "web"), 1)  # e1 an hour after a3
    assert new_pair in {((r.from_value, r.to_value), r.repeats) for r in repeat_paths(hand, "channel").itertuples()}
    rollups.ensure_fresh(hand)
    rolled = path_rollups.repeat_pairs(hand, "channel", Filters(), 7)
    assert new_pair in {((r.from_value, r.to_value), r.repeats) for r in rolled.itertuples()}


def test_an_unknown_column_is_refused_either_way(hand):
    with pytest.raises(UnknownColumn):
        self_service_failures(hand, "tier")  # a customers column: not a column of the contact
    with pytest.raises(UnknownColumn):
        repeat_paths(hand, "channel", Filters(segment="nope", segment_values=("x",)))


def test_the_migration_forgets_older_rollups(tmp_path):
    assert_migration_forgets_rollups(tmp_path / "old.duckdb", 9)


def test_a_store_without_the_path_tables_is_answered_from_the_base_tables(tmp_path):
    """A store from before migration 9 opened read-only is not migrated: its other rollups can be
    fresh while the path tables do not exist."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, only={v for v, _ in _versions() if v < 9})
    _load(con, tmp_path, "contacts", CONTACTS)
    run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    con.close()
    old = connect(path, read_only=True)
    try:
        assert rollups.is_fresh(old)
        assert path_rollups.repeat_pairs(old, "channel", Filters(), 7) is None
        assert path_rollups.self_service_counts(old, "channel", Filters()) is None
        assert repeat_paths(old, "channel")["repeats"].sum() == 4
        assert self_service_failures(old)["overall"]["failures"] == 1
    finally:
        old.close()


def _versions():
    from cxmetrics.store.db import migration_files

    return migration_files()


# ---- every answer equal to the base tables' answer ---------------------------------------------

def _assert_same_paths(con, by, filters, window):
    rolled, base = fresh_and_stale(con, lambda: repeat_paths(con, by, filters, window))
    pd.testing.assert_frame_equal(rolled, base)
    return rolled


def _assert_same_failures(con, by, filters):
    rolled, base = fresh_and_stale(con, lambda: self_service_failures(con, by, filters))
    assert rolled["overall"] == base["overall"]
    pd.testing.assert_frame_equal(rolled["groups"], base["groups"])
    return rolled


SAMPLE_FILTERS = [
    Filters(),
    Filters(date_from=date(2026, 3, 1)),
    Filters(date_to=date(2026, 1, 15)),
    Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)),
    Filters(date_from=date(2026, 5, 5), date_to=date(2026, 5, 5)),
    Filters(channels=("phone", "web")),
    Filters(reasons=("Billing question", "Outage")),
    Filters(channels=("app",), reasons=("Password reset",)),
    Filters(segment="tier", segment_values=("Premium",)),
    Filters(segment="Tier", segment_values=("Basic", "Standard")),  # the file's own spelling
    Filters(segment="region", segment_values=("Zürich", "Åland")),
    Filters(segment="team", segment_values=("Summit",)),
    Filters(segment="agent", segment_values=("Zoë",)),
    Filters(segment="tier", segment_values=()),
    Filters(segment="tier", segment_values=("no such tier",)),
    Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), channels=("chat", "phone"),
            reasons=("Technical fault",), segment="plan", segment_values=("annual",)),
    Filters(date_from=date(2030, 1, 1)),  # nothing
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, copy_sample):
    con = connect(copy_sample(tmp_path_factory.mktemp("paths")))
    rollups.ensure_fresh(con)  # the copy holds them built: nothing to do
    yield con
    con.close()


@pytest.mark.parametrize("filters", SAMPLE_FILTERS)
@pytest.mark.parametrize("by", ["contact_reason", "channel"])
def test_sample_repeat_paths_equal_the_base_tables(sample, filters, by):
    for window in sorted({*rollups.ROLLUP_WINDOWS, 1, 3, 14, 60}):
        answerable = window in rollups.ROLLUP_WINDOWS
        assert (path_rollups.repeat_pairs(sample, by, filters, window) is not None) == answerable
        frame = _assert_same_paths(sample, by, filters, window)
        if filters == Filters() and window == 7:
            assert len(frame) > 20


@pytest.mark.parametrize("filters", SAMPLE_FILTERS)
@pytest.mark.parametrize("by", ["contact_reason", "channel", None, "team", "agent", "resolved"])
def test_sample_self_service_failures_equal_the_base_tables(sample, filters, by):
    rolled_by = by in (None, "contact_reason", "channel") or (by in ("team", "agent") and filters.segment in (None, by))
    assert (path_rollups.self_service_counts(sample, by, filters) is not None) == rolled_by
    result = _assert_same_failures(sample, by, filters)
    if filters == Filters():
        assert result["overall"]["self_service"] > 1000 and result["overall"]["failures"] > 100


def test_sample_self_service_by_a_segment_filtered_by_it(sample):
    filters = Filters(segment="team", segment_values=("Summit", "Atlas"))
    assert path_rollups.self_service_counts(sample, "team", filters) is not None
    _assert_same_failures(sample, "team", filters)


# A random data set: a few customers with many contacts close together (gaps of exactly 1, 7, 14
# and 30 days, equal start times), missing channels, reasons, customers and segment values, and
# self-service flags that are sometimes empty.
def _random_files(seed: int) -> tuple[str, str]:
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, 8, 0)
    gaps = [timedelta(0), timedelta(hours=3), timedelta(days=1), timedelta(days=1, seconds=1), timedelta(days=7),
            timedelta(days=7, minutes=-1), timedelta(days=14), timedelta(days=30), timedelta(days=30, seconds=1),
            timedelta(days=45), timedelta(hours=23, minutes=59)]
    contacts = ["contact_id,customer_id,started_at,channel,contact_reason,self_service,team"]
    customers = ["customer_id,tier,region"]
    n = 0
    for c in range(40):
        customer = f"C{c}"
        if c % 9 != 4:  # some customers have no record
            customers.append(f"{customer},{rng.choice(['Gold', 'Silver', ''])},{rng.choice(['North', 'South'])}")
        at = start + timedelta(hours=rng.randrange(24 * 60))
        for _ in range(rng.randrange(1, 25)):
            n += 1
            self_service = rng.choice(["true", "true", "false", ""])
            contacts.append(",".join([
                f"k{n:05d}", customer if rng.random() > 0.03 else "", at.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(["phone", "web", "app", "chat", ""]), rng.choice(["A", "B", "C", ""]),
                self_service, rng.choice(["Red", "Blue", ""]) if self_service != "true" else "",
            ]))
            at += rng.choice(gaps)
    return "\n".join(customers) + "\n", "\n".join(contacts) + "\n"


@pytest.fixture(scope="module", params=[1, 2])
def randomised(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"random{request.param}")
    con = connect(folder / "r.duckdb")
    customers, contacts = _random_files(request.param)
    for kind, text in (("customers", customers), ("contacts", contacts)):
        _load(con, folder, kind, text)
    rollups.ensure_fresh(con)
    assert {"team", "tier", "region", "customer_id"} <= set(rollups.rolled_segments(con))
    yield con
    con.close()


RANDOM_FILTERS = [
    Filters(),
    Filters(date_from=date(2024, 3, 20)),
    Filters(date_from=date(2024, 3, 10), date_to=date(2024, 4, 10)),
    Filters(channels=("phone", "app")),
    Filters(reasons=("A", "C")),
    Filters(segment="tier", segment_values=("Gold",)),
    Filters(segment="region", segment_values=("North", "South")),
    Filters(segment="team", segment_values=("Red",)),
    Filters(segment="customer_id", segment_values=("C1", "C4", "C7")),
    Filters(date_to=date(2024, 5, 1), channels=("web",), reasons=("B",), segment="tier", segment_values=("Silver",)),
]


@pytest.mark.parametrize("filters", RANDOM_FILTERS)
def test_random_data_equal_the_base_tables(randomised, filters):
    for by in ("contact_reason", "channel"):
        for window in rollups.ROLLUP_WINDOWS:
            assert path_rollups.repeat_pairs(randomised, by, filters, window) is not None
            _assert_same_paths(randomised, by, filters, window)
    for by in ("contact_reason", "channel", None, "team", "customer_id"):
        _assert_same_failures(randomised, by, filters)


def test_random_data_has_what_it_is_meant_to_test(randomised):
    totals = repeat_paths(randomised, "channel", Filters(), 30)
    assert totals["from_value"].isna().any() and totals["to_value"].isna().any()
    assert totals["repeats"].sum() > repeat_paths(randomised, "channel", Filters(), 1)["repeats"].sum()
    failures = self_service_failures(randomised, "contact_reason")
    assert 0 < failures["overall"]["failures"] < failures["overall"]["self_service"]
