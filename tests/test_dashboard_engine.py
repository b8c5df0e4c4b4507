"""Hand-computed cases for what the dashboard adds to the engine: trends, period changes,
repeat paths, self-service failures, reason x channel, teams, targets, drill-through, URL state."""

from datetime import date

import pytest

from cxmetrics.engine.contact_paths import repeat_paths, self_service_failures
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.drill import rows_behind
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metric_matrix, metric_trend
from cxmetrics.engine.periods import compare_periods, periods_for
from cxmetrics.core.presentation import kpi_tiles, target_progress
from cxmetrics.engine.targets import get_targets, set_target
from cxmetrics.engine.teams import team_scores
from cxmetrics.engine.url_state import Scope, query_from_scope, scope_from_query

# A: web (self-service) Jan 1 09:00 → phone Jan 1 15:00 (6 h later: a self-service failure and a
#    repeat, Billing → Billing) → chat Jan 20 (19 days later: no repeat).
# B: app (self-service) Jan 2 → app Jan 2 +1 h (self-service again: not a failure) → email Jan 9
#    (7 days after the second app contact: a repeat, Login → Billing).
CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason,self_service,team
a1,A,2024-01-01 09:00,web,Billing,true,
a2,A,2024-01-01 15:00,phone,Billing,false,Red
a3,A,2024-01-20 09:00,chat,Billing,false,Blue
b1,B,2024-01-02 10:00,app,Login,true,
b2,B,2024-01-02 11:00,app,Login,true,
b3,B,2024-01-09 11:00,email,Billing,false,Red
"""
RESPONSES = """response_id,contact_id,responded_at,nps,csat
r1,a2,2024-01-01,0,1
r2,a3,2024-01-20,10,5
r3,b3,2024-01-10,9,4
"""
ENGAGEMENT = "team,month,engagement_score\nRed,2024-01,60\nRed,2024-02,70\nBlue,2024-01,80\n"


@pytest.fixture
def con(tmp_path, new_store):
    connection = new_store("d.duckdb")
    for kind, text in (("contacts", CONTACTS), ("responses", RESPONSES), ("engagement", ENGAGEMENT)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert load_file(connection, kind, path, ImportOptions()).rows_rejected == 0
    yield connection
    connection.close()


def test_repeat_paths_by_reason_and_channel(con):
    by_reason = {(r.from_value, r.to_value): r.repeats for r in repeat_paths(con).itertuples()}
    # repeats: a2 (after a1), b2 (after b1, 1 h), b3 (after b2, exactly 7 days)
    assert by_reason == {("Billing", "Billing"): 1, ("Login", "Login"): 1, ("Login", "Billing"): 1}
    by_channel = {(r.from_value, r.to_value): r.repeats for r in repeat_paths(con, "channel").itertuples()}
    assert by_channel == {("web", "phone"): 1, ("app", "app"): 1, ("app", "email"): 1}
    assert repeat_paths(con, window=1)["repeats"].sum() == 2  # b3 is 7 days after b2


def test_self_service_failures(con):
    result = self_service_failures(con)
    # a1 → a2 assisted within 24 h: failure; b1 → b2 self-service: no; b2 → b3 after 7 days: no.
    assert (result["overall"]["self_service"], result["overall"]["failures"]) == (3, 1)
    assert result["overall"]["failure_rate"] == pytest.approx(100 / 3)
    groups = result["groups"].set_index("contact_reason")
    assert groups.loc["Billing", "failures"] == 1 and groups.loc["Login", "self_service"] == 2


def test_weekly_trend_groups_by_period(con):
    trend = metric_trend(con, "month")
    assert list(trend["period"].dt.strftime("%Y-%m")) == ["2024-01"]
    assert trend.iloc[0]["contacts"] == 6 and trend.iloc[0]["nps"] == pytest.approx(100 * (2 - 1) / 3)
    weekly = metric_trend(con, "week")
    assert weekly["contacts"].sum() == 6


def test_period_comparison_uses_equal_lengths_and_flags_significance(con):
    filters = Filters(date_from=date(2024, 1, 8), date_to=date(2024, 1, 21))
    periods = periods_for(con, filters)
    assert (periods.previous_from, periods.previous_to, periods.days) == (date(2023, 12, 25), date(2024, 1, 7), 14)
    result = compare_periods(con, filters)
    assert result["current"]["contacts"] == 2 and result["previous"]["contacts"] == 4
    assert result["changes"]["contacts"]["value"] == -2
    assert result["changes"]["nps"]["significant"] is False  # three answers prove nothing
    # without dates: the last 28 days of data (up to Jan 20) against the 28 before
    default = periods_for(con, Filters())
    assert (default.current_from, default.current_to) == (date(2023, 12, 24), date(2024, 1, 20))


def test_reason_by_channel_matrix(con):
    matrix = metric_matrix(con, "contact_reason", "channel", "contacts")
    cells = {(r.contact_reason, r.channel): r.contacts for r in matrix.itertuples()}
    assert cells[("Billing", "phone")] == 1 and cells[("Login", "app")] == 2
    assert ("Login", "phone") not in cells or cells[("Login", "phone")] == 0
    only_app = metric_matrix(con, "contact_reason", "channel", "contacts", Filters(channels=("app",)))
    assert set(only_app["channel"]) == {"app"}


def test_teams_beside_engagement(con):
    teams = team_scores(con).set_index("team")
    assert teams.loc["Red", "engagement"] == pytest.approx(65.0) and teams.loc["Red", "engagement_months"] == 2
    assert teams.loc["Red", "contacts"] == 2 and teams.loc["Blue", "nps"] == pytest.approx(100.0)


def test_targets_are_stored_and_progress_is_measured(con):
    set_target(con, "nps", 30)
    set_target(con, "repeat_rate", 10)
    assert get_targets(con) == {"nps": 30.0, "repeat_rate": 10.0}
    set_target(con, "nps", None)
    assert get_targets(con) == {"repeat_rate": 10.0}
    with pytest.raises(ValueError):
        set_target(con, "happiness", 3)
    assert target_progress("nps", 10.0, 30.0) == ("target +30 · 20.0 points to go", pytest.approx(110 / 130))
    assert target_progress("repeat_rate", 8.0, 10.0)[0] == "target 10.0 % · met"
    assert target_progress("repeat_rate", 20.0, 10.0)[1] == pytest.approx(0.5)


def test_tiles_grey_small_samples_and_carry_changes(con):
    result = compare_periods(con, Filters())
    tiles = {t.key: t for t in kpi_tiles(result["current"], 7, False, result["changes"], {"nps": 50}, 28)}
    assert tiles["nps"].too_few and tiles["nps"].n == 3
    assert tiles["nps"].target.startswith("target +50")
    assert "Window W = 7 days" in tiles["fcr"].help


def test_drill_through_returns_the_rows_behind(con):
    rows = rows_behind(con, "contacts", by="contact_reason", value="Login")
    assert list(rows["contact_id"]) == ["b2", "b1"]  # newest first
    assert list(rows["repeat_contact"]) == [True, False]
    responses = rows_behind(con, "responses", by="channel", value="phone")
    assert list(responses["response_id"]) == ["r1"]
    with pytest.raises(ValueError):
        rows_behind(con, "customers")


@pytest.mark.parametrize(
    "query, expected",
    [
        ({}, Scope()),
        ({"channel": ["phone", "chat"], "window": "14", "same_reason": "1"},
         Scope(Filters(channels=("phone", "chat")), 14, True)),
        ({"from": "2024-01-01", "to": "2024-01-31", "segment": "tier", "segment_value": "Gold"},
         Scope(Filters(date(2024, 1, 1), date(2024, 1, 31), segment="tier", segment_values=("Gold",)))),
        ({"from": "not a date", "window": "-3"}, Scope()),  # an edited link still opens
        ({"from": "2024-02-01", "to": "2024-01-01"}, Scope()),  # reversed dates are dropped
        ({"segment_value": "Gold"}, Scope()),  # values without a segment mean nothing
    ],
)
def test_url_state_round_trip(query, expected):
    scope = scope_from_query(query)
    assert scope == expected
    assert scope_from_query(query_from_scope(scope)) == scope
