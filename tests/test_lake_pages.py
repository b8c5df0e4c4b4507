"""The dashboard on a lake workspace ($CXMETRICS_LAKE: the sample exported and built by DuckDB):
every page renders, the Overview shows the DuckDB workspace's figures, and nothing offers to write."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.lake import build
from cxmetrics.lake.workspace import READ_ONLY
from page_runner import open_page

from test_lake import _export
from test_pages import tiles

PAGES = ["views/overview.py", "views/contact_reasons.py", "views/segments.py", "views/outcomes.py", "views/voice.py",
         "views/close_the_loop.py", "views/customer_story.py", "views/touchpoints.py", "views/data.py",
         "views/huddle.py"]


@pytest.fixture(scope="module")
def built_lake(copy_sample, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lake-pages")
    db = copy_sample(folder)
    _export(db, folder / "sample-lake")
    build.build(str(folder / "sample-lake"), "duckdb")
    return folder / "sample-lake"


@pytest.fixture
def lake(built_lake, tmp_path, monkeypatch):
    """The lake the app opens (the sample's), beside a user's workspace that does not exist yet."""
    from cxmetrics import app_state

    monkeypatch.setenv("CXMETRICS_LAKE", str(built_lake))
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "cx.duckdb"))
    yield built_lake
    app_state._connection.clear()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_lake(lake, page):
    from cxmetrics import app_state

    at = open_page(page)
    assert at.session_state[app_state.WORKSPACE_KEY] == "sample-lake"  # the lake is the workspace shown


def test_the_overview_of_a_lake_shows_the_workspace_figures(lake, sample_db, monkeypatch):
    from cxmetrics import app_state

    on_lake = tiles(open_page("views/overview.py"))
    app_state._connection.clear()
    monkeypatch.delenv("CXMETRICS_LAKE")
    on_workspace = tiles(open_page("views/overview.py"))
    assert {"NPS", "CSAT", "Contacts", "Contact FCR", "Repeat contacts"} <= set(on_workspace)
    assert on_lake == on_workspace


def test_the_data_page_of_a_lake_offers_no_load(lake):
    at = open_page("views/data.py")
    assert "is a lake, read-only" in at.info[0].body
    assert not at.get("file_uploader") and not at.tabs


def test_a_lake_offers_no_targets_or_saved_views(lake):
    at = open_page("views/overview.py")
    captions = [c.value for c in at.caption]
    assert any("targets are set in a workspace of your own" in c for c in captions)
    assert any("views are saved in a workspace of your own" in c for c in [c.value for c in at.sidebar.caption])
    assert not [f for f in at.get("form") if f.proto.form_id in ("targets", "view_save")]


def _save_a_view():
    """A script run asking to save a view, and one to delete one, of the session's workspace."""
    import streamlit as st

    from cxmetrics import app_state

    for write in (lambda: app_state.save_view("mine", "overview"), lambda: app_state.delete_view("mine")):
        try:
            write()
        except PermissionError as refused:
            st.error(str(refused))
        else:
            st.success("written")


def test_a_write_on_a_lake_is_refused(lake):
    at = AppTest.from_function(_save_a_view, default_timeout=60).run()
    assert not at.exception and not at.success
    assert [e.body for e in at.error] == [READ_ONLY, READ_ONLY]


def test_the_same_write_reaches_a_workspace_of_its_own(sample_db):
    at = AppTest.from_function(_save_a_view, default_timeout=60).run()
    assert not at.exception and not at.error and len(at.success) == 2


def _shown(at) -> tuple:
    """What a page run shows as figures: its tiles, its tables' contents and its notices (but the banner
    saying the DuckDB workspace is the sample's)."""
    tables = [frame.value.to_csv() for frame in at.dataframe]
    notices = [i.body for i in at.info if not i.body.startswith("You are looking at sample data")]
    return (tiles(at), tables, notices, [w.body for w in at.warning])


@pytest.mark.parametrize("page", PAGES[:-2])  # not the Data page (a lake has no imports) nor the huddle's clock
def test_every_page_shows_the_workspace_figures(lake, sample_db, monkeypatch, page):
    from cxmetrics import app_state

    on_lake = _shown(open_page(page))
    app_state._connection.clear()
    monkeypatch.delenv("CXMETRICS_LAKE")
    on_workspace = _shown(open_page(page))
    assert on_lake == on_workspace


def test_a_named_lake_is_listed_first_opened_by_default_and_never_removed(tmp_path, monkeypatch):
    from cxmetrics.store import workspaces

    (tmp_path / "sample.duckdb").write_bytes(b"")
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "cx.duckdb"))
    monkeypatch.delenv("CXMETRICS_LAKE", raising=False)
    assert workspaces.lake_workspace() is None and workspaces.default(False).is_sample
    monkeypatch.setenv("CXMETRICS_LAKE", str(tmp_path / "brand.lake"))  # a dot: not a workspace name
    lake = workspaces.lake_workspace()
    assert (lake.name, lake.path, lake.lake, lake.is_sample) == ("lake", tmp_path / "brand.lake", True, False)
    assert [w.name for w in workspaces.listing()] == ["lake", "sample"]
    assert workspaces.default(False) == lake and workspaces.resolve("lake") == lake
    with pytest.raises(workspaces.UnknownWorkspace):
        workspaces.remove(lake)
    monkeypatch.setenv("CXMETRICS_LAKE", str(tmp_path / "sample"))  # the sample's name stays the sample's
    assert workspaces.lake_workspace().name == "lake"


def test_a_lake_not_built_says_so_on_the_page(tmp_path, monkeypatch):
    from cxmetrics import app_state

    unbuilt = tmp_path / "unbuilt"
    (unbuilt / "rollups").mkdir(parents=True)
    for table in ("customers", "contacts", "responses", "outcomes", "engagement"):
        (unbuilt / table).mkdir()
    monkeypatch.setenv("CXMETRICS_LAKE", str(unbuilt))
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "cx.duckdb"))
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.run()
    app_state._connection.clear()
    assert not at.exception
    assert any("The lake workspace cannot be opened" in e.body and "lake build" in e.body for e in at.error)
