"""Click to drill on the charts wired after the first ones: the rows behind a mark, picked from the
fields the chart's click selection carries, are exactly as many as the figure behind the mark
counted, on the sample store (a repeat path's cell, an outcome bar, a month of NPS against churn,
a theme's share, impact and month, a touchpoint's escalation, a journey path, an owner's or a team's
follow-up figures). Where the mark is a share of those rows, the share of the rows equals it too.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from cxmetrics.engine import follow_ups
from cxmetrics.engine.contact_paths import repeat_paths
from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.drill import Drill, Pick, rows_picked
from cxmetrics.engine.outcomes import outcome_trend, outcomes
from cxmetrics.engine.touchpoints import (OTHER_JOURNEYS, PATHS_READ, journey_flow, journey_paths,
                                          journeys_total, main_journeys, touchpoint_summary)
from cxmetrics.engine.voice import group_shares, theme_drivers, theme_summary, theme_trend

PERIOD = Filters(date(2026, 4, 1), date(2026, 9, 30))  # within the sample (Nov 2025 – Oct 2026)
NOW = datetime(2026, 10, 20, 12, 0)


@pytest.fixture(scope="module")
def sample(sample_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("drill_marks") / "sample.duckdb"
    shutil.copyfile(sample_template, path)
    con = connect(path)
    yield con
    con.close()


def _rows(con, drill: Drill, point: dict, filters: Filters = PERIOD) -> tuple[pd.DataFrame, int]:
    rows, total = rows_picked(con, drill.kind, drill.pick(point), filters, drill.measure)
    assert len(rows) == min(total, 5000)
    return rows, total


@pytest.mark.parametrize("by", ["contact_reason", "channel"])
def test_a_repeat_paths_cell_holds_its_repeats(sample, by):
    drill = Drill.of("contacts", "repeat_path", from_value=f"previous_{by}", to_value=by)
    paths = repeat_paths(sample, by, PERIOD)
    across = paths[paths["from_value"] != paths["to_value"]].iloc[0]  # a path that changes, besides the busiest
    for cell in (paths.iloc[0], across):
        rows, total = _rows(sample, drill, {"from_value": cell["from_value"], "to_value": cell["to_value"]})
        assert total == cell["repeats"] > 0
        assert set(rows[by]) == {cell["to_value"]}  # the repeat's own value; the previous one picked them
    assert drill.pick({"from_value": "web", "to_value": "phone"}).describe() == (
        f"{by.replace('_', ' ')} phone · after {by.replace('_', ' ')} web")


@pytest.mark.parametrize("group", ["nps_group", "csat_group", "repeat_contact"])
def test_an_outcome_bars_customers_are_its_customers_and_churn(sample, group):
    frame = outcomes(sample, group, filters=PERIOD)["frame"]
    assert len(frame) >= 2
    for bar in frame.itertuples():
        rows, total = _rows(sample, Drill.of("customers", **{group: group}), {group: getattr(bar, group)})
        assert total == bar.customers
        assert 100.0 * rows["churned"].mean() == pytest.approx(bar.churn_rate)
        assert rows["revenue"].sum() == pytest.approx(bar.revenue)


def test_a_month_of_nps_against_churn_holds_that_months_answers(sample):
    trend = outcome_trend(sample, Filters())
    month = trend[trend["nps_n"] > 0].iloc[3]
    drill = Drill.of("responses", "nps", "month", all_dates=True, month="period")
    # Vega gives the clicked month as epoch milliseconds of its local midnight.
    rows, total = _rows(sample, drill, {"month": month["month"].timestamp() * 1000}, Filters())
    assert total == month["nps_n"]
    assert set(pd.to_datetime(rows["responded_at"]).dt.to_period("M")) == {month["month"].to_period("M")}


def test_a_themes_share_holds_the_groups_comments_that_mention_it(sample):
    summary, _ = theme_summary(sample, PERIOD)
    shares = group_shares(summary[summary["comments"] > 0])
    drill = Drill.of("comments", theme="theme", group="nps_group")
    for mark in shares.head(3).itertuples():
        rows, total = _rows(sample, drill, {"theme": mark.theme, "group": mark.group})
        assert total == mark.mentions > 0
        assert 100.0 * total / mark.n == pytest.approx(mark.share)
        assert set(rows["nps_group"]) == {mark.group.split("s (")[0].lower()}
        assert rows["themes"].str.contains(mark.theme, regex=False).all()


@pytest.mark.parametrize("metric", ["nps", "csat"])
def test_a_themes_impact_holds_the_comments_it_was_worked_out_on(sample, metric):
    drivers = theme_drivers(sample, metric, PERIOD)
    for mark in drivers[drivers["n"] > 0].head(3).itertuples():
        rows, total = _rows(sample, Drill.of("comments", metric, theme="theme"), {"theme": mark.theme})
        assert total == mark.n
        assert rows[metric].notna().all()


def test_a_themes_month_holds_its_mentions_in_the_grid_and_the_trend(sample):
    trend = theme_trend(sample, Filters())
    mark = trend[trend["mentions"] > 0].iloc[2]
    grid = Drill.of("comments", None, "month", all_dates=True, theme="theme", month="period")
    line = Drill.of("comments", None, "month", all_dates=True, given={"theme": mark["theme"]}, period="period")
    assert _rows(sample, grid, {"theme": mark["theme"], "month": mark["month"]}, Filters())[1] == mark["mentions"]
    assert _rows(sample, line, {"period": mark["period"].timestamp() * 1000}, Filters())[1] == mark["mentions"]


@pytest.mark.parametrize("kind", ["channel", "contact_reason"])
def test_a_touchpoints_escalation_and_a_journeys_bar_hold_their_n(sample, kind):
    flow = journey_flow(sample, kind, PERIOD)
    summary = touchpoint_summary(flow)
    escalation = Drill.of("journeys", "escalation", given={"touchpoints": kind}, touchpoint="touchpoint")
    for mark in summary.head(3).itertuples():
        rows, total = _rows(sample, escalation, {"touchpoint": mark.touchpoint})
        assert total == mark.judged
        assert 100.0 * rows["escalated_next"].mean() == pytest.approx(mark.escalation_share)
    main = main_journeys(journey_paths(sample, kind, PERIOD, limit=PATHS_READ), journeys_total(flow))
    assert OTHER_JOURNEYS in set(main["journey"])  # the folded row drills too: every journey but the main ones
    journeys = Drill.of("journeys", "journeys", given={"touchpoints": kind}, journey="journey")
    for mark in main.itertuples():
        rows, total = _rows(sample, journeys, {"journey": mark.journey})
        assert total == mark.journeys
        assert (rows["step"] == 1).all() and rows["contact_id"].is_unique


def test_an_owners_and_a_teams_follow_up_bars_hold_the_cases_they_judged(sample):
    cases = follow_ups.follow_up_list(sample, PERIOD, statuses=None, today=NOW.date())
    # Some cases worked: one acted on within the 24 hours, one long after, one closed; the rest untouched.
    early, late, closed = cases.iloc[0], cases.iloc[1], cases.iloc[2]
    for case, change, hours in (
            (early, dict(status=follow_ups.IN_PROGRESS, owner="Ana"), 2),
            (late, dict(status=follow_ups.IN_PROGRESS, owner="Ana", team="Harbor"), 90),
            (closed, dict(status=follow_ups.CLOSED, owner="Bo", result="reached"), 5)):
        change = follow_ups.Change(case["case_id"], due_date=case["due_date"], **change)
        follow_ups.save_follow_ups(sample, [change], at=case["opened_at"] + pd.Timedelta(hours=hours))
    judged_as = {"target_hours": "24.0", "as_of": NOW.isoformat()}
    for by in ("owner", "team"):
        table = follow_ups.follow_up_metrics(sample, by, PERIOD, 24.0, NOW).iloc[:-1]
        for bar in table.itertuples():
            value = getattr(bar, by)
            rows, first = _rows(sample, Drill.of("cases", "first_within", given=judged_as, **{by: by}), {by: value})
            assert first == bar.first_judged
            if first:
                assert 100.0 * rows["first_within_target"].mean() == pytest.approx(bar.first_within_target)
            assert _rows(sample, Drill.of("cases", "saved", **{by: by}), {by: value})[1] == bar.saved_judged
    ana = Drill.of("cases", "first_within", given=judged_as, owner="owner").pick({"owner": "Ana"})
    assert rows_picked(sample, "cases", ana, PERIOD, "first_within")[1] == 2


def test_a_pick_says_what_it_picked_and_refuses_what_a_kind_cannot_pick():
    assert Drill.of("comments", theme="theme", group="nps_group").pick(
        {"theme": "Waiting time", "group": "Detractors (0–6)"}) == Pick(nps_group="Detractor", theme="Waiting time")
    assert Drill.of("comments", None, "month", month="period").pick({"month": "2026-03"}).period == date(2026, 3, 1)
    assert Drill.of("customers", repeat_contact="repeat_contact").pick({"repeat_contact": "True"}) == Pick(
        by="repeat_contact", value="True")
    with pytest.raises(ValueError, match="no NPS group"):
        Drill.of("comments", group="nps_group").pick({"group": "Fans"})
    with pytest.raises(ValueError, match="previous contact goes by"):
        Drill.of("contacts", "repeat_path", from_value="previous_agent").pick({"from_value": "x"})
    with pytest.raises(ValueError, match="a theme picks comments"):
        rows_picked(None, "contacts", Pick(theme="Waiting time"))


def test_an_actions_dots_hold_what_their_figures_counted_over_the_actions_own_windows(sample):
    from cxmetrics.engine.loop_actions import Action, action_effects, add_action, effects_chart_frame

    add_action(sample, Action("contact_reason", "Technical fault", "Network", "Fix the outage alerts", "done",
                              date(2026, 7, 1)))
    add_action(sample, Action("theme", "Waiting time", "Contact centre", "More staff at peak", "done", date(2026, 7, 1)))
    long = effects_chart_frame(action_effects(sample))
    drill = Drill.of("effects", reason="contact_reason", theme="theme", figure="figure", span_from="span_from",
                     span_to="span_to")
    assert set(long["figure"]) == {"fcr", "repeat_rate", "nps", "themed_detractor_share"}
    for dot in long[long["n"] > 0].itertuples():
        point = {field: getattr(dot, field) for field in ("reason", "theme", "figure", "span_from", "span_to")}
        # The dots' windows are the action's own: the page's filters (here a narrow one) do not move them.
        rows, total = rows_picked(sample, "effects", drill.pick(point), Filters(date(2026, 1, 1), date(2026, 1, 2)))
        assert len(rows) == min(total, 5000)
        if dot.figure == "themed_detractor_share":
            assert 100.0 * total / dot.n == pytest.approx(dot.value)  # the detractors mentioning it, of n answers
            assert set(rows["nps_group"]) == {"detractor"}
        else:
            assert total == dot.n
