"""The status engine (cxmetrics/engine/status.py) on hand-computed cases: the path of a sprint, on track /
at risk / off track at and around each boundary, better / worse / no real change, and the stored
sprint (migration 18, cxmetrics/engine/targets.py)."""

from datetime import date

import pandas as pd
import pytest

from cxmetrics.store.db import connect
from cxmetrics.engine.periods import centre_changes
from cxmetrics.engine.status import (AT_RISK, BETTER, NO_REAL_CHANGE, NOT_JUDGED, OFF_TRACK, ON_TRACK, WORSE,
                                     Target, against_previous, against_target, default_end, path_value,
                                     statuses)
from cxmetrics.engine.targets import get_target_plans, get_targets, set_target

START, END = date(2026, 1, 1), date(2026, 3, 26)  # 84 days: halfway is 12 Feb
SPRINT = Target("csat", 80.0, START, END, 70.0)
HALFWAY = date(2026, 2, 12)


def test_a_sprint_ends_twelve_weeks_after_its_start():
    assert default_end(START) == END


@pytest.mark.parametrize("day, expected", [
    (date(2025, 12, 1), 70.0),  # before the start: the baseline
    (START, 70.0),
    (date(2026, 1, 22), 72.5),  # 21 of 84 days: a quarter of the way
    (HALFWAY, 75.0),
    (END, 80.0),
    (date(2026, 6, 1), 80.0),  # after the end: the target
])
def test_the_path_runs_straight_from_the_baseline_to_the_target(day, expected):
    assert path_value(SPRINT, day) == pytest.approx(expected)


def test_a_target_without_a_sprint_is_a_flat_path():
    assert path_value(Target("csat", 80.0), START) == 80.0


@pytest.mark.parametrize("value, low, high, word", [
    (75.0, 73.0, 77.0, ON_TRACK),     # exactly on the path
    (76.0, 74.0, 78.0, ON_TRACK),     # ahead of it
    (74.0, 72.0, 76.0, AT_RISK),      # behind, the path inside the interval
    (74.0, 72.0, 75.0, AT_RISK),      # behind, the interval's better end just reaches the path
    (72.0, 70.0, 74.9, OFF_TRACK),    # behind, the whole interval short of the path
])
def test_higher_is_better_against_the_path(value, low, high, word):
    status = against_target("csat", value, low, high, 400, SPRINT, HALFWAY)
    assert status.word == word and status.basis == "target"
    assert status.tone == {ON_TRACK: "good", AT_RISK: "warn", OFF_TRACK: "bad"}[word]


@pytest.mark.parametrize("value, low, high, word", [
    (10.0, 8.0, 12.0, ON_TRACK),
    (11.0, 9.5, 12.5, AT_RISK),
    (11.0, 10.0, 12.0, AT_RISK),      # the better (lower) end exactly on the target
    (12.0, 10.5, 13.5, OFF_TRACK),
])
def test_lower_is_better_for_repeats(value, low, high, word):
    assert against_target("repeat_rate", value, low, high, 400, Target("repeat_rate", 10.0), HALFWAY).word == word


def test_the_detail_says_ahead_of_or_behind_the_path_and_what_is_left():
    behind = against_target("csat", 74.0, 72.0, 76.0, 400, SPRINT, HALFWAY)
    assert behind.detail == "target 80.0 % by 26 Mar 2026 · path 75.0 % on 12 Feb 2026 · 1.0 pts behind the path · 6.0 pts to go"
    ahead = against_target("csat", 77.5, 75.0, 80.0, 400, SPRINT, HALFWAY)
    assert "2.5 pts ahead of the path · 2.5 pts to go" in ahead.detail
    reached = against_target("csat", 81.0, 79.0, 83.0, 400, SPRINT, END)
    assert reached.detail.endswith("1.0 pts ahead of the path · target reached")
    early = against_target("csat", 71.0, 69.0, 73.0, 400, SPRINT, date(2025, 12, 20))
    assert early.detail == "target 80.0 % by 26 Mar 2026 · starts 1 Jan 2026 from 70.0 % · 9.0 pts to go"
    flat = against_target("nps", 20.0, 15.0, 25.0, 400, Target("nps", 30.0), HALFWAY)
    assert (flat.word, flat.detail) == (OFF_TRACK, "target +30 · 10.0 points to go")  # 25 < 30


def test_too_few_or_no_data_is_not_judged():
    assert against_target("csat", 50.0, 30.0, 70.0, 29, SPRINT, HALFWAY).detail == "too few to judge (n = 29)"
    assert against_target("csat", None, None, None, 0, SPRINT, HALFWAY).detail == "no data in this period"
    assert against_target("csat", 75.0, 73.0, 77.0, 30, SPRINT, HALFWAY).word == ON_TRACK  # 30 is enough
    assert against_previous("nps", 29, {"value": 9.0, "significant": True}).word == NOT_JUDGED


def test_a_figure_without_an_interval_is_its_own_interval():
    assert against_target("aht_seconds", 310.0, None, None, 40, Target("aht_seconds", 300.0), HALFWAY).word == OFF_TRACK


@pytest.mark.parametrize("metric, change, word, tone", [
    ("nps", {"value": 6.0, "low": 1.0, "high": 11.0, "significant": True}, BETTER, "good"),
    ("nps", {"value": -6.0, "low": -11.0, "high": -1.0, "significant": True}, WORSE, "bad"),
    ("nps", {"value": 3.0, "low": -2.0, "high": 8.0, "significant": False}, NO_REAL_CHANGE, "neutral"),
    ("repeat_rate", {"value": 2.0, "low": 0.5, "high": 3.5, "significant": True}, WORSE, "bad"),
    ("repeat_rate", {"value": -2.0, "low": -3.5, "high": -0.5, "significant": True}, BETTER, "good"),
    ("aht_seconds", {"value": -20.0, "low": -30.0, "high": -10.0, "significant": True}, BETTER, "good"),
    ("nps", None, NOT_JUDGED, "neutral"),
    ("nps", {"value": None, "low": None, "high": None, "significant": False}, NOT_JUDGED, "neutral"),
])
def test_against_the_previous_period(metric, change, word, tone):
    status = against_previous(metric, 100, change)
    assert (status.word, status.tone) == (word, tone)


def test_the_previous_period_detail_names_the_change_and_its_interval():
    status = against_previous("nps", 100, {"value": 3.0, "low": -2.0, "high": 8.0, "significant": False})
    assert status.detail == "+3.0 points vs the previous period (95 % interval -2.0 points to +8.0 points): could be noise"


def test_statuses_use_the_target_when_there_is_one_and_skip_volume():
    figures = {"csat": 74.0, "csat_low": 72.0, "csat_high": 76.0, "csat_n": 400,
               "nps": 20.0, "nps_low": 15.0, "nps_high": 25.0, "nps_n": 400, "contacts": 900}
    changes = {"nps": {"value": 6.0, "low": 1.0, "high": 11.0, "significant": True}}
    found = statuses(("nps", "csat", "contacts"), figures, changes, {"csat": SPRINT}, HALFWAY)
    assert set(found) == {"nps", "csat"}
    assert (found["csat"].word, found["csat"].basis) == (AT_RISK, "target")
    assert (found["nps"].word, found["nps"].basis) == (BETTER, "previous")
    assert "95 % interval" in found["nps"].rule and "path" in found["csat"].rule
    # Without a last day (undated data) a target cannot be placed on its path: the previous period judges.
    assert statuses(("csat",), figures, {}, {"csat": SPRINT}, None)["csat"].basis == ""


def _counts(**values):
    base = {"abandoned": 0, "answered_known": 0, "resolved_yes": 0, "resolved_known": 0, "transferred": 0,
            "transfers_known": 0, "wait_ms": 0, "wait_ms_sq": 0, "wait_n": 0, "handle_ms": 0, "handle_ms_sq": 0,
            "handle_n": 0}
    return pd.Series({**base, **values})


def test_contact_centre_changes_are_tested_like_the_headline_figures():
    # Abandonment 20/100 against 10/100: variance 10000 × (0.16 + 0.09) / 100 = 25, se 5.
    # Handle time: 40 contacts at mean 100 s (sample variance 400) against mean 90 s: se sqrt(10 + 10).
    now = _counts(abandoned=20, answered_known=100, handle_ms=4_000_000, handle_ms_sq=415_600_000_000, handle_n=40)
    before = _counts(abandoned=10, answered_known=100, handle_ms=3_600_000,
                     handle_ms_sq=(39 * 400 + 40 * 8100) * 1_000_000, handle_n=40)
    changes = centre_changes(now, before)
    assert changes["abandon_rate"]["value"] == pytest.approx(10.0)
    assert changes["abandon_rate"]["low"] == pytest.approx(10.0 - 1.959964 * 5.0, abs=1e-4)
    assert changes["abandon_rate"]["significant"]
    assert changes["aht_seconds"]["value"] == pytest.approx(10.0)
    assert changes["aht_seconds"]["low"] == pytest.approx(10.0 - 1.959964 * 20 ** 0.5, abs=1e-4)
    assert changes["aht_seconds"]["significant"]
    assert changes["asa_seconds"]["value"] is None and not changes["asa_seconds"]["significant"]
    # Fewer than 30 in a period: never significant, however far apart.
    few = centre_changes(_counts(abandoned=20, answered_known=29), _counts(abandoned=0, answered_known=100))
    assert not few["abandon_rate"]["significant"]


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "targets.duckdb")
    yield connection
    connection.close()


def test_a_sprint_is_stored_with_its_default_end_and_baseline(con):
    set_target(con, "csat", 80, START, baseline=70)
    set_target(con, "nps", 30)
    assert get_target_plans(con) == {"csat": SPRINT, "nps": Target("nps", 30.0)}
    assert get_targets(con) == {"csat": 80.0, "nps": 30.0}  # the plain reading stays as it was
    set_target(con, "csat", None)
    assert set(get_target_plans(con)) == {"nps"}


@pytest.mark.parametrize("arguments, message", [
    (dict(start=START, end=START), "must come after the start day"),
    (dict(start=None, baseline=70.0), "need a start day"),
    (dict(start=START, baseline=float("nan")), "baseline must be a finite number"),
])
def test_a_sprint_that_cannot_be_is_refused_and_nothing_stored(con, arguments, message):
    with pytest.raises(ValueError, match=message):
        set_target(con, "csat", 80, **arguments)
    assert get_target_plans(con) == {}
