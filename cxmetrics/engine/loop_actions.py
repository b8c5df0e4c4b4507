"""Closing the outer loop: a cause (a contact reason or a comment theme) given to an owning team
with an action, and whether its metric moved after the action started.

The before/after comparison uses two windows of equal length around the action's start day:
the `L` days before it and the `L` days from it, where `L` is `MAX_DAYS` or, when the data ends
sooner, the days from the start to the latest day in the data. A contact reason is judged on its
contact FCR, repeat rate and NPS (the metric engine with that reason as the filter); a theme on
the share of NPS answers that are detractors whose comment mentions it. A change is significant
only when its 95 % interval excludes 0 and both windows have at least 30 observations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from ..core import stats
from ..store.db import run
from ..store.dimensions import Filters
from .follow_ups import MAX_NAME, MAX_NOTE, utc_now
from .metrics import DEFAULT_WINDOW, figures, metric_counts
from .periods import latest_day
from ..core.presentation import readable
from .segments import estimate

SUBJECT_KINDS = ("contact_reason", "theme")
SUBJECT_LABELS = {"contact_reason": "contact reason", "theme": "theme"}
STATUSES = ("planned", "in_progress", "done", "dropped")
STATUS_LABELS = {"planned": "planned", "in_progress": "in progress", "done": "done", "dropped": "dropped"}
MAX_DAYS = 90
# metric -> (label, lower is better); the reason metrics come from the engine, the theme one from theme mentions.
REASON_METRICS = {"fcr": ("Contact FCR %", False), "repeat_rate": ("Repeat rate %", True), "nps": ("NPS", False)}
THEME_METRIC = ("themed_detractor_share", "Detractors mentioning it, % of NPS answers", True)
EFFECT_COLUMNS = (
    "action_id", "subject_kind", "subject", "team", "status", "started_on", "metric", "label", "lower_is_better",
    "before_from", "before_to", "before", "before_low", "before_high", "before_n",
    "after_from", "after_to", "after", "after_low", "after_high", "after_n",
    "change", "change_low", "change_high", "significant", "too_few", "verdict",
)


class ActionError(ValueError):
    """An outer-loop action that cannot be stored as given; the message says why."""


@dataclass(frozen=True)
class Action:
    subject_kind: str
    subject: str
    team: str
    action: str
    status: str = "planned"
    started_on: date | None = None


def subjects(con, kind: str) -> list[str]:
    """Return the causes of a kind that exist in the data: contact reasons, or the dictionary's themes."""
    if kind == "contact_reason":
        from ..store.dimensions import dimension_values

        return sorted(dimension_values(con, "contact_reason"))
    if kind == "theme":
        from .themes import theme_names

        return theme_names(con)
    raise ActionError(f"Unknown cause kind {kind!r}: use contact reason or theme.")


def _checked(con, action: Action) -> Action:
    if action.subject_kind not in SUBJECT_KINDS:
        raise ActionError(f"Unknown cause kind {action.subject_kind!r}: use contact reason or theme.")
    subject = (action.subject or "").strip()
    if subject not in subjects(con, action.subject_kind):
        raise ActionError(f"{subject!r} is not a {SUBJECT_LABELS[action.subject_kind]} in the data.")
    team, text = (action.team or "").strip(), (action.action or "").strip()
    if not team:
        raise ActionError("Name the team that owns the action.")
    if len(team) > MAX_NAME:
        raise ActionError(f"The team name is {len(team):,} characters long; keep it to {MAX_NAME}.")
    if not text:
        raise ActionError("Describe the action (what the team will change).")
    if len(text) > MAX_NOTE:
        raise ActionError(f"The action text is {len(text):,} characters long; keep it to {MAX_NOTE:,}.")
    if action.status not in STATUSES:
        raise ActionError(f"Unknown status {action.status!r}: use planned, in progress, done or dropped.")
    if action.started_on is None:
        raise ActionError("Give the day the action starts: the before/after comparison splits there.")
    started = action.started_on.date() if isinstance(action.started_on, datetime) else action.started_on
    return Action(action.subject_kind, subject, team, text, action.status, started)


def add_action(con, action: Action, at: datetime | None = None) -> int:
    """Return the id of the new action, after checking it; raise ActionError when it cannot be stored."""
    checked = _checked(con, action)
    rows = run(con, "loop/insert_loop_action", {
        "subject_kind": checked.subject_kind, "subject": checked.subject, "team": checked.team,
        "action": checked.action, "status": checked.status, "started_on": checked.started_on,
        "at": at or utc_now()}).fetchall()
    return int(rows[0][0])


def update_action(con, action_id: int, action: Action, at: datetime | None = None) -> None:
    """Store a new team, text, status or start day for an action (its cause stays); raise ActionError if invalid."""
    checked = _checked(con, action)
    rows = run(con, "loop/update_loop_action", {
        "action_id": int(action_id), "team": checked.team, "action": checked.action, "status": checked.status,
        "started_on": checked.started_on, "at": at or utc_now()}).fetchall()
    if not rows:
        raise ActionError(f"There is no action {action_id}.")


def list_actions(con) -> pd.DataFrame:
    """Return every action, newest start first (start days as dates)."""
    frame = run(con, "loop/loop_actions").df()
    frame["started_on"] = pd.to_datetime(frame["started_on"]).dt.date
    return frame


def windows(started_on: date, latest: date | None, max_days: int = MAX_DAYS):
    """Return ((before_from, before_to), (after_from, after_to) or None): equal windows around the start day."""
    length = max_days if latest is None else min(max_days, (latest - started_on).days + 1)
    if length < 1:
        return (started_on - timedelta(days=max_days), started_on - timedelta(days=1)), None
    return ((started_on - timedelta(days=length), started_on - timedelta(days=1)),
            (started_on, started_on + timedelta(days=length - 1)))


def _reason_figures(con, reason: str, span, window: int, same_reason: bool) -> dict:
    counts = metric_counts(con, None, Filters(date_from=span[0], date_to=span[1], reasons=(reason,)),
                           window, same_reason)
    row = counts[counts["is_overall"] == 1].iloc[0]
    shown = figures(row)
    out = {}
    for metric in REASON_METRICS:
        value, variance, n = estimate(metric, row)
        low, high = (shown["nps_low"], shown["nps_high"]) if metric == "nps" else (
            (shown["fcr_low"], shown["fcr_high"]) if metric == "fcr" else (shown["repeat_low"], shown["repeat_high"]))
        out[metric] = (value, variance, n, low, high)
    return out


def _theme_figures(con, theme: str, span) -> dict:
    n, themed = run(con, "loop/theme_detractor_counts",
                    {"theme": theme, "date_from": span[0], "date_to": span[1]}).fetchall()[0]
    share = stats.wilson(int(themed), int(n))
    return {THEME_METRIC[0]: (share.value, stats.proportion_variance(int(themed), int(n)), int(n), share.low,
                              share.high)}


def action_effects(con, window: int = DEFAULT_WINDOW, same_reason: bool = False, max_days: int = MAX_DAYS,
                   actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per action × metric: the figure before and after the start day with intervals and n,
    the change with its interval, and whether it is significant (interval excludes 0, both n >= 30)."""
    actions = list_actions(con) if actions is None else actions
    if (actions["subject_kind"] == "theme").any():
        from .themes import ensure_facts

        ensure_facts(con)  # theme mentions follow the comments and the dictionary
    latest = latest_day(con)
    rows = []
    for _, action in actions.iterrows():
        started = action["started_on"]
        before_span, after_span = windows(started, latest, max_days)
        if action["subject_kind"] == "contact_reason":
            labels = {m: REASON_METRICS[m] for m in REASON_METRICS}
            before = _reason_figures(con, action["subject"], before_span, window, same_reason)
            after = _reason_figures(con, action["subject"], after_span, window, same_reason) if after_span else {}
        else:
            labels = {THEME_METRIC[0]: THEME_METRIC[1:]}
            before = _theme_figures(con, action["subject"], before_span)
            after = _theme_figures(con, action["subject"], after_span) if after_span else {}
        for metric, (label, lower_better) in labels.items():
            rows.append(_effect_row(action, metric, label, lower_better, before_span, after_span,
                                    before[metric], after.get(metric)))
    return pd.DataFrame(rows, columns=list(EFFECT_COLUMNS))


def _effect_row(action, metric, label, lower_better, before_span, after_span, before, after) -> dict:
    value, variance, n, low, high = before
    a_value, a_var, a_n, a_low, a_high = after if after else (None, None, 0, None, None)
    # every metric here is NPS or a share: its change can span twice its range, no more
    bounds = stats.gap_bounds(stats.NPS_RANGE if metric == "nps" else stats.RATE_RANGE)
    diff = stats.difference(a_value, a_var, value, variance, bounds=bounds)
    enough = min(n, a_n) >= stats.SMALL_N
    significant = diff.excludes_zero and enough
    return {
        "action_id": int(action["action_id"]), "subject_kind": action["subject_kind"], "subject": action["subject"],
        "team": action["team"], "status": action["status"], "started_on": action["started_on"],
        "metric": metric, "label": label, "lower_is_better": lower_better,
        "before_from": before_span[0], "before_to": before_span[1],
        "before": value, "before_low": low, "before_high": high, "before_n": n,
        "after_from": after_span[0] if after_span else None, "after_to": after_span[1] if after_span else None,
        "after": a_value, "after_low": a_low, "after_high": a_high, "after_n": a_n,
        "change": diff.value, "change_low": diff.low, "change_high": diff.high,
        "significant": significant, "too_few": not enough,
        "verdict": verdict(diff.value, significant, enough, lower_better, after_span is not None),
    }


def verdict(change: float | None, significant: bool, enough: bool, lower_is_better: bool, started: bool) -> str:
    """Return the change in words: better / worse (significant), no clear change, too few, or not started."""
    if not started:
        return "no data after the start yet"
    if change is None:
        return "no data"
    if not enough:
        return "too few responses"
    if not significant:
        return "no clear change"
    return "better" if (change < 0) == lower_is_better else "worse"


def _action_label(row) -> str:
    return f"#{row['action_id']} {row['subject']}: {row['label']}"


EFFECT_MARK = ("reason", "theme", "figure", "span_from", "span_to")


def effects_chart_frame(effects: pd.DataFrame) -> pd.DataFrame:
    """Return the effects in long form for the before/after chart: action, period, value, low, high, n,
    and what each dot counted (EFFECT_MARK: the reason or theme, the figure, the window's first and last
    day as text), which a click on it drills by."""
    rows = []
    for _, row in effects.iterrows():
        reason = row["subject"] if row["subject_kind"] == "contact_reason" else None
        for period in ("before", "after"):
            first, last = row[f"{period}_from"], row[f"{period}_to"]
            rows.append({"action": _action_label(row), "period": period, "value": row[period],
                         "low": row[f"{period}_low"], "high": row[f"{period}_high"], "n": int(row[f"{period}_n"]),
                         "reason": reason, "theme": None if reason is not None else row["subject"],
                         "figure": row["metric"], "span_from": _iso(first), "span_to": _iso(last)})
    return pd.DataFrame(rows, columns=["action", "period", "value", "low", "high", "n", *EFFECT_MARK])


def _iso(day) -> str | None:
    return None if day is None or pd.isna(day) else pd.Timestamp(day).date().isoformat()


EFFECT_TABLE = ("action_id", "subject", "team", "status", "started_on", "label", "before", "before_n", "after",
                "after_n", "change", "change_low", "change_high", "verdict")


def effects_table(effects: pd.DataFrame) -> pd.DataFrame:
    """Return the effects as a reader sees them (presentation.readable): cause, team, figure before and
    after with n, change with its interval, verdict."""
    shown = effects.assign(status=effects["status"].map(lambda s: STATUS_LABELS.get(s, s)))
    return readable(shown, keep=EFFECT_TABLE)
