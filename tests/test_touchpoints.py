"""The touchpoint map on hand-made journeys: steps, transitions, paths, FCR, escalation, NPS/CSAT and
the picture's frame, each counted by hand."""

from __future__ import annotations

from datetime import date

import pytest

from cxmetrics.face.charts import MAX_CHART_ROWS, TooManyRows, journey_flow_chart
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.metrics import metrics
from cxmetrics.engine.touchpoints import (flow_edges, flow_nodes, journey_flow, journey_paths, top_values,
                                          touchpoint_summary, touchpoint_table)

# W = 7. Journeys (by channel): X web -> phone; X chat -> chat (17 days later: a new journey);
# Y app -> app -> phone (gaps of exactly 7 days count); Z phone; Z email (weeks later).
CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,self_service
J1,X,2026-01-01 10:00,web,Login,true
J2,X,2026-01-03 10:00,phone,Login,false
J3,X,2026-01-20 10:00,chat,Billing,false
J4,X,2026-01-22 10:00,chat,Login,false
J5,Y,2026-01-05 10:00,app,Login,true
J6,Y,2026-01-12 10:00,app,Login,true
J7,Y,2026-01-19 10:00,phone,Login,false
J8,Z,2026-01-10 10:00,phone,Billing,false
J9,,2026-01-11 10:00,phone,Billing,false
J10,Z,2026-03-01 10:00,email,Billing,false
"""
RESPONSES = """response_id,responded_at,contact_id,nps,csat
S1,2026-01-03 12:00,J2,10,5
S2,2026-01-19 12:00,J7,0,
S3,2026-01-02 12:00,J1,,2
"""


@pytest.fixture
def journeys(con, load):
    load("contacts", "contacts.csv", CONTACTS)
    load("responses", "responses.csv", RESPONSES)
    return con


def by_node(frame):
    return {(int(r.step), r.touchpoint): int(r.contacts) for r in frame.itertuples()}


def test_steps_of_each_journey(journeys):
    nodes = flow_nodes(journey_flow(journeys, "channel"))
    assert by_node(nodes) == {
        (1, "web"): 1, (1, "chat"): 1, (1, "app"): 1, (1, "phone"): 1, (1, "email"): 1,
        (2, "phone"): 1, (2, "chat"): 1, (2, "app"): 1,
        (3, "phone"): 1,
    }
    # rank 0 is the busiest touchpoint of its step; ties by name
    step1 = nodes[nodes["step"] == 1].sort_values("rank")
    assert list(step1["touchpoint"]) == ["app", "chat", "email", "phone", "web"]


def test_transitions_between_steps(journeys):
    flow = journey_flow(journeys, "channel")
    edges = flow_edges(flow, flow_nodes(flow))
    found = {(int(r.step), r.touchpoint, r.next_touchpoint): int(r.transitions) for r in edges.itertuples()}
    assert found == {(1, "web", "phone"): 1, (1, "chat", "chat"): 1, (1, "app", "app"): 1, (2, "app", "phone"): 1}


def test_a_capped_last_step_holds_the_later_contacts_and_draws_no_lines_inside_it(journeys):
    flow = journey_flow(journeys, "channel", max_steps=2)
    nodes = flow_nodes(flow)
    assert by_node(nodes)[(2, "phone")] == 2  # J2 and J7 (J7 is step 3 of its journey)
    edges = flow_edges(flow, nodes)
    assert (2, "app", "phone") not in {(int(r.step), r.touchpoint, r.next_touchpoint) for r in edges.itertuples()}


@pytest.mark.parametrize("touchpoint, contacts, started, judged, fcr, escalated, nps, csat", [
    # FCR: J2, J7, J8 not followed within 7 days; J1 (J2 two days later) is.
    ("phone", 3, 1, 3, 100.0, 0.0, 0.0, 100.0),
    ("web", 1, 1, 1, 0.0, 100.0, None, 0.0),     # J1 -> J2: assisted, another channel
    ("app", 2, 1, 2, 0.0, 50.0, None, None),     # J5 -> J6 self-service (no); J6 -> J7 phone (yes)
    ("chat", 2, 1, 2, 50.0, 0.0, None, None),    # J3 -> J4 same channel is no escalation
    ("email", 1, 1, 0, None, None, None, None),  # J10 is the latest contact: not judged yet
])
def test_touchpoint_figures(journeys, touchpoint, contacts, started, judged, fcr, escalated, nps, csat):
    row = touchpoint_summary(journey_flow(journeys, "channel")).set_index("touchpoint").loc[touchpoint]
    assert (row["contacts"], row["journeys_started"], row["judged"]) == (contacts, started, judged)
    for value, expected in ((row["fcr"], fcr), (row["escalation_share"], escalated), (row["nps"], nps),
                            (row["csat"], csat)):
        assert (value is None or value != value) if expected is None else value == pytest.approx(expected)


def test_fcr_over_touchpoints_agrees_with_the_engine(journeys):
    summary = touchpoint_summary(journey_flow(journeys, "channel"))
    overall = metrics(journeys)["overall"]
    assert summary["judged"].sum() == overall["fcr_n"] == 8
    assert 100 * (summary["fcr"].fillna(0) * summary["judged"] / 100).sum() / summary["judged"].sum() == \
        pytest.approx(overall["fcr"])
    # contacts without a customer (J9) are in no journey
    assert summary["contacts"].sum() == 9


def test_same_reason_changes_which_next_contact_judges_fcr(journeys):
    # J3 (chat, Billing) is followed by J4 (chat, Login) two days later: not resolved first time over any
    # reason, resolved with "same reason only" (X has no later Billing contact). Journeys are unchanged.
    plain = touchpoint_summary(journey_flow(journeys, "channel")).set_index("touchpoint")
    same = touchpoint_summary(journey_flow(journeys, "channel", same_reason=True)).set_index("touchpoint")
    assert (plain.loc["chat", "fcr"], same.loc["chat", "fcr"]) == (50.0, 100.0)
    assert list(same["contacts"]) == list(plain["contacts"])


def test_journeys_by_reason(journeys):
    paths = journey_paths(journeys, "contact_reason")
    assert dict(zip(paths["path"], paths["journeys"])) == {
        "Login → Login → Login": 1, "Billing": 2, "Billing → Login": 1, "Login → Login": 1}


def test_paths_in_order_most_common_first(journeys):
    paths = journey_paths(journeys, "channel")
    assert dict(zip(paths["path"], paths["journeys"])) == {
        "app → app → phone": 1, "chat → chat": 1, "email": 1, "phone": 1, "web → phone": 1}
    cut = journey_paths(journeys, "channel", max_steps=2)
    assert "app → app → …" in set(cut["path"])


def test_filters_choose_journeys_by_their_first_contact(journeys):
    later = Filters(date_from=date(2026, 1, 4))
    nodes = flow_nodes(journey_flow(journeys, "channel", later))
    # X's first journey (started 1 Jan) is out, with its second contact J2 (3 Jan).
    assert (1, "web") not in by_node(nodes) and (2, "phone") not in by_node(nodes)
    assert by_node(nodes)[(3, "phone")] == 1  # Y's journey (started 5 Jan) is whole
    phone_first = journey_paths(journeys, "channel", Filters(channels=("phone",)))
    assert dict(zip(phone_first["path"], phone_first["journeys"])) == {"phone": 1}


def test_rare_touchpoints_are_folded_into_other(journeys):
    assert top_values(journeys, "channel", 2) == ["phone", "app"]  # 3 contacts; then the 2s by name
    nodes = flow_nodes(journey_flow(journeys, "channel", named=2))
    assert by_node(nodes)[(1, "Other")] == 3  # web, chat, email
    paths = journey_paths(journeys, "channel", named=2)
    assert "Other → phone" in set(paths["path"])


def test_an_unknown_touchpoint_kind_is_refused(journeys):
    with pytest.raises(ValueError, match="channels or contact reasons"):
        journey_flow(journeys, "agent")


def test_no_contacts_gives_an_empty_map(con):
    flow = journey_flow(con, "channel")
    assert flow.empty and flow_nodes(flow).empty and flow_edges(flow, flow_nodes(flow)).empty
    assert touchpoint_summary(flow).empty
    assert journey_flow_chart(flow_nodes(flow), flow_edges(flow, flow_nodes(flow)), title="t").to_dict()


def test_the_picture_is_a_node_link_chart(journeys):
    flow = journey_flow(journeys, "channel")
    nodes, edges = flow_nodes(flow), flow_edges(flow, flow_nodes(flow))
    spec = journey_flow_chart(nodes, edges, title="Journeys").to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "circle", "text"]
    assert spec["layer"][0]["encoding"]["strokeWidth"]["field"] == "transitions"
    assert spec["layer"][1]["encoding"]["size"]["field"] == "contacts"
    # colour: FCR, grey where fewer than 30 contacts were judged
    assert "fcr" in str(spec["layer"][1]["encoding"]["color"])
    too_many = nodes.loc[nodes.index.repeat(MAX_CHART_ROWS // len(nodes) + 1)]
    with pytest.raises(TooManyRows):
        journey_flow_chart(too_many, edges, title="x")


def test_the_reader_table(journeys):
    table = touchpoint_table(touchpoint_summary(journey_flow(journeys, "channel")))
    assert list(table.columns[:4]) == ["Touchpoint", "Contacts", "Journeys started here", "Contact FCR %"]
