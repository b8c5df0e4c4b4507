"""Hand-computed cases for the metric engine, through the real importer and real DuckDB.

The contact history used throughout (W = 7 unless a case says otherwise; latest start Jan 20):

    customer A: a1 Jan 01 Billing, a2 Jan 08 Billing (exactly 7 × 24 h later),
                a3 Jan 20 Tech, a4 Jan 20 Billing (same instant as a3; a3 < a4 by id)
    customer B: b1 Jan 05 Tech, b2 Jan 12 00:00:01 Tech (7 days and 1 second later)
    nobody:     x1 Jan 10 Billing (no customer_id)
"""

from datetime import date

import pytest

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metrics

CONTACTS = """contact_id,customer_id,started_at,contact_reason,channel
a1,A,2024-01-01 00:00:00,Billing,phone
a2,A,2024-01-08 00:00:00,Billing,chat
a3,A,2024-01-20 00:00:00,Tech,phone
a4,A,2024-01-20 00:00:00,Billing,phone
b1,B,2024-01-05 00:00:00,Tech,chat
b2,B,2024-01-12 00:00:01,Tech,phone
x1,,2024-01-10 00:00:00,Billing,phone
"""

CUSTOMERS = """customer_id,tier
A,Gold
B,Basic
C,Basic
"""

# nps [10, 9, 8, 6, 0], csat [5, 4, 3, 1, 2], ces [6, 2, 7, 1], resolved [y, n, y, n]
RESPONSES = """response_id,customer_id,contact_id,responded_at,nps,csat,ces,resolved_answer
r1,A,a1,2024-01-02,10,5,6,yes
r2,A,a2,2024-01-09,9,4,2,no
r3,B,b1,2024-01-06,8,3,,
r4,B,b2,2024-01-13,6,,7,y
r5,C,,2024-01-15,0,1,1,n
r6,C,,2024-01-16,,2,,
"""


def load(con, tmp_path, kind, text, **options):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    result = load_file(con, kind, path, ImportOptions(**options))
    assert result.rows_rejected == 0, result.rejects
    return result


@pytest.fixture
def con(tmp_path, new_store):
    connection = new_store("m.duckdb")
    load(connection, tmp_path, "customers", CUSTOMERS)
    load(connection, tmp_path, "contacts", CONTACTS)
    load(connection, tmp_path, "responses", RESPONSES)
    yield connection
    connection.close()


def pick(figures, *keys):
    return {k: figures[k] for k in keys}


@pytest.mark.parametrize(
    "window, same_reason, expected",
    [
        # repeats: a2 (gap exactly 7 d counts), a4 (gap 0 to a3); b2 (7 d + 1 s) is not.
        # FCR judged: started by Jan 13 with a customer: a1, a2, b1, b2 (a3, a4 censored, x1 has no customer).
        # a1 not resolved (a2 exactly 7 d later); a2, b1, b2 resolved.
        (7, False, {"contacts": 7, "repeat_n": 6, "repeat_rate": 200 / 6, "fcr_n": 4, "fcr": 75.0}),
        # same reason: a2 repeats a1 (Billing); a4's previous Billing is a2, 12 d before; a3 has no earlier Tech.
        (7, True, {"contacts": 7, "repeat_n": 6, "repeat_rate": 100 / 6, "fcr_n": 4, "fcr": 75.0}),
        # W = 12: a3 repeats a2 (exactly 12 d); b2 now repeats too. Judged: started by Jan 8: a1, a2, b1;
        # a1 (next 7 d), a2 (next exactly 12 d), b1 (next 7 d + 1 s) all come back within 12 d.
        (12, False, {"contacts": 7, "repeat_n": 6, "repeat_rate": 400 / 6, "fcr_n": 3, "fcr": 0.0}),
    ],
)
def test_repeat_rate_and_contact_fcr(con, window, same_reason, expected):
    overall = metrics(con, window=window, same_reason=same_reason)["overall"]
    assert pick(overall, *expected) == pytest.approx(expected)


def test_fcr_by_contact_reason_groups_by_the_judged_contact(con):
    groups = {g["contact_reason"]: g for g in metrics(con, by="contact_reason")["groups"]}
    # Billing: a1, a2, a4, x1; repeats a2, a4 of 3 with a customer; judged a1 (no), a2 (yes).
    assert pick(groups["Billing"], "contacts", "repeat_n", "repeat_rate", "fcr_n", "fcr") == pytest.approx(
        {"contacts": 4, "repeat_n": 3, "repeat_rate": 200 / 3, "fcr_n": 2, "fcr": 50.0}
    )
    # Tech: a3, b1, b2; no repeats; judged b1, b2, both resolved.
    assert pick(groups["Tech"], "contacts", "repeat_n", "repeat_rate", "fcr_n", "fcr") == pytest.approx(
        {"contacts": 3, "repeat_n": 3, "repeat_rate": 0.0, "fcr_n": 2, "fcr": 100.0}
    )


def test_date_filter_counts_flags_from_the_whole_history(con):
    # Jan 8 to Jan 12 (inclusive days): a2, x1, b2. a2 is still a repeat of a1 (outside the range).
    overall = metrics(con, filters=Filters(date_from=date(2024, 1, 8), date_to=date(2024, 1, 12)))["overall"]
    assert pick(overall, "contacts", "repeat_n", "repeat_rate", "fcr_n", "fcr") == pytest.approx(
        {"contacts": 3, "repeat_n": 2, "repeat_rate": 50.0, "fcr_n": 2, "fcr": 100.0}
    )


def test_contacts_without_customer_count_only_as_contacts(con):
    phone = {g["channel"]: g for g in metrics(con, by="channel")["groups"]}["phone"]
    # phone: a1, a3, a4, b2, x1 → 5 contacts, 4 with a customer; repeat a4 only.
    assert pick(phone, "contacts", "repeat_n", "repeat_rate") == pytest.approx(
        {"contacts": 5, "repeat_n": 4, "repeat_rate": 25.0}
    )


def test_survey_metrics_with_missing_scores(con):
    overall = metrics(con)["overall"]
    assert pick(overall, "nps", "nps_n", "nps_moe") == pytest.approx({"nps": 0.0, "nps_n": 5, "nps_moe": 78.4})
    assert pick(overall, "csat", "csat_n", "csat_mean") == pytest.approx({"csat": 40.0, "csat_n": 5, "csat_mean": 3.0})
    assert pick(overall, "ces", "ces_n", "ces_easy") == pytest.approx({"ces": 4.0, "ces_n": 4, "ces_easy": 50.0})
    assert pick(overall, "survey_fcr", "survey_fcr_n") == pytest.approx({"survey_fcr": 50.0, "survey_fcr_n": 4})
    assert overall["csat_low"] < 40.0 < overall["csat_high"]


def test_customer_dimension_follows_responses_and_contacts(con):
    groups = {g["tier"]: g for g in metrics(con, by="tier")["groups"]}
    # Gold = A: nps [10, 9] → 100; contacts a1..a4, repeats a2, a4.
    assert pick(groups["Gold"], "nps", "nps_n", "contacts", "repeat_rate") == pytest.approx(
        {"nps": 100.0, "nps_n": 2, "contacts": 4, "repeat_rate": 50.0}
    )
    # Basic = B and C: nps [8, 6, 0] → (0 − 2) / 3; contacts b1, b2.
    assert pick(groups["Basic"], "nps", "nps_n", "contacts") == pytest.approx(
        {"nps": -200 / 3, "nps_n": 3, "contacts": 2}
    )


def test_contact_dimension_leaves_out_responses_without_a_contact(con):
    groups = {g["channel"]: g for g in metrics(con, by="channel")["groups"]}
    # r5, r6 have no contact: in no channel group. chat: r2 (a2), r3 (b1) → nps [9, 8].
    assert pick(groups["chat"], "nps", "nps_n") == pytest.approx({"nps": 50.0, "nps_n": 2})
    assert groups["phone"]["nps_n"] == 2  # r1 (a1, 10), r4 (b2, 6)
    assert groups["phone"]["nps"] == pytest.approx(0.0)


def test_filters_by_channel_reason_and_segment(con):
    chat = metrics(con, filters=Filters(channels=("chat",)))["overall"]
    assert (chat["contacts"], chat["nps_n"]) == (2, 2)
    tech = metrics(con, filters=Filters(reasons=("Tech",)))["overall"]
    assert (tech["contacts"], tech["nps_n"]) == (3, 2)  # r3 (b1), r4 (b2)
    basic = metrics(con, filters=Filters(segment="tier", segment_values=("Basic",)))["overall"]
    assert (basic["contacts"], basic["nps_n"]) == (2, 3)


def test_empty_database_gives_no_figures_not_zeros(tmp_path):
    con = connect(tmp_path / "empty.duckdb")
    overall = metrics(con)["overall"]
    assert overall["contacts"] == 0 and overall["nps_n"] == 0
    assert overall["nps"] is None and overall["repeat_rate"] is None and overall["fcr"] is None


def test_equal_timestamps_are_ordered_by_contact_id(tmp_path):
    con = connect(tmp_path / "tie.duckdb")
    load(
        con,
        tmp_path,
        "contacts",
        "contact_id,customer_id,started_at\nk2,A,2024-01-01 10:00\nk1,A,2024-01-01 10:00\nk3,A,2024-03-01 10:00\n",
    )
    rows = dict(con.execute("SELECT contact_id, strftime(prev_any_at, '%d %H') FROM contacts").fetchall())
    assert rows == {"k1": None, "k2": "01 10", "k3": "01 10"}
    # k1: next k2 at gap 0 → not resolved; k2: next k3 60 d later → resolved; k3 censored.
    overall = metrics(con)["overall"]
    assert pick(overall, "repeat_rate", "fcr_n", "fcr") == pytest.approx(
        {"repeat_rate": 100 / 3, "fcr_n": 2, "fcr": 50.0}
    )


def test_unknown_dimension_is_refused(con):
    from cxmetrics.store.db import UnknownColumn

    with pytest.raises(UnknownColumn, match="dimensions are"):
        metrics(con, by="tier; DROP TABLE contacts")
