"""Drill-through: the contacts, answers, comments, customers or cases behind a figure, at most 5,000 rows.

A table row drills by one split-by value; a chart click (ui/drill.py) by what the clicked mark
stands for: a `Pick` of date bucket, channel, reason, one other dimension's value, an NPS group,
the previous contact's value (a repeat path), a comment theme, a touchpoint or journey, an
action's figure and window, and the measure whose rows are wanted, so the rows shown are the ones
the figure counted.

Kinds: contacts and responses (sql/drill/), comments (the Voice page's own comment query, by
theme), customers (sql/drill/customers.sql: the outcome customers a churn or revenue bar counts),
journeys (sql/drill/journeys.sql: the Touchpoint map's contacts, by touchpoint or journey path),
cases (sql/drill/cases.sql: the follow-up cases an owner's or a team's figure judged), and effects
(an outer-loop action's figure before or after its start: the contacts, answers or comments of its
own window, see effect_kind).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

import pandas as pd

from .contact_paths import PATH_COLUMNS
from ..store.db import qualified, run
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension
from .metrics import DEFAULT_WINDOW

MAX_ROWS = 5000
KINDS = ("contacts", "responses", "comments", "customers", "journeys", "cases", "effects")
# The rows each figure counts (sql/drill/*.sql): a drill on FCR shows the contacts FCR judged; a
# repeat path's cell the repeats (any reason, as contact_paths.repeat_paths counts them); a theme's
# impact on NPS or CSAT the comments mentioning it that carry that score.
MEASURES = {"contacts": ("fcr", "repeat_rate", "self_service", "repeat_path"),
            "responses": ("nps", "csat", "ces", "survey_fcr"), "comments": ("nps", "csat"), "customers": (),
            "journeys": ("escalation", "journeys"), "cases": ("first_within", "saved"), "effects": ()}
# An action's figure (loop_actions) and the rows it counts: a reason's contacts or answers, or the
# NPS answers of detractors mentioning a theme (the share's numerator: its n is every NPS answer).
EFFECT_KINDS = {"fcr": "contacts", "repeat_rate": "contacts", "nps": "responses", "themed_detractor_share": "comments"}
GRAINS = ("day", "week", "month")
# NPS groups as the outcomes page and the voice page name them: the answers' score range.
NPS_GROUPS = {"Detractor": (0, 6), "Passive": (7, 8), "Promoter": (9, 10)}
# Chart fields that are filters of their own; any other field is a dimension (resolve_dimension).
# PREVIOUS + a path column ("previous_channel"): the previous contact's value, for a repeat path.
# On the Touchpoint map: what touchpoints are (TOUCHPOINTS: channel or contact_reason), the
# touchpoint, and the journey path (touchpoints.OTHER_JOURNEYS: every journey but the main ones).
PERIOD, NPS_GROUP, THEME, PREVIOUS = "period", "nps_group", "theme", "previous_"
TOUCHPOINTS, TOUCHPOINT, JOURNEY = "touchpoints", "touchpoint", "journey"
# A follow-up figure is judged against a target (hours) as of a moment: both given by the page.
TARGET_HOURS, AS_OF = "target_hours", "as_of"
# An outer-loop action's dot: its figure and the window (first and last day) it was worked out over.
FIGURE, SPAN_FROM, SPAN_TO = "figure", "span_from", "span_to"


@dataclass(frozen=True)
class Drill:
    """How a chart's click drills: which rows (kind), the figure whose rows they are (measure), and
    what each selected chart field stands for (`fields`: chart field -> drill filter)."""

    kind: str
    fields: tuple[tuple[str, str], ...]
    measure: str | None = None
    grain: str | None = None  # for a "period" field: the chart's date bucket
    # The chart covers every date, whatever the date range (the page says so): so do its rows.
    all_dates: bool = False
    # Fields every mark of the chart shares, not in its data (the one theme a trend is drawn for).
    given: tuple[tuple[str, str], ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"drill-through shows contacts or responses, not {self.kind!r}")
        if self.measure is not None and self.measure not in MEASURES[self.kind]:
            raise ValueError(f"no drill of {self.kind} for the figure {self.measure!r}")

    @classmethod
    def of(cls, kind: str, measure: str | None = None, grain: str | None = None, *, all_dates: bool = False,
           given: dict[str, str] | None = None, **fields: str) -> Drill:
        """Return a drill; each keyword names a chart field and the filter it stands for, e.g.
        `Drill.of("contacts", "fcr", contact_reason="contact_reason")`; `given` maps filters to the
        value every mark shares (e.g. {"theme": "Billing"} for one theme's trend)."""
        return cls(kind, tuple(fields.items()), measure, grain, all_dates, tuple((given or {}).items()))

    def pick(self, point: dict) -> Pick:
        """Return the Pick a clicked mark's fields describe."""
        if self.kind == "customers":
            # An outcome bar's field is the customers' group (nps_group, csat_group, repeat_contact
            # or a customers column), never the NPS group of an answer.
            return _group_pick(point, dict(self.fields))
        # The given values last: a selection (sent by the browser) cannot replace them.
        given = {f"given:{target}": value for target, value in self.given}
        return pick_from_selection({**point, **given}, dict(self.fields) | {f"given:{t}": t for t, _ in self.given},
                                   self.grain)


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
    previous_by: str | None = None  # a repeat's previous contact: its channel or contact reason
    previous: str | None = None
    theme: str | None = None
    touchpoints: str | None = None  # channel or contact_reason: what the touchpoint and journey name
    touchpoint: str | None = None
    journey: str | None = None
    target_hours: float | None = None  # follow-up cases: the first follow-up target, and judged as of when
    as_of: datetime | None = None
    figure: str | None = None  # an outer-loop action's figure (EFFECT_KINDS) and its window's days
    span_from: date | None = None
    span_to: date | None = None

    def describe(self) -> str:
        """Return the pick in words, e.g. "contact reason Billing · channel phone"."""
        parts = []
        if self.period is not None:
            parts.append(f"{self.grain} of {self.period:%d %b %Y}")
        if self.span_from is not None and self.span_to is not None:
            parts.append(f"{self.span_from:%d %b %Y} – {self.span_to:%d %b %Y}")
        for label, value in (("contact reason", self.reason), ("channel", self.channel),
                             ((self.by or "").replace("_", " "), self.value), ("NPS group", self.nps_group),
                             ("theme", self.theme), ((self.touchpoints or "").replace("_", " "), self.touchpoint),
                             ("journey", self.journey),
                             (f"after {(self.previous_by or '').replace('_', ' ')}", self.previous)):
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
            pick = replace(pick, nps_group=_nps_group(value))
        elif target == THEME:
            pick = replace(pick, theme=value)
        elif target in (TOUCHPOINTS, TOUCHPOINT, JOURNEY):
            pick = replace(pick, **{target: value})
        elif target == TARGET_HOURS:
            pick = replace(pick, target_hours=float(value))
        elif target == AS_OF:
            pick = replace(pick, as_of=datetime.fromisoformat(value))
        elif target == FIGURE:
            if value not in EFFECT_KINDS:
                raise ValueError(f"no action figure {value!r}")
            pick = replace(pick, figure=value)
        elif target in (SPAN_FROM, SPAN_TO):
            pick = replace(pick, **{target: date.fromisoformat(value)})
        elif target.startswith(PREVIOUS):
            if target[len(PREVIOUS):] not in PATH_COLUMNS:
                raise ValueError(f"a repeat path's previous contact goes by {' or '.join(PATH_COLUMNS)}")
            pick = replace(pick, previous_by=target[len(PREVIOUS):], previous=value)
        else:
            pick = replace(pick, by=target, value=value)
    return pick


def _nps_group(value: str) -> str:
    """Return the NPS group a chart names, as NPS_GROUPS spells it: "Detractor", "detractor" and the
    voice page's "Detractors (0–6)" are the same group."""
    found = [group for group in NPS_GROUPS if value.lower().startswith(group.lower())]
    if not found:
        raise ValueError(f"no NPS group {value!r}")
    return found[0]


def _group_pick(point: dict, fields: dict[str, str]) -> Pick:
    """Return the Pick of an outcome bar: its customers' group (`by`) and the group's value."""
    pick = Pick()
    for field, raw in point.items():
        if field not in fields:
            raise ValueError(f"the chart's selection names {field!r}, which is no drill filter")
        pick = replace(pick, by=fields[field], value=_text(raw))
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
    """Return (rows, how many there are in all) behind a clicked mark: the rows of `kind` (KINDS) in
    the filters narrowed to the pick that `measure` counts, newest first (customers: most revenue
    first), at most `limit`."""
    if measure is not None and measure not in MEASURES.get(kind, ()):
        raise ValueError(f"no drill of {kind} for the figure {measure!r}")
    if pick.nps_group is not None and kind not in ("responses", "comments"):
        raise ValueError("an NPS group picks responses or comments, not contacts")
    if kind == "effects":
        return effect_rows(con, pick, window, same_reason, limit)
    if pick.theme is not None and kind != "comments":
        raise ValueError("a theme picks comments")
    if pick.previous is not None and kind != "contacts":
        raise ValueError("a repeat path picks contacts")
    if kind == "comments":
        return comments_picked(con, pick, filters, measure, limit)
    if kind == "journeys":
        frame = journeys_behind(con, pick, filters, measure, window, same_reason, limit)
    elif kind == "cases":
        frame = cases_behind(con, pick, filters, measure, limit)
    elif kind == "customers":
        frame = customers_behind(con, pick.by, pick.value, filters, window, same_reason, limit)
    else:
        frame = rows_behind(con, kind, narrowed(filters, pick), pick.by, pick.value, window, limit,
                            measure=measure, same_reason=same_reason, nps_group=pick.nps_group,
                            previous_by=pick.previous_by, previous=pick.previous)
    total = int(frame["rows_in_total"].iloc[0]) if len(frame) else 0
    return frame.drop(columns="rows_in_total"), total


def effect_kind(pick: Pick) -> str:
    """Return what an outer-loop action's dot counts: contacts, responses or comments."""
    if pick.figure not in EFFECT_KINDS or pick.span_from is None or pick.span_to is None:
        raise ValueError("an action's dot is picked by its figure and its window")
    return EFFECT_KINDS[pick.figure]


def effect_rows(con, pick: Pick, window: int = DEFAULT_WINDOW, same_reason: bool = False,
                limit: int = MAX_ROWS) -> tuple[pd.DataFrame, int]:
    """Return (rows, how many in all) behind an outer-loop action's dot: over the action's own window,
    whatever the filters (as loop_actions.action_effects works it out), the reason's contacts or
    answers its figure counts, or a theme's detractors' comments (the numerator of its share)."""
    kind = effect_kind(pick)
    span = Filters(date_from=pick.span_from, date_to=pick.span_to, reasons=(pick.reason,) if pick.reason else ())
    if kind == "comments":
        return comments_picked(con, Pick(theme=pick.theme, nps_group="Detractor"), span, None, limit)
    return rows_picked(con, kind, Pick(), span, pick.figure, window, same_reason, limit)


def comments_picked(con, pick: Pick, filters: Filters = Filters(), measure: str | None = None,
                    limit: int = MAX_ROWS) -> tuple[pd.DataFrame, int]:
    """Return (comments, how many there are in all) behind a Voice mark: the comments in the filters
    narrowed to the pick (date bucket, theme, NPS group) through the Voice page's own query, so they
    are the ones its figures count; `measure` "nps" or "csat" keeps those carrying that score."""
    from .voice import CSAT_BANDS, NPS_GROUPS as VOICE_NPS_GROUPS, CommentQuery, comments

    if pick.by is not None:
        raise ValueError("comments are picked by date, channel, reason, theme and NPS group only")
    groups = (pick.nps_group.lower(),) if pick.nps_group is not None else ()
    # Every NPS group (or CSAT band) together: the comments that carry that score at all.
    if measure == "nps" and not groups:
        groups = VOICE_NPS_GROUPS
    query = CommentQuery(theme=pick.theme, nps_groups=groups, csat_bands=CSAT_BANDS if measure == "csat" else ())
    frame = comments(con, narrowed(filters, pick), query, min(int(limit), MAX_ROWS))
    total = int(frame["matching"].iloc[0]) if len(frame) else 0
    return frame.drop(columns="matching"), total


def customers_behind(con, by: str | None, value, filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
                     same_reason: bool = False, limit: int = MAX_ROWS) -> pd.DataFrame:
    """Return the customers with outcomes behind an outcome figure (outcomes.outcome_counts): those
    in the filters whose group (`by`: nps_group, csat_group, repeat_contact or a customers column;
    that of their deciding month) is `value`, all with None; most revenue first, with rows_in_total."""
    from .outcomes import group_slot, measures_loaded, scope_params

    params, slots = scope_params(con, filters)
    params |= {"value": None if value is None else str(value), "window": int(window),
               "same_reason": bool(same_reason), "limit": min(int(limit), MAX_ROWS)}
    frame = run(con, "drill/customers", params, group=group_slot(con, by)[0], **slots).df()
    # A measure no outcome row carries is blank, not "no churn" or 0 revenue (as outcome_figures says).
    loaded = measures_loaded(con)
    return frame.assign(**{column: None for column, measure in (("churned", "churn"), ("revenue", "revenue"))
                           if not loaded[measure]})


def journeys_behind(con, pick: Pick, filters: Filters = Filters(), measure: str | None = None,
                    window: int = DEFAULT_WINDOW, same_reason: bool = False, limit: int = MAX_ROWS) -> pd.DataFrame:
    """Return the contacts of the chosen journeys behind a Touchpoint map mark (see sql/drill/journeys.sql):
    at the picked touchpoint, on the picked journey path (or every journey but the main ones), newest
    first, with rows_in_total. Journeys are chosen by their first contact, as the map chooses them."""
    from .touchpoints import (KINDS as TOUCHPOINT_KINDS, MAX_STEPS, NONE, OTHER_JOURNEYS, TOP_JOURNEYS,
                              top_values)

    if pick.touchpoints not in TOUCHPOINT_KINDS:
        raise ValueError(f"touchpoints are {' or '.join(TOUCHPOINT_KINDS)}, not {pick.touchpoints!r}")
    others = pick.journey == OTHER_JOURNEYS
    params = {**filters.params(), "window": int(window), "same_reason": bool(same_reason), "max_steps": MAX_STEPS,
              "top_values": top_values(con, pick.touchpoints), "none": NONE, "touchpoint": pick.touchpoint,
              "path": None if others else pick.journey, "other_than": TOP_JOURNEYS if others else None,
              "measure": measure, "limit": min(int(limit), MAX_ROWS)}
    return run(con, "drill/journeys", params, touchpoint=qualified("c", pick.touchpoints),
               segment=filters.segment_sql(con)).df()


def cases_behind(con, pick: Pick, filters: Filters = Filters(), measure: str | None = None,
                 limit: int = MAX_ROWS) -> pd.DataFrame:
    """Return the follow-up cases behind an owner's or a team's figure (follow_ups.follow_up_metrics):
    those in the filters of the picked owner or team that `measure` judges, as of `pick.as_of` against
    `pick.target_hours`, newest first, with rows_in_total."""
    from .follow_ups import GROUPINGS
    from ..rollups.loop_rollups import case_slots

    if pick.by not in GROUPINGS:
        raise ValueError(f"follow-up cases are picked by {' or '.join(GROUPINGS)}, not {pick.by!r}")
    if measure == "first_within" and (pick.target_hours is None or pick.as_of is None):
        raise ValueError("first follow-up within target is judged against a target, as of a moment")
    params = {**filters.params(), "group_by": pick.by, "value": pick.value, "target_hours": pick.target_hours,
              "now": pick.as_of, "measure": measure, "limit": min(int(limit), MAX_ROWS)}
    return run(con, "drill/cases", params, **case_slots(con, filters)).df()


def rows_behind(
    con, kind: str, filters: Filters = Filters(), by: str | None = None, value=None,
    window: int = DEFAULT_WINDOW, limit: int = MAX_ROWS, *, measure: str | None = None,
    same_reason: bool = False, nps_group: str | None = None, previous_by: str | None = None, previous=None,
) -> pd.DataFrame:
    """Return the contacts or responses (kind) in the filters whose `by` value equals `value` (and,
    for contacts, whose previous contact's `previous_by` is `previous`), newest first, with
    rows_in_total (their count before the limit)."""
    if kind not in ("contacts", "responses"):
        raise ValueError(f"drill-through rows are contacts or responses, not {kind!r}")
    dimension = resolve_dimension(con, by).sql if by else NO_DIMENSION
    params = {**filters.params(), "value": None if value is None else str(value), "window": int(window),
              "limit": min(int(limit), MAX_ROWS), "measure": measure}
    slots = {"dimension": dimension, "segment": filters.segment_sql(con)}
    if kind == "contacts":
        if previous_by is not None and previous_by not in PATH_COLUMNS:
            raise ValueError(f"a repeat path's previous contact goes by {' or '.join(PATH_COLUMNS)}")
        params.update(same_reason=bool(same_reason), previous=None if previous is None else str(previous))
        # Without a previous value the slot names a column every store has (it is compared with NULL).
        slots["previous"] = qualified("p", previous_by or "contact_id")
    else:
        low, high = NPS_GROUPS[nps_group] if nps_group is not None else (None, None)
        params.update(nps_low=low, nps_high=high)
        del params["window"]
    return run(con, f"drill/{kind}", params, **slots).df()


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
    text = str(raw)
    try:
        # A month bucket written as text ("2024-03", as the Voice page's months are) starts on the 1st.
        return date.fromisoformat(f"{text}-01" if len(text) == 7 else text[:10])
    except ValueError as error:
        raise ValueError(f"not a date: {raw!r}") from error
