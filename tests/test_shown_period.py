"""The one period every page shows: the last 28 days of the workspace's own data unless dates are
chosen, said in words; and the data's span and whether a period holds any data, from a real store."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.periods import (ShownPeriod, data_span, holds_data, period_sentence, shown_period,
                                      span_text)

SPAN = (date(2024, 11, 20), date(2025, 3, 28))


@pytest.mark.parametrize(("chosen_from", "chosen_to", "shown", "chosen"), [
    (None, None, (date(2025, 3, 1), date(2025, 3, 28)), False),  # the data's last 28 days, not today's
    (date(2025, 1, 1), date(2025, 1, 31), (date(2025, 1, 1), date(2025, 1, 31)), True),
    (None, date(2025, 1, 31), (date(2025, 1, 4), date(2025, 1, 31)), True),  # 28 days up to the chosen end
    (date(2025, 3, 20), None, (date(2025, 3, 20), date(2025, 3, 28)), True),  # from the chosen start to the data's end
    (date(2025, 6, 1), None, (date(2025, 6, 1), date(2025, 6, 1)), True),  # a start after the data: that day
])
def test_the_shown_period(chosen_from, chosen_to, shown, chosen):
    period = shown_period(Filters(chosen_from, chosen_to), SPAN)
    assert (period.date_from, period.date_to) == shown
    assert period.chosen is chosen
    assert (period.first_day, period.last_day) == SPAN


def test_an_empty_workspace_has_no_period():
    period = shown_period(Filters(), (None, None))
    assert (period.date_from, period.date_to) == (None, None)
    assert period_sentence(period) == "No data in this workspace yet: load a file on the Data page."
    # A workspace whose rows carry no date at all (a survey export without dates): every row counts.
    assert period_sentence(period, has_rows=True) == (
        "every date (none of this workspace's contacts or answers carries a date)")


def test_the_period_in_words():
    assert period_sentence(shown_period(Filters(), SPAN)) == "1 Mar – 28 Mar 2025 (last 28 days of this workspace's data)"
    assert period_sentence(shown_period(Filters(date(2024, 12, 30), date(2025, 1, 2)), SPAN)) == (
        "30 Dec 2024 – 2 Jan 2025 (dates chosen in the sidebar)")
    assert span_text(date(2025, 3, 1), date(2025, 3, 1)) == "1 Mar – 1 Mar 2025"


def test_the_span_and_whether_a_period_holds_data(load, con):
    assert data_span(con) == (None, None)
    load("contacts", "c.csv", "contact_id,started_at\nA,2025-01-02 23:59\nB,2025-03-28 08:00\n")
    load("responses", "r.csv", "response_id,responded_at,nps\nR,2024-12-31 10:00,9\n")
    assert data_span(con) == (date(2024, 12, 31), date(2025, 3, 28))

    def holds(first, last):
        return holds_data(con, ShownPeriod(first, last, True, None, None))

    assert holds(date(2025, 1, 2), date(2025, 1, 2))  # the whole last day counts
    assert holds(date(2024, 12, 31), date(2024, 12, 31))  # a response alone is data
    assert not holds(date(2025, 1, 3), date(2025, 3, 27))
    assert not holds_data(con, ShownPeriod(None, None, False, None, None))
