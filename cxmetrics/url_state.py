"""The shared filter state as URL query parameters, so a copied link reproduces the view.

Pure functions: query parameters (as Streamlit gives them: str or list of str) in, a `Scope`
out, and back. Anything unreadable in a URL is ignored, never an error: a stale or edited
link still opens the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .dimensions import Filters
from .metrics import DEFAULT_WINDOW

MAX_WINDOW = 365
# Dates a link may set. Python's dates end at years 1 and 9999, and the pages count back a whole
# period from the chosen start: `?to=0001-01-01` overflowed into a traceback. Survey and contact
# data outside these years is not real data.
MIN_DATE, MAX_DATE = date(1900, 1, 1), date(2100, 12, 31)
MAX_VALUES = 50  # values per multi-select in a URL; more is an edited link, not a real view


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
