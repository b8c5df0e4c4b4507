"""Hand-computed cases for outcomes by experience, segment gaps and driver impact."""

import math

import pytest

from cxmetrics.store.db import UnknownColumn, connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metric_counts
from cxmetrics.engine.outcomes import outcomes
from cxmetrics.engine.segments import driver_impact, segment_gaps

Z = 1.959963984540054


def load(con, tmp_path, kind, text):
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    result = load_file(con, kind, path, ImportOptions())
    assert result.rows_rejected == 0, result.rejects


# c1 churns in Feb (revenue 10 + 10), c2 stays (5 + 5), c3 churns in Jan (20), c4 stays (0).
OUTCOMES = """customer_id,month,revenue,churned
c1,2024-01,10,false
c1,2024-02,10,true
c2,2024-01,5,false
c2,2024-02,5,false
c3,2024-01,20,true
c4,2024-01,0,false
"""
CUSTOMERS = "customer_id,plan\nc1,annual\nc2,monthly\nc3,monthly\nc4,annual\n"
# c1 promoter before Jan; c2's only score arrives during Jan, so it counts from Feb; c3 detractor.
RESPONSES = """response_id,customer_id,responded_at,nps,csat
s1,c1,2023-12-15,10,5
s2,c2,2024-01-10,3,2
s3,c3,2023-12-01,5,3
"""
CONTACTS = "contact_id,customer_id,started_at\nk1,c2,2024-01-02\nk2,c2,2024-01-05\nk3,c3,2024-01-02\n"


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "o.duckdb")
    for kind, text in (("customers", CUSTOMERS), ("outcomes", OUTCOMES), ("responses", RESPONSES), ("contacts", CONTACTS)):
        load(connection, tmp_path, kind, text)
    yield connection
    connection.close()


def test_overall_outcomes(con):
    overall = outcomes(con)["overall"]
    assert {k: overall[k] for k in ("customers", "churn_rate", "revenue", "revenue_per_customer")} == pytest.approx(
        {"customers": 4, "churn_rate": 50.0, "revenue": 50.0, "revenue_per_customer": 12.5}
    )


def test_outcomes_by_nps_group_use_the_latest_response_before_the_month(con):
    # Each customer once, in the group of its deciding month (the month it churned, else its latest),
    # with all its revenue: c1 churned in Feb as a promoter (20); c2's February: detractor (10,
    # stayed); c3 churned in Jan as a detractor (20); c4 never answered (0, stayed).
    groups = {g["nps_group"]: g for g in outcomes(con, "nps_group")["groups"]}
    assert set(groups) == {"promoter", "detractor", "no answer"}
    assert (groups["promoter"]["customers"], groups["promoter"]["churn_rate"], groups["promoter"]["revenue"]) == (
        1, 100.0, 20.0,
    )
    detractor = groups["detractor"]
    assert (detractor["customers"], detractor["churn_rate"], detractor["revenue"]) == (2, 50.0, 30.0)
    assert (groups["no answer"]["customers"], groups["no answer"]["churn_rate"]) == (1, 0.0)
    # revenue at risk = 30 × (50 % − 100 %)
    assert detractor["revenue_at_risk"] == pytest.approx(-15.0)
    assert groups["promoter"]["revenue_at_risk"] == pytest.approx(0.0)


def test_outcomes_by_csat_group_and_repeat_status(con):
    csat = {g["csat_group"]: g["customers"] for g in outcomes(con, "csat_group")["groups"]}
    assert csat == {"satisfied": 1, "dissatisfied": 1, "neutral": 1, "no answer": 1}
    repeat = {g["repeat_contact"]: g for g in outcomes(con, "repeat_contact")["groups"]}
    # c2's k2 came 3 days after k1: a repeat. Everyone else: none.
    assert repeat[True]["customers"] == 1 and repeat[True]["revenue"] == 10.0
    assert repeat[False]["customers"] == 3 and repeat[False]["churn_rate"] == pytest.approx(200 / 3)


def test_outcomes_by_customer_segment_with_interval(con):
    plans = {g["plan"]: g for g in outcomes(con, "plan")["groups"]}
    annual = plans["annual"]  # c1 (20), c4 (0): mean 10, sd sqrt(200), interval 10 ± Z·sqrt(200 / 2)
    assert annual["revenue_per_customer"] == 10.0
    assert annual["revenue_per_customer_low"] == pytest.approx(10 - Z * 10)
    assert annual["churn_low"] < annual["churn_rate"] < annual["churn_high"]


def test_outcomes_refuse_unknown_groups(con):
    with pytest.raises(UnknownColumn):
        outcomes(con, "plan; DROP TABLE outcomes")


GAP_CUSTOMERS = "customer_id,region\n" + "\n".join(f"u{i},{'North' if i < 3 else 'South'}" for i in range(7)) + "\n"
# North: [10, 10, 0] → NPS 33.3; South (the rest): [10, 0, 0, 8] → NPS −25.
GAP_RESPONSES = "response_id,customer_id,nps\n" + "\n".join(
    f"g{i},u{i},{score}" for i, score in enumerate([10, 10, 0, 10, 0, 0, 8])
) + "\n"


def test_segment_gap_with_interval_and_significance(tmp_path):
    con = connect(tmp_path / "g.duckdb")
    load(con, tmp_path, "customers", GAP_CUSTOMERS)
    load(con, tmp_path, "responses", GAP_RESPONSES)
    gaps = segment_gaps(con, "nps", "region").set_index("region")
    se = math.sqrt(10000 * (1 - (1 / 3) ** 2) / 3 + 10000 * (0.75 - 0.0625) / 4)
    north = gaps.loc["North"]
    assert north["gap"] == pytest.approx(100 / 3 + 25)
    assert north["gap_low"] == pytest.approx(100 / 3 + 25 - Z * se)
    assert north["gap_high"] == pytest.approx(100 / 3 + 25 + Z * se)
    assert (north["n"], north["rest_n"]) == (3, 4)
    assert not north["excludes_zero"] and not north["significant"] and north["too_few"]
    assert gaps.loc["South"]["gap"] == pytest.approx(-(100 / 3 + 25))


def test_gaps_with_nothing_to_compare_come_back_empty_not_as_an_error(tmp_path):
    """One region only: there is no "rest" to compare with, so every gap is None (a narrow filter on a
    large store does this; sorting a column of None by size used to raise)."""
    con = connect(tmp_path / "one.duckdb")
    load(con, tmp_path, "customers", "customer_id,region\nu1,North\nu2,North\n")
    load(con, tmp_path, "responses", "response_id,customer_id,nps\nr1,u1,10\nr2,u2,3\n")
    gaps = segment_gaps(con, "nps", "region")
    assert list(gaps["region"]) == ["North"]
    assert gaps.loc[0, "value"] == pytest.approx(0.0) and gaps.loc[0, "gap"] is None


def test_large_clear_gap_is_significant(tmp_path):
    con = connect(tmp_path / "big.duckdb")
    customers = "customer_id,tier\n" + "\n".join(f"u{i},{'Basic' if i < 200 else 'Plus'}" for i in range(400))
    # Basic: all detractors (NPS −100); Plus: all promoters (NPS 100).
    responses = "response_id,customer_id,nps\n" + "\n".join(f"r{i},u{i},{0 if i < 200 else 10}" for i in range(400))
    load(con, tmp_path, "customers", customers + "\n")
    load(con, tmp_path, "responses", responses + "\n")
    gaps = segment_gaps(con, "nps", "tier").set_index("tier")
    assert gaps.loc["Basic", "gap"] == pytest.approx(-200.0)
    assert gaps.loc["Basic", "significant"] and gaps.loc["Basic", "excludes_zero"]


def test_driver_impact_is_share_times_gap_to_the_rest(tmp_path):
    con = connect(tmp_path / "d.duckdb")
    load(
        con,
        tmp_path,
        "contacts",
        "contact_id,started_at,contact_reason\n"
        + "\n".join(f"k{i},2024-01-0{1 + i % 5},{'Fault' if i < 2 else 'Billing'}" for i in range(5))
        + "\n",
    )
    # Fault responses [0, 0]; Billing [10, 10, 8]: overall n = 5.
    load(
        con,
        tmp_path,
        "responses",
        "response_id,contact_id,nps\n" + "\n".join(f"r{i},k{i},{s}" for i, s in enumerate([0, 0, 10, 10, 8])) + "\n",
    )
    drivers = driver_impact(con, "nps", "contact_reason").set_index("contact_reason")
    # Fault: share 2/5, group −100, rest 200/3 → gain 0.4 × (66.67 + 100) = 66.67 points
    assert drivers.loc["Fault", "share"] == pytest.approx(40.0)
    assert drivers.loc["Fault", "impact"] == pytest.approx(0.4 * (200 / 3 + 100))
    # Billing: share 3/5, group 66.67, rest −100 → 0.6 × (−100 − 66.67) = −100
    assert drivers.loc["Billing", "impact"] == pytest.approx(0.6 * (-100 - 200 / 3))
    assert list(drivers.index) == ["Fault", "Billing"]  # biggest gain first
    assert drivers.loc["Fault", "impact_low"] <= drivers.loc["Fault", "impact"] <= drivers.loc["Fault", "impact_high"]


def test_driver_shares_are_of_everyone_in_scope_with_or_without_a_group(tmp_path):
    # r5 names no contact, so it has no contact reason: in the overall n (4), in no group.
    con = connect(tmp_path / "d.duckdb")
    load(con, tmp_path, "contacts", "contact_id,started_at,contact_reason,channel\n"
         "k0,2024-01-01,Fault,phone\nk1,2024-01-02,Fault,chat\nk2,2024-01-03,Billing,phone\n")
    load(con, tmp_path, "responses", "response_id,contact_id,nps\nr0,k0,0\nr1,k1,0\nr2,k2,10\nr5,,9\n")
    for filters, n in ((Filters(), 4), (Filters(channels=("phone",)), 2)):  # phone: r0 and r2 only
        drivers = driver_impact(con, "nps", "contact_reason", filters).set_index("contact_reason")
        everyone = metric_counts(con, None, filters)
        assert int(everyone.loc[everyone["is_overall"] == 1, "nps_n"].iloc[0]) == n
        assert drivers.loc["Fault", "share"] == pytest.approx(100.0 * drivers.loc["Fault", "n"] / n)
        assert drivers.loc["Billing", "share"] == pytest.approx(100.0 / n)


def test_unknown_metric_is_refused(tmp_path):
    con = connect(tmp_path / "u.duckdb")
    with pytest.raises(ValueError, match="unknown metric"):
        segment_gaps(con, "happiness", "channel")


def test_outcomes_follow_the_shared_filters(con):
    from datetime import date

    from cxmetrics.store.dimensions import Filters

    annual = outcomes(con, filters=Filters(segment="plan", segment_values=("annual",)))["overall"]
    assert (annual["customers"], annual["churn_rate"], annual["revenue"]) == (2, 50.0, 20.0)  # c1, c4
    february = outcomes(con, filters=Filters(date_from=date(2024, 2, 1), date_to=date(2024, 2, 29)))["overall"]
    assert (february["customers"], february["churn_rate"], february["revenue"]) == (2, 50.0, 15.0)  # c1, c2
    # customers with a contact: c2 (k1, k2) and c3 (k3); none has a reason, so a reason filter keeps nobody
    assert outcomes(con, filters=Filters(reasons=("Billing",)))["overall"]["customers"] == 0
