"""The follow-up cases' rollup (cxmetrics/rollups/loop_rollups.py): the redefined loop_cases view equals
the saved-customer rule as first written (three correlated EXISTS), the rollup holds exactly the
view's rows, every case query answers the same from either, a follow-up edit shows at once, and a
stale or missing rollup is never read."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics.rollups import loop_rollups
from cxmetrics import rollups
from cxmetrics.engine.customer_story import customer_story, recent_detractors
from cxmetrics.store.db import connect, migrate, migration_files, quote_ident, run
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.follow_ups import Change, follow_up_list, follow_up_metrics, save_follow_up
from cxmetrics.ingest.importer import ImportOptions, load_file

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale

# The saved-customer rule as migration 006 wrote it, kept here as the reference the faster view
# must equal: one EXISTS per rule, per detractor.
REFERENCE_SAVED_STATE = """
WITH answered AS (
    SELECT r.response_id, r.responded_at, COALESCE(r.customer_id, c.customer_id) AS customer_id, r.nps
    FROM responses AS r LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
), detractors AS (
    SELECT 'response:' || response_id AS case_id, customer_id, responded_at AS opened_at
    FROM answered WHERE nps <= 6 AND responded_at IS NOT NULL AND customer_id IS NOT NULL
)
SELECT d.case_id,
    CASE
        WHEN EXISTS (SELECT 1 FROM outcomes AS o WHERE o.customer_id = d.customer_id AND o.churned
                     AND o.month >= CAST(date_trunc('month', d.opened_at) AS DATE)) THEN 'churned'
        WHEN EXISTS (SELECT 1 FROM answered AS later WHERE later.customer_id = d.customer_id
                     AND later.nps >= 7 AND later.responded_at > d.opened_at) THEN 'saved'
        WHEN EXISTS (SELECT 1 FROM outcomes AS o WHERE o.customer_id = d.customer_id AND o.churned = FALSE
                     AND o.month > CAST(date_trunc('month', d.opened_at) AS DATE)) THEN 'saved'
        ELSE 'unknown'
    END AS saved_state
FROM detractors AS d
"""
NOW = datetime(2026, 6, 1)


def _load(con, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text, encoding="utf-8")
    result = load_file(con, kind, path, ImportOptions())
    assert result.rows_rejected == 0, result


def _random_files(seed: int) -> dict[str, str]:
    """A small store full of the cases' edge cases: answers without a customer (taken from their
    contact), ties in time, unknown scores, outcome months without a churn flag, churn in the
    answer's own month, later good answers at the same instant as the detractor's."""
    rng = random.Random(seed)
    customers = [f"U{i}" for i in range(25)]
    start = datetime(2026, 1, 1, 8)
    contacts, responses, outcomes = [], [], []
    for i in range(160):
        at = start + timedelta(hours=rng.choice([0, 0, 5, 30, 200]) * (i % 40))
        customer = rng.choice(customers + [""])
        contacts.append(f"K{i},{customer},{at:%Y-%m-%d %H:%M},{rng.choice(['phone', 'chat', 'web'])},"
                        f"{rng.choice(['Billing', 'Fault', 'Move'])},{rng.choice(['true', 'false', 'false', ''])},"
                        f"{rng.choice(['T1', 'T2', ''])}")
    for i in range(120):
        at = start + timedelta(hours=rng.choice([0, 12, 100, 700]) * (i % 30))
        contact = rng.choice([f"K{rng.randrange(160)}", ""])
        customer = rng.choice(customers + ["", ""])
        nps = rng.choice([str(n) for n in range(11)] + [""])
        responses.append(f"R{i},{at:%Y-%m-%d %H:%M},{customer},{contact},{nps},")
    for customer in customers:
        for month in range(1, 7):
            if rng.random() < 0.4:
                churned = rng.choice(["true", "false", ""])
                outcomes.append(f"{customer},2026-{month:02d}-01,10,{churned}")
    return {
        "customers": "customer_id,tier\n" + "".join(f"{c},{rng.choice(['Gold', 'Basic'])}\n" for c in customers),
        "contacts": "contact_id,customer_id,started_at,channel,contact_reason,resolved,team\n"
                    + "\n".join(contacts) + "\n",
        "responses": "response_id,responded_at,customer_id,contact_id,nps,comment\n" + "\n".join(responses) + "\n",
        "outcomes": "customer_id,month,revenue,churned\n" + "\n".join(outcomes) + "\n",
    }


def _random_store(tmp_path, seed: int):
    con = connect(tmp_path / "random.duckdb")
    for kind, text in _random_files(seed).items():
        _load(con, tmp_path, kind, text)
    rollups.ensure_fresh(con)
    return con


@pytest.fixture(scope="module", params=[1, 2, 3])
def randomised(request, tmp_path_factory):
    con = _random_store(tmp_path_factory.mktemp(f"loop{request.param}"), request.param)
    yield con
    con.close()


@pytest.fixture(scope="module", params=["random", "sample"])
def store(request, tmp_path_factory, copy_sample):
    """A random store (seed 4) and the bundled sample data, rollups built."""
    tmp_path = tmp_path_factory.mktemp(f"loop-{request.param}")
    if request.param == "random":
        con = _random_store(tmp_path, 4)
    else:
        con = connect(copy_sample(tmp_path))  # the session's first-launch store
        bootstrap.ensure_data(con)
    yield con
    con.close()


def test_the_view_keeps_the_saved_customer_rule_as_first_written(store):
    view = store.execute("SELECT case_id, saved_state FROM loop_cases WHERE case_kind = 'detractor'").df()
    reference = store.execute(REFERENCE_SAVED_STATE).df()
    assert len(view) > 0
    assert set(view["saved_state"]) >= {"saved", "unknown"}
    pd.testing.assert_frame_equal(view.sort_values("case_id").reset_index(drop=True),
                                  reference.sort_values("case_id").reset_index(drop=True))


def test_the_rollup_holds_exactly_the_views_rows(store):
    assert loop_rollups.cases_source(store) == loop_rollups.ROLLED_CASES
    rolled = store.execute("SELECT * FROM loop_case_rollup ORDER BY case_id").df()
    view = store.execute("SELECT * FROM loop_cases ORDER BY case_id").df()
    pd.testing.assert_frame_equal(rolled, view)
    assert rolled["case_id"].is_unique


def _staged_for(con, customers: list[str]) -> pd.DataFrame:
    """Return the cases loop_cases_stage_customers.sql stages for `customers` (a refresh's
    cx_rollup_customers, their contacts staged by loop_contacts_stage.sql), by case id; the temp
    tables are dropped after. (After a change of contacts the refresh takes those contacts from the
    change's span: tests/test_incremental_rollups.py compares its rollups with a full build.)"""
    con.execute("CREATE OR REPLACE TEMP TABLE cx_rollup_customers (customer_id VARCHAR)")
    if customers:
        con.executemany("INSERT INTO cx_rollup_customers VALUES (?)", [(c,) for c in customers])
    stages = [quote_ident(name) for name in ("cx_loop_contacts", "cx_loop_cases", "cx_rollup_customers")]
    run(con, "rollups/drop_stage", table=stages[1])
    try:
        run(con, "rollups/loop_contacts_stage")
        run(con, "rollups/loop_cases_stage_customers")
        return con.execute("SELECT * FROM cx_loop_cases ORDER BY case_id").df()
    finally:
        for stage in stages:
            run(con, "rollups/drop_stage", table=stage)


def test_a_customers_cases_computed_from_their_rows_equal_the_views(store):
    """The refresh computes the cases of the customers it rewrites from those customers' rows, with
    a copy of the view's rules (a filter on the view made DuckDB compute every customer's): the
    same rows as the view's for them, whichever customers are asked for, those whose answers name
    no customer of their own among them (their customer comes from the contact) or not."""
    everyone = [row[0] for row in store.execute(
        "SELECT customer_id FROM customers UNION SELECT customer_id FROM contacts WHERE customer_id IS NOT NULL "
        "UNION SELECT customer_id FROM responses WHERE customer_id IS NOT NULL ORDER BY 1").fetchall()]
    through_contacts = [row[0] for row in store.execute(
        "SELECT DISTINCT c.customer_id FROM responses AS r JOIN contacts AS c ON c.contact_id = r.contact_id "
        "WHERE r.customer_id IS NULL AND c.customer_id IS NOT NULL ORDER BY 1").fetchall()]
    # the random store has answers that take their contact's customer; the sample has none
    assert through_contacts or not store.execute(
        "SELECT count(*) FROM responses WHERE customer_id IS NULL AND contact_id IS NOT NULL").fetchone()[0]
    rng = random.Random(7)
    for customers in (everyone, rng.sample(everyone, len(everyone) // 3), through_contacts[:3], ["nobody"], []):
        staged = _staged_for(store, customers)
        view = store.execute("SELECT * FROM loop_cases WHERE list_contains($customers, customer_id) "
                             "ORDER BY case_id", {"customers": customers}).df()
        pd.testing.assert_frame_equal(staged, view)
        assert len(staged) > 0 or customers in (["nobody"], [])
    assert set(_staged_for(store, everyone)["saved_state"].dropna()) >= {"saved", "unknown"}


def test_the_rollup_is_stored_oldest_opening_first(store):
    # The case list's top-N and the date filters skip row groups only in this order.
    stored = store.execute("SELECT opened_at, case_id FROM loop_case_rollup ORDER BY rowid").df()
    assert len(stored) > 1
    pd.testing.assert_frame_equal(stored, stored.sort_values(["opened_at", "case_id"]).reset_index(drop=True))
    assert store.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cx_loop_cases'").fetchall() == [(0,)]


def _both(con, call):
    """Return (the answer read from the fresh rollup, the answer read from the view)."""
    assert loop_rollups.cases_source(con) == loop_rollups.ROLLED_CASES
    return fresh_and_stale(con, call)


FILTERS = [
    Filters(),
    Filters(date_from=date(2026, 1, 3), date_to=date(2026, 2, 10)),
    Filters(channels=("phone",), reasons=("Billing", "Fault")),
    Filters(segment="tier", segment_values=("Gold",)),
    Filters(segment="team", segment_values=("T1",)),
]


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "dates", "channel-reasons", "customer-segment",
                                                  "contact-segment"])
def test_case_queries_answer_the_same_from_the_rollup_and_the_view(randomised, filters):
    for by in ("owner", "team"):
        rolled, base = _both(randomised, lambda: follow_up_metrics(randomised, by, filters, now=NOW))
        pd.testing.assert_frame_equal(rolled, base)
    rolled, base = _both(randomised, lambda: follow_up_list(randomised, filters, statuses=None, today=NOW.date()))
    pd.testing.assert_frame_equal(rolled, base)
    assert len(base) > 0 or filters.segment


def test_recent_detractors_and_a_story_answer_the_same_from_the_rollup_and_the_view(store):
    rolled, base = _both(store, lambda: recent_detractors(store, 20))
    pd.testing.assert_frame_equal(rolled, base)
    assert len(base) == 20
    customer = base["customer_id"].iloc[0]
    rolled, base = _both(store, lambda: customer_story(store, customer).cases)
    pd.testing.assert_frame_equal(rolled, base)
    assert len(base) >= 1


def test_a_segment_of_the_contact_filters_cases_by_their_contact(randomised):
    """A contacts column (team) as the segment: a case takes its contact's value (the contact
    answered about, or the unresolved contact itself); a case without a contact has none."""
    listed = follow_up_list(randomised, Filters(segment="team", segment_values=("T1",)), statuses=None,
                            today=NOW.date(), limit=10_000)
    expected = randomised.execute(
        "SELECT k.case_id FROM loop_cases AS k JOIN contacts AS c ON c.contact_id = k.contact_id "
        "WHERE c.team = 'T1' ORDER BY k.opened_at, k.case_id").df()
    assert listed["case_id"].tolist() == expected["case_id"].tolist()
    assert len(expected) > 0


def test_recent_detractors_by_hand(con, tmp_path):
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at,channel,contact_reason,resolved\n"
                                     "K1,A,2026-03-01 09:00,phone,Billing,false\n"
                                     "K2,B,2026-03-02 09:00,phone,Billing,true\n")
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,contact_id,nps,comment\n"
                                      "R1,2026-03-03 10:00,A,,2,\n"
                                      "R2,2026-03-05 10:00,,K2,6,\n"   # B, through its contact
                                      "R3,2026-03-04 10:00,A,,5,\n"
                                      "R4,2026-03-06 10:00,C,,7,\n")   # not a detractor
    rollups.ensure_fresh(con)
    save_follow_up(con, Change("response:R1", "closed", "Ana", None, date(2026, 3, 5), result="reached"),
                   at=datetime(2026, 3, 4, 12))
    found = recent_detractors(con, 10)
    # A: answers R1 (closed) and R3, and complaint K1: two cases not closed.
    assert found.to_dict("list") == {"customer_id": ["B", "A"],
                                     "last_detractor_at": [pd.Timestamp("2026-03-05 10:00"),
                                                           pd.Timestamp("2026-03-04 10:00")],
                                     "detractor_answers": [1, 2], "open_cases": [1, 2]}
    assert recent_detractors(con, 1)["customer_id"].tolist() == ["B"]


def test_a_saved_edit_shows_at_once_and_leaves_the_rollup_fresh(randomised):
    first = follow_up_list(randomised, statuses=None, today=NOW.date(), limit=1).iloc[0]
    case, opened = first["case_id"], first["opened_at"].to_pydatetime()
    save_follow_up(randomised, Change(case, "in_progress", "Ana", None, first["due_date"]),
                   at=opened + timedelta(hours=1))
    assert rollups.is_fresh(randomised)
    row = follow_up_list(randomised, statuses=None, today=NOW.date(), limit=1).iloc[0]
    assert (row["case_id"], row["status"], row["owner"]) == (case, "in_progress", "Ana")
    overall = follow_up_metrics(randomised, "owner", now=NOW).set_index("owner").loc["Ana"]
    assert overall["acted"] == 1 and overall["median_hours_to_first"] == pytest.approx(1.0)


def test_an_import_refreshes_the_rollup_it_reads(con, tmp_path):
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps\nR1,2026-03-03 10:00,A,2\n")
    rollups.ensure_fresh(con)
    assert recent_detractors(con)["customer_id"].tolist() == ["A"]
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps\nR2,2026-03-04 10:00,B,1\n")
    assert loop_rollups.cases_source(con) == loop_rollups.ROLLED_CASES  # refreshed inside the import
    assert recent_detractors(con)["customer_id"].tolist() == ["B", "A"]
    assert con.execute("SELECT count(*) FROM loop_case_rollup").fetchall() == [(2,)]
    run(con, "rollups/clear_state")  # stale (as after a migration): the view answers
    assert loop_rollups.cases_source(con) == quote_ident("loop_cases")
    assert recent_detractors(con)["customer_id"].tolist() == ["B", "A"]


def test_the_migration_forgets_older_rollups(tmp_path):
    assert_migration_forgets_rollups(tmp_path / "old.duckdb", 11)


def test_a_store_without_the_case_rollup_reads_the_view(tmp_path):
    """A store from before migration 11 opened read-only is not migrated: its other rollups can be
    fresh while the case rollup does not exist."""
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, only={v for v, _ in migration_files() if v < 11})
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps\nR1,2026-03-03 10:00,A,2\n")
    run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    con.close()
    old = connect(path, read_only=True)
    try:
        assert rollups.is_fresh(old)
        assert loop_rollups.cases_source(old) == quote_ident("loop_cases")
        assert follow_up_list(old, statuses=None)["case_id"].tolist() == ["response:R1"]
    finally:
        old.close()


@pytest.fixture(scope="module")
def handled(tmp_path_factory):
    """A random store where a third of the cases were handled: taken, closed (some after their due
    day), reopened, given to other teams and owners."""
    con = _random_store(tmp_path_factory.mktemp("loop-handled"), 5)
    rng = random.Random(5)
    listed = follow_up_list(con, statuses=None, today=NOW.date(), limit=10_000)
    for row in listed.sample(frac=0.35, random_state=5).itertuples():
        opened = row.opened_at.to_pydatetime()
        owner, team = rng.choice(["Ana", "Ben", "Caro"]), rng.choice([None, "T1", "Loop team"])
        at = opened + timedelta(hours=rng.choice([0.5, 3, 20, 49, 200]))
        save_follow_up(con, Change(row.case_id, "in_progress", owner, team, row.due_date), at=at)
        if rng.random() < 0.6:
            at += timedelta(hours=rng.choice([1, 30, 90]))
            save_follow_up(con, Change(row.case_id, "closed", owner, team, row.due_date,
                                       result=rng.choice(["reached", "saved", "lost"])), at=at)
    yield con
    con.close()


def _cutoffs(con) -> list[tuple[datetime, float]]:
    """(now, target hours) pairs whose cutoff (now less the target) falls exactly on, just after and
    just before a case's opening, on a day with several cases, and far from any case."""
    opened = follow_up_list(con, statuses=None, today=NOW.date(), limit=10_000)["opened_at"]
    busiest = opened.dt.floor("D").value_counts().index[0]
    some = opened[opened.dt.floor("D") == busiest].iloc[0].to_pydatetime()
    micro = timedelta(microseconds=1)
    return [(some + timedelta(hours=24), 24.0), (some + timedelta(hours=24) + micro, 24.0),
            (some + timedelta(hours=2.5) - micro, 2.5), (some + timedelta(hours=72), 72.0), (NOW, 24.0),
            (datetime(2030, 1, 1), 24.0), (datetime(2025, 1, 1), 24.0)]


@pytest.mark.parametrize("filters", FILTERS[:3], ids=["all", "dates", "channel-reasons"])
def test_follow_up_figures_counted_from_the_rollup_equal_the_view_row_by_row(handled, filters):
    assert loop_rollups.counts_answer(handled, filters)
    for now, target in _cutoffs(handled):
        for by in ("owner", "team"):
            rolled, base = _both(handled, lambda: follow_up_metrics(handled, by, filters, target, now))
            pd.testing.assert_frame_equal(rolled, base)
            # saved counts only followed-up detractors: never more than were followed up
            assert (base["saved"] <= base["followed_judged"]).all()
            assert (base["followed_judged"] <= base["saved_judged"]).all()
    overall = follow_up_metrics(handled, "owner", filters, 24.0, NOW).iloc[-1]
    assert overall["acted"] > 0 and overall["closed"] > 0 and overall["cases"] > overall["acted"]


def test_what_the_case_counts_leave_to_the_rows(handled):
    assert not loop_rollups.counts_answer(handled, Filters(segment="tier", segment_values=("Gold",)))
    assert not loop_rollups.counts_answer(handled, Filters(date_from=datetime(2026, 1, 3, 12)))
    run(handled, "rollups/clear_state")
    try:
        assert not loop_rollups.counts_answer(handled, Filters())
    finally:
        run(handled, "rollups/record_state", {"data_version": rollups.data_version(handled)})
