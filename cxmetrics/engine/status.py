"""Good or bad at a glance: each headline figure judged against its target, or else its previous period.

Pure functions: a figure (value, 95 % interval, n), its target plan or its change against the
previous period in, a `Status` out: the word a manager reads, the tone it is coloured in, and a
line saying how far ahead of or behind the path it is. Significance of a change keeps its own
marker on the tiles; a status is a separate judgement, made with the rules below (also the help
text of every status, see `rule_text`).

Against a target (a sprint): the target has a start day, an end day (12 weeks later unless set)
and the baseline the figure stood at when it started. The path runs in a straight line from the
baseline on the start day to the target on the end day (before the start it is the baseline,
after the end the target). On the last day of the period shown the figure is
- on track when it is at or better than the path,
- at risk when it is behind the path but the path lies inside its 95 % interval (the shortfall
  could be noise),
- off track when even the better end of its 95 % interval falls short of the path.
A target without a start (set before targets had sprints) is a flat path at the target itself.

Without a target, against the previous period of the same length: better or worse when the change
is significant (its 95 % interval excludes 0, both periods 30+ observations: cxmetrics.engine.periods),
otherwise "no real change". A figure on fewer than 30 observations is not judged either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..core.presentation import INTERVAL_FIELDS, N_FIELD, SECONDS, format_value
from ..core.stats import SMALL_N

DEFAULT_WEEKS = 12

ON_TRACK, AT_RISK, OFF_TRACK = "on track", "at risk", "off track"
BETTER, WORSE, NO_REAL_CHANGE = "better", "worse", "no real change"
NOT_JUDGED = "not judged"
GOOD, WARN, BAD, NEUTRAL = "good", "warn", "bad", "neutral"
TONES = {ON_TRACK: GOOD, BETTER: GOOD, AT_RISK: WARN, OFF_TRACK: BAD, WORSE: BAD, NO_REAL_CHANGE: NEUTRAL,
         NOT_JUDGED: NEUTRAL}

# Which way is better. CES is the 1-7 "easy" scale (higher = easier); waiting, handling and
# abandoning are costs to the customer, so lower is better for them.
LOWER_IS_BETTER = frozenset({"repeat_rate", "abandon_rate", "asa_seconds", "aht_seconds"})
# Figures with no better direction are never judged (volume is not good or bad in itself).
UNJUDGED = frozenset({"contacts"})


@dataclass(frozen=True)
class Target:
    """A target as a sprint: reach `value` by `end`, starting from `baseline` on `start`.

    `start`, `end` and `baseline` are None for a target set without a sprint (a flat path)."""

    metric: str
    value: float
    start: date | None = None
    end: date | None = None
    baseline: float | None = None

    @property
    def has_path(self) -> bool:
        return self.start is not None and self.end is not None and self.baseline is not None


@dataclass(frozen=True)
class Status:
    """The judgement of one figure: `word` (e.g. "off track"), its `tone` (good, warn, bad, neutral),
    what it was judged against (`basis`: "target", "previous" or "" when not judged) and a `detail` line."""

    word: str
    tone: str
    basis: str
    detail: str

    @property
    def rule(self) -> str:
        return rule_text(self.basis)


def default_end(start: date, weeks: int = DEFAULT_WEEKS) -> date:
    """Return the end day of a sprint starting on `start` (`weeks` weeks later)."""
    return start + timedelta(weeks=weeks)


def path_value(target: Target, day: date) -> float:
    """Return what the path asks of the figure on `day`: the baseline up to the start, the target from
    the end on, a straight line between; the target itself when the target has no path."""
    if not target.has_path:
        return target.value
    if day <= target.start:
        return target.baseline
    if day >= target.end:
        return target.value
    share = (day - target.start).days / (target.end - target.start).days
    return target.baseline + (target.value - target.baseline) * share


def against_target(metric: str, value: float | None, low: float | None, high: float | None, n: int,
                   target: Target, day: date) -> Status:
    """Return on track / at risk / off track for a figure on `day` (the last day of the period shown)."""
    if value is None or n < SMALL_N:
        return _not_judged(value, n)
    lower = metric in LOWER_IS_BETTER
    path = path_value(target, day)
    ahead = (path - value) if lower else (value - path)  # > 0: better than the path asks
    # The better end of the interval: a figure without one (a single duration) is its own interval.
    best = (low if lower else high)
    best = value if best is None else best
    if ahead >= 0:
        word = ON_TRACK
    elif (best <= path) if lower else (best >= path):
        word = AT_RISK
    else:
        word = OFF_TRACK
    return Status(word, TONES[word], "target", _target_detail(metric, value, path, ahead, target, day))


def against_previous(metric: str, n: int, change: dict | None) -> Status:
    """Return better / worse / no real change against the previous period, from cxmetrics.engine.periods' change
    ({"value", "low", "high", "significant"}); not judged below 30 observations or with nothing to compare."""
    if n < SMALL_N:
        return _not_judged(None if not n else 0.0, n)
    if not change or change.get("value") is None:
        return Status(NOT_JUDGED, NEUTRAL, "", "nothing to compare: no figure in the period before")
    value = change["value"]
    interval = ""
    if change.get("low") is not None:
        interval = f" (95 % interval {_amount(metric, change['low'], signed=True)} to " \
                   f"{_amount(metric, change['high'], signed=True)})"
    moved = f"{_amount(metric, value, signed=True)} vs the previous period{interval}"
    if not change.get("significant"):
        return Status(NO_REAL_CHANGE, NEUTRAL, "previous", f"{moved}: could be noise")
    better = value < 0 if metric in LOWER_IS_BETTER else value > 0
    word = BETTER if better else WORSE
    return Status(word, TONES[word], "previous", moved)


def statuses(keys, figures: dict, changes: dict, targets: dict, day: date | None) -> dict[str, Status]:
    """Return {metric: Status} for each of `keys` that has a better direction: against its target (a
    `Target` in `targets`) when it has one and the period has a last `day`, else against the previous
    period (`changes`, as cxmetrics.engine.periods.compare_periods returns them)."""
    found = {}
    for key in keys:
        if key in UNJUDGED:
            continue
        n = int(figures.get(N_FIELD[key]) or 0)
        target = targets.get(key)
        if target is not None and day is not None:
            low, high = (figures.get(field) for field in INTERVAL_FIELDS[key])
            found[key] = against_target(key, figures.get(key), low, high, n, target, day)
        else:
            found[key] = against_previous(key, n, changes.get(key))
    return found


def rule_text(basis: str) -> str:
    """Return the rule a status was judged by, for its help text."""
    if basis == "target":
        return ("Against the target's path: a straight line from the baseline on the start day to the target on the "
                "end day (12 weeks unless set). On track: at or better than the path on the last day shown. "
                "At risk: behind the path, but the path is inside the figure's 95 % interval. Off track: even the "
                "better end of the 95 % interval falls short of the path.")
    return ("No target set: judged against the previous period of the same length. Better or worse only when the "
            "change is significant (its 95 % interval excludes 0, 30+ observations in both periods); otherwise "
            "no real change. Fewer than 30 observations: not judged.")


def _not_judged(value, n: int) -> Status:
    why = "no data in this period" if value is None and not n else f"too few to judge (n = {n:,})"
    return Status(NOT_JUDGED, NEUTRAL, "", why)


def _target_detail(metric: str, value: float, path: float, ahead: float, target: Target, day: date) -> str:
    """Return e.g. "target 80.0 % by 26 Jan 2027 · path 76.2 % today · 1.3 pts behind the path · 3.8 pts to go"."""
    lower = metric in LOWER_IS_BETTER
    left = (value - target.value) if lower else (target.value - value)
    to_go = "target reached" if left <= 0 else f"{_amount(metric, left)} to go"
    if not target.has_path:
        return f"target {format_value(metric, target.value)} · {to_go}"
    by = f"target {format_value(metric, target.value)} by {_day(target.end)}"
    if day < target.start:
        return f"{by} · starts {_day(target.start)} from {format_value(metric, target.baseline)} · {to_go}"
    where = "on the path" if abs(ahead) < 0.05 else \
        f"{_amount(metric, abs(ahead))} {'ahead of' if ahead > 0 else 'behind'} the path"
    return f"{by} · path {format_value(metric, path)} on {_day(day)} · {where} · {to_go}"


def _amount(metric: str, value: float, signed: bool = False) -> str:
    """Return a difference in the figure's unit: NPS points, CES score, seconds, percentage points."""
    number = f"{value:+.1f}" if signed else f"{value:.1f}"
    if metric == "nps":
        return f"{number} points"
    if metric == "ces":
        return f"{value:+.2f}" if signed else f"{value:.2f}"
    if metric in SECONDS:
        return f"{value:+,.0f} s" if signed else f"{value:,.0f} s"
    return f"{number} pts"


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"

