"""The shared filter state as URL query parameters, so a copied link reproduces the view.

Pure functions: query parameters (as Streamlit gives them: str or list of str) in, a `Scope`
out, and back. Anything unreadable in a URL is ignored, never an error: a stale or edited
link still opens the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..store.dimensions import Filters
from .metrics import DEFAULT_WINDOW

MAX_WINDOW = 365
# Dates a link may set. Python's dates end at years 1 and 9999, and the pages count back a whole
# period from the chosen start: `?to=0001-01-01` overflowed into a traceback. Survey and contact
# data outside these years is not real data.
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
MAX_VALUES = 50  # values per multi-select in a URL; more is an edited link, not a real view
# The parameters of the shared scope (scope_from_query reads them, query_from_scope writes them).
SCOPE_PARAMS = ("from", "to", "channel", "reason", "segment", "segment_value", "window", "same_reason", "mask")


@dataclass(frozen=True)
class Scope:
    """What every page shows: the filters, the repeat window W and the same-reason setting."""

    filters: Filters = field(default_factory=Filters)
    window: int = DEFAULT_WINDOW
    same_reason: bool = False
    # "Mask personal data": True/False when chosen (mask=1 / mask=0 in the URL, so a shared link
    # stays masked), None for the deployment's default (ui/privacy.py).
    masked: bool | None = None


def scope_from_query(params: dict) -> Scope:
    """Return the scope a URL's query parameters describe (unknown or malformed ones ignored)."""
    segment = _text(params.get("segment"))
    filters = Filters(
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        channels=_values(params.get("channel")),
        reasons=_values(params.get("reason")),
        segment=segment,
        segment_values=_values(params.get("segment_value")) if segment else (),
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        filters = Filters(None, None, filters.channels, filters.reasons, filters.segment, filters.segment_values)
    return Scope(filters, _window(params.get("window")), _text(params.get("same_reason")) in ("1", "true", "yes"),
                 _flag(params.get("mask")))


def date_notices(params: dict) -> tuple[str, ...]:
    """Return one sentence per URL date that `scope_from_query` moved into MIN_DATE..MAX_DATE."""
    notices = []
    for key, label in (("from", "From"), ("to", "To")):
        given = _parsed_date(params.get(key))
        if given is not None and given != _clamped(given):
            notices.append(f"The link's '{label}' date {given.isoformat()} is outside {MIN_DATE.isoformat()} to "
                           f"{MAX_DATE.isoformat()}: {_clamped(given).isoformat()} is used instead.")
    return tuple(notices)


def query_from_scope(scope: Scope) -> dict[str, str | list[str]]:
    """Return the query parameters of a scope, leaving out what is at its default."""
    f = scope.filters
    query: dict[str, str | list[str]] = {}
    if f.date_from:
        query["from"] = f.date_from.isoformat()
    if f.date_to:
        query["to"] = f.date_to.isoformat()
    if f.channels:
        query["channel"] = list(f.channels)
    if f.reasons:
        query["reason"] = list(f.reasons)
    if f.segment:
        query["segment"] = f.segment
        if f.segment_values:
            query["segment_value"] = list(f.segment_values)
    if scope.window != DEFAULT_WINDOW:
        query["window"] = str(scope.window)
    if scope.same_reason:
        query["same_reason"] = "1"
    if scope.masked is not None:
        query["mask"] = "1" if scope.masked else "0"
    return query


def _flag(value) -> bool | None:
    """Return True for 1/true/yes, False for 0/false/no, None for anything else (the default applies)."""
    text = (_text(value) or "").lower()
    return True if text in ("1", "true", "yes") else False if text in ("0", "false", "no") else None


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _text(value) -> str | None:
    value = _first(value)
    return value.strip()[:200] or None if isinstance(value, str) else None


def _date(value) -> date | None:
    parsed = _parsed_date(value)
    return None if parsed is None else _clamped(parsed)


def _parsed_date(value) -> date | None:
    text = _text(value)
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _clamped(day: date) -> date:
    return min(max(day, MIN_DATE), MAX_DATE)


def _window(value) -> int:
    text = _text(value)
    try:
        window = int(text) if text else DEFAULT_WINDOW
    except ValueError:
        return DEFAULT_WINDOW
    return window if 1 <= window <= MAX_WINDOW else DEFAULT_WINDOW


def _values(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    return tuple(str(v)[:200] for v in items if str(v).strip())[:MAX_VALUES]


# --- a page's own choices ------------------------------------------------------------------------
# Beside the shared scope, each page keeps its own choices (split by, metric, grouping…) in the URL
# under a parameter of its own, so a shared link or a saved view opens the page as it was seen.
# Streamlit clears the query parameters when the page changes, so a parameter is only ever read on
# the page that wrote it. A value the page or the workspace does not have is reported in plain
# words (choice_notice) and the page shows its default instead: a link never widens the view silently.

ONE, MANY, TEXT, NUMBER = "one", "many", "text", "number"
MAX_TEXT = 200  # characters of a free-text choice (a search) kept from a link
ALL = "all"  # a MANY choice with none chosen (all), where the page's default is some


@dataclass(frozen=True)
class Choice:
    """One of a page's choices as it travels in a link: its query parameter and how a sentence names it."""

    param: str
    label: str  # as in "The link asked for {label} 'x'"
    kind: str = ONE  # ONE of the options, MANY of them, free TEXT, or a whole NUMBER in low..high
    low: int | None = None
    high: int | None = None


PAGE_CHOICES: dict[str, Choice] = {c.param: c for c in (
    Choice("trend_metric", "the trend's metric"),
    Choice("trend_by", "the trend's period"),
    Choice("matrix_figure", "the reason × channel figure"),
    Choice("path_by", "the path of repeats by"),
    Choice("split_by", "split by"),
    Choice("metric", "metric"),
    Choice("outcomes_by", "split by"),
    Choice("touchpoints", "touchpoints by"),
    Choice("voice_figure", "the theme drivers' figure"),
    Choice("theme_trend", "the theme trend of"),
    Choice("search", "the comment search", TEXT),
    Choice("nps_group", "NPS group", MANY),
    Choice("csat_band", "CSAT band", MANY),
    Choice("sentiment", "sentiment", MANY),
    Choice("theme", "theme"),
    Choice("target_hours", "the first follow-up target (hours)", NUMBER, 1, 24 * 30),
    Choice("status", "follow-up status", MANY),
    Choice("loop_by", "follow-ups by"),
)}


@dataclass(frozen=True)
class Reading:
    """What a link says about one choice: the value to use (None: the link has none usable, the page's
    default applies) and, when the link asked for something unusable, the words saying so."""

    value: object = None
    notice: str | None = None


def read_choice(params: dict, choice: Choice, options=None, *, default_text: str = "the default",
                shown=str, workspace_values: bool = False) -> Reading:
    """Return the link's value for `choice`, checked against `options` (ONE and MANY), its length (TEXT)
    or its range (NUMBER). `shown` names an option in a sentence; `default_text` is what the page shows
    instead; `workspace_values` says the options come from the workspace's data (not the page)."""
    raw = params.get(choice.param)
    if raw is None or raw == [] or raw == "":
        return Reading()
    owner = "this workspace does not have" if workspace_values else "this page does not offer"
    if choice.kind == MANY:
        asked = list(_values(raw))
        if asked == [ALL]:
            return Reading(())
        known = [v for v in asked if v in options]
        unknown = [v for v in asked if v not in options]
        notice = None
        if unknown:
            rest = f"the other {choice.label} values chosen" if known else default_text
            notice = f"The link asked for {choice.label} {_listed(unknown)}, which {owner}; showing {rest}."
        return Reading(tuple(known) or None, notice)
    text = _text(raw)
    if text is None:
        return Reading()
    if choice.kind == TEXT:
        return Reading(text[:MAX_TEXT])
    if choice.kind == NUMBER:
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or not choice.low <= number <= choice.high:
            return Reading(None, f"The link asked for {choice.label} {_quoted(text)}, which is not a whole number "
                                 f"from {choice.low} to {choice.high}; showing {default_text}.")
        return Reading(number)
    if text in options:
        return Reading(text)
    # A link may name an option by what the page shows ("CSAT %") as well as by its key ("csat").
    by_shown = [o for o in options if str(shown(o)).casefold() == text.casefold()]
    if by_shown:
        return Reading(by_shown[0])
    return Reading(None, f"The link asked for {choice.label} {_quoted(text)}, which {owner}; showing {default_text}.")


def choice_query(choice: Choice, value, default) -> str | list[str] | None:
    """Return the query value that writes `value` into a link (None: leave the parameter out, it is the default)."""
    if value is None or value == default or (choice.kind == TEXT and not value):
        return None
    if choice.kind == MANY and not value:
        return None if not default else [ALL]  # none chosen is "all", unlike a default of some
    if choice.kind == MANY:
        return [str(v) for v in value]
    return str(value)


def filter_notices(asked: tuple[str, ...], options, singular: str, plural: str) -> str | None:
    """Return the sentence for filter values a link asked for that this workspace does not have, e.g. "The
    link asked for channel 'Fax', which this workspace does not have; showing all channels." (None: all known)."""
    unknown = [v for v in asked if v not in options]
    if not unknown:
        return None
    rest = f"the other {plural} chosen" if len(unknown) < len(asked) else f"all {plural}"
    name = singular if len(unknown) == 1 else plural
    return f"The link asked for {name} {_listed(unknown)}, which this workspace does not have; showing {rest}."


def _quoted(text: str, limit: int = 60) -> str:
    """Return a value from a link as a sentence quotes it: shortened, never the whole of an edited link."""
    text = str(text)
    return f"'{text[:limit]}…'" if len(text) > limit else f"'{text}'"


def _listed(values: list[str], limit: int = 5) -> str:
    quoted = [_quoted(v) for v in values[:limit]]
    if len(values) > limit:
        quoted.append(f"{len(values) - limit} more")
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
