"""Every empty headline figure says why and what would fill it (issue 15, item 6): survey answers
without a date, a contact log without customer ids."""

from __future__ import annotations

from cxmetrics.engine.metrics import undated_answers
from cxmetrics.engine.narrative import empty_figure_notes
from page_runner import empty_db as db, fill_store, open_page  # noqa: F401 (db is a fixture)

FILLED = {"nps_n": 40, "csat_n": 35, "ces_n": 31, "contacts": 10, "fcr": 80.0, "repeat_n": 10}


def test_no_note_when_every_figure_has_data():
    assert empty_figure_notes(FILLED, {"nps": 0, "csat": 0, "ces": 0}, 7) == []


def test_undated_answers_are_named_with_their_count():
    notes = empty_figure_notes({**FILLED, "nps_n": 0}, {"nps": 13_954, "csat": 0, "ces": 0}, 7)
    assert notes == ["NPS: the 13,954 answers with an NPS score (0–10) have no date, so no date range holds them. "
                     "Load the survey again with its answer date mapped to responded_at on the Data page to see "
                     "them here."]


def test_a_score_nobody_gave_says_what_would_fill_it():
    notes = empty_figure_notes({**FILLED, "ces_n": 0}, {"nps": 5, "csat": 0, "ces": 0}, 7)
    assert notes == ["CES: no survey answer with a CES score (1–7) in this selection. Load survey responses with "
                     "such a score on the Data page to see it."]


def test_contacts_without_customer_ids_say_fcr_needs_them():
    notes = empty_figure_notes({**FILLED, "fcr": None, "repeat_n": 0, "contacts": 12, "resolved_rate": 89.9},
                               {}, 7)
    assert len(notes) == 1
    assert notes[0].startswith("Contact FCR needs customer ids; none of the 12 contacts")
    assert notes[0].endswith("Reported resolution (what the agent recorded): 89.9 %.")


def test_undated_answers_counts_each_score_without_a_date(con, load):
    load("responses", "r.csv", "response_id,responded_at,nps,csat,ces,comment\n"
                               "r1,,9,,,great\nr2,,3,4,, \nr3,2024-01-02,10,5,6,fine\nr4,,,,,slow\n")
    # Comments: r1's and r4's (r2's is blank, r3's is dated).
    assert undated_answers(con) == {"nps": 2, "csat": 1, "ces": 0, "survey_fcr": 0, "comments": 2}


def test_the_overview_says_why_its_tiles_are_empty(db, tmp_path):
    # A dated call log without customer ids, and a survey without dates: every tile but Contacts is empty.
    calls = "\n".join(f"c{i},2024-03-{1 + i % 20:02d} 09:{i % 60:02d},Billing,{'yes' if i % 9 else 'no'}"
                      for i in range(40))
    fill_store(db, tmp_path, {
        "contacts": "contact_id,started_at,contact_reason,resolved\n" + calls + "\n",
        "responses": "response_id,nps\n" + "\n".join(f"r{i},{i % 11}" for i in range(33)) + "\n",
    })
    at = open_page("views/overview.py")
    captions = [c.value for c in at.caption]
    assert any(c.startswith("NPS: the 33 answers with an NPS score (0–10) have no date") for c in captions), captions
    assert any(c.startswith("Contact FCR needs customer ids; none of the 40 contacts") for c in captions), captions
    assert any(c.startswith("CSAT: no survey answer with a CSAT score (1–5)") for c in captions), captions


def test_answers_without_dates_fill_the_headline_figures_with_no_comparison(con, load):
    from cxmetrics.engine.narrative import period_caption
    from cxmetrics.engine.periods import compare_periods

    # 10, 9, 8, 6, 0 -> P = 2, D = 2: NPS 0 (the hand case); no date on any answer.
    load("responses", "r.csv", "response_id,nps\nr1,10\nr2,9\nr3,8\nr4,6\nr5,0\n")
    compared = compare_periods(con)
    assert compared["periods"] is None and compared["changes"] == {}
    assert (compared["current"]["nps"], compared["current"]["nps_n"]) == (0.0, 5)
    assert period_caption(None, undated_rows=True).startswith("Every answer and contact loaded: none carries a date")
