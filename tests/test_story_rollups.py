"""The Customer story rollups (cxmetrics/rollups/story_rollups.py): they hold exactly the customer's contacts
and answers as the base tables give them, sorted by customer; a story read from them equals the
story read from the base tables, frame for frame, for every customer of a random store and of the
sample; a store that is stale or predates them reads the base tables."""

from __future__ import annotations

import random
from dataclasses import fields
from datetime import datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics import rollups
from cxmetrics.rollups import story_rollups
from cxmetrics.engine.customer_story import Story, customer_story
from cxmetrics.store.db import connect, migrate, migration_files, quote_ident, run
from cxmetrics.ingest.importer import ImportOptions, load_file

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale

CUSTOMERS = [f"U{i}" for i in range(15)]


def _load(con, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text, encoding="utf-8")
    assert load_file(con, kind, path, ImportOptions()).rows_rejected == 0


def _random_store(tmp_path, seed: int):
    """Contacts with and without a customer, some at the same minute; answers with a customer of
    their own, through their contact only, about another customer's contact, about a contact that
    does not exist, with no customer at all, and with no date."""
    rng = random.Random(seed)
    con = connect(tmp_path / "random.duckdb")
    start = datetime(2026, 1, 1, 8)
    contacts = [f"K{i},{rng.choice(CUSTOMERS + [''])},{start + timedelta(hours=rng.choice([5, 30, 200]) * (i // 2)):%Y-%m-%d %H:%M},"
                f"{rng.choice(['phone', 'chat', ''])},{rng.choice(['Billing', 'Fault', ''])},{rng.choice(['true', 'false', ''])}"
                for i in range(120)]
    rng.shuffle(contacts)  # stored in file order, not the customer's
    answers = []
    for i in range(160):
        at = "" if rng.random() < 0.08 else f"{start + timedelta(hours=rng.choice([3, 17]) * (i // 2)):%Y-%m-%d %H:%M}"
        contact = rng.choice([f"K{rng.randrange(120)}", f"K{rng.randrange(120)}", "Z404", ""])
        answers.append(f"R{i},{at},{rng.choice(CUSTOMERS + ['', '', ''])},{contact},"
                       f"{rng.choice([str(n) for n in range(11)] + [''])},{rng.choice(['1', '5', ''])},word {i}")
    _load(con, tmp_path, "customers", "customer_id,tier\n" + "".join(f"{c},Gold\n" for c in CUSTOMERS[:10]))
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at,channel,contact_reason,resolved\n"
          + "\n".join(contacts) + "\n")
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,contact_id,nps,csat,comment\n"
          + "\n".join(answers) + "\n")
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned\nU14,2026-02-01,10,true\nOnlyOut,2026-02-01,5,false\n")
    rollups.ensure_fresh(con)
    return con


@pytest.fixture(scope="module", params=["random", "sample"])
def store(request, tmp_path_factory, copy_sample):
    tmp_path = tmp_path_factory.mktemp(f"story-{request.param}")
    if request.param == "random":
        con = _random_store(tmp_path, 11)
    else:
        con = connect(copy_sample(tmp_path))  # the session's first-launch store
        bootstrap.ensure_data(con)
    yield con
    con.close()


def _customers(con) -> list[str]:
    """Every customer the store knows of in any table, and one it does not."""
    found = con.execute("SELECT customer_id FROM customers UNION SELECT customer_id FROM contacts "
                        "UNION SELECT customer_id FROM responses UNION SELECT customer_id FROM outcomes").fetchall()
    return sorted(c for (c,) in found if c is not None) + ["nobody"]


def _assert_same_story(rolled: Story, base: Story) -> None:
    for part in fields(Story):
        got, expected = getattr(rolled, part.name), getattr(base, part.name)
        if isinstance(expected, pd.DataFrame):
            pd.testing.assert_frame_equal(got, expected, obj=part.name)
        else:
            assert got == expected, part.name


@pytest.mark.parametrize("window, same_reason", [(7, False), (30, True), (1, False)])
def test_every_story_is_the_same_from_the_rollups_as_from_the_base_tables(store, window, same_reason):
    customers = _customers(store)
    if len(customers) > 60:  # the sample: a spread of them, every one is too slow for the suite
        customers = customers[::len(customers) // 60] + ["nobody"]
    answered = 0
    for customer in customers:
        rolled, base = fresh_and_stale(store, lambda: customer_story(store, customer, window, same_reason))
        _assert_same_story(rolled, base)
        answered += len(base.responses)
    assert answered > 0


def test_the_random_store_has_every_kind_of_answer(tmp_path):
    con = _random_store(tmp_path, 11)
    kinds = con.execute("""
        SELECT count(*) FILTER (WHERE r.customer_id IS NULL AND c.customer_id IS NOT NULL),
               count(*) FILTER (WHERE r.customer_id IS NOT NULL AND c.customer_id <> r.customer_id),
               count(*) FILTER (WHERE r.contact_id IS NOT NULL AND c.contact_id IS NULL),
               count(*) FILTER (WHERE r.responded_at IS NULL)
        FROM responses AS r LEFT JOIN contacts AS c ON c.contact_id = r.contact_id""").fetchall()[0]
    assert all(n > 0 for n in kinds), kinds
    con.close()


def test_the_rollups_hold_each_customers_rows_sorted_by_customer(store):
    assert story_rollups.rolled(store)
    contacts = store.execute("SELECT customer_id, contact_id FROM story_contact_rollup ORDER BY rowid").df()
    assert contacts["customer_id"].is_monotonic_increasing
    assert len(contacts) == store.execute("SELECT count(*) FROM contacts WHERE customer_id IS NOT NULL").fetchall()[0][0]
    answers = store.execute("SELECT customer_id, response_id FROM story_answer_rollup ORDER BY rowid").df()
    assert answers["customer_id"].is_monotonic_increasing and answers["customer_id"].notna().all()
    expected = store.execute("""
        SELECT count(*) FROM responses AS r LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
        WHERE COALESCE(r.customer_id, c.customer_id) IS NOT NULL""").fetchall()[0][0]
    assert len(answers) == expected == answers["response_id"].nunique()


def test_a_stale_store_reads_the_base_tables(store):
    run(store, "rollups/clear_state")
    try:
        assert not story_rollups.rolled(store)
        assert story_rollups.contacts_source(False) == quote_ident("contacts")
    finally:
        run(store, "rollups/record_state", {"data_version": rollups.data_version(store)})
    assert story_rollups.rolled(store)


def test_an_import_after_the_build_is_in_the_rollups_at_once(tmp_path):
    con = _random_store(tmp_path, 5)
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at\nNEW1,U1,2026-06-01 10:00\n")
    assert story_rollups.rolled(con)  # refreshed for U1 inside the import
    assert rollups.last_refresh(con)["story"].how == "delta"
    assert "NEW1" in set(customer_story(con, "U1").contacts["contact_id"])
    con.close()


def test_a_store_without_the_story_rollups_reads_the_base_tables(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    migrate(con, only={v for v, _ in migration_files() if v < 13})
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at\nK1,A,2026-03-03 10:00\n")
    _load(con, tmp_path, "responses", "response_id,responded_at,contact_id,nps\nR1,2026-03-03 11:00,K1,3\n")
    run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    con.close()
    old = connect(path, read_only=True)
    try:
        assert rollups.is_fresh(old) and not story_rollups.rolled(old)
        story = customer_story(old, "A")
        assert list(story.contacts["contact_id"]) == ["K1"] and list(story.responses["response_id"]) == ["R1"]
    finally:
        old.close()


def test_the_migration_forgets_older_rollups(tmp_path):
    assert_migration_forgets_rollups(tmp_path / "old.duckdb", 13)
