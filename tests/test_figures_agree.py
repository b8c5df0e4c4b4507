"""Figures that agree with each other (issue 15, item 8): intervals inside the metric's range,
outcome groups that add up to the overall figures, and no 0 shown where nothing was loaded.

Each finding is first reproduced on a small store built here, then pinned by hand-computed cases."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import pytest

from cxmetrics.rollups import outcome_rollups
from cxmetrics.engine import outcomes
from cxmetrics import rollups
from cxmetrics.core import stats
from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metric_trend, metrics
from cxmetrics.engine.narrative import contact_fcr_note, reconciliation_sentence, revenue_at_risk_sentence
from cxmetrics.core.presentation import kpi_tiles
from cxmetrics.engine.segments import gap_range, segment_gaps


def _load(con, tmp_path, kind, text):
    path = tmp_path / f"{kind}-{abs(hash(text))}.csv"
    path.write_text(text, encoding="utf-8")
    result = load_file(con, kind, path, ImportOptions())
    assert result.rows_rejected == 0, result.rejects


# --- intervals inside the metric's range -----------------------------------------------------------

def test_the_nps_band_of_one_promoter_and_three_detractors_stops_at_minus_100():
    # The finding: NPS −50 ± 84.9 reached −134.9, below the lowest NPS there is.
    p, d, n = 1, 3, 4
    assert stats.nps(p, d, n) == -50.0
    moe = stats.nps_moe(p, d, n)  # 196 × sqrt((0.25 + 0.75 − 0.25) / 4) = 196 × sqrt(0.1875)
    assert moe == pytest.approx(196 * math.sqrt(0.1875))
    assert stats.nps(p, d, n) - moe == pytest.approx(-134.87, abs=0.01)
    assert stats.nps_interval(p, d, n) == (-100.0, pytest.approx(-50 + moe))


@pytest.mark.parametrize("p, d, n, low, high", [
    (1, 0, 1, 100.0, 100.0),                       # one promoter: NPS 100, no spread
    (1, 0, 2, 50 - 196 * math.sqrt(0.125), 100.0),  # a promoter and a passive: 50 ± 69.3, clipped above
    (0, 1, 2, -100.0, -50 + 196 * math.sqrt(0.125)),
    (1, 1, 2, -100.0, 100.0),                      # 0 ± 138.6 covers the whole range
    (50, 25, 100, 25 - 196 * math.sqrt(0.6875 / 100), 25 + 196 * math.sqrt(0.6875 / 100)),  # inside: unchanged
    (0, 0, 0, None, None),
])
def test_nps_interval_is_clipped_to_the_nps_range(p, d, n, low, high):
    got = stats.nps_interval(p, d, n)
    assert got == ((pytest.approx(low), pytest.approx(high)) if low is not None else (None, None))


def test_mean_intervals_stay_on_the_scale():
    # CES 7 and 6: mean 6.5, s = 0.707, half-width 1.96 × 0.5 = 0.98 → 5.52 .. 7.48, clipped to 7.
    low, high = stats.mean_interval(13.0, 85.0, 2, bounds=stats.CES_RANGE)
    assert (low, high) == (pytest.approx(6.5 - stats.Z95 * 0.5), 7.0)
    # CSAT mean 1 and 2: 1.5 ± 0.98, clipped below at 1.
    assert stats.mean_interval(3.0, 5.0, 2, bounds=stats.CSAT_RANGE) == (1.0, pytest.approx(1.5 + stats.Z95 * 0.5))
    # no bounds: as before (revenue has no scale)
    assert stats.mean_interval(13.0, 85.0, 2)[1] == pytest.approx(6.5 + stats.Z95 * 0.5)


def test_differences_are_kept_within_twice_the_range_not_the_range():
    assert gap_range("nps") == (-200.0, 200.0)
    assert gap_range("csat") == (-100.0, 100.0) and gap_range("fcr") == (-100.0, 100.0)
    assert gap_range("ces") == (-6.0, 6.0)
    # a gap of 150 NPS points is possible, and is not clipped to 100
    diff = stats.difference(100.0, 1.0, -50.0, 1.0, bounds=gap_range("nps"))
    assert diff.value == 150.0 and diff.high > 100.0
    # 0 ± 1.96 × sqrt(2 × 10,000) = ±277 for two NPS figures of one promoter and one detractor each
    wide = stats.difference(0.0, 10000.0, 0.0, 10000.0, bounds=gap_range("nps"))
    assert (wide.low, wide.high) == (-200.0, 200.0)
    assert wide.p_value == 1.0 and not wide.excludes_zero


def test_metric_figures_trend_band_and_tile_stay_in_range(con, tmp_path):
    _load(con, tmp_path, "responses", "response_id,responded_at,nps,ces\n"
          "r1,2024-03-01 10:00,10,7\nr2,2024-03-01 11:00,0,6\nr3,2024-03-01 12:00,2,\nr4,2024-03-01 13:00,5,\n")
    overall = metrics(con)["overall"]
    assert overall["nps"] == -50.0
    assert (overall["nps_low"], overall["nps_high"]) == (-100.0, pytest.approx(-50 + overall["nps_moe"]))
    assert overall["ces_high"] == 7.0
    trend = metric_trend(con, "day", Filters())
    assert trend["nps_low"].min() == -100.0 and trend["ces_high"].max() == 7.0
    nps_tile = next(t for t in kpi_tiles(overall, 7, False) if t.key == "nps")
    assert nps_tile.interval == f"-100.0 to {-50 + overall['nps_moe']:.1f}"


def test_a_segment_gap_interval_stays_within_twice_the_nps_range(con, tmp_path):
    # gold: 10, 0 (NPS 0); basic: 10, 0, 0 (NPS −33.3). Gap ±33.3 with a half-width of
    # 1.96 × sqrt(5,000 + 2,963) = 174.9: unclipped, the ends would be ±208.2.
    _load(con, tmp_path, "customers", "customer_id,tier\nA,gold\nB,gold\nC,basic\nD,basic\nE,basic\n")
    _load(con, tmp_path, "responses", "response_id,customer_id,nps\nr1,A,10\nr2,B,0\nr3,C,10\nr4,D,0\nr5,E,0\n")
    gaps = segment_gaps(con, "nps", "tier").set_index("tier")
    assert gaps.loc["gold", "gap"] == pytest.approx(100 / 3)
    assert gaps.loc["gold", "gap_high"] == 200.0 and gaps.loc["basic", "gap_low"] == -200.0
    assert gaps.loc["gold", "gap_low"] == pytest.approx(100 / 3 - stats.Z95 * math.sqrt(5000 + 80000 / 27))


# --- outcome groups add up to the overall figures --------------------------------------------------

OUTCOMES_NO_ANSWER = """customer_id,month,revenue,churned
a,2024-01,10,false
a,2024-02,10,false
b,2024-01,10,false
b,2024-02,10,true
c,2024-01,5,true
d,2024-01,5,false
d,2024-02,5,false
"""
# a is a promoter before February, b a detractor; c and d never answered.
RESPONSES_TWO = "response_id,customer_id,responded_at,nps,csat\nr1,a,2023-12-01,10,5\nr2,b,2023-12-01,3,2\n"


def _outcome_store(con, tmp_path, outcomes_text=OUTCOMES_NO_ANSWER):
    _load(con, tmp_path, "outcomes", outcomes_text)
    _load(con, tmp_path, "responses", RESPONSES_TWO)


def test_customers_without_an_answer_are_a_group_of_their_own(con, tmp_path):
    _outcome_store(con, tmp_path)
    result = outcomes.outcomes(con, "nps_group")
    overall = result["overall"]
    assert (overall["customers"], overall["churn_rate"]) == (4, 50.0)
    groups = {g["nps_group"]: g for g in result["groups"]}
    assert list(groups) == ["promoter", "detractor", "no answer"]  # reading order, no answer last
    assert (groups["promoter"]["customers"], groups["promoter"]["churn_rate"]) == (1, 0.0)
    assert (groups["detractor"]["customers"], groups["detractor"]["churn_rate"]) == (1, 100.0)
    assert (groups["no answer"]["customers"], groups["no answer"]["churn_rate"], groups["no answer"]["revenue"]) == (
        2, 50.0, 15.0)
    # the finding: before, every group sat at or below 50 % except the detractors, and the no-answer
    # customers (one churned of two) were nowhere; now 1×0 + 1×100 + 2×50 = 200 = 4 × 50
    assert sum(g["customers"] * g["churn_rate"] for g in groups.values()) == pytest.approx(4 * overall["churn_rate"])
    sentence = reconciliation_sentence(overall, result["groups"], "nps_group", "NPS group")
    assert sentence.startswith("The 4 customers are 1 promoter, 1 detractor and 2 customers with no answer; "
                               "the overall churn rate of 50.0 % is the groups' churn rates weighted")
    assert "had no NPS score before their deciding month" in sentence


def _random_outcome_store(con, tmp_path, seed):
    rng = random.Random(seed)
    months = [date(2024, m, 1) for m in range(1, 7)]
    outcome_rows, response_rows, contact_rows = [], [], []
    for i in range(60):
        customer = f"c{i}"
        first, last = sorted(rng.sample(range(len(months)), 2))
        churn_at = rng.choice([None, last])
        for m in months[first:last + 1]:
            revenue = rng.choice(["", 0.25 * rng.randint(0, 400)])
            outcome_rows.append(f"{customer},{m:%Y-%m},{revenue},{'true' if m == (months[churn_at] if churn_at is not None else None) else 'false'}")
        for k in range(rng.choice([0, 0, 1, 2, 3])):  # a third never answer
            at = datetime(2023, 12, 1) + timedelta(hours=rng.randint(0, 24 * 180))
            nps = rng.choice([str(rng.randint(0, 10)), ""])
            csat = rng.choice([str(rng.randint(1, 5)), ""])
            response_rows.append(f"r{i}_{k},{customer},{at:%Y-%m-%d %H:%M},{nps},{csat}")
        for k in range(rng.choice([0, 1, 2])):
            at = datetime(2024, 1, 1) + timedelta(hours=rng.randint(0, 24 * 150))
            contact_rows.append(f"k{i}_{k},{customer},{at:%Y-%m-%d %H:%M}")
    _load(con, tmp_path, "outcomes", "customer_id,month,revenue,churned\n" + "\n".join(outcome_rows) + "\n")
    _load(con, tmp_path, "responses", "response_id,customer_id,responded_at,nps,csat\n" + "\n".join(response_rows) + "\n")
    _load(con, tmp_path, "contacts", "contact_id,customer_id,started_at\n" + "\n".join(contact_rows) + "\n")
    rollups.ensure_fresh(con)


def _assert_groups_add_up(frame):
    overall = frame[frame["is_overall"] == 1].iloc[0]
    groups = frame[(frame["is_overall"] == 0) & frame["group_value"].notna()]
    assert groups["customers"].sum() == overall["customers"]
    assert groups["churned_customers"].sum() == overall["churned_customers"]
    assert groups["revenue"].sum() == pytest.approx(overall["revenue"])
    assert groups["revenue_sum_sq"].sum() == pytest.approx(overall["revenue_sum_sq"])


@pytest.mark.parametrize("seed", [1, 2])
def test_groups_add_up_to_the_overall_on_every_path(tmp_path, seed):
    con = connect(tmp_path / "r.duckdb")
    _random_outcome_store(con, tmp_path, seed)
    march_on = Filters(date_from=date(2024, 3, 1))
    for by in ("nps_group", "csat_group", "repeat_contact"):
        for filters in (Filters(), march_on):
            _assert_groups_add_up(outcomes.table_counts(con, by, 7, False, filters, from_spans=False))
            _assert_groups_add_up(outcomes.table_counts(con, by, 7, False, filters, from_spans=True))
        summed = outcome_rollups.counts(con, by, 7, False, Filters(), rollups.rolled_segments(con))
        assert summed is not None
        _assert_groups_add_up(summed)
        result = outcomes.outcomes(con, by)
        overall, groups = result["overall"], result["groups"]
        churned = sum(g["customers"] * g["churn_rate"] for g in groups)
        assert churned == pytest.approx(overall["customers"] * overall["churn_rate"])
    con.close()


# --- nothing loaded is no figure, not 0 -----------------------------------------------------------

def test_outcomes_without_revenue_show_no_revenue(con, tmp_path):
    _outcome_store(con, tmp_path, "customer_id,month,churned\na,2024-01,false\nb,2024-02,true\nc,2024-01,true\n")
    result = outcomes.outcomes(con, "nps_group")
    assert result["overall"]["revenue"] is None and result["overall"]["revenue_per_customer"] is None
    assert result["overall"]["churn_rate"] == pytest.approx(200 / 3)
    assert all(g["revenue"] is None and g["revenue_at_risk"] is None for g in result["groups"])
    assert revenue_at_risk_sentence(result["groups"]).startswith("Revenue at risk: No revenue loaded")
    trend = outcomes.outcome_trend(con)
    assert trend["revenue"].isna().all() and trend["churn_rate"].notna().any()


def test_outcomes_without_churn_show_no_churn_rate(con, tmp_path):
    _outcome_store(con, tmp_path, "customer_id,month,revenue\na,2024-01,10\nb,2024-02,5\n")
    result = outcomes.outcomes(con, "nps_group")
    assert result["overall"]["churn_rate"] is None and result["overall"]["revenue"] == 15.0
    assert all(g["churn_rate"] is None and g["revenue_at_risk"] is None for g in result["groups"])
    assert outcomes.outcome_trend(con)["churn_rate"].isna().all()


def test_the_outcomes_command_prints_null_revenue_and_the_no_answer_group(tmp_path, cli_db, run_cli):
    con = connect(cli_db)
    _outcome_store(con, tmp_path, "customer_id,month,churned\na,2024-02,false\nc,2024-01,true\n")
    con.close()
    code, payload, _ = run_cli("outcomes", "--by", "nps_group")
    assert code == 0
    assert payload["overall"]["revenue"] is None and payload["overall"]["customers"] == 2
    assert [(g["nps_group"], g["customers"], g["revenue"]) for g in payload["groups"]] == [
        ("promoter", 1, None), ("no answer", 1, None)]


def test_contact_fcr_note_says_why_and_what_would_fill_it(con, tmp_path):
    _load(con, tmp_path, "contacts", "contact_id,started_at\nk1,2024-03-01 09:00\nk2,2024-03-02 09:00\n")
    overall = metrics(con)["overall"]
    assert overall["fcr"] is None and overall["contacts"] == 2
    assert contact_fcr_note(overall, 7).startswith("Contact FCR needs customer ids; none of the 2 contacts")
    # with the agent's own record (contact-centre measures), it is named beside, never substituted
    assert contact_fcr_note({**overall, "resolved_rate": 89.9}, 7).endswith(
        "Reported resolution (what the agent recorded): 89.9 %.")
    # customer ids, but every contact still inside its window: censored
    censored = {**overall, "repeat_n": 2}
    assert contact_fcr_note(censored, 7).startswith("Contact FCR: every contact with a customer id")
    assert contact_fcr_note({**overall, "contacts": 0}, 7) == ""
