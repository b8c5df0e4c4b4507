"""The huddle screen's panels as plain data: headline KPIs, FCR and repeats by reason, drivers,
the win of the period and (only when asked for) redacted comments.

Every panel covers the same two periods the Overview compares: the last `days` days of data (or
the filter's dates) against the same number of days before. Everything here is built from the
metric engine and carries no personal data: no customer ids are read, and comments pass
`redact_text` and have agents' names and any id the data knows masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..core import stats
from ..store.db import run
from ..core.definitions import DEFINITIONS
from ..store.dimensions import Filters, available_dimensions
from .metrics import DEFAULT_WINDOW, metric_counts, metrics_frame
from .narrative import period_caption
from .periods import Periods, compare_periods, periods_for
from ..core.presentation import LOWER_IS_BETTER, format_value, kpi_tiles
from ..core.redaction import ID_TOKEN, mask_names, redact_text
from .segments import METRICS, driver_impact, estimate, gap_range
from .status import Target, statuses

PANELS = ("kpi", "reasons", "drivers", "win", "comments")
DEFAULT_PANELS = ("kpi", "reasons", "drivers", "win")
# Plain words: what a team reads from across the room, no metric jargon in a title.
PANEL_TITLES = {
    "kpi": "How are we doing?",
    "reasons": "Solved first time, by reason",
    "drivers": "Reasons that cost us most",
    "win": "Win of the period",
    "comments": "What customers said",
}
HUDDLE_KPIS = ("nps", "csat", "fcr", "repeat_rate")
WIN_METRICS = ("nps", "csat", "fcr", "repeat_rate")
WIN_DIMENSIONS = ("team", "contact_reason")
DEFAULT_EVERY = 20
MIN_EVERY, MAX_EVERY = 3, 600
DEFAULT_DAYS = 28
MIN_DAYS, MAX_DAYS = 7, 91
MIN_WIN_N = stats.SMALL_N  # a win needs this many observations in both periods
REASON_ROWS = 6  # rows that stay legible at 48 px on a 1080-pixel screen
DRIVER_ROWS = 3
COMMENT_ROWS = 4

UP, DOWN, FLAT = "up", "down", "flat"


@dataclass(frozen=True)
class HuddleSettings:
    """What the huddle URL asks for: panels in order, seconds per panel, period, metric, comments."""

    panels: tuple[str, ...] = DEFAULT_PANELS
    every: int = DEFAULT_EVERY
    days: int = DEFAULT_DAYS
    metric: str = "nps"
    comments: bool = False


def settings_from_query(params: dict) -> HuddleSettings:
    """Return the settings a huddle URL describes; unknown or out-of-range values fall back to defaults.

    `panels=kpi,win` (or repeated `panels=`), `every=20` seconds, `days=28`, `metric=nps`,
    `comments=1`. The comments panel is shown only when comments are turned on.
    """
    comments = (_text(params.get("comments")) or "").lower() in ("1", "true", "yes", "on")
    names: list[str] = []
    for value in _list(params.get("panels")):
        for name in value.split(","):
            name = name.strip().lower()
            if name in PANELS and name not in names and (name != "comments" or comments):
                names.append(name)
    if not names:
        names = list(DEFAULT_PANELS) + (["comments"] if comments else [])
    metric = (_text(params.get("metric")) or "nps").lower()
    return HuddleSettings(
        panels=tuple(names),
        every=_bounded(params.get("every"), DEFAULT_EVERY, MIN_EVERY, MAX_EVERY),
        days=_bounded(params.get("days"), DEFAULT_DAYS, MIN_DAYS, MAX_DAYS),
        metric=metric if metric in WIN_METRICS else "nps",
        comments=comments,
    )


def trend_arrow(change: float | None) -> str:
    """Return which way a figure moved: "up", "down" or "flat" (no change or nothing to compare)."""
    if change is None or change == 0:
        return FLAT
    return UP if change > 0 else DOWN


def tone(key: str, change: float | None, significant: bool) -> str:
    """Return "good", "bad" or "neutral": a change is coloured only when it is significant."""
    if change is None or change == 0 or not significant:
        return "neutral"
    better = change < 0 if key in LOWER_IS_BETTER else change > 0
    return "good" if better else "bad"


def kpi_panel(con, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False,
              days: int = DEFAULT_DAYS, targets: dict | None = None) -> dict:
    """Return {"caption", "figures": [{key, label, value, n, too_few, arrow, tone, change, note, target,
    status, status_tone}]}: `tone` colours the change by its significance, `status` (status.py, as on the
    Overview) judges the figure against its target (`targets`: {metric: Target or a plain number}) or else
    its previous period, and `target` is the status line."""
    comparison = compare_periods(con, filters, window, same_reason, days)
    periods = comparison["periods"]
    if periods is None:
        return {"caption": period_caption(None), "figures": []}
    tiles = {t.key: t for t in kpi_tiles(comparison["current"], window, same_reason, comparison["changes"],
                                         None, periods.days)}
    plans = {k: t if isinstance(t, Target) else Target(k, float(t)) for k, t in (targets or {}).items()}
    judged = statuses(HUDDLE_KPIS, comparison["current"], comparison["changes"], plans, periods.current_to)
    figures = []
    for key in HUDDLE_KPIS:
        tile = tiles[key]
        change = comparison["changes"].get(key, {})
        value = change.get("value")
        status = judged[key]
        figures.append({
            "key": key,
            "label": tile.label,
            "value": tile.value,
            "n": tile.n,
            "too_few": tile.too_few,
            "arrow": trend_arrow(value),
            "tone": tone(key, value, bool(change.get("significant"))),
            "change": _change_text(key, tile.change),
            "note": tile.change_note or f"nothing to compare in the {periods.days} days before",
            "target": status.detail if status.basis == "target" else "",
            "status": status.word,
            "status_tone": status.tone,
        })
    return {"caption": _short_caption(periods), "figures": figures}


def reasons_panel(con, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False,
                  days: int = DEFAULT_DAYS, rows: int = REASON_ROWS) -> dict:
    """Return {"caption", "current": (first day, last day), "rows": [{reason, contacts, fcr, fcr_n, fcr_too_few,
    repeat_rate, repeat_n, repeat_too_few}]}, the `rows` busiest contact reasons of the current period, busiest first."""
    periods = periods_for(con, filters, days)
    if periods is None:
        return {"caption": period_caption(None), "rows": []}
    frame = metrics_frame(con, "contact_reason", _current(filters, periods), window, same_reason)
    frame = frame.sort_values(["contacts", "contact_reason"], ascending=[False, True]).head(rows)
    return {
        "caption": _short_caption(periods, compared=False),
        "current": (periods.current_from, periods.current_to),  # what a reason's link to the dashboard shows
        "rows": [
            {
                "reason": row["contact_reason"],
                "contacts": format_value("contacts", row["contacts"]),
                "fcr": format_value("fcr", _number(row["fcr"])),
                "fcr_n": int(row["fcr_n"]),
                "fcr_too_few": int(row["fcr_n"]) < stats.SMALL_N,
                "repeat_rate": format_value("repeat_rate", _number(row["repeat_rate"])),
                "repeat_n": int(row["repeat_n"]),
                "repeat_too_few": int(row["repeat_n"]) < stats.SMALL_N,
            }
            for _, row in frame.iterrows()
        ],
    }


def drivers_panel(con, metric: str = "nps", filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
                  same_reason: bool = False, days: int = DEFAULT_DAYS, rows: int = DRIVER_ROWS) -> dict:
    """Return {"caption", "current": (first day, last day), "metric", "rows": [{reason, impact, value, rest_value, n,
    too_few, verdict, weight}]}: the contact reasons that cost the most `metric` points in the current period (only
    those that cost anything)."""
    periods = periods_for(con, filters, days)
    if periods is None:
        return {"caption": period_caption(None), "metric": DEFINITIONS[metric].label, "rows": []}
    drivers = driver_impact(con, metric, "contact_reason", _current(filters, periods), window, same_reason)
    unit = "points" if metric == "nps" else "pts"
    found = []
    for _, row in drivers[drivers["impact"] > 0].head(rows).iterrows():
        if row["too_few"]:
            verdict, weight = f"too few answers (n = {int(row['n'])})", "too_few"
        elif row["significant"]:
            verdict, weight = f"significant · n = {int(row['n'])}", "significant"
        else:
            verdict, weight = f"could be noise · n = {int(row['n'])}", "noise"
        found.append({
            "reason": row["contact_reason"],
            "impact": f"−{row['impact']:.1f} {unit}",
            "value": format_value(metric, _number(row["value"])),
            "rest_value": format_value(metric, _number(row["rest_value"])),
            "n": int(row["n"]),
            "too_few": bool(row["too_few"]),
            "verdict": verdict,
            "weight": weight,  # how the screen colours it: only a significant driver in red
        })
    return {"caption": _short_caption(periods, compared=False), "current": (periods.current_from, periods.current_to),
            "metric": DEFINITIONS[metric].label, "rows": found}


@dataclass(frozen=True)
class Candidate:
    """One group's figure in the two periods, as the win rule judges it."""

    dimension: str
    group: str
    now: float | None
    now_var: float | None
    now_n: int
    before: float | None
    before_var: float | None
    before_n: int


def judge_win(candidates: list[Candidate], metric: str, min_n: int = MIN_WIN_N) -> dict:
    """Return the verdict on the most improved group: {"winner", "best_rise", "eligible", "reason"}.

    Only groups with at least `min_n` observations in both periods compete. The winner is the one
    with the largest improvement (a fall where lower is better) whose 95 % interval excludes 0;
    when no improvement is significant there is no winner, and "best_rise" names the largest
    improvement that could be noise. Each entry: dimension, group, before, now, change, low, high,
    before_n, now_n, where change is the figure's movement (now − before).
    """
    lower_better = metric in LOWER_IS_BETTER
    judged = []
    for c in candidates:
        if min(c.now_n, c.before_n) < min_n or c.now is None or c.before is None:
            continue
        diff = stats.difference(c.now, c.now_var, c.before, c.before_var, bounds=gap_range(metric))
        gain = -diff.value if lower_better else diff.value
        significant = diff.excludes_zero and gain > 0
        judged.append(({"dimension": c.dimension, "group": c.group, "before": c.before, "now": c.now,
                        "change": diff.value, "low": diff.low, "high": diff.high,
                        "before_n": c.before_n, "now_n": c.now_n}, gain, significant))
    # Ties go to the larger sample, then the name, so the screen does not flicker between equals.
    judged.sort(key=lambda j: (-j[1], -min(j[0]["now_n"], j[0]["before_n"]), j[0]["dimension"], str(j[0]["group"])))
    winners = [j for j in judged if j[2]]
    rises = [j for j in judged if j[1] > 0]
    if winners:
        reason = ""
    elif not judged:
        reason = f"no team or reason had {min_n}+ {_n_word(metric)} in both periods"
    elif not rises:
        reason = "nothing improved"
    else:
        reason = "no improvement is clear of noise (its 95 % interval includes 0)"
    return {
        "winner": winners[0][0] if winners else None,
        "best_rise": rises[0][0] if rises and not winners else None,
        "eligible": len(judged),
        "reason": reason,
    }


def win_candidates(con, metric: str, periods: Periods, filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
                   same_reason: bool = False, dimensions=WIN_DIMENSIONS) -> list[Candidate]:
    """Return every team's and contact reason's figure in the current and the previous period."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)}")
    known = {d.name for d in available_dimensions(con)}
    candidates = []
    for dimension in (d for d in dimensions if d in known):
        now = _groups(metric_counts(con, dimension, _current(filters, periods), window, same_reason))
        before = _groups(metric_counts(con, dimension, _previous(filters, periods), window, same_reason))
        for group in sorted(set(now) | set(before), key=str):
            value, var, n = estimate(metric, now[group]) if group in now else (None, None, 0)
            old, old_var, old_n = estimate(metric, before[group]) if group in before else (None, None, 0)
            candidates.append(Candidate(dimension, group, value, var, n, old, old_var, old_n))
    return candidates


def win_panel(con, metric: str = "nps", filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
              same_reason: bool = False, days: int = DEFAULT_DAYS, min_n: int = MIN_WIN_N) -> dict:
    """Return {"title", "caption", "metric", "headline", "detail", "verdict", "called"}: the win in words."""
    label = DEFINITIONS[metric].label
    periods = periods_for(con, filters, days)
    if periods is None:
        return {"title": _win_title(days), "caption": period_caption(None), "metric": label, "called": False,
                "headline": "No win can be called", "detail": "no data yet", "verdict": ""}
    verdict = judge_win(win_candidates(con, metric, periods, filters, window, same_reason), metric, min_n)
    rule = (f"Most improved team or reason on {label}: {min_n}+ {_n_word(metric)} in both periods, "
            "95 % interval of the change excludes 0.")
    caption = _short_caption(periods)
    if verdict["winner"]:
        w = verdict["winner"]
        return {"title": _win_title(periods.days), "caption": caption, "metric": label, "called": True,
                "headline": f"{_dimension_word(w['dimension'])} {w['group']}",
                "detail": _movement(metric, w), "verdict": rule}
    detail = verdict["reason"]
    if verdict["best_rise"]:
        b = verdict["best_rise"]
        detail = f"{detail}. Biggest rise: {_dimension_word(b['dimension'])} {b['group']}, {_movement(metric, b)}"
    return {"title": _win_title(periods.days), "caption": caption, "metric": label, "called": False,
            "headline": "No win can be called",
            "detail": detail, "verdict": rule}


def comments_panel(con, filters: Filters = Filters(), days: int = DEFAULT_DAYS, rows: int = COMMENT_ROWS) -> dict:
    """Return {"caption", "rows": [{when, score, reason, text}]}: the latest comments of the current period,
    with e-mails, phone numbers, long numbers, agents' names and any id the data knows masked."""
    periods = periods_for(con, filters, days)
    if periods is None:
        return {"caption": period_caption(None), "rows": []}
    current = _current(filters, periods)
    found = run(con, "huddle/latest_comments", {**current.params(), "limit": int(rows)},
                segment=current.segment_sql(con)).fetchall()
    names = [r[0] for r in run(con, "huddle/agent_names").fetchall()]
    texts = [mask_names(redact_text(row[4]), names) for row in found]
    # A customer who wrote their own id (or an order's contact id) must not see it on the wall.
    words = sorted({w for text in texts for w in re.findall(r"[\w\-]+", text) + re.findall(r"\w+", text)})
    ids = [r[0] for r in run(con, "huddle/known_ids", {"tokens": words}).fetchall()] if words else []
    return {
        "caption": _short_caption(periods, compared=False),
        "rows": [
            {
                "when": f"{responded_at:%d %b}" if responded_at else "",
                "score": " · ".join(p for p in (f"NPS {nps}" if nps is not None else "",
                                                f"CSAT {csat}" if csat is not None else "") if p),
                "reason": reason or "",
                "text": mask_names(text, ids, ID_TOKEN),
            }
            for (responded_at, nps, csat, reason, _), text in zip(found, texts)
        ],
    }


def panel_data(con, panel: str, filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
               same_reason: bool = False, days: int = DEFAULT_DAYS, metric: str = "nps",
               targets: dict | None = None) -> dict:
    """Return the data of one panel by name (see PANELS), for one cached call per panel."""
    if panel == "kpi":
        return kpi_panel(con, filters, window, same_reason, days, targets)
    if panel == "reasons":
        return reasons_panel(con, filters, window, same_reason, days)
    if panel == "drivers":
        return drivers_panel(con, metric, filters, window, same_reason, days)
    if panel == "win":
        return win_panel(con, metric, filters, window, same_reason, days)
    if panel == "comments":
        return comments_panel(con, filters, days)
    raise ValueError(f"unknown panel {panel!r}: use one of {', '.join(PANELS)}")


def _change_text(key: str, change: str) -> str:
    """Return the tile's change with its unit spelled out for a screen read from afar."""
    if not change:
        return "–"
    return f"{change} points" if key == "nps" else change


def _n_word(metric: str) -> str:
    return {"fcr": "judged contacts", "repeat_rate": "contacts"}.get(metric, "answers")


def _win_title(days: int) -> str:
    return "Win of the week" if days == 7 else f"Win of the last {days} days"


def _movement(metric: str, entry: dict) -> str:
    unit = " points" if metric == "nps" else (" pts" if metric not in ("ces",) else "")
    return (f"{format_value(metric, entry['before'])} → {format_value(metric, entry['now'])} "
            f"({entry['change']:+.1f}{unit}; 95 % interval {entry['low']:+.1f} to {entry['high']:+.1f}; "
            f"n = {entry['before_n']:,} → {entry['now_n']:,})")


def _dimension_word(dimension: str) -> str:
    return {"team": "Team", "contact_reason": "Reason"}.get(dimension, dimension.replace("_", " ").capitalize())


def _short_caption(periods: Periods, compared: bool = True) -> str:
    span = f"{periods.current_from:%d %b} – {periods.current_to:%d %b %Y} ({periods.days} days)"
    if not compared:
        return span
    return f"{span} vs {periods.previous_from:%d %b} – {periods.previous_to:%d %b}"


def _current(filters: Filters, periods: Periods) -> Filters:
    return replace(filters, date_from=periods.current_from, date_to=periods.current_to)


def _previous(filters: Filters, periods: Periods) -> Filters:
    return replace(filters, date_from=periods.previous_from, date_to=periods.previous_to)


def _groups(counts) -> dict:
    part = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()]
    return {row["group_value"]: row for _, row in part.iterrows()}


def _number(value):
    """Return None for a missing figure (NaN in a frame), else the float."""
    return None if value is None or value != value else float(value)


def _text(value) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _list(value) -> list[str]:
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]


def _bounded(value, default: int, low: int, high: int) -> int:
    text = _text(value)
    try:
        number = int(text) if text is not None else default
    except ValueError:
        return default
    return min(high, max(low, number))
