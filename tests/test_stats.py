"""Hand-computed cases for the statistics behind every figure."""

import math

import pytest

from cxmetrics.core import stats


def scores(values):
    """Return (promoters, detractors, n) of a list of 0–10 scores."""
    return sum(v >= 9 for v in values), sum(v <= 6 for v in values), len(values)


@pytest.mark.parametrize(
    "values, expected_nps, expected_moe",
    [
        ([10, 9, 8, 6, 0], 0.0, 78.4),  # p = d = 0.4: 196 × sqrt(0.8 / 5)
        ([7, 8, 7], 0.0, 0.0),  # all passives
        ([10, 10], 100.0, 0.0),  # all promoters: no spread
        ([0, 0, 0, 9], -50.0, 196 * math.sqrt(0.1875)),  # p = .25, d = .75: (1 − .25) / 4
        ([6], -100.0, 0.0),
        ([], None, None),  # empty input has no score, not a score of 0
    ],
)
def test_nps_and_margin_of_error(values, expected_nps, expected_moe):
    p, d, n = scores(values)
    assert stats.nps(p, d, n) == (pytest.approx(expected_nps) if expected_nps is not None else None)
    assert stats.nps_moe(p, d, n) == (pytest.approx(expected_moe) if expected_moe is not None else None)


@pytest.mark.parametrize(
    "successes, n, value, low, high",
    [
        (8, 10, 80.0, 49.016, 94.332),  # textbook Wilson interval for 8/10
        (0, 10, 0.0, 0.0, 27.753),
        (10, 10, 100.0, 72.247, 100.0),
        (50, 100, 50.0, 40.383, 59.617),
    ],
)
def test_wilson_interval(successes, n, value, low, high):
    rate = stats.wilson(successes, n)
    assert (rate.value, rate.n) == (pytest.approx(value), n)
    assert rate.low == pytest.approx(low, abs=1e-3)
    assert rate.high == pytest.approx(high, abs=1e-3)
    assert rate.low <= rate.value <= rate.high


def test_wilson_of_nothing_is_no_figure():
    assert stats.wilson(0, 0) == stats.Rate(None, None, None, 0)


@pytest.mark.parametrize(
    "total, total_sq, n, mean, low, high",
    [
        (12.0, 50.0, 4, 3.0, 3.0 - 1.959964 * math.sqrt((50 - 36) / 3 / 4), 3.0 + 1.959964 * math.sqrt((50 - 36) / 3 / 4)),
        (5.0, 25.0, 1, 5.0, None, None),  # one value: a mean but no interval
    ],
)
def test_mean_and_interval(total, total_sq, n, mean, low, high):
    assert stats.mean(total, n) == pytest.approx(mean)
    got_low, got_high = stats.mean_interval(total, total_sq, n)
    if low is None:
        assert (got_low, got_high) == (None, None)
    else:
        assert (got_low, got_high) == (pytest.approx(low, abs=1e-4), pytest.approx(high, abs=1e-4))


def test_difference_of_two_nps_estimates():
    # group [10, 10, 0] vs rest [10, 0, 0, 8]
    a = stats.nps(2, 1, 3)
    b = stats.nps(1, 2, 4)
    var_a = 10000 * (1 - (1 / 3) ** 2) / 3  # p + d = 1, p − d = 1/3
    var_b = 10000 * (0.75 - 0.25**2) / 4  # p + d = .75, p − d = −.25
    diff = stats.difference(a, stats.nps_variance(2, 1, 3), b, stats.nps_variance(1, 2, 4))
    se = math.sqrt(var_a + var_b)
    assert diff.value == pytest.approx(100 / 3 + 25)
    assert diff.low == pytest.approx(100 / 3 + 25 - 1.959964 * se, abs=1e-3)
    assert diff.high == pytest.approx(100 / 3 + 25 + 1.959964 * se, abs=1e-3)
    assert not diff.excludes_zero
    assert diff.p_value == pytest.approx(math.erfc((100 / 3 + 25) / se / math.sqrt(2)))


def test_difference_excludes_zero_when_clear():
    diff = stats.difference(60.0, 4.0, 40.0, 5.0)  # se = 3
    assert diff.excludes_zero and diff.low == pytest.approx(20 - 1.959964 * 3, abs=1e-4)
    assert stats.difference(None, None, 40.0, 5.0).value is None


@pytest.mark.parametrize(
    "p_values, expected",
    [
        ([0.01, 0.04, 0.03, 0.005], [True, True, True, True]),  # each under q·rank/m
        ([0.01, 0.02, 0.03, 0.5], [True, True, True, False]),
        ([0.03, 0.5, 0.6], [False, False, False]),  # 0.03 > 0.05 · 1/3
        ([0.04, 0.04], [True, True]),  # rank 2: 0.04 ≤ 0.05
        ([0.001, None, 0.9], [True, False, False]),  # a missing p-value is never a discovery
        ([], []),
    ],
)
def test_benjamini_hochberg(p_values, expected):
    assert stats.benjamini_hochberg(p_values) == expected
