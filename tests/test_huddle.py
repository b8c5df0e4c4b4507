"""The huddle screen: URL settings, trend arrows, the win rule and every panel on hand-made data,
the HTML it draws, and the page itself under AppTest."""

from __future__ import annotations

import math
import re
from datetime import datetime

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.engine import huddle
from cxmetrics.store.db import PROJECT_ROOT, connect
from cxmetrics.engine.huddle import (Candidate, HuddleSettings, judge_win, settings_from_query, tone,
                                     trend_arrow)
from cxmetrics.core.stats import Z95
from ui.huddle import ROTATION_KEY, arrow_html, screen_html

# --- settings from the URL ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, panels, every, days, metric, comments",
    [
        ({}, ("kpi", "reasons", "drivers", "win"), 20, 28, "nps", False),
        ({"panels": "win,kpi", "every": "5"}, ("win", "kpi"), 5, 28, "nps", False),
        ({"panels": ["kpi", "drivers,win"]}, ("kpi", "drivers", "win"), 20, 28, "nps", False),
        ({"panels": " KPI , kpi,bogus,,win "}, ("kpi", "win"), 20, 28, "nps", False),
        ({"panels": "bogus"}, ("kpi", "reasons", "drivers", "win"), 20, 28, "nps", False),
        # comments only when turned on, whatever the panel list says
        ({"panels": "kpi,comments"}, ("kpi",), 20, 28, "nps", False),
        ({"panels": "kpi,comments", "comments": "1"}, ("kpi", "comments"), 20, 28, "nps", True),
        ({"comments": "True"}, ("kpi", "reasons", "drivers", "win", "comments"), 20, 28, "nps", True),
        ({"comments": "0", "panels": "comments"}, ("kpi", "reasons", "drivers", "win"), 20, 28, "nps", False),
        # out of range or unreadable numbers: clamped or the default
        ({"every": "1"}, ("kpi", "reasons", "drivers", "win"), 3, 28, "nps", False),
        ({"every": "99999", "days": "3"}, ("kpi", "reasons", "drivers", "win"), 600, 7, "nps", False),
        ({"every": "soon", "days": "1000"}, ("kpi", "reasons", "drivers", "win"), 20, 91, "nps", False),
        ({"every": ["7", "9"], "metric": "FCR"}, ("kpi", "reasons", "drivers", "win"), 7, 28, "fcr", False),
        ({"metric": "DROP TABLE"}, ("kpi", "reasons", "drivers", "win"), 20, 28, "nps", False),
    ],
)
def test_settings_from_query(params, panels, every, days, metric, comments):
    assert settings_from_query(params) == HuddleSettings(panels, every, days, metric, comments)


# --- arrows and colours -------------------------------------------------------------------------


@pytest.mark.parametrize("change, arrow", [(3.2, "up"), (0.04, "up"), (-0.1, "down"), (-40.0, "down"),
                                           (0.0, "flat"), (None, "flat")])
def test_trend_arrow_follows_the_figure(change, arrow):
    assert trend_arrow(change) == arrow


@pytest.mark.parametrize(
    "key, change, significant, expected",
    [
        ("nps", 5.0, True, "good"),
        ("nps", 5.0, False, "neutral"),  # could be noise: not coloured
        ("nps", -1.0, True, "bad"),
        ("fcr", 2.0, True, "good"),
        ("repeat_rate", 2.0, True, "bad"),  # more repeats is worse
        ("repeat_rate", -2.0, True, "good"),
        ("csat", None, True, "neutral"),
        ("csat", 0.0, True, "neutral"),
    ],
)
def test_tone_colours_only_significant_changes(key, change, significant, expected):
    assert tone(key, change, significant) == expected


@pytest.mark.parametrize("direction", ["up", "down", "flat"])
def test_arrow_html_names_its_direction(direction):
    assert f'data-arrow="{direction}"' in arrow_html(direction, "hd-good")


def test_arrow_html_rejects_other_directions():
    with pytest.raises(ValueError):
        arrow_html("sideways", "hd-good")


# --- the win rule -------------------------------------------------------------------------------


def cand(group, now, now_var, now_n, before, before_var, before_n, dimension="team"):
    return Candidate(dimension, group, now, now_var, now_n, before, before_var, before_n)


def test_the_largest_significant_improvement_wins_over_a_larger_noisy_one():
    # A: 70 -> 80, se = sqrt(4 + 5) = 3: interval 10 ± 5.88, clear of 0.
    # B: 55 -> 75, se = sqrt(100 + 100) = 14.1: interval 20 ± 27.7, could be noise.
    # C: 10 -> 90 but only 29 before: does not compete.
    verdict = judge_win([cand("A", 80, 4, 40, 70, 5, 35), cand("B", 75, 100, 50, 55, 100, 50),
                         cand("C", 90, 1, 100, 10, 1, 29)], "csat")
    winner = verdict["winner"]
    assert (winner["group"], winner["change"], winner["before_n"], winner["now_n"]) == ("A", 10, 35, 40)
    assert winner["low"] == pytest.approx(10 - Z95 * 3)
    assert winner["high"] == pytest.approx(10 + Z95 * 3)
    assert verdict["eligible"] == 2
    assert verdict["best_rise"] is None and verdict["reason"] == ""


def test_without_a_significant_improvement_no_win_is_called_and_the_best_rise_is_named():
    verdict = judge_win([cand("A", 72, 4, 40, 70, 5, 35), cand("B", 75, 100, 50, 55, 100, 50)], "nps")
    assert verdict["winner"] is None
    assert verdict["best_rise"]["group"] == "B"
    assert verdict["reason"] == "no improvement is clear of noise (its 95 % interval includes 0)"


@pytest.mark.parametrize(
    "candidates, reason",
    [
        ([], "no team or reason had 30+ answers in both periods"),
        ([cand("A", 80, 1, 29, 10, 1, 300), cand("B", 80, 1, 300, 10, 1, 0)],
         "no team or reason had 30+ answers in both periods"),
        ([cand("A", None, None, 30, 50, 1, 30)], "no team or reason had 30+ answers in both periods"),
        ([cand("A", 60, 1, 30, 70, 1, 30), cand("B", 70, 1, 30, 70, 1, 30)], "nothing improved"),
    ],
)
def test_no_win_when_nobody_qualifies_or_improves(candidates, reason):
    verdict = judge_win(candidates, "nps")
    assert (verdict["winner"], verdict["best_rise"], verdict["reason"]) == (None, None, reason)


def test_n_word_follows_the_metric():
    assert judge_win([], "fcr")["reason"] == "no team or reason had 30+ judged contacts in both periods"
    assert judge_win([], "repeat_rate")["reason"] == "no team or reason had 30+ contacts in both periods"


def test_for_repeats_a_fall_is_the_improvement():
    verdict = judge_win([cand("Up", 30, 1, 100, 20, 1, 100), cand("Down", 15, 1, 100, 20, 1, 100)], "repeat_rate")
    assert verdict["winner"]["group"] == "Down"
    assert verdict["winner"]["change"] == -5


def test_equal_improvements_go_to_the_larger_sample_then_the_name():
    verdict = judge_win([cand("Small", 80, 1, 40, 70, 1, 40), cand("Large", 80, 1, 90, 70, 1, 80),
                         cand("Also", 80, 1, 90, 70, 1, 80, dimension="contact_reason")], "csat")
    assert (verdict["winner"]["dimension"], verdict["winner"]["group"]) == ("contact_reason", "Also")


def test_min_n_is_a_setting():
    assert judge_win([cand("A", 80, 1, 10, 70, 1, 10)], "csat", min_n=10)["winner"]["group"] == "A"


# --- every panel on hand-made data --------------------------------------------------------------
# Two weeks: 1–7 March 2025 (previous) and 8–14 March (current), one contact per response.
# Team Alpha (reason Billing): 10 promoters, 10 passives, 10 detractors before; 25 promoters and 5
# passives now. Team Beta (reason Delivery): all passives, 30 before and 29 now (too few to win).
# Team Gamma (reason Billing): 10 passives in each week.


def _people():
    rows = []  # (team, reason, week, score)
    rows += [("Alpha", "Billing", 0, s) for s in [10] * 10 + [8] * 10 + [3] * 10]
    rows += [("Alpha", "Billing", 1, s) for s in [9] * 25 + [7] * 5]
    rows += [("Beta", "Delivery", 0, 8)] * 30 + [("Beta", "Delivery", 1, 8)] * 29
    rows += [("Gamma", "Billing", w, 7) for w in (0, 1) for _ in range(10)]
    return rows


@pytest.fixture
def two_weeks(con, load):
    contacts = ["contact_id,started_at,channel,contact_reason,agent,team"]
    responses = ["response_id,responded_at,contact_id,customer_id,nps,comment"]
    for i, (team, reason, week, score) in enumerate(_people()):
        day = 1 + 7 * week + i % 7
        contacts.append(f"K{i:04d},2025-03-{day:02d} 09:00:00,phone,{reason},Ingrid,{team}")
        responses.append(f"R{i:04d},2025-03-{day:02d} 12:00:00,K{i:04d},CUST{i:04d},{score},")
    # The newest answers carry comments full of personal data (and no score, so the figures above hold).
    responses.append('R9001,2025-03-14 18:00:00,K0070,CUST0070,,"Ingrid was great, mail me at a.b@example.com"')
    responses.append('R9002,2025-03-14 17:00:00,K0071,CUST0071,,"Call +44 20 7946 0958, account 12345678"')
    responses.append('R9004,2025-03-14 16:00:00,K0072,CUST0072,,"I am CUST0005, see K0003 and R0004-x"')
    responses.append("R9003,2025-02-01 17:00:00,K0073,CUST0073,,Too old to show")
    assert load("contacts", "contacts.csv", "\n".join(contacts) + "\n").rows_loaded == len(_people())
    assert load("responses", "responses.csv", "\n".join(responses) + "\n").rows_loaded == len(_people()) + 4
    return con


def _nps_var(p, d, n):
    return 10000 * (p / n + d / n - (p / n - d / n) ** 2) / n


def test_kpi_panel_shows_value_arrow_change_and_target(two_weeks):
    panel = huddle.kpi_panel(two_weeks, days=7, targets={"nps": 50.0})
    assert panel["caption"] == "08 Mar – 14 Mar 2025 (7 days) vs 01 Mar – 07 Mar"
    nps = {f["key"]: f for f in panel["figures"]}["nps"]
    # now: 25 promoters of 69 (+36.2); before: 10 − 10 of 70 (0); target 50 is 13.8 away
    assert (nps["value"], nps["n"], nps["arrow"], nps["tone"]) == ("+36", 69, "up", "good")
    assert nps["change"] == "+36.2 points"
    assert nps["note"] == "vs previous 7 days · significant"
    assert nps["target"] == "target +50 · 13.8 points to go"
    assert [f["key"] for f in panel["figures"]] == ["nps", "csat", "fcr", "repeat_rate"]


def test_kpi_panel_without_data_in_a_metric_says_so(two_weeks):
    csat = {f["key"]: f for f in huddle.kpi_panel(two_weeks, days=7)["figures"]}["csat"]
    assert (csat["value"], csat["n"], csat["too_few"], csat["arrow"], csat["change"]) == ("–", 0, True, "flat", "–")
    assert csat["note"] == "nothing to compare in the 7 days before"


def test_reasons_panel_lists_the_busiest_reasons_first(two_weeks):
    panel = huddle.reasons_panel(two_weeks, days=7)
    assert panel["caption"] == "08 Mar – 14 Mar 2025 (7 days)"
    assert [(r["reason"], r["contacts"]) for r in panel["rows"]] == [("Billing", "40"), ("Delivery", "29")]
    # every contact here lacks a customer: no repeat rate or FCR can be judged
    assert {(r["fcr"], r["fcr_n"], r["fcr_too_few"]) for r in panel["rows"]} == {("–", 0, True)}


def test_drivers_panel_names_what_costs_points(two_weeks):
    panel = huddle.drivers_panel(two_weeks, "nps", days=7)
    # Delivery scores 0 against Billing's 62.5 (25 − 0 of 40), with 29 of 69 answers: 29/69 × 62.5
    assert panel["rows"] == [{
        "reason": "Delivery", "impact": f"−{29 / 69 * 62.5:.1f} points", "value": "+0", "rest_value": "+62",
        "n": 29, "too_few": True, "verdict": "too few answers (n = 29)", "weight": "too_few",
    }]
    assert f"{29 / 69 * 62.5:.1f}" == "26.3"


def test_win_panel_calls_the_most_improved_team(two_weeks):
    panel = huddle.win_panel(two_weeks, "nps", days=7)
    change = 25 / 30 * 100
    se = math.sqrt(_nps_var(10, 10, 30) + _nps_var(25, 0, 30))
    assert (panel["title"], panel["called"], panel["headline"]) == ("Win of the week", True, "Team Alpha")
    assert panel["detail"] == (f"+0 → +83 (+83.3 points; 95 % interval +{change - Z95 * se:.1f} to "
                               f"+{change + Z95 * se:.1f}; n = 30 → 30)")
    assert panel["detail"].endswith("95 % interval +51.2 to +115.5; n = 30 → 30)")
    assert panel["caption"] == "08 Mar – 14 Mar 2025 (7 days) vs 01 Mar – 07 Mar"
    assert "30+ answers in both periods" in panel["verdict"]


def test_win_panel_needs_enough_answers(two_weeks):
    panel = huddle.win_panel(two_weeks, "nps", days=7, min_n=41)
    assert (panel["called"], panel["headline"]) == (False, "No win can be called")
    assert panel["detail"] == "no team or reason had 41+ answers in both periods"


def test_comments_panel_redacts_and_names_no_one(two_weeks):
    panel = huddle.comments_panel(two_weeks, days=7)
    assert [r["text"] for r in panel["rows"]] == [
        "[name] was great, mail me at [email]",
        "Call [phone], account [number]",
        "I am [id], see [id] and [id]-x",
    ]
    assert panel["rows"][0] == {"when": "14 Mar", "score": "", "reason": "Delivery",
                                "text": "[name] was great, mail me at [email]"}
    assert "CUST" not in repr(panel) and "R900" not in repr(panel)


def test_panels_on_an_empty_store(con):
    for name in huddle.PANELS:
        data = huddle.panel_data(con, name)
        assert data["caption"] == "No data yet: import some on the Data page."
    with pytest.raises(ValueError):
        huddle.panel_data(con, "bogus")


def test_screen_html_escapes_and_marks_the_panel(two_weeks):
    data = huddle.reasons_panel(two_weeks, days=7)
    data["rows"][0]["reason"] = "<script>alert(1)</script>"
    markup = screen_html("reasons", data, 1, HuddleSettings(panels=("kpi", "reasons"), every=9), datetime(2025, 3, 14, 8, 5))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert 'data-panel="reasons" data-index="1"' in markup
    assert "2 / 2 · next in 9 s" in markup and "Updated 08:05:00" in markup


# --- the page ----------------------------------------------------------------------------------


@pytest.fixture
def db(sample_db):
    path = sample_db
    from cxmetrics import app_state

    app_state._connection.clear()
    app_state.cached_huddle_panel.clear()
    yield path
    app_state._connection.clear()


def open_huddle(query: dict) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    at.switch_page("views/huddle.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def engine(db, panel: str, **kwargs) -> dict:
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(db)
    try:
        return huddle.panel_data(con, panel, **kwargs)
    finally:
        con.close()


def test_the_page_opens_on_its_first_panel_with_the_engine_figures(db):
    at = open_huddle({"panels": "win,kpi", "every": "5"})
    markup = shown(at)
    assert 'data-panel="win" data-index="0"' in markup
    assert "1 / 2 · next in 5 s" in markup
    win = engine(db, "win")
    assert f">{win['headline']}<" in markup
    # no sidebar: no filters, no navigation widgets; only the rotation index and scope are kept
    assert len(at.sidebar.children) == 0
    assert set(at.session_state.keys()) <= {ROTATION_KEY, "cx_scope", "cx_workspace"}
    assert at.session_state[ROTATION_KEY] == 1


def test_the_page_draws_every_panel_without_personal_data(db):
    ids = {line.split(",")[0] for line in (PROJECT_ROOT / "sample_data" / "customers.csv").read_text().splitlines()[1:]}
    for panel in ("kpi", "reasons", "drivers", "comments"):
        at = open_huddle({"panels": panel, "comments": "1"})
        markup = shown(at)
        assert f'data-panel="{panel}"' in markup
        assert not ids & set(re.findall(r"C\d{5}", markup))
    kpi = engine(db, "kpi")
    at = open_huddle({"panels": "kpi"})
    for figure in kpi["figures"]:
        assert f">{figure['value']}<" in shown(at)


def test_comments_stay_off_unless_asked_for(db):
    markup = shown(open_huddle({"panels": "comments"}))
    assert 'data-panel="kpi"' in markup and "What customers said" not in markup
