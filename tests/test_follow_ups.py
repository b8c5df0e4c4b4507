"""Closing the loop, proved by hand: which rows are cases, their default due date, the rules of a
change, the saved-customer rule, the follow-up metrics, persistence and the outer loop."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.follow_ups import (CaseState, Change, FollowUpError, apply_change, case_history,
                                         changes_from_edits, default_due, editor_frame, empty_figure_notes,
                                         follow_up_list, follow_up_metrics, follow_up_table, loop_version,
                                         mask_cases, metric_tiles, save_follow_up, save_follow_ups)
from cxmetrics.engine.loop_actions import (Action, ActionError, action_effects, add_action,
                                           effects_chart_frame, effects_table, list_actions, update_action,
                                           verdict, windows)

CUSTOMERS = "customer_id\nA\nB\nC\nD\nE\nF\nG\n"
# 2026-03-02 is a Monday.
CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,resolved,team,self_service
K1,A,2026-03-02 09:00,phone,Billing,false,T1,false
K2,A,2026-03-05 10:00,chat,Billing,true,T1,false
K3,B,2026-03-06 12:00,web,Fault,false,,true
K4,B,2026-03-07 08:00,phone,Fault,true,T2,false
K5,C,2026-03-20 10:00,email,Billing,true,T2,false
K6,,2026-03-03 10:00,phone,Billing,false,T1,false
"""
RESPONSES = """response_id,responded_at,customer_id,contact_id,nps,comment
R1,2026-03-02 12:00,A,K1,3,Awful
R2,2026-03-10 08:00,,K3,6,Meh
R3,2026-03-15 10:00,A,,8,
R4,2026-03-08 10:00,C,,0,Never again
R5,2026-03-09 10:00,D,,5,
R6,2026-03-09 11:00,,,2,anonymous
R7,2026-03-01 10:00,D,,9,
R9,2026-04-01 10:00,E,,4,
R10,2026-04-20 10:00,E,,9,
R11,2026-04-12 10:00,F,,1,
R12,2026-04-25 10:00,G,,6,
"""
OUTCOMES = """customer_id,month,revenue,churned
A,2026-03-01,10,false
A,2026-04-01,10,false
B,2026-03-01,20,false
B,2026-04-01,20,false
C,2026-03-01,30,true
D,2026-03-01,40,false
E,2026-05-01,50,true
F,2026-03-01,60,true
F,2026-05-01,60,false
G,2026-04-01,70,true
"""
MARCH = Filters(date_to=date(2026, 3, 31))


@pytest.fixture
def loop_db(con, load):
    load("customers", "customers.csv", CUSTOMERS)
    load("contacts", "contacts.csv", CONTACTS)
    load("responses", "responses.csv", RESPONSES)
    load("outcomes", "outcomes.csv", OUTCOMES)
    return con


def cases(con, **kwargs) -> pd.DataFrame:
    return follow_up_list(con, statuses=None, today=date(2026, 3, 11), **kwargs).set_index("case_id")


# --- which rows are cases -------------------------------------------------------------------------------


def test_cases_are_detractor_answers_and_unresolved_contacts_with_a_customer(loop_db):
    found = cases(loop_db)
    # R6 has no customer, K6 no customer, R3/R7/R10 are not detractors, K2/K4/K5 were resolved.
    assert sorted(found.index) == sorted(["response:R1", "response:R2", "response:R4", "response:R5", "response:R9",
                                          "response:R11", "response:R12", "contact:K1", "contact:K3"])
    assert found.loc["response:R2", "customer_id"] == "B"  # from its contact K3
    assert found.loc["contact:K1", "case_kind"] == "complaint"
    assert list(follow_up_list(loop_db, statuses=None)["opened_at"]) == sorted(found["opened_at"])  # oldest first


def test_untouched_cases_are_open_unassigned_with_the_contact_team(loop_db):
    found = cases(loop_db)
    assert set(found["status"]) == {"open"}
    assert found["owner"].isna().all()
    assert found.loc["contact:K1", "team"] == "T1"
    assert pd.isna(found.loc["contact:K3", "team"])  # K3 has no team logged
    assert bool(found.loc["contact:K1", "overdue"]) and not bool(found.loc["response:R5", "overdue"])


@pytest.mark.parametrize("opened, days, due", [
    (date(2026, 3, 2), 2, date(2026, 3, 4)),    # Monday -> Wednesday
    (date(2026, 3, 4), 2, date(2026, 3, 6)),    # Wednesday -> Friday
    (date(2026, 3, 5), 2, date(2026, 3, 9)),    # Thursday -> Monday
    (date(2026, 3, 6), 2, date(2026, 3, 10)),   # Friday -> Tuesday
    (date(2026, 3, 7), 2, date(2026, 3, 10)),   # Saturday counts from Friday -> Tuesday
    (date(2026, 3, 8), 2, date(2026, 3, 10)),   # Sunday -> Tuesday
    (date(2026, 3, 2), 5, date(2026, 3, 9)),    # a working week
    (date(2026, 3, 6), 1, date(2026, 3, 9)),    # Friday + 1 -> Monday
    (datetime(2026, 3, 5, 23, 59), 2, date(2026, 3, 9)),
])
def test_default_due_date(opened, days, due):
    assert default_due(opened, days) == due


def test_the_view_computes_the_same_default_due_date_as_python(con, load):
    days = pd.date_range("2026-03-02", periods=21, freq="D")
    rows = "".join(f"D{i},X,{d:%Y-%m-%d} 15:00,phone,Billing,false\n" for i, d in enumerate(days))
    load("contacts", "days.csv", "contact_id,customer_id,started_at,channel,contact_reason,resolved\n" + rows)
    found = follow_up_list(con, statuses=None)
    assert len(found) == 21
    for opened, due in zip(found["opened_at"], found["due_date"]):
        assert pd.Timestamp(due).date() == default_due(opened.date()), opened


# --- the saved-customer rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("case_id, state", [
    ("response:R1", "saved"),    # A answered 8 later, never churned
    ("response:R2", "saved"),    # B: no later answer, but April observed with churned = false
    ("response:R4", "churned"),  # C churned in the month of the answer
    ("response:R5", "unknown"),  # D: the 9 came before the 5, no month after March yet
    ("response:R9", "churned"),  # E answered 9 later but churned in May: churn wins
    ("response:R11", "saved"),   # F's churn flag in March is before the April answer; May stayed
    ("response:R12", "churned"),  # G churned in April, the month of the answer
    ("contact:K1", None),        # complaints are not judged as saved
])
def test_saved_customer_rule(loop_db, case_id, state):
    found = cases(loop_db).loc[case_id, "saved_state"]
    assert (pd.isna(found) if state is None else found == state)


# --- the rules of a change --------------------------------------------------------------------------------

OPENED = datetime(2026, 3, 2, 9, 0)
AT = datetime(2026, 3, 3, 9, 0)
DUE = date(2026, 3, 4)


@pytest.mark.parametrize("before, change, expected", [
    ("open", dict(status="in_progress", owner="Ana"), "in_progress"),
    ("open", dict(status="closed", owner="Ana", result="reached"), "closed"),
    ("open", dict(status="open", owner="Ana", note="left a message"), "open"),
    ("in_progress", dict(status="closed", owner="Ana", result="saved"), "closed"),
    ("in_progress", dict(status="open", owner="Ana"), "cannot go back to open"),
    ("open", dict(status="in_progress"), "Give the case an owner"),
    ("open", dict(status="closed", owner="Ana"), "Closing needs a result"),
    ("in_progress", dict(status="in_progress", owner="Ana", result="lost"), "Only a closed case has a result"),
    ("open", dict(status="done", owner="Ana"), "Unknown status"),
    ("open", dict(status="closed", owner="Ana", result="won"), "Unknown result"),
    ("open", dict(status="open", owner="x" * 101), "keep it to 100"),
    ("open", dict(status="open", due_date=date(2026, 3, 1)), "before the day the case opened"),
    ("open", dict(status="open", due_date=None), "Give the case a due date"),
    ("closed", dict(status="in_progress", owner="Ana"), "in_progress"),
    ("closed", dict(status="open", owner="Ana"), "open"),
])
def test_state_changes(before, change, expected):
    current = CaseState(status=before, owner="Ana", due_date=DUE,
                        result="reached" if before == "closed" else None,
                        first_action_at=None if before == "open" else AT,
                        closed_at=AT if before == "closed" else None)
    wanted = Change("case", **{"due_date": DUE, **change})
    if expected in ("open", "in_progress", "closed"):
        new, _ = apply_change(current, wanted, OPENED, datetime(2026, 3, 4, 9, 0))
        assert new.status == expected
    else:
        with pytest.raises(FollowUpError, match=expected):
            apply_change(current, wanted, OPENED, datetime(2026, 3, 4, 9, 0))


def test_first_action_and_close_times():
    later = datetime(2026, 3, 5, 9, 0)
    started, reopen = apply_change(CaseState(due_date=DUE), Change("c", "in_progress", "Ana", due_date=DUE), OPENED, AT)
    assert (started.first_action_at, started.closed_at, reopen) == (AT, None, False)
    closed, _ = apply_change(started, Change("c", "closed", "Ana", due_date=DUE, result="reached"), OPENED, later)
    assert (closed.first_action_at, closed.closed_at) == (AT, later)  # the first action stays the first
    edited, _ = apply_change(closed, Change("c", "closed", "Ana", due_date=DUE, result="reached", note="ok"), OPENED,
                             datetime(2026, 3, 6))
    assert edited.closed_at == later  # editing a closed case keeps when it closed


def test_a_reopen_clears_result_and_close_time_and_is_counted():
    closed = CaseState("closed", "Ana", None, DUE, "reached", None, 0, AT, AT)
    reopened, is_reopen = apply_change(closed, Change("c", "in_progress", "Ana", due_date=DUE), OPENED,
                                       datetime(2026, 3, 6))
    assert is_reopen and reopened.reopened == 1
    assert reopened.closed_at is None and reopened.result is None and reopened.first_action_at == AT


def test_an_action_before_the_case_opened_is_refused():
    with pytest.raises(FollowUpError, match="before the case opened"):
        apply_change(CaseState(due_date=DUE), Change("c", "in_progress", "Ana", due_date=DUE), OPENED,
                     datetime(2026, 3, 1))


# --- storing: one transaction, history, persistence -------------------------------------------------------


def test_a_saved_edit_survives_a_restart(loop_db, tmp_path):
    save_follow_up(loop_db, Change("contact:K1", "in_progress", " Ana ", "T1", date(2026, 3, 6), note="called"),
                   at=datetime(2026, 3, 3, 9, 0))
    loop_db.close()
    again = connect(tmp_path / "t.duckdb")
    try:
        case = cases(again).loc["contact:K1"]
        assert (case["owner"], case["status"], case["note"]) == ("Ana", "in_progress", "called")
        assert pd.Timestamp(case["due_date"]).date() == date(2026, 3, 6)
        assert case["first_action_at"] == pd.Timestamp("2026-03-03 09:00")
    finally:
        again.close()


def test_one_bad_change_saves_nothing(loop_db):
    version = loop_version(loop_db)
    good = Change("contact:K1", "in_progress", "Ana", due_date=date(2026, 3, 4))
    bad = Change("response:R1", "closed", "Ana", due_date=date(2026, 3, 4))  # no result
    with pytest.raises(FollowUpError, match=r"Nothing saved\. response:R1: Closing needs a result"):
        save_follow_ups(loop_db, [good, bad], at=datetime(2026, 3, 5))
    assert loop_version(loop_db) == version
    assert cases(loop_db).loc["contact:K1", "status"] == "open"
    assert loop_db.execute("SELECT count(*) FROM follow_ups").fetchall()[0][0] == 0


def test_an_unknown_case_is_refused(loop_db):
    with pytest.raises(FollowUpError, match="no such case"):
        save_follow_up(loop_db, Change("response:R3", "open", due_date=date(2026, 3, 20)))


def test_an_edit_that_changes_nothing_writes_nothing(loop_db):
    assert save_follow_up(loop_db, Change("contact:K1", "open", None, "T1", date(2026, 3, 4))) == 0
    assert case_history(loop_db, ["contact:K1"]).empty


def test_history_records_every_change_and_the_reopen(loop_db):
    due = date(2026, 3, 4)
    save_follow_up(loop_db, Change("contact:K1", "closed", "Ana", due_date=due, result="reached"),
                   at=datetime(2026, 3, 3))
    save_follow_up(loop_db, Change("contact:K1", "in_progress", "Ana", due_date=due), at=datetime(2026, 3, 4))
    history = case_history(loop_db, ["contact:K1"])
    assert list(zip(history["from_status"], history["to_status"], history["is_reopen"])) == [
        ("open", "closed", False), ("closed", "in_progress", True)]
    case = cases(loop_db).loc["contact:K1"]
    assert case["reopened"] == 1 and pd.isna(case["closed_at"]) and case["result"] is None


# --- the follow-up metrics --------------------------------------------------------------------------------


@pytest.fixture
def handled(loop_db):
    save_follow_up(loop_db, Change("response:R1", "in_progress", "Ana", "T1", date(2026, 3, 4)),
                   at=datetime(2026, 3, 3, 12, 0))  # 24 h after the answer
    save_follow_up(loop_db, Change("contact:K1", "closed", "Ana", "T1", date(2026, 3, 4), result="reached"),
                   at=datetime(2026, 3, 5, 9, 0))  # 72 h, closed a day after its due date
    save_follow_up(loop_db, Change("response:R2", "in_progress", "Ben", "T2", date(2026, 3, 12)),
                   at=datetime(2026, 3, 10, 20, 0))  # 12 h
    save_follow_up(loop_db, Change("response:R2", "closed", "Ben", "T2", date(2026, 3, 12), result="saved"),
                   at=datetime(2026, 3, 10, 22, 0))
    return loop_db


NOW = datetime(2026, 3, 11, 9, 0)


def test_overall_follow_up_figures(handled):
    overall = follow_up_metrics(handled, "owner", MARCH, 48, NOW).set_index("owner").loc["All"]
    # Cases opened in March: R1, R2, R4, R5, K1, K3.
    assert (overall["cases"], overall["detractor_cases"], overall["closed"], overall["acted"]) == (6, 4, 2, 3)
    assert overall["median_hours_to_first"] == pytest.approx(24.0)  # of 24, 72, 12
    # Judged for the 48 h target: the 3 acted on + R4 and K3 (48 h passed); R5 opened 47 h before NOW.
    assert (overall["first_judged"], overall["first_within_target"]) == (5, pytest.approx(40.0))
    # Judged for the due date: K1, R2 (closed) + R1, R4, K3 (due before 11 March); R5 is due on the 11th.
    assert (overall["close_judged"], overall["closed_by_due"]) == (5, pytest.approx(20.0))
    # Saved: R1 and R2 saved, R4 churned, R5 unknown.
    assert (overall["saved_judged"], overall["saved"], overall["saved_rate"]) == (3, 2, pytest.approx(200 / 3))


def test_detractors_kept_without_a_follow_up_are_not_saved(loop_db):
    # The finding: "Detractors saved 83.3 %" beside 0 % followed up. Nobody has touched a case: R1
    # and R2 were kept (saved_state 'saved') on their own, R4 churned; none was followed up.
    overall = follow_up_metrics(loop_db, "owner", MARCH, 48, NOW).set_index("owner").loc["All"]
    assert (overall["acted"], overall["followed_judged"], overall["saved"]) == (0, 0, 0)
    assert (overall["saved_judged"], overall["saved_rate"]) == (3, 0.0)
    assert overall["retained_rate"] == pytest.approx(200 / 3)  # kept, followed up or not
    tiles = {t.key: t for t in metric_tiles(overall.to_dict(), 48)}
    assert tiles["saved"].value == "0.0 %" and "Of them 0 were followed up" in tiles["saved"].help
    notes = empty_figure_notes(overall.to_dict(), 48)
    assert any(n.startswith("Median time to follow-up: no case has been acted on yet") for n in notes)


def test_saved_never_exceeds_what_was_followed_up(handled):
    for by in ("owner", "team"):
        for _, row in follow_up_metrics(handled, by, MARCH, 48, NOW).iterrows():
            assert row["saved"] <= row["followed_judged"] <= row["saved_judged"]
            assert row["followed_judged"] <= row["acted"]


def test_no_detractor_outcome_says_what_would_fill_it(con, load):
    load("responses", "responses.csv", "response_id,responded_at,customer_id,nps\nR1,2026-03-02 12:00,A,3\n")
    overall = follow_up_metrics(con, "owner", MARCH, 48, NOW).iloc[-1].to_dict()
    assert overall["saved_rate"] is None
    assert ("Detractors saved: no detractor has a known outcome yet: it needs outcomes loaded with a churned "
            "yes/no") in " ".join(empty_figure_notes(overall, 48))


@pytest.mark.parametrize("by, group, expected", [
    # group: (cases, acted, median h, first judged, within, close judged, closed by due, saved judged, saved)
    ("owner", "Ana", (2, 2, 48.0, 2, 1, 2, 0, 1, 1)),
    ("owner", "Ben", (1, 1, 12.0, 1, 1, 1, 1, 1, 1)),
    ("owner", "(unassigned)", (3, 0, None, 2, 0, 2, 0, 1, 0)),
    ("team", "T1", (2, 2, 48.0, 2, 1, 2, 0, 1, 1)),
    ("team", "T2", (1, 1, 12.0, 1, 1, 1, 1, 1, 1)),
    ("team", "(no team)", (3, 0, None, 2, 0, 2, 0, 1, 0)),  # R4, R5 without contact; K3 without team
])
def test_follow_up_figures_by_owner_and_team(handled, by, group, expected):
    row = follow_up_metrics(handled, by, MARCH, 48, NOW).set_index(by).loc[group]
    median = None if pd.isna(row["median_hours_to_first"]) else row["median_hours_to_first"]
    closed_by_due = round(row["closed_by_due"] * row["close_judged"] / 100)
    within = round(row["first_within_target"] * row["first_judged"] / 100)
    assert (row["cases"], row["acted"], median, row["first_judged"], within, row["close_judged"], closed_by_due,
            row["saved_judged"], row["saved"]) == expected


def test_a_longer_target_counts_more_in_time(handled):
    overall = follow_up_metrics(handled, "owner", MARCH, 72, NOW).iloc[-1]
    # With 72 h, K1 (exactly 72 h) is in time; R4 (opened 71 h before NOW) is no longer judged.
    assert overall["first_judged"] == 4 and overall["first_within_target"] == pytest.approx(75.0)


def test_metric_arguments_are_checked(handled):
    with pytest.raises(ValueError, match="owner or team"):
        follow_up_metrics(handled, "agent")
    with pytest.raises(ValueError, match="positive"):
        follow_up_metrics(handled, "owner", target_hours=0)


def test_tiles_show_the_figures_with_n_and_grey_small_n(handled):
    overall = follow_up_metrics(handled, "owner", MARCH, 48, NOW).iloc[-1].to_dict()
    tiles = {t.key: t for t in metric_tiles(overall, 48)}
    assert tiles["open_cases"].value == "4" and not tiles["open_cases"].too_few
    assert tiles["median_hours"].value == "24.0 h" and tiles["median_hours"].n == 3
    assert tiles["first_within"].value == "40.0 %" and tiles["first_within"].label == "Followed up in 48 h"
    assert all(t.too_few for k, t in tiles.items() if k != "open_cases")  # n < 30 everywhere here
    table = follow_up_table(follow_up_metrics(handled, "team", MARCH, 48, NOW), "team")
    assert list(table["Team"])[-1] == "All" and "First follow-up within target %" in table.columns


# --- the editable table ---------------------------------------------------------------------------------


def test_changes_from_edits_reads_back_only_changed_rows(loop_db):
    shown = editor_frame(follow_up_list(loop_db, statuses=None, today=date(2026, 3, 11)))
    edited = shown.copy()
    k1 = edited.index[edited["case_id"] == "contact:K1"][0]
    r1 = edited.index[edited["case_id"] == "response:R1"][0]
    edited.loc[k1, ["owner", "status"]] = ["Ana", "in progress"]
    edited.loc[r1, ["owner", "status", "result"]] = ["Ben", "closed", "not reached"]
    changes = {c.case_id: c for c in changes_from_edits(shown, edited)}
    assert set(changes) == {"contact:K1", "response:R1"}
    assert (changes["contact:K1"].status, changes["contact:K1"].owner, changes["contact:K1"].team) == (
        "in_progress", "Ana", "T1")
    assert (changes["response:R1"].status, changes["response:R1"].result) == ("closed", "not_reached")
    assert changes["contact:K1"].due_date == date(2026, 3, 4)
    assert save_follow_ups(loop_db, list(changes.values()), at=datetime(2026, 3, 5)) == 2


def test_masking_the_case_list(loop_db):
    found = follow_up_list(loop_db, statuses=None)
    masked = mask_cases(found, lambda v: "cust-x", lambda v: "[masked]")
    assert set(masked["customer_id"]) == {"cust-x"}
    assert set(masked["comment"].dropna()) == {"[masked]"}


# --- the outer loop ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("started, latest, before, after", [
    (date(2026, 3, 10), date(2026, 3, 12), (date(2026, 3, 7), date(2026, 3, 9)), (date(2026, 3, 10), date(2026, 3, 12))),
    (date(2026, 1, 1), date(2026, 12, 31), (date(2025, 10, 3), date(2025, 12, 31)), (date(2026, 1, 1), date(2026, 3, 31))),
    (date(2026, 3, 10), date(2026, 3, 9), (date(2025, 12, 10), date(2026, 3, 9)), None),
])
def test_before_and_after_windows(started, latest, before, after):
    assert windows(started, latest, 90) == (before, after)


@pytest.mark.parametrize("change, significant, enough, lower_better, started, words", [
    (5.0, True, True, False, True, "better"),
    (5.0, True, True, True, True, "worse"),
    (-5.0, True, True, True, True, "better"),
    (5.0, False, True, False, True, "no clear change"),
    (5.0, False, False, False, True, "too few responses"),
    (None, False, False, False, True, "no data"),
    (None, False, False, False, False, "no data after the start yet"),
])
def test_verdict(change, significant, enough, lower_better, started, words):
    assert verdict(change, significant, enough, lower_better, started) == words


def test_actions_are_checked_and_stored(loop_db):
    with pytest.raises(ActionError, match="not a contact reason"):
        add_action(loop_db, Action("contact_reason", "Nope", "T1", "fix", "planned", date(2026, 3, 10)))
    with pytest.raises(ActionError, match="Name the team"):
        add_action(loop_db, Action("contact_reason", "Billing", " ", "fix", "planned", date(2026, 3, 10)))
    with pytest.raises(ActionError, match="Describe the action"):
        add_action(loop_db, Action("contact_reason", "Billing", "T1", "", "planned", date(2026, 3, 10)))
    with pytest.raises(ActionError, match="Unknown status"):
        add_action(loop_db, Action("contact_reason", "Billing", "T1", "fix", "later", date(2026, 3, 10)))
    with pytest.raises(ActionError, match="Give the day"):
        add_action(loop_db, Action("contact_reason", "Billing", "T1", "fix", "planned", None))
    with pytest.raises(ActionError, match="Unknown cause kind"):
        add_action(loop_db, Action("agent", "Billing", "T1", "fix", "planned", date(2026, 3, 10)))
    before = loop_version(loop_db)
    action_id = add_action(loop_db, Action("contact_reason", " Billing ", "T1", "New invoice layout", "planned",
                                           date(2026, 3, 5)), at=datetime(2026, 3, 4))
    assert loop_version(loop_db) != before
    update_action(loop_db, action_id, Action("contact_reason", "Billing", "T9", "New invoice layout", "in_progress",
                                             date(2026, 3, 5)), at=datetime(2026, 3, 6))
    stored = list_actions(loop_db).iloc[0]
    assert (stored["subject"], stored["team"], stored["status"], stored["started_on"]) == (
        "Billing", "T9", "in_progress", date(2026, 3, 5))
    with pytest.raises(ActionError, match="no action 99"):
        update_action(loop_db, 99, Action("contact_reason", "Billing", "T9", "x", "done", date(2026, 3, 5)))


def test_a_reason_action_compares_the_engine_figures_before_and_after(loop_db):
    # Billing contacts with a customer: K1 (2 Mar), K2 (5 Mar, repeat of K1 within 7 days), K5 (20 Mar).
    # The data ends 25 Apr (R12), so a start on 5 Mar compares the 52 days 12 Jan-4 Mar (K1) with 5 Mar-25 Apr
    # (K2, K5).
    add_action(loop_db, Action("contact_reason", "Billing", "T1", "fix", "done", date(2026, 3, 5)))
    effects = action_effects(loop_db, window=7).set_index("metric")
    repeat = effects.loc["repeat_rate"]
    assert (repeat["before_from"], repeat["before_to"]) == (date(2026, 1, 12), date(2026, 3, 4))
    assert (repeat["after_from"], repeat["after_to"]) == (date(2026, 3, 5), date(2026, 4, 25))
    assert (repeat["before"], repeat["before_n"]) == (0.0, 1)
    assert (repeat["after"], repeat["after_n"]) == (50.0, 2)
    assert repeat["change"] == 50.0
    assert not repeat["significant"] and repeat["too_few"] and repeat["verdict"] == "too few responses"
    nps = effects.loc["nps"]  # R1 (3) answered about K1 before; nothing about Billing contacts after
    assert (nps["before"], nps["before_n"], nps["after_n"]) == (-100.0, 1, 0)
    long = effects_chart_frame(action_effects(loop_db, window=7))
    assert len(long) == 6 and set(long["period"]) == {"before", "after"}
    assert list(effects_table(action_effects(loop_db, window=7))["Figure"]) == [
        "Contact FCR %", "Repeat rate %", "NPS"]


def test_a_theme_action_compares_detractors_mentioning_it(con, load):
    load("responses", "r.csv", "response_id,responded_at,customer_id,nps,comment\n"
         "T1,2026-03-01 10:00,A,2,I waited on hold for an hour\n"
         "T2,2026-03-02 10:00,B,9,quick and easy\n"
         "T3,2026-03-03 10:00,C,3,the bill was wrong\n"
         "T4,2026-03-06 10:00,D,8,waited a little\n"
         "T5,2026-03-07 10:00,E,1,waiting forever\n"
         "T6,2026-03-08 10:00,F,10,great\n")
    add_action(con, Action("theme", "Waiting time", "Contact centre", "More staff at peak", "done", date(2026, 3, 5)))
    effect = action_effects(con).iloc[0]
    # Data ends 8 Mar: before = 1-4 Mar (T1 waiting detractor, T2, T3) -> 1/3; after = 5-8 Mar (T5 of T4-T6) -> 1/3.
    assert (effect["before_n"], effect["after_n"]) == (3, 3)
    assert effect["before"] == pytest.approx(100 / 3) and effect["after"] == pytest.approx(100 / 3)
    assert effect["change"] == pytest.approx(0.0) and effect["verdict"] == "too few responses"
