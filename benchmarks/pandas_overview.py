"""The Overview page's figures computed the straightforward pandas way: the yardstick run.py times
the engine against (and checks it against: both must give the same figures).

Reads the generated CSV files once, then computes NPS, CSAT, repeat rate and contact FCR overall,
for the last 28 days and the 28 before, and by week, with groupby and shift, following
docs/metrics.md (repeat window W = 7 days, any reason).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd

FIELDS = ("nps", "csat", "repeat_rate", "fcr")


def read_tables(data: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (contacts, responses) read from the CSV files in `data`, timestamps parsed."""
    contacts = pd.read_csv(data / "contacts.csv", usecols=["contact_id", "customer_id", "started_at"],
                           dtype={"contact_id": str, "customer_id": str})
    contacts["started_at"] = pd.to_datetime(contacts["started_at"])
    responses = pd.read_csv(data / "responses.csv", usecols=["responded_at", "nps", "csat"])
    responses["responded_at"] = pd.to_datetime(responses["responded_at"])
    return contacts, responses


def contact_flags(contacts: pd.DataFrame, window: int = 7) -> pd.DataFrame:
    """Return the contacts with linked, is_repeat, is_judged and no_return flags (whole history)."""
    frame = contacts.sort_values(["customer_id", "started_at", "contact_id"]).copy()
    by_customer = frame.groupby("customer_id", sort=False)["started_at"]
    previous, following = by_customer.shift(1), by_customer.shift(-1)
    span = timedelta(days=window)
    frame["linked"] = frame["customer_id"].notna()
    frame["is_repeat"] = frame["linked"] & previous.notna() & (previous >= frame["started_at"] - span)
    frame["is_judged"] = frame["linked"] & (frame["started_at"] <= frame["started_at"].max() - span)
    frame["no_return"] = following.isna() | (following > frame["started_at"] + span)
    return frame


def _figures(contacts: pd.DataFrame, responses: pd.DataFrame) -> dict:
    nps = responses["nps"].dropna()
    csat = responses["csat"].dropna()
    linked, judged = int(contacts["linked"].sum()), int(contacts["is_judged"].sum())
    return {
        "nps": 100.0 * (int((nps >= 9).sum()) - int((nps <= 6).sum())) / len(nps) if len(nps) else None,
        "csat": 100.0 * int((csat >= 4).sum()) / len(csat) if len(csat) else None,
        "repeat_rate": 100.0 * int(contacts["is_repeat"].sum()) / linked if linked else None,
        "fcr": 100.0 * int((contacts["is_judged"] & contacts["no_return"]).sum()) / judged if judged else None,
    }


def _between(frame: pd.DataFrame, column: str, first, last) -> pd.DataFrame:
    moment = frame[column]
    return frame[(moment >= pd.Timestamp(first)) & (moment < pd.Timestamp(last + timedelta(days=1)))]


def _week(moments: pd.Series) -> pd.Series:
    days = moments.dt.normalize()
    return days - pd.to_timedelta(days.dt.day_of_week, unit="D")  # Monday, as SQL date_trunc('week')


def overview(contacts: pd.DataFrame, responses: pd.DataFrame, window: int = 7, days: int = 28) -> dict:
    """Return {"overall", "current", "previous": figures, "trend": {week: figures}} (see FIELDS)."""
    flagged = contact_flags(contacts, window)
    latest = max(flagged["started_at"].max(), responses["responded_at"].max()).date()
    current_from = latest - timedelta(days=days - 1)
    previous_to = current_from - timedelta(days=1)
    previous_from = previous_to - timedelta(days=days - 1)
    trend = {}
    contact_weeks = dict(tuple(flagged.groupby(_week(flagged["started_at"]))))
    response_weeks = dict(tuple(responses.groupby(_week(responses["responded_at"]))))
    empty_contacts, empty_responses = flagged.iloc[0:0], responses.iloc[0:0]
    for week in sorted(set(contact_weeks) | set(response_weeks)):
        trend[week.date()] = _figures(contact_weeks.get(week, empty_contacts),
                                      response_weeks.get(week, empty_responses))
    return {
        "overall": _figures(flagged, responses),
        "current": _figures(_between(flagged, "started_at", current_from, latest),
                            _between(responses, "responded_at", current_from, latest)),
        "previous": _figures(_between(flagged, "started_at", previous_from, previous_to),
                             _between(responses, "responded_at", previous_from, previous_to)),
        "trend": trend,
    }
