"""The statistics behind every figure: pure functions of counts and sums, in percent where rates.

Kept free of DuckDB and pandas so each definition can be proved by hand-computed cases. Every
function returns None for a figure that has no data (n = 0) rather than 0, which would read as
a real score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

Z95 = 1.959963984540054  # two-sided 95 % normal quantile
SMALL_N = 30  # below this a figure is shown greyed as "too few responses"

# The range each figure can take. An interval is clipped to it: the normal approximation behind
# the NPS margin and the mean's interval knows nothing of the scale, and with few answers reaches
# past it (two answers, one 10 and one 0: NPS 0 ± 138.6), which no reader can take literally.
NPS_RANGE = (-100.0, 100.0)
RATE_RANGE = (0.0, 100.0)
CES_RANGE = (1.0, 7.0)
CSAT_RANGE = (1.0, 5.0)


def clip(low: float | None, high: float | None, bounds: tuple[float, float] | None) -> tuple[float | None, float | None]:
    """Return (low, high) moved inside `bounds` (None bounds or None ends: unchanged)."""
    if bounds is None or low is None or high is None:
        return (low, high)
    floor, ceiling = bounds
    return (min(max(low, floor), ceiling), max(min(high, ceiling), floor))


def gap_bounds(bounds: tuple[float, float]) -> tuple[float, float]:
    """Return the range of a difference between two figures that each lie in `bounds`.

    A gap is not clipped to the figure's own range: two NPS figures can differ by up to 200
    points, so a gap interval is only kept within ±(ceiling − floor)."""
    width = bounds[1] - bounds[0]
    return (-width, width)


@dataclass(frozen=True)
class Rate:
    """A percentage with its 95 % interval and the number of observations behind it."""

    value: float | None
    low: float | None
    high: float | None
    n: int


def nps(promoters: int, detractors: int, n: int) -> float | None:
    """Return the Net Promoter Score, 100 × (P − D) / n, or None when n = 0."""
    if n <= 0:
        return None
    return 100.0 * (promoters - detractors) / n


def nps_moe(promoters: int, detractors: int, n: int) -> float | None:
    """Return the NPS margin of error (95 %): 196 × sqrt((p + d − (p − d)²) / n)."""
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    variance = max(p + d - (p - d) ** 2, 0.0)  # rounding can push an exact 0 just below it
    return 196.0 * math.sqrt(variance / n)


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float | None, float | None]:
    """Return the NPS 95 % interval, NPS ± its margin of error clipped to −100..100 (None when n = 0)."""
    score = nps(promoters, detractors, n)
    if score is None:
        return (None, None)
    moe = nps_moe(promoters, detractors, n)
    return clip(score - moe, score + moe, NPS_RANGE)


def wilson(successes: int, n: int, z: float = Z95) -> Rate:
    """Return the share successes / n in percent with its Wilson score interval."""
    if n <= 0:
        return Rate(None, None, None, 0)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At p = 0 or 1 the bound equals p in exact arithmetic; clamp so rounding never leaves the
    # estimate outside its own interval.
    low, high = min(max(0.0, centre - half), p), max(min(1.0, centre + half), p)
    return Rate(100.0 * p, 100.0 * low, 100.0 * high, n)


def mean(total: float, n: int) -> float | None:
    """Return total / n, or None when n = 0."""
    return total / n if n > 0 else None


def mean_interval(
    total: float, total_sq: float, n: int, z: float = Z95, bounds: tuple[float, float] | None = None
) -> tuple[float | None, float | None]:
    """Return the normal-approximation 95 % interval of a mean from its sum and sum of squares,
    clipped to `bounds` (the scale's range, e.g. CES_RANGE) when given."""
    if n <= 1:
        return (None, None)
    m = total / n
    variance = max((total_sq - n * m * m) / (n - 1), 0.0)
    half = z * math.sqrt(variance / n)
    return clip(m - half, m + half, bounds)


def nps_variance(promoters: int, detractors: int, n: int) -> float | None:
    """Return the sampling variance of an NPS estimate, in points squared."""
    if n <= 0:
        return None
    p, d = promoters / n, detractors / n
    return 10000.0 * max(p + d - (p - d) ** 2, 0.0) / n


def proportion_variance(successes: int, n: int) -> float | None:
    """Return the sampling variance of a share in percent points squared (Wald)."""
    if n <= 0:
        return None
    p = successes / n
    return 10000.0 * p * (1 - p) / n


def mean_variance(total: float, total_sq: float, n: int) -> float | None:
    """Return the sampling variance of a mean, from its sum and sum of squares."""
    if n <= 1:
        return None
    m = total / n
    return max((total_sq - n * m * m) / (n - 1), 0.0) / n


@dataclass(frozen=True)
class Difference:
    """A difference between two independent estimates, its 95 % interval and two-sided p-value."""

    value: float | None
    low: float | None
    high: float | None
    p_value: float | None

    @property
    def excludes_zero(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)


def difference(
    a: float | None, var_a: float | None, b: float | None, var_b: float | None, z: float = Z95,
    bounds: tuple[float, float] | None = None,
) -> Difference:
    """Return a − b with the normal interval sqrt(var_a + var_b) and its two-sided p-value; the
    interval kept within `bounds` (a difference's range, see gap_bounds) when given. The p-value
    and whether the interval excludes 0 are those of the unclipped interval: clipping to a range
    that holds 0 never moves an end across 0."""
    if a is None or b is None or var_a is None or var_b is None:
        return Difference(None, None, None, None)
    diff = a - b
    se = math.sqrt(var_a + var_b)
    if se == 0:
        return Difference(diff, diff, diff, 1.0 if diff == 0 else 0.0)
    p_value = math.erfc(abs(diff) / se / math.sqrt(2))
    low, high = clip(diff - z * se, diff + z * se, bounds)
    return Difference(diff, low, high, p_value)


def benjamini_hochberg(p_values: list[float | None], q: float = 0.05) -> list[bool]:
    """Return, for each p-value, whether it is a discovery at false-discovery rate q (None -> False)."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if p is not None)
    m = len(indexed)
    cutoff_rank = 0
    for rank, (p, _) in enumerate(indexed, start=1):
        if p <= q * rank / m:
            cutoff_rank = rank
    significant = [False] * len(p_values)
    for rank, (_, i) in enumerate(indexed, start=1):
        if rank <= cutoff_rank:
            significant[i] = True
    return significant


@lru_cache(maxsize=4096)
def t_quantile(df: int, p: float = 0.975) -> float:
    """Return Student's t quantile with `df` degrees of freedom (p = 0.975: the two-sided 95 % one).

    Exact (to 1e-12) for df <= 200, by bisection on the t distribution's closed-form CDF for whole
    degrees of freedom (Abramowitz & Stegun 26.7.3-4); above that the Cornish-Fisher expansion in
    the normal quantile, whose error there is below 1e-10."""
    if df < 1:
        raise ValueError("a t quantile needs at least 1 degree of freedom")
    if df > 200:
        z = _normal_quantile(p)
        g1 = (z ** 3 + z) / 4
        g2 = (5 * z ** 5 + 16 * z ** 3 + 3 * z) / 96
        g3 = (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / 384
        g4 = (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / 92160
        return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4
    target = 2 * p - 1  # P(|T| < t)
    low, high = 0.0, 1.0
    while _t_central(high, df) < target:
        high *= 2
    for _ in range(200):
        mid = (low + high) / 2
        if _t_central(mid, df) < target:
            low = mid
        else:
            high = mid
        if high - low < 1e-13:
            break
    return (low + high) / 2


def _t_central(t: float, df: int) -> float:
    """Return P(|T| < t) for Student's t with whole `df` degrees of freedom (A&S 26.7.3-4)."""
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    if df % 2:  # odd
        term, total = 1.0, 1.0 if df > 1 else 0.0
        for k in range(1, (df - 1) // 2):
            term *= cos2 * (2 * k) / (2 * k + 1)
            total += term
        return (2 / math.pi) * (theta + (math.sin(theta) * math.cos(theta) * total if df > 1 else 0.0))
    term, total = 1.0, 1.0
    for k in range(1, df // 2):
        term *= cos2 * (2 * k - 1) / (2 * k)
        total += term
    return math.sin(theta) * total


def _normal_quantile(p: float) -> float:
    """Return the standard normal quantile, by bisection on erf (only p = 0.975 is asked today)."""
    low, high = -10.0, 10.0
    for _ in range(200):
        mid = (low + high) / 2
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def t_mean_interval(total: float, total_sq: float, n: int, floor: float | None = None) -> tuple[float | None, float | None]:
    """Return the Student t 95 % interval of a mean, `m ± t(n − 1) × s / sqrt(n)`, from its sum and
    sum of squares; its low end no lower than `floor` (a duration is never below 0 s)."""
    if n <= 1:
        return (None, None)
    m = total / n
    variance = max((total_sq - n * m * m) / (n - 1), 0.0)
    half = t_quantile(n - 1) * math.sqrt(variance / n)
    low = m - half
    return (low if floor is None else max(floor, low), m + half)
