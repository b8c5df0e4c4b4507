"""Segments, Touchpoint map and Customer story on a workspace shaped like real exports (issue 15): a
call log without customer ids and with its own measures, a survey linked to it by call id, contacts
with customer ids years earlier, a customers file, and columns no one would split by (empty,
constant, one value per row). Each page shows what the data holds, or says why it cannot."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cxmetrics.engine.customer_story import example_customer
from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import MAX_SPLIT_VALUES, Filters, split_dimensions
from cxmetrics.engine.metrics import metrics
from cxmetrics.engine.narrative import empty_split_note, no_journeys_note
from cxmetrics.engine.segments import segment_gaps
from cxmetrics.engine.touchpoints import customer_contact_span
from page_runner import empty_db, fill_store, open_page  # noqa: F401 (empty_db is a fixture)

MARCH = date(2025, 3, 1)
AGENTS = ("Ann", "Bob", "Cy")


def call_log() -> str:
    """60 calls in March 2025: no customer id, three agents, the log's own resolved and handle time,
    a constant site, a free-text note unique per call and a channel column left empty."""
    lines = ["contact_id,started_at,channel,contact_reason,agent,resolved,handle_seconds,site,note"]
    for i in range(60):
        day = MARCH + timedelta(days=i % 28)
        resolved = "true" if i % 4 else "false"  # every 4th call unresolved: calls 0, 4, 8, …
        lines.append(f"K{i},{day} 09:{i % 60:02d},,{'Billing' if i % 3 else 'Moving'},{AGENTS[i % 3]},{resolved},"
                     f"{100 + i},Leeds,call note number {i}")
    return "\n".join(lines) + "\n"


def early_contacts() -> str:
    """Five customers with two contacts each, two days apart, in January 2024: the only journeys."""
    lines = ["contact_id,started_at,customer_id,channel,contact_reason"]
    for c in range(5):
        lines.append(f"E{c}a,2024-01-{10 + c:02d} 10:00,cust{c},web,Billing")
        lines.append(f"E{c}b,2024-01-{12 + c:02d} 10:00,cust{c},phone,Billing")
    return "\n".join(lines) + "\n"


def survey() -> str:
    """A CSAT answer for each of the first 45 calls, linked by call id (no customer id, no NPS)."""
    lines = ["response_id,responded_at,contact_id,csat"]
    lines += [f"R{i},{MARCH + timedelta(days=i % 28)} 12:00,K{i},{1 + i % 5}" for i in range(45)]
    return "\n".join(lines) + "\n"


def customers() -> str:
    return "customer_id,plan\n" + "".join(f"cust{c},{'gold' if c % 2 else 'basic'}\n" for c in range(5))


@pytest.fixture
def store(empty_db, tmp_path):
    fill_store(empty_db, tmp_path, {"contacts": call_log(), "customers": customers(), "responses": survey()})
    con = connect(empty_db)
    try:
        from cxmetrics.ingest.importer import ImportOptions, load_file

        early = tmp_path / "early.csv"
        early.write_text(early_contacts(), encoding="utf-8")
        assert load_file(con, "contacts", early, ImportOptions()).rows_rejected == 0
    finally:
        con.close()
    return empty_db


# --------------------------------------------------------------------------- the engine


def test_only_columns_with_a_few_values_are_offered_to_split_by(store):
    con = connect(store)
    try:
        offered = {d.name: d.table for d in split_dimensions(con)}
    finally:
        con.close()
    assert offered["agent"] == "contacts" and offered["contact_reason"] == "contacts"
    assert offered["plan"] == "customers"
    # empty (channel is blank on the log… but not on the early contacts: two values, kept), constant,
    # one value per row (60 > MAX_SPLIT_VALUES)
    assert "site" not in offered and "note" not in offered and MAX_SPLIT_VALUES < 60
    assert offered["channel"] == "contacts"


def test_the_logs_own_measures_split_by_agent_agree_with_the_metric_engine(store):
    con = connect(store)
    try:
        by_agent = {g["agent"]: g for g in metrics(con, "agent")["groups"]}
        resolved = segment_gaps(con, "resolved_rate", "agent")
        handle = segment_gaps(con, "aht_seconds", "agent")
    finally:
        con.close()
    # Hand count: agent i % 3; unresolved calls are i % 4 == 0. Ann (i % 3 == 0) takes 20 calls, of
    # which i % 12 == 0 (0, 12, 24, 36, 48) are unresolved: 15 of 20 resolved.
    ann = resolved.set_index("agent").loc["Ann"]
    assert ann["n"] == 20 and ann["value"] == pytest.approx(75.0)
    assert by_agent["Ann"]["resolved_rate"] == pytest.approx(75.0)
    # Bob (i % 3 == 1): 20 calls, i = 4, 16, 28, 40, 52 unresolved; everyone else 45 - … : 30 of 40 resolved.
    bob = resolved.set_index("agent").loc["Bob"]
    assert bob["value"] == pytest.approx(75.0) and bob["rest_value"] == pytest.approx(75.0)
    # Handle time is 100 + i seconds: Ann's calls i = 0, 3, …, 57 average 100 + 28.5.
    assert handle.set_index("agent").loc["Ann", "value"] == pytest.approx(128.5)
    assert by_agent["Ann"]["aht_seconds"] == pytest.approx(128.5)


def test_where_the_customers_contacts_lie_and_an_example_id(store):
    con = connect(store)
    try:
        assert customer_contact_span(con) == (10, date(2024, 1, 10), date(2024, 1, 16))
        assert example_customer(con) == "cust4"  # the latest contact with a customer id
    finally:
        con.close()


# --------------------------------------------------------------------------- the words


def test_an_empty_split_says_why():
    overall = {"csat_n": 45, "contacts": 60, "nps_n": 0, "resolved_n": 0, "fcr_n": 0, "repeat_n": 0}
    assert empty_split_note("csat", "agent", "contacts", overall, 45, {}, 7) == ""
    said = empty_split_note("csat", "plan", "customers", overall, 0, {}, 7)
    assert said.startswith("None of the 45 answers behind CSAT in this selection belongs to a customer with a "
                           "value of plan: plan comes from the customers file")
    said = empty_split_note("csat", "queue", "contacts", overall, 0, {}, 7)
    assert "is linked to a contact with a value of queue" in said
    assert empty_split_note("nps", "agent", "contacts", overall, 0, {"nps": 12}, 7).startswith(
        "NPS: the 12 answers with an NPS score (0–10) have no date")
    assert "Contact FCR needs customer ids" in empty_split_note("fcr", "agent", "contacts", overall, 0, {}, 7)
    assert empty_split_note("resolved_rate", "agent", "contacts", overall, 0, {}, 7) == (
        "Reported resolution: none of the 60 contacts in this selection has a value of resolved. Map the log's "
        "column for it on the Data page to see it.")
    # A name with Markdown in it is shown as text.
    assert "plan\\*" in empty_split_note("csat", "plan*", "customers", overall, 0, {}, 7)


def test_no_journeys_says_where_they_are():
    first, last = date(2024, 1, 10), date(2024, 1, 16)
    assert no_journeys_note(0, None, None, MARCH, date(2025, 3, 28)).startswith(
        "No journeys: none of this workspace's contacts carries a customer id")
    assert no_journeys_note(10, first, last, MARCH, date(2025, 3, 28)) == (
        "No journeys in 1 Mar – 28 Mar 2025: none of its contacts carries a customer id, and a journey follows one "
        "customer. This workspace's 10 contacts with a customer id run 10 Jan – 16 Jan 2024.")
    assert no_journeys_note(10, first, last, date(2024, 1, 1), date(2024, 1, 28)).startswith(
        "No journeys in this selection")


# --------------------------------------------------------------------------- the pages


def test_segments_opens_on_a_figure_the_workspace_holds(store):
    at = open_page("views/segments.py")
    assert at.selectbox(key="seg_metric").value == "csat"  # no NPS here: CSAT first, not an empty NPS
    assert at.selectbox(key="seg_by").value == "channel"
    offered = at.selectbox(key="seg_by").options
    assert "note" not in offered and "site" not in offered and "customer_id" not in offered
    # The call log has no channel: the page says why instead of an unexplained empty chart.
    assert any("is linked to a contact with a value of channel" in i.body for i in at.info)
    at.selectbox(key="seg_by").set_value("agent").run()
    assert not [i.body for i in at.info if "None of the" in i.body]
    at.selectbox(key="seg_by").set_value("plan").run()
    assert any(i.body.startswith("None of the 45 answers behind CSAT in this selection belongs to a customer")
               for i in at.info)


def test_touchpoint_map_says_where_the_journeys_are_and_goes_there(store):
    at = open_page("views/touchpoints.py")
    assert any(i.body.startswith("No journeys in 1 Mar – 28 Mar 2025: none of its contacts carries a customer id")
               for i in at.info)
    go = at.button(key="touchpoints_go")
    assert go.label == "Show the last 28 days of contacts with a customer id (10 Jan – 16 Jan 2024)"
    go.click().run()
    assert not at.exception and not [i.body for i in at.info if i.body.startswith("No journeys")]
    assert any("10 Jan – 16 Jan 2024" in c.value for c in at.caption)


def test_customer_story_hints_an_id_of_this_workspace(store):
    at = open_page("views/customer_story.py")
    assert at.text_input(key="story_customer_typed").placeholder == "e.g. cust4"


def test_the_command_line_splits_the_logs_own_measures_too(store, capsys):
    import json

    from cxmetrics import cli

    assert cli.main(["gaps", "--by", "agent", "--metric", "aht_seconds", "--db", str(store)]) == 0
    printed = {row["agent"]: row for row in json.loads(capsys.readouterr().out)}
    assert printed["Ann"]["value"] == pytest.approx(128.5) and printed["Ann"]["n"] == 20


def test_overview_and_contact_reasons_open_on_figures_the_period_holds(store):
    at = open_page("views/overview.py")
    assert at.segmented_control(key="overview_metric").value == "csat"
    hurts = [m.value for m in at.markdown if m.value.startswith("- ")]
    # The survey is linked to the calls, so CSAT's drivers by reason are found (not "nothing drags NPS").
    assert hurts and all("NPS" not in h for h in hurts), hurts
    at = open_page("views/contact_reasons.py")
    assert at.segmented_control(key="matrix_metric").value == "csat"


def test_drivers_say_when_there_is_nothing_to_compare():
    import pandas as pd

    from cxmetrics.engine.narrative import driver_metric, driver_sentences

    assert driver_metric({"nps_n": 0, "csat_n": 45}) == "csat"
    assert driver_metric({"nps_n": 3, "csat_n": 45}) == "nps" and driver_metric({}) == "nps"
    nothing = pd.DataFrame({"contact_reason": ["Billing"], "impact": [None], "n": [0], "significant": [False],
                            "too_few": [True]})
    assert driver_sentences(nothing, "nps", "contact_reason") == [
        "No NPS answer in this selection is linked to a contact with a contact reason: drivers compare the answers "
        "after each contact reason with everyone else's."]
    fine = nothing.assign(impact=[-1.0], n=[40])
    assert driver_sentences(fine, "nps", "contact_reason") == ["No contact reason drags NPS below the rest."]


def test_voice_says_the_comments_carry_no_date(store, tmp_path):
    from cxmetrics.engine.narrative import no_comments_note

    fill_store(store, tmp_path, {"responses": "response_id,nps,comment\nU1,3,trop cher\nU2,9,\nU3,10,merci\n"})
    at = open_page("views/voice.py")
    assert any(i.body.startswith("No dated comment in this selection: the 2 comments loaded carry no date")
               for i in at.info), [i.body for i in at.info]
    assert no_comments_note({}).startswith("No comments in this selection: widen the filters")
