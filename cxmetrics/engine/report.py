"""The report of a period, to take into a meeting: one model of plain figures built from the same
engine functions the dashboard's pages call, written as a self-contained HTML file or an A4 PDF.

Nothing here computes a figure: every number is the return value of an engine function
(compare_periods, driver_impact, metrics_frame, segment_gaps, outcomes, follow_up_metrics,
metric_trend) called with the filters the pages use, so the report and the dashboard agree. The
model is plain data (JSON-able): the HTML carries it too, as a machine-readable block.

No personal data: only aggregates are read (no customer id, no comment, no owner's or agent's
name), and every label that came from imported data (a reason, a segment value) passes
`redact_text`, so an e-mail or phone number used as a label does not reach the page. Charts are
Vega-Lite specs from cxmetrics.face.charts rendered offline by vl-convert (no fetch allowed): the
sections in words are report_sections.py, the files report_html.py and report_pdf.py.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

from . import periods as periods_
from ..core.definitions import DEFINITIONS
from ..store.db import quote_ident, run
from ..store.dimensions import Filters, available_dimensions
from .follow_ups import DEFAULT_TARGET_HOURS, follow_up_metrics, metric_tiles, utc_now
from .metrics import DEFAULT_WINDOW, metric_trend, metrics_frame
from .narrative import period_caption
from .outcomes import outcomes
from ..core.presentation import INTERVAL_FIELDS, KPI_KEYS, LOWER_IS_BETTER, N_FIELD, format_value, kpi_tiles
from ..core.redaction import redact_text
from .segments import METRICS as GAP_METRICS, driver_impact, segment_gaps_by_metric
from ..core.stats import SMALL_N
from .status import Target, statuses
from .targets import get_target_plans

REPORT_DAYS = periods_.DEFAULT_DAYS  # the period the Overview compares: 28 days and the 28 before
TOP_DRIVERS = 3
DRIVER_METRIC, DRIVER_BY = "nps", "contact_reason"  # as the Overview's "Where it hurts most"
# The headline figures a segment can differ on (every headline figure but the volume), in the headline's order.
SEGMENT_METRICS = tuple(key for key in KPI_KEYS if key in GAP_METRICS)
PREFERRED_SEGMENT = "tier"  # the Segments page's default split
MAX_SEGMENT_VALUES = 20  # a customers column with more values is no segment (a name, an e-mail…)
MAX_SEGMENT_GAPS = 12  # listed, most certain first: with its heading and notes the section fits half an A4 page
REASON_FIELDS = ("contact_reason", "contacts", "fcr", "fcr_low", "fcr_high", "fcr_n",
                 "repeat_rate", "repeat_low", "repeat_high", "repeat_n")
GAP_FIELDS = ("value", "n", "rest_value", "rest_n", "gap", "gap_low", "gap_high", "p_value", "significant", "too_few")
DRIVER_FIELDS = ("share", "value", "rest_value", "n", "impact", "impact_low", "impact_high", "significant",
                 "too_few")
OUTCOME_FIELDS = ("customers", "churn_rate", "churn_low", "churn_high", "revenue", "revenue_per_customer",
                  "revenue_per_customer_low", "revenue_per_customer_high")
FOLLOW_UP_FIELDS = ("cases", "closed", "median_hours_to_first", "acted", "first_within_target", "first_judged",
                    "closed_by_due", "close_judged", "saved_rate", "saved_judged")


def shown_filters(con, filters: Filters) -> Filters:
    """Return `filters` with their dates made the period the dashboard shows for them (both dates
    chosen: as chosen; else the last 28 days of the data, up to a chosen end), as app_state.scope() does."""
    period = periods_.shown_period(filters, periods_.data_span(con))
    return replace(filters, date_from=period.date_from, date_to=period.date_to)


def report_model(con, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False,
                 targets: dict | None = None, now: datetime | None = None,
                 follow_up_hours: float = DEFAULT_TARGET_HOURS) -> dict:
    """Return the report of the period `filters` cover (dates as the dashboard shows them: see
    shown_filters) as plain data: period, headline figures against target and previous period,
    what moved, top drivers, FCR and repeats by reason, segment gaps, outcomes, follow-ups."""
    now = now or utc_now()
    comparison = periods_.compare_periods(con, filters, window, same_reason, REPORT_DAYS)
    found = comparison["periods"]
    # Judged as the Overview judges them: against the target's path on the period's last day, else
    # against the previous period (cxmetrics.engine.status).
    plans = get_target_plans(con)
    plans = {key: plans.get(key) or Target(key, float(value)) for key, value in targets.items()} if targets else plans
    judged = statuses(KPI_KEYS, comparison["current"], comparison["changes"], plans,
                      found.current_to if found else None)
    headline = _headline(comparison, window, same_reason, targets or {}, judged)
    return {
        "title": "Customer experience report",
        "generated_at": now.replace(microsecond=0).isoformat(sep=" "),
        "period": _period(found),
        "caption": period_caption(found, undated_rows=any(
            comparison["current"].get(n) for n in ("nps_n", "csat_n", "ces_n", "survey_fcr_n", "contacts"))),
        "settings": _settings(filters, window, same_reason),
        "headline": headline,
        "moved": [h for h in headline if h["significant"]],
        "drivers": _drivers(con, filters, window, same_reason),
        "reasons": _reasons(con, filters, window, same_reason),
        "segments": _segments(con, filters, window, same_reason),
        "outcomes": _outcomes(con, filters, window, same_reason),
        "follow_ups": _follow_ups(con, filters, follow_up_hours, now),
        "trend": _trend(con, filters, window, same_reason),
    }


# --- the parts -----------------------------------------------------------------------------------


def _period(found: periods_.Periods | None) -> dict | None:
    if found is None:
        return None
    return {"current_from": found.current_from.isoformat(), "current_to": found.current_to.isoformat(),
            "previous_from": found.previous_from.isoformat(), "previous_to": found.previous_to.isoformat(),
            "days": found.days}


def _settings(filters: Filters, window: int, same_reason: bool) -> dict:
    return {"window": int(window), "same_reason": bool(same_reason),
            "channels": [label(v) for v in filters.channels], "reasons": [label(v) for v in filters.reasons],
            "segment": filters.segment, "segment_values": [label(v) for v in filters.segment_values]}


def _headline(comparison: dict, window: int, same_reason: bool, targets: dict, judged: dict) -> list[dict]:
    """Return one entry per headline figure: its value, interval and n, the previous period's value,
    the change with its interval and significance, the target with how far off it is, and its status
    (`judged`: {metric: status.Status}; none for a volume)."""
    found = comparison["periods"]
    tiles = kpi_tiles(comparison["current"], window, same_reason, comparison["changes"], targets,
                      found.days if found else None)
    rows = []
    for key, tile in zip(KPI_KEYS, tiles):
        current, previous = comparison["current"], comparison["previous"]
        change = comparison["changes"].get(key) or {}
        low_field, high_field = INTERVAL_FIELDS.get(key, (None, None))
        rows.append({
            "key": key,
            "label": tile.label,
            "value": number(current.get(key)),
            "low": number(current.get(low_field)) if low_field else None,
            "high": number(current.get(high_field)) if high_field else None,
            "n": int(current.get(N_FIELD[key]) or 0),
            "too_few": tile.too_few,
            "previous": number(previous.get(key)),
            "previous_n": int(previous.get(N_FIELD[key]) or 0) if previous else None,
            "change": number(change.get("value")),
            "change_low": number(change.get("low")),
            "change_high": number(change.get("high")),
            "significant": bool(change.get("significant")),
            "better": _better(key, change),
            "target": number(targets.get(key)),
            "shown": tile.value,
            "interval": tile.interval,
            "previous_shown": format_value(key, number(previous.get(key))) if previous else "–",
            "change_shown": tile.change or "–",
            "target_shown": tile.target,
            "help": tile.help,
            "status": judged[key].word if key in judged else None,
            "status_detail": judged[key].detail if key in judged else None,
        })
    return rows


def _better(key: str, change: dict) -> bool | None:
    """Return whether a significant change is for the better (None when not significant)."""
    if not change.get("significant") or change.get("value") is None:
        return None
    return change["value"] < 0 if key in LOWER_IS_BETTER else change["value"] > 0


def _drivers(con, filters: Filters, window: int, same_reason: bool) -> dict:
    frame = driver_impact(con, DRIVER_METRIC, DRIVER_BY, filters, window, same_reason)
    costly = frame[frame["impact"] > 0].head(TOP_DRIVERS)
    return {"metric": DRIVER_METRIC, "metric_label": DEFINITIONS[DRIVER_METRIC].label, "by": DRIVER_BY,
            "rows": [{"group": label(row[DRIVER_BY]), **_fields(row, DRIVER_FIELDS)}
                     for row in costly.to_dict("records")]}


def _reasons(con, filters: Filters, window: int, same_reason: bool) -> list[dict]:
    """Return FCR and repeats per contact reason, busiest first (the Contact reasons page's figures)."""
    frame = metrics_frame(con, "contact_reason", filters, window, same_reason)
    frame = frame.sort_values(["contacts", "contact_reason"], ascending=[False, True], kind="stable")
    return [{"contact_reason": label(row["contact_reason"]), **_fields(row, REASON_FIELDS[1:])}
            for row in frame.to_dict("records")]


def segment_dimensions(con) -> list[str]:
    """Return the customers columns the report compares segments by: `tier` first when it is a segment
    (the Segments page's default), then the others by fewest values; [] when there is none.

    A segment has 2 to MAX_SEGMENT_VALUES values and customers share them: a column whose every value
    belongs to one customer (an e-mail, a name) or that has more values is not printed in a report."""
    candidates = []
    for dimension in available_dimensions(con):
        if dimension.table != "customers":
            continue
        counts = run(con, "metrics/dimension_values", {"limit": MAX_SEGMENT_VALUES + 1},
                     column=quote_ident(dimension.name), table=quote_ident(dimension.table)).fetchall()
        shared = bool(counts) and counts[0][1] >= 2  # most common first
        if 2 <= len(counts) <= MAX_SEGMENT_VALUES and shared:
            candidates.append((dimension.name != PREFERRED_SEGMENT, len(counts), dimension.name))
    return [name for *_, name in sorted(candidates)]


def segment_dimension(con) -> str | None:
    """Return the first of segment_dimensions (None when there is none)."""
    return next(iter(segment_dimensions(con)), None)


def _segments(con, filters: Filters, window: int, same_reason: bool) -> dict:
    """Return the significant segment gaps of every headline figure by every segment dimension, each
    exactly as the Segments page shows it for that figure and dimension (segment_gaps: the gap's interval,
    and significance after Benjamini–Hochberg across that dimension's values), most certain first
    (smallest p-value), at most MAX_SEGMENT_GAPS; `significant` counts them all, `compared` every
    (figure, dimension) pair with the groups it had."""
    dimensions = segment_dimensions(con)
    result = {"dimensions": dimensions, "metrics": list(SEGMENT_METRICS),
              "metric_labels": [DEFINITIONS[m].label for m in SEGMENT_METRICS], "compared": [], "significant": 0,
              "rows": []}
    found = []
    for by in dimensions:
        by_metric = segment_gaps_by_metric(con, SEGMENT_METRICS, by, filters, window, same_reason)
        for metric, frame in by_metric.items():
            result["compared"].append({"metric": metric, "by": by, "groups": len(frame)})
            for row in frame[frame["significant"].astype(bool)].to_dict("records"):
                found.append({"metric": metric, "metric_label": DEFINITIONS[metric].label, "by": by,
                              "group": label(row[by]), **_fields(row, GAP_FIELDS)})
    found.sort(key=lambda r: (r["p_value"], SEGMENT_METRICS.index(r["metric"]), dimensions.index(r["by"]),
                              -abs(r["gap"]), r["group"]))
    result["significant"] = len(found)
    result["rows"] = found[:MAX_SEGMENT_GAPS]
    return result


def _outcomes(con, filters: Filters, window: int, same_reason: bool) -> dict:
    """Return churn and revenue overall and by NPS group, with revenue at risk (the Outcomes page's figures)."""
    found = outcomes(con, "nps_group", window, same_reason, filters)
    groups = [{"group": label(g["nps_group"]), **_fields(g, OUTCOME_FIELDS + ("revenue_at_risk",))}
              for g in found["groups"]]
    return {"overall": _fields(found["overall"], OUTCOME_FIELDS), "groups": groups, "loaded": dict(found["loaded"])}


def _follow_ups(con, filters: Filters, target_hours: float, now: datetime) -> dict:
    """Return the follow-up figures of every case together (never per owner: owners are people)."""
    overall = follow_up_metrics(con, "team", filters, target_hours, now).iloc[-1].to_dict()
    tiles = metric_tiles(overall, target_hours)
    return {"target_hours": float(target_hours), **_fields(overall, FOLLOW_UP_FIELDS),
            "tiles": [{"label": t.label, "shown": t.value, "interval": t.interval, "n": int(t.n)} for t in tiles]}


def _trend(con, filters: Filters, window: int, same_reason: bool) -> list[dict]:
    """Return NPS week by week over the period (the Overview's trend chart)."""
    frame = metric_trend(con, "week", filters, window, same_reason)
    return [{"period": row["period"].date().isoformat(), **_fields(row, ("nps", "nps_low", "nps_high", "nps_n"))}
            for row in frame.to_dict("records")]


# --- plain values --------------------------------------------------------------------------------


def label(value) -> str:
    """Return an imported value as a label the report may print: text, with e-mail addresses,
    phone numbers and long digit runs masked (a label is no place for personal data)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "(none)"
    return redact_text(str(value))


def number(value) -> float | int | None:
    """Return a figure as a plain float or int; None for a missing one (None, NaN, pd.NA)."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except TypeError:  # pd.NA refuses comparison
        return None
    if isinstance(value, bool) or hasattr(value, "dtype") and str(value.dtype) == "bool":
        return bool(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and "int" in str(value.dtype)):
        return int(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return float(value)


def _fields(row: dict, names) -> dict:
    return {name: number(row.get(name)) for name in names}


def too_few(n) -> bool:
    """Return True when a figure rests on fewer than SMALL_N observations."""
    return (n or 0) < SMALL_N
