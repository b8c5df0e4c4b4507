"""AppTest for issue 18 items 1, 2 and 7: the Overview's status words and colours against a target and
without one (on the sample and on a small store of the test's own), its "What to do next" with links
to the page and filter that shows each action, and the huddle judging figures the same way, colouring
drivers by significance and offering a way back when opened from the navigation."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.engine.follow_ups import utc_now
from cxmetrics.engine.next_steps import NOTHING_TO_DO, next_steps, overdue_cases
from cxmetrics.engine.periods import compare_periods
from cxmetrics.engine.segments import driver_impact, segment_gaps
from cxmetrics.engine.status import Target, statuses
from cxmetrics.engine.targets import set_target
from page_runner import db, empty_db, fill_store, on_database, open_page, shown_filters  # noqa: F401 (fixtures)
from ui.huddle import DRIVER_COLOURS, drivers_html, kpi_html

OVERVIEW, HUDDLE = "views/overview.py", "views/huddle.py"
COLOURS = {"good": "green", "warn": "orange", "bad": "red", "neutral": "gray"}


def badges(at) -> list[str]:
    return [m.value for m in at.markdown if "-badge[" in m.value]


def badge_of(at, label: str, engine_status) -> str:
    """The badge the page shows for `label`, checked against the engine's status: word and colour."""
    word = engine_status.word[0].upper() + engine_status.word[1:]
    colour = COLOURS[engine_status.tone]
    found = [b for b in badges(at) if f":{colour}-badge[" in b and f" {word} (" in b]
    assert found, (label, word, colour, badges(at))
    return found[0]


def engine_statuses(db, plans=None):
    def work(con):
        comparison = compare_periods(con, shown_filters(con))
        return statuses(("nps", "csat", "ces", "fcr", "repeat_rate"), comparison["current"], comparison["changes"],
                        plans or {}, comparison["periods"].current_to)
    return on_database(db, work)


def test_without_targets_each_figure_is_judged_against_its_previous_period(db):
    at = open_page(OVERVIEW)
    judged = engine_statuses(db)
    assert {s.basis for s in judged.values()} == {"previous"}
    for key, status in judged.items():
        badge_of(at, key, status)
    # The sample's CSAT and CES rose significantly in its last 28 days: "Better", in green, in words.
    assert (judged["csat"].word, judged["csat"].tone) == ("better", "good")
    assert any(b.startswith(":green-badge[") and "Better (vs previous period)" in b for b in badges(at))
    assert any(b.startswith(":gray-badge[") and "No real change (vs previous period)" in b for b in badges(at))
    # Significance keeps its own marker beside the status: the change's note.
    assert "vs previous 28 days · significant" in [c.value for c in at.caption]


def test_against_a_target_the_status_says_where_the_figure_stands_on_the_path(db):
    def set_targets(con):
        last = compare_periods(con, shown_filters(con))["periods"].current_to
        set_target(con, "csat", 99.0)                                                  # far above: off track
        set_target(con, "repeat_rate", 50.0)                                           # far below: on track
        set_target(con, "nps", 60.0, last - timedelta(weeks=6), baseline=20.0)         # halfway: path +40
        return last
    last = on_database(db, set_targets)
    at = open_page(OVERVIEW)
    plans = {"csat": Target("csat", 99.0), "repeat_rate": Target("repeat_rate", 50.0),
             "nps": Target("nps", 60.0, last - timedelta(weeks=6), last + timedelta(weeks=6), 20.0)}
    judged = engine_statuses(db, plans)
    assert (judged["csat"].word, judged["repeat_rate"].word) == ("off track", "on track")
    assert badge_of(at, "csat", judged["csat"]).startswith(":red-badge[:material/cancel: Off track (against target)")
    badge_of(at, "repeat_rate", judged["repeat_rate"])
    badge_of(at, "nps", judged["nps"])
    captions = [c.value for c in at.caption]
    assert judged["nps"].detail in captions
    assert f"path +40 on {last.day} {last:%b %Y}" in judged["nps"].detail  # halfway from +20 to +60
    assert judged["csat"].detail in captions and "pts to go" in judged["csat"].detail
    # Figures without a target are still judged against their previous period.
    assert judged["ces"].basis == "previous"


def test_a_small_store_of_its_own_shows_worse_and_at_risk(empty_db, tmp_path):
    # 40 answers in each of two 28-day periods: NPS +100 (all 10s) before, 0 (half 10s, half 0s) now.
    start = date(2024, 1, 1)
    rows = ["response_id,responded_at,nps"]
    for i in range(40):
        rows.append(f"b{i},{start + timedelta(days=i % 28)} 10:00,10")
        rows.append(f"n{i},{start + timedelta(days=28 + i % 28)} 10:00,{10 if i % 2 else 0}")
    fill_store(empty_db, tmp_path, {"responses": "\n".join(rows) + "\n"})
    at = open_page(OVERVIEW)
    nps = [b for b in badges(at) if "badge[" in b]
    assert any(b.startswith(":red-badge[:material/trending_down: Worse (vs previous period)") for b in nps), nps
    # NPS 0 with margin 196 × sqrt(1/40) = 31.0: a flat target of +20 is inside it (at risk), +40 is not.
    on_database(empty_db, lambda con: set_target(con, "nps", 20.0))
    at = open_page(OVERVIEW)
    assert any(b.startswith(":orange-badge[:material/warning: At risk (against target)") for b in badges(at))
    assert "target +20 · 20.0 points to go" in [c.value for c in at.caption]
    on_database(empty_db, lambda con: set_target(con, "nps", 40.0))
    at = open_page(OVERVIEW)
    assert any(b.startswith(":red-badge[:material/cancel: Off track (against target)") for b in badges(at))


def test_the_targets_form_saves_a_sprint_with_its_baseline(db):
    at = open_page(OVERVIEW)
    at.number_input(key="target_nps").set_value(45.0)
    at.number_input(key="target_weeks").set_value(10)
    at.button(key="FormSubmitter:targets-Save targets").click()
    at.run()
    assert not at.exception and not at.error, [e.body for e in at.error]

    def stored(con):
        from cxmetrics.engine.targets import baseline_on, get_target_plans
        plan = get_target_plans(con)["nps"]
        return plan, baseline_on(con, "nps", plan.start)
    plan, baseline = on_database(db, stored)
    last = on_database(db, lambda con: compare_periods(con, shown_filters(con))["periods"].current_to)
    assert (plan.value, plan.start, plan.end) == (45.0, last, last + timedelta(weeks=10))
    assert plan.baseline == pytest.approx(baseline)  # the figure over the 28 days up to the start day


def _links(at) -> list[tuple[str, str, dict]]:
    return [(p.proto.page, p.proto.label, parse_qs(p.proto.query_string)) for p in at.get("page_link")]


def test_what_to_do_next_lists_the_engine_actions_with_links(db):
    at = open_page(OVERVIEW)

    def expected(con):
        f = shown_filters(con)
        return next_steps(driver_impact(con, "nps", "contact_reason", f), segment_gaps(con, "fcr", "contact_reason", f),
                          *overdue_cases(con, f, utc_now().date()))
    steps = on_database(db, expected)
    # The sample: Technical fault costs most NPS and has the worst FCR; open follow-ups are overdue.
    assert [s.kind for s in steps] == ["driver", "fcr", "overdue"]
    assert steps[0].reasons == steps[1].reasons == ("Technical fault",)
    assert "95 % interval" in steps[0].text and "95 % interval" in steps[1].text
    shown = [m.value for m in at.markdown if m.value.startswith(("**1.**", "**2.**", "**3.**"))]
    assert len(shown) == 3
    assert "Technical fault" in shown[0] and "NPS points overall" in shown[0]
    assert "contact FCR" in shown[1] and "past their due day" in shown[2]
    links = _links(at)
    assert links[0] == ("contact_reasons", "See Technical fault on Contact reasons",
                        {"reason": ["Technical fault"], "ws": ["sample"], "link": ["1"]})
    assert links[2] == ("close_the_loop", "Open the follow-up list", {"ws": ["sample"], "link": ["1"]})


def test_a_link_keeps_the_chosen_filters_and_opens_the_page_filtered(db):
    at = open_page(OVERVIEW, {"channel": "phone"})
    page, _, query = _links(at)[0]
    assert query["channel"] == ["phone"] and query["reason"] == ["Technical fault"]
    # Followed within the session, the link's filters replace the session's (its marker is then dropped).
    at.query_params.clear()
    at.query_params.update({k: v if len(v) > 1 else v[0] for k, v in query.items()})
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    scope = at.session_state["cx_scope"]
    assert (scope.filters.reasons, scope.filters.channels) == (("Technical fault",), ("phone",))
    assert "link" not in at.query_params


def test_with_nothing_to_act_on_the_overview_says_so(empty_db, tmp_path):
    fill_store(empty_db, tmp_path, {"responses": "response_id,responded_at,nps\nr1,2024-01-05 10:00,9\n"})
    at = open_page(OVERVIEW)
    assert NOTHING_TO_DO in [i.value for i in at.info]
    assert not [p for p in at.get("page_link") if p.proto.page in ("contact_reasons", "close_the_loop")]


# --- the huddle ----------------------------------------------------------------------------------------


def test_the_huddle_judges_figures_as_the_overview_does():
    # NPS +36 (interval ± 11.3) rose significantly, yet is off track against +50: the card and its word
    # say off track in red, the arrow keeps the green of a significant rise.
    figure = {"key": "nps", "label": "NPS", "value": "+36", "n": 69, "too_few": False, "arrow": "up", "tone": "good",
              "change": "+36.2 points", "note": "vs previous 7 days · significant",
              "target": "target +50 · 13.8 points to go", "status": "off track", "status_tone": "bad"}
    markup = kpi_html({"figures": [figure]})
    assert '<div class="hd-card hd-bad" data-kpi="nps" data-status="off track">' in markup
    assert 'NPS · <span class="hd-bad">off track</span>' in markup
    assert 'class="hd-arrow hd-good"' in markup and "target +50 · 13.8 points to go" in markup


def test_huddle_drivers_are_red_only_when_significant():
    rows = [{"reason": r, "impact": "−1.0 points", "value": "+0", "rest_value": "+10", "n": 40, "too_few": w == "too_few",
             "verdict": v, "weight": w}
            for r, w, v in (("A", "significant", "significant · n = 40"), ("B", "noise", "could be noise · n = 40"),
                            ("C", "too_few", "too few answers (n = 20)"))]
    markup = drivers_html({"metric": "NPS", "rows": rows})
    for weight, colour in DRIVER_COLOURS.items():
        assert f'class="hd-figure {colour}" data-weight="{weight}"' in markup
    assert DRIVER_COLOURS["noise"] != DRIVER_COLOURS["significant"] == "hd-bad"


def _huddle_html(at) -> str:
    return "\n".join(str(h.proto.body) for h in at.get("html"))


def test_the_huddle_page_shows_target_status_and_plain_titles(db):
    on_database(db, lambda con: set_target(con, "csat", 99.0))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"panels": "kpi,reasons"})
    at.switch_page(HUDDLE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    markup = _huddle_html(at)
    assert 'data-kpi="csat" data-status="off track"' in markup and '<div class="hd-card hd-bad" data-kpi="csat"' in markup
    assert "How are we doing?" in markup
    # Opened by its URL (a wall screen): no way out is offered.
    assert not at.get("page_link")


def test_the_huddle_opened_from_the_navigation_has_a_way_back(db):
    at = open_page(OVERVIEW)
    at.switch_page(HUDDLE)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # The Overview is the default page: its URL path is the app's root ("").
    assert [(p.proto.page, p.proto.label) for p in at.get("page_link")] == [("", "Back to the dashboard")]
