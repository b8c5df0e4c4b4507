"""Hand-computed cases for the contact-centre measures (docs/metrics.md "Contact-centre measures"),
through the real importer and real DuckDB, from the base tables and from the rollups alike.

The log used throughout (W = 7; latest start Jan 30 09:00, so contacts up to Jan 23 09:00 are judged):

    id  customer started   channel answered wait handle resolved transfers
    k1  A        Jan 01    phone   true     30   300    true     0
    k2  A        Jan 03    phone   false    90   -      false    -      abandoned: only abandonment counts it
    k3  B        Jan 02    phone   -        10   200    true     2      answered unknown: counted as answered
    k4  B        Jan 20    chat    true     20   400    -        1      resolved unknown: not in reported resolution
    k5  C        Jan 05    phone   true     -    100    false    0
    k6  -        Jan 06    email   -        -    -      -        -      nothing known
    k7  C        Jan 30    phone   true     40   500    true     0      censored for FCR

    abandonment   answered known k1 k2 k4 k5 k7: 1 of 5 = 20 %
    ASA           answered true/unknown with a wait: k1 30, k3 10, k4 20, k7 40 (k2's 90 is not): 25 s, n 4
    AHT           k1 300, k3 200, k4 400, k5 100, k7 500: 300 s, n 5
    reported res. k1 yes, k3 yes, k5 no, k7 yes (k2 abandoned, k4 and k6 unknown): 75 %, n 4
    transfers     known k1 0, k3 2, k4 1, k5 0, k7 0 (k2 and k6 blank): 2 of 5 = 40 %
    contact FCR   judged k1..k5 (k6 no customer, k7 censored); k1 is followed by k2 two days later:
                  4 of 5 = 80 %; transferred k3, k4: 2 of 2 = 100 %; not transferred k1, k5: 1 of 2 =
                  50 %; k2 (transfers blank) in neither split.
"""

from __future__ import annotations

import math

import pytest

from cxmetrics.rollups import metric_rollups
from cxmetrics.engine import metrics
from cxmetrics import rollups
from cxmetrics.core import stats
from cxmetrics.store.db import connect, migrate, migration_files, quote_ident
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file

from rollup_checks import assert_migration_forgets_rollups, fresh_and_stale
from test_metric_rollups import assert_same

CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,answered,wait_seconds,handle_seconds,resolved,transfers
k1,A,2024-01-01 09:00:00,phone,Billing,true,30,300,true,0
k2,A,2024-01-03 09:00:00,phone,Billing,false,90,,false,
k3,B,2024-01-02 09:00:00,phone,Tech,,10,200,yes,2
k4,B,2024-01-20 09:00:00,chat,Tech,yes,20,400,,1
k5,C,2024-01-05 09:00:00,phone,Tech,y,,100,no,0
k6,,2024-01-06 09:00:00,email,Billing,,,,,
k7,C,2024-01-30 09:00:00,phone,Billing,1,40,500,true,0
"""

MEASURES = ("abandon_rate", "asa_seconds", "aht_seconds", "resolved_rate", "transfer_rate",
            "fcr_transferred", "fcr_not_transferred")
N_FIELDS = {"abandon_rate": "abandon_n", "asa_seconds": "asa_n", "aht_seconds": "aht_n",
            "resolved_rate": "resolved_n", "transfer_rate": "transfer_n",
            "fcr_transferred": "fcr_transferred_n", "fcr_not_transferred": "fcr_not_transferred_n"}


def _load(con, tmp_path, kind, text, name=None):
    path = tmp_path / (name or f"{kind}.csv")
    path.write_text(text, encoding="utf-8")
    result = load_file(con, kind, path, ImportOptions())
    assert result.rows_rejected == 0, result.rejects
    return result


@pytest.fixture
def con(tmp_path, new_store):
    connection = new_store("cc.duckdb")
    _load(connection, tmp_path, "contacts", CONTACTS)
    rollups.ensure_fresh(connection)
    yield connection
    connection.close()


def _both_ways(con, call):
    """call() from the rollups and from the base tables: they must agree; return the answer."""
    rolled, base = fresh_and_stale(con, call)
    assert rolled == base
    return rolled


def test_overall_measures_by_hand(con):
    overall = _both_ways(con, lambda: metrics.metrics(con)["overall"])
    assert (overall["abandon_rate"], overall["abandon_n"]) == (20.0, 5)
    assert (overall["asa_seconds"], overall["asa_n"]) == (25.0, 4)
    assert (overall["aht_seconds"], overall["aht_n"]) == (300.0, 5)
    assert (overall["resolved_rate"], overall["resolved_n"]) == (75.0, 4)
    assert (overall["transfer_rate"], overall["transfer_n"]) == (40.0, 5)
    assert (overall["fcr"], overall["fcr_n"]) == (80.0, 5)
    assert (overall["fcr_transferred"], overall["fcr_transferred_n"]) == (100.0, 2)
    assert (overall["fcr_not_transferred"], overall["fcr_not_transferred_n"]) == (50.0, 2)
    # Rates carry their Wilson interval...
    for key, stem, successes, n in (("abandon_rate", "abandon", 1, 5), ("resolved_rate", "resolved", 3, 4),
                                    ("transfer_rate", "transfer", 2, 5),
                                    ("fcr_transferred", "fcr_transferred", 2, 2),
                                    ("fcr_not_transferred", "fcr_not_transferred", 1, 2)):
        wilson = stats.wilson(successes, n)
        assert (overall[f"{stem}_low"], overall[f"{stem}_high"]) == (wilson.low, wilson.high), key
    # ...means their t interval: ASA s² = ((5² + 15² + 5² + 15²) / 3) = 500/3, t(3) = 3.182446;
    # AHT s² = (0 + 100² + 100² + 200² + 200²) / 4 = 25,000, t(4) = 2.776445.
    asa_half = 3.182446305 * math.sqrt(500 / 3 / 4)
    aht_half = 2.776445105 * math.sqrt(25000 / 5)
    assert overall["asa_low"] == pytest.approx(25 - asa_half) and overall["asa_high"] == pytest.approx(25 + asa_half)
    assert overall["aht_low"] == pytest.approx(300 - aht_half) and overall["aht_high"] == pytest.approx(300 + aht_half)


def test_by_channel_by_hand(con):
    by = {g["channel"]: g for g in _both_ways(con, lambda: metrics.metrics(con, "channel")["groups"])}
    phone, chat, email = by["phone"], by["chat"], by["email"]
    # phone k1 k2 k3 k5 k7: answered known k1 k2 k5 k7 (k2 abandoned); waits k1 30, k3 10, k7 40;
    # handle k1 300, k3 200, k5 100, k7 500; resolved k1 k3 k7 of k1 k3 k5 k7; transfers k3 of k1 k3 k5 k7.
    assert (phone["abandon_rate"], phone["abandon_n"]) == (25.0, 4)
    assert phone["asa_seconds"] == pytest.approx(80 / 3) and phone["asa_n"] == 3
    assert (phone["aht_seconds"], phone["aht_n"]) == (275.0, 4)
    assert (phone["resolved_rate"], phone["resolved_n"]) == (75.0, 4)
    assert (phone["transfer_rate"], phone["transfer_n"]) == (25.0, 4)
    # chat: k4 alone, answered, resolved unknown, transferred once. One wait: no interval.
    assert (chat["abandon_rate"], chat["asa_seconds"], chat["asa_n"], chat["asa_low"]) == (0.0, 20.0, 1, None)
    assert (chat["resolved_rate"], chat["resolved_n"], chat["transfer_rate"]) == (None, 0, 100.0)
    assert (chat["fcr_transferred"], chat["fcr_transferred_n"], chat["fcr_not_transferred"]) == (100.0, 1, None)
    # email: k6 knows nothing: every measure null with n 0, never 0 %.
    for key in MEASURES:
        assert email[key] is None and email[N_FIELDS[key]] == 0, key


def test_by_period_and_by_a_rolled_segment_equal_the_base_tables(con, tmp_path):
    _load(con, tmp_path, "customers", "customer_id,tier\nA,Gold\nB,Basic\nC,Basic\n")
    rollups.ensure_fresh(con)
    assert "tier" in rollups.rolled_segments(con)
    for window in rollups.ROLLUP_WINDOWS:
        for same in (False, True):
            for by in (None, "channel", "contact_reason", "tier"):
                assert_same(con, by, Filters(), window, same)
            assert_same(con, None, Filters(channels=("phone",)), window, same, "week")
    gold = {g["tier"]: g for g in metrics.metrics(con, "tier")["groups"]}["Gold"]
    # Gold is customer A: k1 (answered, 30 s, 300 s, resolved, 0 transfers) and k2 (abandoned).
    assert (gold["abandon_rate"], gold["asa_seconds"], gold["aht_seconds"], gold["resolved_rate"]) == (50.0, 30.0, 300.0, 100.0)
    trend = metrics.metric_trend(con, "month")
    assert trend["abandon_n"].tolist() == [5] and trend["aht_seconds"].tolist() == [300.0]


def test_a_log_without_the_columns_has_null_measures(tmp_path):
    con = connect(tmp_path / "bare.duckdb")
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at\nk1,A,2024-01-01\nk2,A,2024-01-20\n")
    rollups.ensure_fresh(con)
    overall = _both_ways(con, lambda: metrics.metrics(con)["overall"])
    assert overall["contacts"] == 2
    for key in MEASURES:
        assert overall[key] is None and overall[N_FIELDS[key]] == 0, key
    for stem in ("abandon", "asa", "aht", "resolved", "transfer"):
        assert overall[f"{stem}_low"] is None and overall[f"{stem}_high"] is None
    con.close()


def test_answered_unknown_everywhere_still_gives_speed_and_handle_time(tmp_path):
    """A log with no answered column: every contact counts as answered for ASA and AHT, and
    abandonment is null, not 0 %."""
    con = connect(tmp_path / "noanswer.duckdb")
    _load(con, tmp_path, "contacts", "contact_id,started_at,wait_seconds,handle_seconds,resolved,transfers\n"
                                     "k1,2024-01-01,10,100,true,0\nk2,2024-01-02,20,,false,0\nk3,2024-01-03,,300,,3\n")
    rollups.ensure_fresh(con)
    overall = _both_ways(con, lambda: metrics.metrics(con)["overall"])
    assert (overall["abandon_rate"], overall["abandon_n"]) == (None, 0)
    assert (overall["asa_seconds"], overall["asa_n"]) == (15.0, 2)
    assert (overall["aht_seconds"], overall["aht_n"]) == (200.0, 2)
    assert (overall["resolved_rate"], overall["resolved_n"]) == (50.0, 2)
    assert overall["transfer_rate"] == pytest.approx(100 / 3) and overall["transfer_n"] == 3
    con.close()


def test_durations_are_kept_to_the_millisecond(tmp_path):
    """Sums are whole milliseconds (so rollups add up exactly); a fraction of a second is kept."""
    con = connect(tmp_path / "ms.duckdb")
    _load(con, tmp_path, "contacts", "contact_id,started_at,handle_seconds\nk1,2024-01-01,0.25\nk2,2024-01-01,1.5\n")
    rollups.ensure_fresh(con)
    overall = _both_ways(con, lambda: metrics.metrics(con)["overall"])
    assert overall["aht_seconds"] == 0.875
    con.close()


def test_a_duration_longer_than_any_call_is_rejected(tmp_path):
    con = connect(tmp_path / "long.duckdb")
    path = tmp_path / "long.csv"
    path.write_text("contact_id,started_at,wait_seconds,handle_seconds\nk1,2024-01-01,2e9,1\nk2,2024-01-01,5,1e10\n"
                    "k3,2024-01-01,5,6\n", encoding="utf-8")
    result = load_file(con, "contacts", path, ImportOptions())
    assert (result.rows_loaded, result.rows_rejected) == (1, 2)
    assert {r["column"] for r in result.rejects} == {"wait_seconds", "handle_seconds"}
    con.close()


def test_t_quantiles_are_the_tables():
    # Student t, two-sided 95 %: the printed tables' values.
    expected = {1: 12.7062047, 2: 4.3026527, 3: 3.1824463, 5: 2.5705818, 10: 2.2281389, 30: 2.0422725,
                100: 1.9839715, 200: 1.9718962, 201: 1.9718365, 1000: 1.9623391, 10**7: 1.9599642}
    for df, value in expected.items():
        assert stats.t_quantile(df) == pytest.approx(value, abs=5e-7), df
    assert stats.t_mean_interval(10.0, 100.0, 1) == (None, None)
    # waits 1 s and 3 s: mean 2, s = sqrt(2), t(1) = 12.706: the low end is held at 0 s.
    low, high = stats.t_mean_interval(4.0, 10.0, 2, floor=0.0)
    assert low == 0.0 and high == pytest.approx(2 + 12.7062047 * 1.0)


def test_metrics_json_from_the_command_line(run_cli, tmp_path):
    path = tmp_path / "contacts.csv"
    path.write_text(CONTACTS, encoding="utf-8")
    code, _, stderr = run_cli("import", "contacts", str(path))
    assert code == 0, stderr
    code, out, stderr = run_cli("metrics", "--by", "channel")
    assert code == 0, stderr
    keys = {"abandon_rate", "abandon_low", "abandon_high", "abandon_n", "asa_seconds", "asa_low", "asa_high", "asa_n",
            "aht_seconds", "aht_low", "aht_high", "aht_n", "resolved_rate", "resolved_low", "resolved_high",
            "resolved_n", "transfer_rate", "transfer_low", "transfer_high", "transfer_n",
            "fcr_transferred", "fcr_transferred_low", "fcr_transferred_high", "fcr_transferred_n",
            "fcr_not_transferred", "fcr_not_transferred_low", "fcr_not_transferred_high", "fcr_not_transferred_n"}
    assert keys <= set(out["overall"]) and all(keys <= set(g) for g in out["groups"])
    assert (out["overall"]["abandon_rate"], out["overall"]["aht_seconds"], out["overall"]["resolved_rate"]) == (20.0, 300.0, 75.0)
    email = next(g for g in out["groups"] if g["channel"] == "email")
    assert email["abandon_rate"] is None and email["aht_seconds"] is None  # JSON null, never 0


def test_migration_15_types_an_earlier_text_column_and_forgets_the_rollups(tmp_path):
    """A store from before version 15 may hold `Answered` and `wait_seconds` as extra text columns:
    the migration reads them with the importer's own rules."""
    path = tmp_path / "v14.duckdb"
    assert_migration_forgets_rollups(tmp_path / "forget.duckdb", 15)
    import duckdb

    raw = duckdb.connect(str(path))
    raw.execute("SET TimeZone = 'UTC'")
    migrate(raw, only={v for v, _ in migration_files() if v < 15})
    raw.execute("ALTER TABLE contacts ADD COLUMN \"Answered\" VARCHAR")
    raw.execute("ALTER TABLE contacts ADD COLUMN wait_seconds VARCHAR")
    raw.execute("INSERT INTO contacts (contact_id, started_at, import_id, \"Answered\", wait_seconds) VALUES "
                "('k1', '2024-01-01', 1, 'Yes', '12,5'), ('k2', '2024-01-02', 1, 'N', '3'), "
                "('k3', '2024-01-03', 1, 'perhaps', 'soon'), ('k4', '2024-01-04', 1, NULL, NULL)")
    assert 15 in migrate(raw)
    types = dict(raw.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = 'contacts' AND column_name IN ('Answered', 'wait_seconds')").fetchall())
    assert types == {"Answered": "BOOLEAN", "wait_seconds": "DOUBLE"}
    assert raw.execute("SELECT answered, wait_seconds FROM contacts ORDER BY contact_id").fetchall() == [
        (True, 12.5), (False, 3.0), (None, None), (None, None)]
    raw.close()


def test_a_store_from_before_version_15_opened_read_only_uses_the_base_tables(tmp_path):
    path = tmp_path / "old.duckdb"
    con = connect(path)
    _load(con, tmp_path, "contacts", CONTACTS)
    rollups.ensure_fresh(con)
    expected = metrics.metrics(con, "channel")
    # what a version-14 store looks like: fresh rollups without the new counts, no new columns
    added = [name for name, in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'contact_rollup'").fetchall()
        if name not in _VERSION_7_ROLLUP]
    for name in added:
        con.execute("ALTER TABLE contact_rollup DROP COLUMN " + quote_ident(name))
    for name in ("answered", "wait_seconds"):
        con.execute("ALTER TABLE contacts DROP COLUMN " + quote_ident(name))
    con.execute("DELETE FROM schema_migrations WHERE version = 15")
    con.close()
    old = connect(path, read_only=True)
    assert rollups.is_fresh(old)
    assert metric_rollups.counts(old, None, Filters(), 7, False, None) is None
    got = metrics.metrics(old, "channel")
    old.close()
    unchanged = ("contacts", "fcr", "fcr_n", "aht_seconds", "aht_n", "transfer_rate", "fcr_transferred")
    for before, after in zip([expected["overall"], *expected["groups"]], [got["overall"], *got["groups"]]):
        assert {k: before[k] for k in unchanged} == {k: after[k] for k in unchanged}
        assert after["abandon_rate"] is None and after["abandon_n"] == 0   # the column is not there yet
    # without `answered`, every contact with a handle time counts: k2 has none, so AHT is unchanged
    assert got["overall"]["asa_seconds"] is None and got["overall"]["resolved_n"] == 5


_VERSION_7_ROLLUP = {
    "day", "channel", "contact_reason", "seg_name", "seg_value", "contacts", "linked",
    *(f"{name}_w{w}" for w in (7, 30) for name in ("repeats_any", "repeats_same", "judged", "resolved_any", "resolved_same")),
}


def test_the_rollup_keeps_the_split_for_every_window(con):
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'contact_rollup'").fetchall()}
    for window in rollups.ROLLUP_WINDOWS:
        for name in ("judged_xfer", "resolved_any_xfer", "resolved_same_xfer",
                     "judged_direct", "resolved_any_direct", "resolved_same_direct"):
            assert f"{name}_w{window}" in columns


def test_durations_are_measures_and_answered_a_dimension(con):
    from cxmetrics.store.dimensions import available_dimensions

    names = {d.name for d in available_dimensions(con)}
    assert "answered" in names and "resolved" in names          # yes/no columns to split by
    assert "wait_seconds" not in names and "handle_seconds" not in names  # a duration is a measure
