"""AppTest of the one period on the real app (app.py): the Overview's drivers cover the tiles' period (on a
store where all time and the last 28 days disagree), every page says its period, and a period without
data says where the data is and goes there."""

from __future__ import annotations

from datetime import date, timedelta

from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.periods import compare_periods
from cxmetrics.core.presentation import format_value
from cxmetrics.engine.segments import driver_impact
from workspace_runner import SEGMENTS, app, checked, fresh, own_workspace, tiles  # noqa: F401 (fresh is a fixture)

LAST_DAY = date(2025, 3, 28)


# --------------------------------------------------------------------------- one period


def shifted_store(folder):
    """A user workspace where the costliest reason differs between all time and the last 28 days:
    in January (60 answers) Billing's customers are detractors, in March (20 answers) Delivery's are.
    February holds nothing."""
    contacts, responses = [], []
    for i in range(120):
        day = date(2025, 1, 2) + timedelta(days=i % 28)
        reason = "Billing" if i % 2 else "Delivery"
        contacts.append((f"J{i}", f"{day} 10:00", f"c{i}", "phone", reason))
        responses.append((f"RJ{i}", f"{day} 12:00", f"c{i}", f"J{i}", 0 if reason == "Billing" else 10))
    for i in range(40):
        day = LAST_DAY - timedelta(days=i % 28)
        reason = "Delivery" if i % 2 else "Billing"
        contacts.append((f"M{i}", f"{day} 10:00", f"m{i}", "phone", reason))
        responses.append((f"RM{i}", f"{day} 12:00", f"m{i}", f"M{i}", 0 if reason == "Delivery" else 10))
    own_workspace(folder, contacts, responses)
    return folder / "cx.duckdb"


def hurts(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "costs **" in m.value]


def test_the_overviews_drivers_cover_the_tiles_period(fresh):
    db = shifted_store(fresh)
    con = connect(db)
    try:
        all_time = driver_impact(con, "nps", "contact_reason")
        period = compare_periods(con)["periods"]
        tiles_period = Filters(period.current_from, period.current_to)
        in_period = driver_impact(con, "nps", "contact_reason", tiles_period)
        current = compare_periods(con, tiles_period)["current"]
    finally:
        con.close()
    assert all_time.iloc[0]["contact_reason"] == "Billing"  # the store tells the two apart
    assert in_period.iloc[0]["contact_reason"] == "Delivery"
    at = app()
    assert any("1 Mar – 28 Mar 2025 (last 28 days of this workspace's data)" in c.value for c in at.caption)
    sentences = hurts(at)
    assert sentences and sentences[0].startswith("- **Delivery** costs")
    assert not any("**Billing**" in s for s in sentences)
    assert f"{in_period.iloc[0]['impact']:.1f}" in sentences[0]
    assert tiles(at)["Contacts"] == format_value("contacts", current["contacts"]) == "40"


def test_every_page_says_its_period(fresh):
    shifted_store(fresh)
    for page in (SEGMENTS, "views/contact_reasons.py", "views/close_the_loop.py"):
        at = app(page)
        assert [c.value for c in at.caption
                if "Every figure on this page: 1 Mar – 28 Mar 2025 (last 28 days of this workspace's data)" in c.value]


def test_a_period_without_data_says_where_the_data_is_and_goes_there(fresh):
    shifted_store(fresh)
    at = app(query={"from": "2025-02-01", "to": "2025-02-28"})  # inside the data's span, but empty
    assert any("1 Feb – 28 Feb 2025 (dates chosen in the sidebar)" in c.value for c in at.caption)
    warning = next(w.value for w in at.warning if w.value.startswith("No contacts or responses"))
    assert "This workspace's data runs 2 Jan – 28 Mar 2025." in warning
    assert tiles(at)["Contacts"] == "0"
    checked(at.button(key="period_go").click().run())
    assert not [w for w in at.warning if w.value.startswith("No contacts or responses")]
    assert any("1 Mar – 28 Mar 2025 (last 28 days of this workspace's data)" in c.value for c in at.caption)
    assert tiles(at)["Contacts"] == "40"
    assert "from" not in at.query_params and "to" not in at.query_params


def test_outcomes_outside_the_period_are_found_and_the_monthly_chart_covers_every_month(fresh):
    db = shifted_store(fresh)
    con = connect(db)
    try:  # one January snapshot, as a CRM export gives: the period (March) holds no outcome month
        path = fresh / "files" / "outcomes.csv"
        path.write_text("customer_id,month,churned,revenue\n" + "".join(
            f"c{i},2025-01,{'true' if i % 4 == 0 else 'false'},10\n" for i in range(40)), encoding="utf-8")
        from cxmetrics.ingest.importer import ImportOptions, load_file

        load_file(con, "outcomes", path, ImportOptions())
    finally:
        con.close()
    at = app("views/outcomes.py")
    assert [w.value for w in at.warning] == ["No outcome month in this period: outcomes are monthly, from Jan 2025 "
                                             "to Jan 2025."]
    checked(at.button(key="outcomes_go").click().run())
    assert any("1 Jan – 31 Jan 2025 (dates chosen in the sidebar)" in c.value for c in at.caption)
    assert any(c.value.startswith("40 customers with outcomes; churn rate 25.0 %") for c in at.caption)
    assert any(c.value.startswith("Every month of the data, whatever the date range") for c in at.caption)


def test_masking_keeps_the_default_period_a_default(fresh):
    shifted_store(fresh)
    at = app()
    checked(at.sidebar.toggle(key="privacy_mask").set_value(True).run())
    assert at.query_params["mask"] in ("1", ["1"])
    assert "from" not in at.query_params and "to" not in at.query_params  # still "the last 28 days of data"
