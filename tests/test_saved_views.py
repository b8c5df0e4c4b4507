"""Named saved views kept in the workspace's database (cxmetrics.engine.saved_views): names checked, only a
link's known parameters kept, and save, list, open, rename and delete against a real DuckDB store."""

from __future__ import annotations

import pytest

from cxmetrics.store import audit
from cxmetrics.ingest.bootstrap import ensure_data
from cxmetrics.store.db import run
from cxmetrics.engine.saved_views import (MAX_NAME, MAX_VIEWS, ViewError, check_name, clean_query,
                                          delete_view, get_view, list_views, rename_view, save_view)


@pytest.fixture
def store(con):
    ensure_data(con, with_sample=False)  # every migration, the saved_views table among them
    return con


@pytest.mark.parametrize("name", ["", "   ", None, "x" * (MAX_NAME + 1), "two\nlines", "tab\there", "bell\x07",
                                  "rtl\u202eoverride", "zero\u200bwidth", "null\x00"])
def test_names_that_cannot_be_used(name):
    with pytest.raises(ViewError):
        check_name(name)


def test_a_name_is_trimmed_and_may_hold_any_visible_text():
    assert check_name("  Weekly: phone & chat [EU] ")== "Weekly: phone & chat [EU]"
    assert check_name("x" * MAX_NAME) == "x" * MAX_NAME
    assert check_name("Réclamations ✓ 東京") == "Réclamations ✓ 東京"


def test_only_a_links_known_parameters_are_kept():
    query = {"channel": ["phone", "chat"], "split_by": "tier", "ws": "other", "evil": "1", "from": "2026-01-01",
             "metric": 3, "customer": "C1"}
    assert clean_query(query) == {"channel": ["phone", "chat"], "split_by": "tier", "from": "2026-01-01",
                                  "customer": "C1"}


def test_save_list_open_rename_delete(store):
    save_view(store, "Phone gaps", "segments", {"split_by": "channel", "metric": "csat", "channel": ["phone"],
                                                "ws": "sample"})
    save_view(store, "alpha", "", {"trend_metric": "csat"})
    assert [(v.name, v.page) for v in list_views(store)] == [("alpha", ""), ("Phone gaps", "segments")]
    view = get_view(store, "Phone gaps")
    assert view.query == {"split_by": "channel", "metric": "csat", "channel": ["phone"]}

    assert rename_view(store, "Phone gaps", "  Phone: CSAT gaps ") == "Phone: CSAT gaps"
    assert [v.name for v in list_views(store)] == ["alpha", "Phone: CSAT gaps"]
    assert get_view(store, "Phone: CSAT gaps").query == view.query
    with pytest.raises(ViewError, match="no saved view called 'Phone gaps'"):
        get_view(store, "Phone gaps")

    delete_view(store, "alpha")
    assert [v.name for v in list_views(store)] == ["Phone: CSAT gaps"]


def test_a_taken_name_is_refused_whatever_its_case(store):
    save_view(store, "Weekly", "", {})
    with pytest.raises(ViewError, match="A view called 'Weekly' already exists"):
        save_view(store, "weekly", "", {"trend_metric": "csat"})
    save_view(store, "Monthly", "", {})
    with pytest.raises(ViewError, match="already exists"):
        rename_view(store, "Monthly", "WEEKLY")
    assert rename_view(store, "Weekly", "WEEKLY") == "WEEKLY"  # its own name in another case is free
    assert sorted(v.name for v in list_views(store)) == ["Monthly", "WEEKLY"]


def test_a_refused_save_saves_nothing(store):
    for name, page in (("bad\nname", ""), ("fine", "../../etc"), ("fine", "Segments")):
        with pytest.raises(ViewError):
            save_view(store, name, page, {})
    assert list_views(store) == []


def test_a_workspace_holds_at_most_so_many_views(store):
    for number in range(MAX_VIEWS):
        run(store, "views/insert", {"name": f"v{number}", "page": "", "query": "{}"})
    with pytest.raises(ViewError, match=f"already holds {MAX_VIEWS} saved views"):
        save_view(store, "one more", "", {})
    assert len(list_views(store)) == MAX_VIEWS


def test_a_stored_query_that_cannot_be_read_opens_bare(store):
    run(store, "views/insert", {"name": "broken", "page": "", "query": "not json"})
    run(store, "views/insert", {"name": "listed", "page": "", "query": "[1, 2]"})
    assert {v.name: v.query for v in list_views(store)} == {"broken": {}, "listed": {}}


def test_saving_renaming_and_deleting_are_in_the_audit_log(store):
    save_view(store, "Phone gaps", "segments", {"split_by": "channel"}, actor="Ana (analyst password)")
    rename_view(store, "Phone gaps", "Phone: gaps", actor="Ana (analyst password)")
    assert delete_view(store, "Phone: gaps", actor="Bo") is True
    logged = [(e["actor"], e["action"], e["import_id"], e["detail"]) for e in reversed(audit.entries(store))]
    assert logged == [
        ("Ana (analyst password)", "save-view", None, {"name": "Phone gaps", "page": "segments"}),
        ("Ana (analyst password)", "rename-view", None, {"name": "Phone: gaps", "was": "Phone gaps"}),
        ("Bo", "delete-view", None, {"name": "Phone: gaps", "page": "segments"}),
    ]


def test_a_change_that_does_not_happen_is_not_logged(store):
    save_view(store, "Weekly", "", {}, actor="Ana")
    with pytest.raises(ViewError):
        save_view(store, "weekly", "", {}, actor="Ana")  # taken
    with pytest.raises(ViewError):
        rename_view(store, "Monthly", "Other", actor="Ana")  # no such view
    assert delete_view(store, "Monthly", actor="Ana") is False  # already gone
    assert delete_view(store, "WEEKLY", actor="Ana") is False  # another case is another name: kept
    assert [v.name for v in list_views(store)] == ["Weekly"]
    assert [e["action"] for e in audit.entries(store)] == ["save-view"]
