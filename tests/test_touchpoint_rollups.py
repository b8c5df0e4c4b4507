"""The touchpoint rollups (cxmetrics/rollups/touchpoint_rollups.py): every journey flow, path list and
named-touchpoint list from the rollups equal to the base tables' (same columns, dtypes, rows and
order) over filters, windows, kinds, FCR settings, step caps and folding, on the sample data and on
random stores full of edge cases; and what the rollups leave to the base tables."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics import rollups
from cxmetrics.rollups import touchpoint_rollups
from cxmetrics.engine import touchpoints
from cxmetrics.store.db import connect, migrate, migration_files, run
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.touchpoints import journey_flow, journey_paths, top_values

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale


def _load(con, folder, kind: str, text: str) -> None:
    path = folder / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    assert load_file(con, kind, path, ImportOptions()).rows_rejected == 0


def _assert_same(con, call):
    rolled, base = fresh_and_stale(con, call)
    if isinstance(base, list):
        assert rolled == base
    else:
        pd.testing.assert_frame_equal(rolled, base)
        assert list(rolled.dtypes) == list(base.dtypes)
    return rolled


def _assert_all_same(con, kind, filters, windows=rollups.ROLLUP_WINDOWS, named=(touchpoints.MAX_TOUCHPOINTS,),
                     max_steps=(touchpoints.MAX_STEPS,)):
    """Compare flow (both FCR settings) and paths, rollup against base, for every setting the
    rollups can answer; check they decline the others (those go to the base tables)."""
    for window in windows:
        for steps in max_steps:
            answerable = window in rollups.ROLLUP_WINDOWS and not filters.segment and 1 <= steps <= touchpoints.MAX_STEPS
            assert touchpoint_rollups.answerable(con, filters, window, steps) == answerable
            if not answerable:
                assert touchpoint_rollups.flow(con, kind, filters, window, False, steps, []) is None
                assert touchpoint_rollups.paths(con, kind, filters, window, steps, 15, []) is None
                continue
            for n in named:
                for same_reason in (False, True):
                    _assert_same(con, lambda: journey_flow(con, kind, filters, window, same_reason, steps, n))
                # Ordered the same throughout: any shorter list (the page shows 15) is its head.
                _assert_same(con, lambda: journey_paths(con, kind, filters, window, steps, 1000, n))


def test_the_constants_are_the_rollups():
    assert touchpoint_rollups.TOUCHPOINT_WINDOWS == rollups.ROLLUP_WINDOWS
    assert touchpoint_rollups.ROLLUP_STEPS == touchpoints.MAX_STEPS
    assert touchpoint_rollups.ROLLUP_KINDS == touchpoints.KINDS


# ---- the sample data -----------------------------------------------------------------------------

SAMPLE_FILTERS = [
    Filters(),
    Filters(date_from=date(2026, 3, 1)),
    Filters(date_to=date(2026, 1, 15)),
    Filters(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28)),
    Filters(date_from=date(2026, 5, 5), date_to=date(2026, 5, 5)),
    Filters(channels=("phone", "web")),
    Filters(reasons=("Billing question", "Outage")),
    Filters(channels=("app",), reasons=("Password reset",)),
    Filters(date_from=date(2026, 1, 1), date_to=date(2026, 6, 30), channels=("chat", "phone"),
            reasons=("Technical fault",)),
    Filters(channels=()),
    Filters(date_from=date(2030, 1, 1)),  # nothing
    Filters(segment="tier", segment_values=("Premium",)),  # the base tables
]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, copy_sample):
    con = connect(copy_sample(tmp_path_factory.mktemp("touchpoints")))
    rollups.ensure_fresh(con)  # the copy holds them built: nothing to do
    yield con
    con.close()


@pytest.mark.parametrize("filters", SAMPLE_FILTERS)
@pytest.mark.parametrize("kind", touchpoints.KINDS)
def test_sample_journeys_equal_the_base_tables(sample, kind, filters):
    _assert_all_same(sample, kind, filters, windows=(*rollups.ROLLUP_WINDOWS, 14))


@pytest.mark.parametrize("kind", touchpoints.KINDS)
def test_sample_folding_and_step_caps_equal_the_base_tables(sample, kind):
    for filters in (Filters(), Filters(date_from=date(2026, 2, 1), channels=("phone", "chat", "web"))):
        _assert_all_same(sample, kind, filters, named=(3,), max_steps=(1, 2, 6))


@pytest.mark.parametrize("kind", touchpoints.KINDS)
def test_sample_named_touchpoints_equal_the_base_tables(sample, kind):
    assert touchpoint_rollups.top_values(sample, kind, 3) is not None
    for limit in (0, 1, 3, 12, 100):
        _assert_same(sample, lambda: top_values(sample, kind, limit))


def test_every_window_and_kind_is_counted_by_day_and_over_every_day(sample):
    """touchpoint_journeys.sql names the windows and kinds itself (one statement counts them all):
    each window of TOUCHPOINT_WINDOWS and kind of ROLLUP_KINDS has its by-day and every-day rows."""
    expected = {(w, k, d) for w in touchpoint_rollups.TOUCHPOINT_WINDOWS for k in touchpoint_rollups.ROLLUP_KINDS
                for d in (False, True)}
    for table in ("journey_flow_rollup", "journey_path_rollup"):
        found = sample.table(table).select("win", "kind", "all_days").distinct().fetchall()
        assert set(found) == expected, table


def test_the_sample_is_worth_testing_on(sample):
    flow = journey_flow(sample, "channel")
    assert flow["step"].max() == touchpoints.MAX_STEPS and flow["judged"].sum() > 1000
    assert flow["escalated"].sum() > 100 and flow["nps_n"].sum() > 100 and flow["csat_n"].sum() > 100
    paths = journey_paths(sample, "contact_reason", limit=1000)
    assert paths["path"].str.endswith("…").any() and len(paths) > 50


# ---- random stores at the edges ---------------------------------------------------------------------

def _random_files(seed: int) -> tuple[str, str, str]:
    """A few customers with many contacts close together (gaps of exactly 7 and 30 days and a
    second more, equal start times: long journeys), missing channels, reasons and customers, a
    channel spelled '(none)', self-service flags that are sometimes empty, answers linked to some
    contacts."""
    rng = random.Random(seed)
    start = datetime(2024, 3, 1, 8, 0)
    gaps = [timedelta(0), timedelta(hours=3), timedelta(days=1), timedelta(days=7), timedelta(days=7, seconds=1),
            timedelta(days=7, seconds=-1), timedelta(days=30), timedelta(days=30, seconds=1), timedelta(days=45),
            timedelta(hours=23, minutes=59)]
    contacts = ["contact_id,customer_id,started_at,channel,contact_reason,self_service"]
    customers = ["customer_id,tier"]
    responses = ["response_id,responded_at,contact_id,nps,csat"]
    n = 0
    for c in range(40):
        customer = f"C{c}"
        customers.append(f"{customer},{rng.choice(['Gold', 'Silver', ''])}")
        at = start + timedelta(hours=rng.randrange(24 * 60))
        for _ in range(rng.randrange(1, 25)):
            n += 1
            contact = f"k{n:05d}"
            contacts.append(",".join([
                contact, customer if rng.random() > 0.03 else "", at.strftime("%Y-%m-%d %H:%M:%S"),
                rng.choice(["phone", "web", "app", "chat", "", "(none)"]), rng.choice(["A", "B", "C", ""]),
                rng.choice(["true", "false", ""]),
            ]))
            if rng.random() < 0.3:
                responses.append(f"r{n},{at.strftime('%Y-%m-%d %H:%M:%S')},{contact},"
                                 f"{rng.choice(['', '0', '6', '7', '9', '10'])},{rng.choice(['', '1', '3', '4', '5'])}")
            at += rng.choice(gaps)
    return "\n".join(customers) + "\n", "\n".join(contacts) + "\n", "\n".join(responses) + "\n"


@pytest.fixture(scope="module", params=[1, 2])
def randomised(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"random{request.param}")
    con = connect(folder / "r.duckdb")
    for kind, text in zip(("customers", "contacts", "responses"), _random_files(request.param)):
        _load(con, folder, kind, text)
    rollups.ensure_fresh(con)
    yield con
    con.close()


RANDOM_FILTERS = [
    Filters(),
    Filters(date_from=date(2024, 3, 20)),
    Filters(date_from=date(2024, 3, 10), date_to=date(2024, 4, 10)),
    Filters(date_to=date(2024, 3, 1)),  # the first day only
    Filters(channels=("phone", "app")),
    Filters(channels=("(none)",)),
    Filters(reasons=("A", "C")),
    Filters(date_to=date(2024, 5, 1), channels=("web",), reasons=("B",)),
    Filters(segment="tier", segment_values=("Gold",)),
]


@pytest.mark.parametrize("filters", RANDOM_FILTERS)
@pytest.mark.parametrize("kind", touchpoints.KINDS)
def test_random_data_equal_the_base_tables(randomised, kind, filters):
    _assert_all_same(randomised, kind, filters, named=(2,))
    if filters in (Filters(), RANDOM_FILTERS[2]):
        _assert_all_same(randomised, kind, filters, max_steps=(3,))


def test_random_data_at_every_start_day(randomised):
    days = [d for (d,) in randomised.execute(
        "SELECT DISTINCT CAST(started_at AS DATE) FROM contacts ORDER BY 1").fetchall()]
    for day in days[:: max(1, len(days) // 6)]:
        for filters in (Filters(date_from=day), Filters(date_to=day), Filters(date_from=day, date_to=day)):
            _assert_same(randomised, lambda: journey_flow(randomised, "channel", filters, 7))
            _assert_same(randomised, lambda: journey_paths(randomised, "contact_reason", filters, 30))


def test_random_data_has_what_it_is_meant_to_test(randomised):
    flow = journey_flow(randomised, "channel", window=30)
    assert {"(none)", "phone"} <= set(flow["touchpoint"])
    assert (flow["step"] == touchpoints.MAX_STEPS).any() and flow["escalated"].sum() > 0
    paths = journey_paths(randomised, "channel", window=30, limit=1000)
    assert paths["path"].str.endswith("…").any()


# ---- what the rollups leave to the base tables ------------------------------------------------------

@pytest.mark.parametrize("filters, window, max_steps", [
    (Filters(), 14, 5),  # a window not kept
    (Filters(), 7, 6),  # more steps than kept
    (Filters(), 7, 0),
    (Filters(date_from=datetime(2024, 3, 10, 12)), 7, 5),  # not a whole day
    (Filters(date_to=datetime(2024, 3, 10, 12)), 30, 5),
    (Filters(segment="tier", segment_values=("Gold",)), 7, 5),
])
def test_what_the_rollups_leave_to_the_base_tables(randomised, filters, window, max_steps):
    assert touchpoint_rollups.flow(randomised, "channel", filters, window, False, max_steps, ["phone"]) is None
    assert touchpoint_rollups.paths(randomised, "channel", filters, window, max_steps, 15, ["phone"]) is None


def test_stale_rollups_are_not_read(tmp_path):
    con = connect(tmp_path / "s.duckdb")
    customers, contacts, responses = _random_files(3)
    _load(con, tmp_path, "contacts", contacts)
    rollups.ensure_fresh(con)
    assert touchpoint_rollups.flow(con, "channel", Filters(), 7, False, 5, []) is not None
    built_for = rollups.data_version(con)
    before = journey_flow(con, "channel")["contacts"].sum()
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at,channel\ne1,C1,2025-01-19 16:00,web\n")
    run(con, "rollups/clear_state")  # the rollups as they were before this import
    run(con, "rollups/record_state", {"data_version": built_for})
    assert not rollups.is_fresh(con)
    assert touchpoint_rollups.flow(con, "channel", Filters(), 7, False, 5, []) is None
    assert touchpoint_rollups.top_values(con, "channel", 3) is None
    assert journey_flow(con, "channel")["contacts"].sum() == before + 1
    rollups.ensure_fresh(con)
    assert touchpoint_rollups.flow(con, "channel", Filters(), 7, False, 5, []) is not None
    assert journey_flow(con, "channel")["contacts"].sum() == before + 1
    con.close()


def test_a_store_without_the_touchpoint_tables_is_answered_from_the_base_tables(tmp_path):
    """A store from before migration 10 opened read-only is not migrated: its other rollups can be
    fresh while the touchpoint tables do not exist."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, only={v for v, _ in migration_files() if v < 10})
    _load(con, tmp_path, "contacts", _random_files(4)[1])
    run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    con.close()
    old = connect(path, read_only=True)
    try:
        assert rollups.is_fresh(old)
        assert touchpoint_rollups.flow(old, "channel", Filters(), 7, False, 5, []) is None
        assert touchpoint_rollups.top_values(old, "channel", 3) is None
        assert journey_flow(old, "channel")["contacts"].sum() > 100
        assert len(journey_paths(old, "contact_reason")) > 3
    finally:
        old.close()


def test_the_migration_forgets_older_rollups(tmp_path):
    assert_migration_forgets_rollups(tmp_path / "old.duckdb", 10)
