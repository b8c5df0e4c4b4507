"""Drill-through: the contacts and responses behind a figure, at most 5,000 rows.

A table row drills by one split-by value; a chart click (ui/drill.py) by what the clicked mark
stands for: a `Pick` of date bucket, channel, reason, one other dimension's value, an NPS group
and the measure whose rows are wanted, so the rows shown are the ones the figure counted.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

import pandas as pd

from .db import run
from .dimensions import NO_DIMENSION, Filters, resolve_dimension
from .metrics import DEFAULT_WINDOW

MAX_ROWS = 5000
KINDS = ("contacts", "responses")
# The rows each figure counts (sql/drill/*.sql): a drill on FCR shows the contacts FCR judged.
MEASURES = {"contacts": ("fcr", "repeat_rate", "self_service"), "responses": ("nps", "csat", "ces", "survey_fcr")}
GRAINS = ("day", "week", "month")
# NPS groups as the outcomes page and the voice page name them: the answers' score range.
NPS_GROUPS = {"Detractor": (0, 6), "Passive": (7, 8), "Promoter": (9, 10)}
# Chart fields that are filters of their own; any other field is a dimension (resolve_dimension).
PERIOD, NPS_GROUP = "period", "nps_group"


@dataclass(frozen=True)
class Drill:
    """How a chart's click drills: which rows (kind), the figure whose rows they are (measure), and
    what each selected chart field stands for (`fields`: chart field -> drill filter)."""

    kind: str
    fields: tuple[tuple[str, str], ...]
    measure: str | None = None
    grain: str | None = None  # for a "period" field: the chart's date bucket

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"drill-through shows contacts or responses, not {self.kind!r}")
        if self.measure is not None and self.measure not in MEASURES[self.kind]:
            raise ValueError(f"no drill of {self.kind} for the figure {self.measure!r}")

    @classmethod
    def of(cls, kind: str, measure: str | None = None, grain: str | None = None, **fields: str) -> Drill:
        """Return a drill; each keyword names a chart field and the filter it stands for, e.g.
        `Drill.of("contacts", "fcr", contact_reason="contact_reason")`."""
        return cls(kind, tuple(fields.items()), measure, grain)

    def pick(self, point: dict) -> Pick:
        """Return the Pick a clicked mark's fields describe."""
        return pick_from_selection(point, dict(self.fields), self.grain)


@dataclass(frozen=True)
class Pick:
    """What a clicked mark stands for, as drill filters (None: not narrowed by it)."""

    period: date | None = None  # first day of the date bucket
    grain: str | None = None  # day, week or month: the bucket's length
    channel: str | None = None
    reason: str | None = None
    by: str | None = None  # one other dimension (team, tier, ...) and its value
    value: str | None = None
    nps_group: str | None = None

    def describe(self) -> str:
        """Return the pick in words, e.g. "contact reason Billing · channel phone"."""
        parts = []
        if self.period is not None:
            parts.append(f"{self.grain} of {self.period:%d %b %Y}")
        for label, value in (("contact reason", self.reason), ("channel", self.channel),
                             ((self.by or "").replace("_", " "), self.value), ("NPS group", self.nps_group)):
            if value is not None:
                parts.append(f"{label} {value}")
        return " · ".join(parts) or "everything shown"


def pick_from_selection(point: dict, fields: dict[str, str], grain: str | None = None) -> Pick:
    """Return the Pick a clicked mark's fields describe; `fields` maps each chart field to the drill
    filter it stands for ("period", "channel", "contact_reason", "nps_group" or a dimension's name).

    Raises ValueError for a field the chart does not declare, or an unreadable date."""
    pick = Pick()
    for field, raw in point.items():
        if field not in fields:
            raise ValueError(f"the chart's selection names {field!r}, which is no drill filter")
        target, value = fields[field], _text(raw)
        if value is None:
            continue
        if target == PERIOD:
            if grain not in GRAINS:
                raise ValueError(f"a date bucket needs a grain of {GRAINS}, not {grain!r}")
            pick = replace(pick, period=_bucket_start(raw), grain=grain)
        elif target == "channel":
            pick = replace(pick, channel=value)
        elif target == "contact_reason":
            pick = replace(pick, reason=value)
        elif target == NPS_GROUP:
            if value not in NPS_GROUPS:
                raise ValueError(f"no NPS group {value!r}")
            pick = replace(pick, nps_group=value)
        else:
            pick = replace(pick, by=target, value=value)
    return pick


def bucket_end(start: date, grain: str) -> date:
    """Return the last day of the date bucket that starts on `start` (weeks start on Monday)."""
    if grain == "day":
        return start
    if grain == "week":
        return start + timedelta(days=6)
    following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def narrowed(filters: Filters, pick: Pick) -> Filters:
    """Return the filters narrowed to the pick: the date bucket within the chosen dates, the clicked
    channel and reason (a chart only shows values the filters allow)."""
    date_from, date_to = filters.date_from, filters.date_to
    if pick.period is not None:
        end = bucket_end(pick.period, pick.grain)
        date_from = pick.period if date_from is None else max(date_from, pick.period)
        date_to = end if date_to is None else min(date_to, end)
    return replace(filters, date_from=date_from, date_to=date_to,
                   channels=(pick.channel,) if pick.channel is not None else filters.channels,
                   reasons=(pick.reason,) if pick.reason is not None else filters.reasons)


def rows_picked(con, kind: str, pick: Pick, filters: Filters = Filters(), measure: str | None = None,
                window: int = DEFAULT_WINDOW, same_reason: bool = False, limit: int = MAX_ROWS
                ) -> tuple[pd.DataFrame, int]:
    """Return (rows, how many there are in all) behind a clicked mark: the contacts or responses in
    the filters narrowed to the pick that `measure` counts, newest first, at most `limit`."""
    if measure is not None and measure not in MEASURES.get(kind, ()):
        raise ValueError(f"no drill of {kind} for the figure {measure!r}")
    if pick.nps_group is not None and kind != "responses":
        raise ValueError("an NPS group picks responses, not contacts")
    frame = rows_behind(con, kind, narrowed(filters, pick), pick.by, pick.value, window, limit,
                        measure=measure, same_reason=same_reason, nps_group=pick.nps_group)
    total = int(frame["rows_in_total"].iloc[0]) if len(frame) else 0
    return frame.drop(columns="rows_in_total"), total


def rows_behind(
    con, kind: str, filters: Filters = Filters(), by: str | None = None, value=None,
    window: int = DEFAULT_WINDOW, limit: int = MAX_ROWS, *, measure: str | None = None,
    same_reason: bool = False, nps_group: str | None = None,
) -> pd.DataFrame:
    """Return the contacts or responses (kind) in the filters whose `by` value equals `value`, newest
    first, with rows_in_total (their count before the limit)."""
    if kind not in KINDS:
        raise ValueError(f"drill-through shows contacts or responses, not {kind!r}")
    dimension = resolve_dimension(con, by).sql if by else NO_DIMENSION
    params = {**filters.params(), "value": None if value is None else str(value), "window": int(window),
              "limit": min(int(limit), MAX_ROWS), "measure": measure}
    if kind == "contacts":
        params["same_reason"] = bool(same_reason)
    else:
        low, high = NPS_GROUPS[nps_group] if nps_group is not None else (None, None)
        params.update(nps_low=low, nps_high=high)
        del params["window"]
    return run(con, f"drill/{kind}", params, dimension=dimension, segment=filters.segment_sql(con)).df()


def _text(raw) -> str | None:
    """Return a selected value as the text the SQL compares (None for a blank)."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def _bucket_start(raw) -> date:
    """Return the date of a clicked time mark: Vega gives epoch milliseconds, a spec may give text.

    The chart's dates are midnights read in the browser's time zone, so the milliseconds are that
    midnight in UTC: up to 14 hours either side of the UTC midnight. The nearest one is the day."""
    if isinstance(raw, (int, float)):
        return (datetime.fromtimestamp(raw / 1000, tz=timezone.utc) + timedelta(hours=12)).date()
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError as error:
        raise ValueError(f"not a date: {raw!r}") from error
