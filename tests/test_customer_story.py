"""One customer's story: what is looked up, repeats by the shared window and same-reason setting, the
timeline, the summary, the recent-detractor list, and the HTML export (escaped, masked on request)."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from cxmetrics.face.charts import timeline_chart
from cxmetrics.engine.customer_story import (LANES, StoryError, clean_id, customer_story, recent_detractors,
                                             story_html, summary, timeline)
from cxmetrics.engine.follow_ups import Change, save_follow_up

CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,resolved
A1,Ann,2026-02-01 09:00,phone,Billing,false
A2,Ann,2026-02-05 09:00,chat,Delivery,true
A3,Ann,2026-02-09 09:00,phone,Billing,true
A4,Ann,2026-03-30 09:00,email,Billing,true
B1,Bob,2026-02-03 09:00,web,Login,
"""
RESPONSES = """response_id,responded_at,customer_id,contact_id,nps,csat,comment
Q1,2026-02-01 18:00,,A1,2,2,<script>alert('x')</script> call me on +44 20 7946 0958
Q2,2026-03-01 10:00,Ann,,9,,Much better now
Q3,2026-02-04 10:00,Bob,B1,4,,slow
Q4,2026-02-20 10:00,Cat,,6,,
"""
OUTCOMES = """customer_id,month,revenue,churned
Ann,2026-02-01,30,false
Ann,2026-03-01,25.5,false
Dan,2026-02-01,10,true
"""


@pytest.fixture
def story_db(con, load):
    load("customers", "customers.csv", "customer_id,tier\nAnn,Gold\nBob,Basic\n")
    load("contacts", "contacts.csv", CONTACTS)
    load("responses", "responses.csv", RESPONSES)
    load("outcomes", "outcomes.csv", OUTCOMES)
    return con


@pytest.mark.parametrize("typed, expected", [(" Ann ", "Ann"), ("C0001", "C0001"), ("x" * 200, "x" * 200)])
def test_clean_id(typed, expected):
    assert clean_id(typed) == expected


@pytest.mark.parametrize("typed, message", [("", "Type a customer id"), ("   ", "Type a customer id"),
                                            (None, "Type a customer id"), ("x" * 201, "at most 200")])
def test_unusable_ids(typed, message):
    with pytest.raises(StoryError, match=message):
        clean_id(typed)


@pytest.mark.parametrize("window, same_reason, repeats, came_back", [
    # gaps: A1 -> A2 4 days, A2 -> A3 4 days, A3 -> A4 49 days; same reason: A1 -> A3 8 days (Billing)
    (7, False, ["A2", "A3"], ["A1", "A2"]),
    (3, False, [], []),
    (7, True, [], []),
    (8, True, ["A3"], ["A1"]),
    (60, True, ["A3", "A4"], ["A1", "A3"]),
])
def test_repeats_follow_the_window_and_same_reason_setting(story_db, window, same_reason, repeats, came_back):
    contacts = customer_story(story_db, "Ann", window, same_reason).contacts
    assert list(contacts["contact_id"]) == ["A1", "A2", "A3", "A4"]
    assert list(contacts.loc[contacts["repeat_contact"], "contact_id"]) == repeats
    assert list(contacts.loc[contacts["came_back"], "contact_id"]) == came_back


def test_the_story_gathers_everything_on_the_customer(story_db):
    story = customer_story(story_db, "Ann")
    assert story.known and story.attributes == {"tier": "Gold"}
    assert list(story.responses["response_id"]) == ["Q1", "Q2"]  # Q1 through its contact A1
    assert list(story.responses["nps_group"]) == ["detractor", "promoter"]
    assert sorted(story.cases["case_id"]) == ["contact:A1", "response:Q1"]
    assert list(story.outcomes["revenue"]) == [30.0, 25.5]


def test_each_answer_carries_its_contacts_reason_and_channel(story_db, load):
    # Q5: Ann's own answer about Bob's contact B1 (its labels come from the contacts table, not from
    # Ann's contacts); Q6 names a contact that does not exist.
    load("responses", "more.csv", "response_id,responded_at,customer_id,contact_id,nps\n"
                                  "Q5,2026-03-02 10:00,Ann,B1,8\nQ6,2026-03-03 10:00,Ann,Z9,8\n")
    answers = customer_story(story_db, "Ann").responses
    labels = {row.response_id: tuple(None if pd.isna(v) else v for v in (row.contact_id, row.contact_reason, row.channel))
              for row in answers.itertuples()}
    assert labels["Q1"] == ("A1", "Billing", "phone")  # through its contact, with no customer named
    assert labels["Q2"] == (None, None, None)  # about no contact
    assert labels["Q5"] == ("B1", "Login", "web")
    assert labels["Q6"] == ("Z9", None, None)
    assert list(answers["response_id"]) == ["Q1", "Q2", "Q5", "Q6"]


@pytest.mark.parametrize("customer", ["Cat", "Dan"])  # only in answers / only in outcomes
def test_a_customer_known_from_any_table_has_a_story(story_db, customer):
    story = customer_story(story_db, customer)
    assert story.known and story.contacts.empty and story.attributes == {}


def test_an_unknown_customer(story_db):
    story = customer_story(story_db, "Nobody")
    assert not story.known and summary(story) == ["This customer is not in the data."]


def test_timeline_rows(story_db):
    save_follow_up(story_db, Change("response:Q1", "in_progress", "Ana", due_date=date(2026, 2, 4)),
                   at=datetime(2026, 2, 2, 9, 0))
    save_follow_up(story_db, Change("response:Q1", "closed", "Ana", due_date=date(2026, 2, 4), result="saved",
                                    note="apologised"), at=datetime(2026, 2, 3, 9, 0))
    events = timeline(customer_story(story_db, "Ann"))
    kinds = events.groupby("lane")["kind"].apply(list).to_dict()
    assert kinds["Contacts"] == ["contact", "repeat contact", "repeat contact", "contact"]
    assert kinds["Survey answers"] == ["detractor", "promoter"]
    assert kinds["Follow-ups"] == ["case opened", "case opened", "first follow-up", "case closed"]
    assert kinds["Outcomes"] == ["active month", "active month"]
    assert list(events["at"]) == sorted(events["at"])
    closed = events[events["kind"] == "case closed"].iloc[0]
    assert (closed["label"], closed["detail"]) == ("saved", "apologised")
    chart = timeline_chart(events, lanes=list(LANES), title="t").to_dict()
    assert chart["layer"][0]["encoding"]["y"]["sort"] == list(LANES)


def test_timeline_says_how_each_contact_ended(story_db):
    events = timeline(customer_story(story_db, "Ann"))
    assert list(events.loc[events["lane"] == "Contacts", "detail"])[:2] == ["phone · unresolved", "chat · resolved"]
    bob = timeline(customer_story(story_db, "Bob"))
    assert bob.loc[bob["lane"] == "Contacts", "detail"].iloc[0] == "web · resolution not logged"


def test_timeline_masks_comments_when_asked(story_db):
    events = timeline(customer_story(story_db, "Ann"), mask_text=lambda text: "[masked]")
    answers = events[events["lane"] == "Survey answers"]
    assert list(answers["detail"]) == ["[masked]", "[masked]"]


def test_summary_in_words(story_db):
    lines = summary(customer_story(story_db, "Ann"))
    assert lines[0] == "4 contacts from 2026-02-01 to 2026-03-30, 2 of them repeats; most about Billing, Delivery."
    assert lines[1] == "2 survey answers; latest NPS answer 9 (promoter) on 2026-03-01; 1 detractor answer."
    assert lines[2] == "2 follow-up cases, 2 not closed."
    assert lines[3] == "revenue 55.50 over 2 months; has not churned."
    assert summary(customer_story(story_db, "Dan"))[-1] == "revenue 10.00 over 1 month; churned in Feb 2026."


def test_recent_detractors_newest_first_with_open_cases(story_db):
    recent = recent_detractors(story_db)
    assert list(recent["customer_id"]) == ["Cat", "Bob", "Ann"]
    assert dict(zip(recent["customer_id"], recent["open_cases"])) == {"Cat": 1, "Bob": 1, "Ann": 2}
    assert list(recent_detractors(story_db, 1)["customer_id"]) == ["Cat"]


def test_the_export_is_one_escaped_html_page(story_db):
    story = customer_story(story_db, "Ann")
    page = story_html(story, 7, False, datetime(2026, 4, 1, 8, 30)).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.endswith("</body></html>")
    assert "<script>" not in page and "&lt;script&gt;" in page  # a comment can never run
    assert "Customer story: Ann" in page and "W = 7 days, any reason" in page
    assert "class='repeat'" in page  # repeat contacts highlighted
    assert "http" not in page and "src=" not in page  # nothing fetched: works offline
    for heading in ("In short", "Timeline", "Contacts", "Survey answers", "Follow-up cases", "Outcomes"):
        assert f"<h2>{heading}</h2>" in page
    # The tables are named as the page's (presentation.readable_rows), not by their columns.
    assert "<th>Contact reason</th>" in page and "<th>NPS answer (0–10)</th>" in page
    assert "<th>contact reason</th>" not in page and "<th>nps</th>" not in page


def test_the_export_masks_ids_and_comments_when_asked(story_db):
    story = customer_story(story_db, "Ann")
    page = story_html(story, 7, True, datetime(2026, 4, 1), mask_id=lambda v: "cust-123",
                      mask_text=lambda v: "[masked]").decode("utf-8")
    assert "cust-123" in page and "Ann" not in page
    assert "7946" not in page and "Much better" not in page
    assert "same reason only" in page


def test_repeat_contacts_are_highlighted_in_the_page_table(story_db):
    from cxmetrics.engine.customer_story import REPEAT_BACKGROUND, highlight_repeats

    contacts = customer_story(story_db, "Ann").contacts
    styles = highlight_repeats(contacts)._compute().ctx  # (row, column) -> [(property, value)]
    shaded = sorted({row for (row, _), props in styles.items() if ("background-color", REPEAT_BACKGROUND) in props})
    assert shaded == [1, 2]  # A2 and A3
