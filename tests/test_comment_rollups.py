"""The comments' rollup (cxmetrics/rollups/comment_rollups.py): it holds exactly the rows of
sql/voice/comment_rows.sql, newest first; every Voice of the customer query answers
the same from it as from the base tables (every filter, a segment of the customer and of the contact, a text search); a store that is stale
or predates it reads the base tables."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

from cxmetrics.ingest import bootstrap
from cxmetrics.rollups import comment_rollups
from cxmetrics import rollups
from cxmetrics.engine import voice
from cxmetrics.rollups.comment_rollups import comment_slots
from cxmetrics.store.db import connect, migrate, migration_files, query, quote_ident, run
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.themes import add_keyword, ensure_facts
from cxmetrics.engine.voice import (CommentQuery, comments, theme_counts, theme_drivers, theme_summary,
                                    theme_trend)

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale

WORDS = ["waited", "on hold", "again", "refund", "great", "rude", "bill", "délai", "", "  "]


def _load(con, tmp_path, kind: str, text: str) -> None:
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text, encoding="utf-8")
    assert load_file(con, kind, path, ImportOptions()).rows_rejected == 0


def _random_store(tmp_path, seed: int):
    """Comments with and without a customer of their own or a contact, blank ones, no dates."""
    rng = random.Random(seed)
    con = connect(tmp_path / "random.duckdb")
    customers = [f"U{i}" for i in range(20)]
    start = datetime(2026, 1, 1, 8)
    contacts = [f"K{i},{rng.choice(customers + [''])},{start + timedelta(hours=7 * i):%Y-%m-%d %H:%M},"
                f"{rng.choice(['phone', 'chat'])},{rng.choice(['Billing', 'Fault'])},true,{rng.choice(['T1', 'T2', ''])}"
                for i in range(80)]
    responses = []
    for i in range(150):
        at = "" if rng.random() < 0.05 else f"{start + timedelta(hours=11 * i):%Y-%m-%d %H:%M}"
        comment = " ".join(rng.sample(WORDS, 2)).strip()
        responses.append(f"R{i},{at},{rng.choice(customers + ['', ''])},{rng.choice([f'K{rng.randrange(80)}', ''])},"
                         f"{rng.choice([str(n) for n in range(11)] + [''])},{rng.choice(['1', '3', '5', ''])},\"{comment}\"")
    _load(con, tmp_path, "customers", "customer_id,tier\n" + "".join(f"{c},{rng.choice(['Gold', 'Basic'])}\n"
                                                                      for c in customers))
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at,channel,contact_reason,resolved,team\n"
          + "\n".join(contacts) + "\n")
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,contact_id,nps,csat,comment\n"
          + "\n".join(responses) + "\n")
    rollups.ensure_fresh(con)
    return con


@pytest.fixture(scope="module", params=["random", "sample"])
def store(request, tmp_path_factory, copy_sample):
    tmp_path = tmp_path_factory.mktemp(f"comments-{request.param}")
    if request.param == "random":
        con = _random_store(tmp_path, 3)
    else:
        con = connect(copy_sample(tmp_path))  # the session's first-launch store
        bootstrap.ensure_data(con)
    yield con
    con.close()


def test_the_rollup_holds_exactly_the_comment_rows_newest_first(store):
    assert comment_rollups.comments_source(store) == comment_rollups.ROLLED_COMMENTS
    rolled = store.execute("SELECT * FROM comment_rollup").df()
    rows = store.execute(query("voice/comment_rows")).df().sort_values(
        ["responded_at", "response_id"], ascending=[False, True], na_position="last", kind="stable")
    pd.testing.assert_frame_equal(rolled, rows.reset_index(drop=True))
    assert len(rolled) > 0 and not rolled["comment"].str.strip().eq("").any()


FILTERS = [
    Filters(),
    Filters(date_from=date(2026, 1, 10), date_to=date(2026, 2, 20)),
    Filters(channels=("phone",), reasons=("Billing",)),
    Filters(segment="tier", segment_values=("Gold",)),
    Filters(segment="team", segment_values=("T1", "Atlas")),
]


@pytest.mark.parametrize("filters", FILTERS, ids=["all", "dates", "channel-reason", "customer-segment",
                                                  "contact-segment"])
def test_voice_answers_the_same_from_the_rollup_and_the_base_tables(store, filters):
    def answers():
        summary, overall = theme_summary(store, filters)
        return (summary, overall, theme_drivers(store, "nps", filters), theme_drivers(store, "csat", filters),
                theme_trend(store, filters), comments(store, filters, CommentQuery(), 100),
                comments(store, filters, CommentQuery(search="again", nps_groups=("detractor", "passive")), 100))

    rolled, base = fresh_and_stale(store, answers)
    for got, expected in zip(rolled, base):
        if isinstance(expected, dict):
            assert got == expected
        else:
            pd.testing.assert_frame_equal(got, expected)
    if not filters.segment and not filters.channels:
        assert base[1]["comments"] > 0


def test_a_segment_of_the_contact_scopes_comments_by_their_contact(store):
    found = comments(store, Filters(segment="team", segment_values=("T1", "Atlas")), CommentQuery(), 5000)
    expected = store.execute(
        "SELECT count(*) FROM responses AS r JOIN contacts AS c ON c.contact_id = r.contact_id "
        "WHERE trim(r.comment) <> '' AND c.team IN ('T1', 'Atlas')").fetchall()[0][0]
    assert len(found) == expected > 0


def test_the_migration_forgets_older_rollups(tmp_path):
    assert_migration_forgets_rollups(tmp_path / "old.duckdb", 12)


def _store_before(tmp_path, version: int):
    """Return an open store migrated only to before `version`, holding R1 (a comment) and R2 (none)."""
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    migrate(con, only={v for v, _ in migration_files() if v < version})
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps,comment\n"
                                      "R1,2026-03-03 10:00,A,2,waited again\nR2,2026-03-04 10:00,B,9,\n")
    return con


def test_a_store_without_the_comment_rollup_reads_the_base_tables(tmp_path):
    con = _store_before(tmp_path, 12)
    run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    con.close()
    path = tmp_path / "old.duckdb"
    old = connect(path, read_only=True)
    try:
        assert rollups.is_fresh(old)
        assert comment_rollups.comments_source(old) == quote_ident("comment_rows")
        months = run(old, "voice/theme_months", Filters().params(), **comment_slots(old)).df()
        assert set(months["comments"]) == {1}  # R1 only: R2 has no comment
    finally:
        old.close()


# --- the theme counts (theme_count_rollup) ---------------------------------------------------------

COUNT_FILTERS = FILTERS + [
    Filters(date_from=date(2026, 1, 10)),
    Filters(date_to=date(2026, 1, 31), reasons=("Billing", "Fault")),
    Filters(channels=("chat", "email")),
    Filters(date_from=datetime(2026, 1, 10, 12, 30)),  # a time of day: counted from the comments
]


def _theme_figures(con, filters):
    summary, overall = theme_summary(con, filters)
    return summary, overall, theme_drivers(con, "nps", filters), theme_drivers(con, "csat", filters), \
        theme_trend(con, filters), theme_counts(con, filters).sort_values(["is_overall", "theme"]).reset_index(drop=True)


@pytest.mark.parametrize("filters", COUNT_FILTERS)
def test_theme_figures_are_the_same_from_the_theme_counts_as_from_the_comments(store, filters, monkeypatch):
    summed = _theme_figures(store, filters)
    assert voice._counts_answer(ensure_facts(store), filters) == (
        not filters.segment and not isinstance(filters.date_from, datetime))
    monkeypatch.setattr(voice, "_counts_answer", lambda fresh, f: False)
    from_rollup, from_base = fresh_and_stale(store, lambda: _theme_figures(store, filters))
    for counted in (from_rollup, from_base):
        for got, expected in zip(summed, counted):
            if isinstance(expected, dict):
                assert got == expected
            else:  # exact: the mean sentiment too (summed in whole billionths both ways)
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
    if filters == Filters():
        themes = summed[5][summed[5]["is_overall"] == 0]
        assert (themes["comments"] > 0).sum() >= 5 and (themes["comments"] == 0).any()  # and a theme with none


def test_the_theme_counts_follow_an_import_and_the_dictionary(tmp_path):
    con = _random_store(tmp_path, 8)
    before = theme_counts(con)
    _load(con, tmp_path, "responses", "response_id,responded_at,customer_id,nps,comment\n"
                                      "NEW1,2026-03-03 10:00,U1,1,still waiting on my refund\n")
    rollups.ensure_fresh(con)
    after = theme_counts(con)
    assert ensure_facts(con)
    overall = after[after["is_overall"] == 1].iloc[0]
    assert overall["comments"] == before[before["is_overall"] == 1].iloc[0]["comments"] + 1
    add_keyword(con, "Refunds", "refund")
    tagged = theme_counts(con)
    assert ensure_facts(con) and "Refunds" in set(tagged["theme"])
    assert int(tagged.loc[tagged["theme"] == "Refunds", "comments"].iloc[0]) >= 1
    con.close()


def test_a_store_without_the_theme_counts_counts_the_comments(tmp_path):
    con = _store_before(tmp_path, 14)
    path = tmp_path / "old.duckdb"
    assert not ensure_facts(con)  # builds the mentions and sentiments, not the counts it has no table for
    con.close()
    old = connect(path, read_only=True)
    try:
        counts = theme_counts(old)
        assert counts[counts["is_overall"] == 1].iloc[0]["comments"] == 1
    finally:
        old.close()
