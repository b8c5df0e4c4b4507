"""Click to drill on the pages wired after the first ones, under AppTest: a click on a mark (its
selection put where the browser puts it, in the chart's widget state) shows the rows behind it below
the chart, as many as the mark's figure counted, with a download and a Clear button that closes
them. The Huddle, a shared screen, shows no row: a contact reason's name links to its dashboard page.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from page_runner import db, on_database, open_page  # noqa: F401  (db: the page's own sample store)
from streamlit.testing.v1 import AppTest

from cxmetrics.engine.contact_paths import repeat_paths
from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.follow_ups import follow_up_metrics
from cxmetrics.engine.loop_actions import EFFECT_MARK, Action, action_effects, add_action, effects_chart_frame
from cxmetrics.engine.outcomes import outcomes
from cxmetrics.engine.touchpoints import journey_flow, touchpoint_summary
from cxmetrics.engine.voice import group_shares, theme_summary

PERIOD = {"from": "2026-04-01", "to": "2026-09-30"}
CHOSEN = Filters(date(2026, 4, 1), date(2026, 9, 30))


def _click(at: AppTest, chart: str, point: dict) -> AppTest:
    """Return the app after a click on the mark whose selected fields are `point`, in chart `chart`."""
    at.session_state[f"chart_{chart}_0"] = {"selection": {"pick": [point]}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _behind(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**The ") and " behind " in m.value]


def _shown_count(at: AppTest) -> int:
    (heading,) = _behind(at)
    return int(heading.split()[1].replace(",", ""))


def _hints(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Click a bar, point or cell")]


def _closes(at: AppTest, chart: str) -> None:
    """Assert the rows come with their download, then that Clear closes them."""
    assert any(d.proto.label == "Download these rows" for d in at.get("download_button"))
    at.button(key=f"clear_{chart}").click().run()
    assert not _behind(at)


def test_a_repeat_paths_cell_shows_its_repeats(db):
    at = open_page("views/contact_reasons.py", PERIOD)
    cell = on_database(db, lambda con: repeat_paths(con, "contact_reason", CHOSEN)).iloc[1]
    _click(at, "repeat_paths_by_contact_reason", {"from_value": cell["from_value"], "to_value": cell["to_value"]})
    assert _shown_count(at) == cell["repeats"]
    assert f"· after contact reason {cell['from_value']}**" in _behind(at)[0]
    _closes(at, "repeat_paths_by_contact_reason")


def test_an_outcome_bar_shows_its_customers(db):
    at = open_page("views/outcomes.py", PERIOD)
    assert len(_hints(at)) == 3  # churn, revenue and the monthly trend all drill
    bar = on_database(db, lambda con: outcomes(con, "nps_group", filters=CHOSEN)["frame"]).iloc[0]
    _click(at, "churn_by_nps_group", {"nps_group": bar["nps_group"]})
    assert _shown_count(at) == bar["customers"]
    assert "most revenue first" in _behind(at)[0]
    _closes(at, "churn_by_nps_group")


def test_a_themes_share_shows_the_comments_behind_it(db):
    at = open_page("views/voice.py", PERIOD)
    assert len(_hints(at)) == 4  # the shares, the drivers, the month grid and the one-theme trend
    summary, _ = on_database(db, lambda con: theme_summary(con, CHOSEN))
    mark = group_shares(summary[summary["comments"] > 0]).iloc[0]
    _click(at, "theme_shares_by_group", {"theme": mark["theme"], "group": mark["group"]})
    assert _shown_count(at) == mark["mentions"]
    assert f"NPS group Detractor · theme {mark['theme']}" in _behind(at)[0]
    _closes(at, "theme_shares_by_group")


def test_a_touchpoints_escalation_bar_shows_the_contacts_it_judged(db):
    at = open_page("views/touchpoints.py", PERIOD)
    assert len(_hints(at)) == 2
    mark = on_database(db, lambda con: touchpoint_summary(journey_flow(con, "channel", CHOSEN))).iloc[0]
    _click(at, "escalation_by_channel", {"touchpoint": mark["touchpoint"]})
    assert _shown_count(at) == mark["judged"]
    assert _behind(at)[0].startswith(f"**The {mark['judged']:,} contacts behind channel {mark['touchpoint']}")
    _closes(at, "escalation_by_channel")


def test_a_follow_up_bar_and_an_actions_dot_show_what_they_counted(db):
    action = Action("contact_reason", "Technical fault", "Network", "Fix the outage alerts", "done", date(2026, 7, 1))
    on_database(db, lambda con: add_action(con, action))
    at = open_page("views/close_the_loop.py", PERIOD)
    assert len(_hints(at)) == 3  # first follow-up, saved, and the actions' before and after
    # Saved is judged on detractors whose outcome is known, which does not move with the clock.
    table = on_database(db, lambda con: follow_up_metrics(con, "owner", CHOSEN, 48.0, datetime.now()))
    bar = table.iloc[0]
    _click(at, "saved_by_owner", {"owner": bar["owner"]})
    assert _shown_count(at) == bar["saved_judged"] > 0
    _closes(at, "saved_by_owner")
    dots = on_database(db, lambda con: effects_chart_frame(action_effects(con)))
    after = dots[(dots["figure"] == "fcr") & (dots["period"] == "after")].iloc[0]
    _click(at, "actions_before_after", {field: after[field] for field in EFFECT_MARK})
    assert _shown_count(at) == after["n"] > 0
    assert _behind(at)[0].startswith(f"**The {after['n']:,} contacts behind ")
    _closes(at, "actions_before_after")


def test_the_huddle_shows_no_rows_and_links_a_reason_to_its_page(db):
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"panels": "reasons"})
    at.switch_page("views/huddle.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    markup = "\n".join(str(h.proto.body) for h in at.get("html"))
    links = [part.split('"')[0] for part in markup.split('class="hd-link" href="')[1:]]
    assert len(links) == 6  # one per reason shown, and nothing else links
    assert not at.get("vega_lite_chart") and not at.get("arrow_data_frame") and not _hints(at)
    link = urlsplit(links[0].replace("&amp;", "&"))
    query = parse_qs(link.query)
    assert link.path == "contact_reasons" and query["link"] == ["1"] and len(query["reason"]) == 1
    assert f'>{query["reason"][0]}</a>' in markup
    first, last = (datetime.strptime(query[k][0], "%Y-%m-%d") for k in ("from", "to"))
    assert (last - first).days == 27  # the huddle's 28 days
