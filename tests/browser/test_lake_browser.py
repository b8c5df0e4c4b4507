"""A lake workspace in a real headless Chromium over a real `streamlit run` with $CXMETRICS_LAKE set
(`python -m cxmetrics serve --lake DIR`): the sample exported and built by DuckDB opens first, its
Overview shows the same headline as the sample's DuckDB workspace in the same server, and its Data
page says it is read-only."""

from __future__ import annotations

import os

import pytest

try:
    from playwright.sync_api import expect
except ImportError:
    if os.environ.get("CI"):
        raise  # CI must have it: requirements-dev.txt pins it
    pytest.skip("the playwright Python package is not installed (pip install -r requirements-dev.txt)",
                allow_module_level=True)

from cxmetrics.store.db import connect
from cxmetrics.lake import build
from cxmetrics.lake.export import export

from .conftest import streamlit_server
from .test_dashboard_browser import KPI_LABELS, assert_no_error_boxes, metric_value, open_path

BANNER = "You are looking at sample data"


@pytest.fixture(scope="module")
def lake_app(chromium_path, sample_template, tmp_path_factory):
    """The base URL of a dashboard on the sample's lake, with the sample's DuckDB workspace beside it."""
    workdir = tmp_path_factory.mktemp("lake_app")
    con = connect(sample_template, read_only=True)
    try:
        export(con, workdir / "lake")
    finally:
        con.close()
    build.build(str(workdir / "lake"), "duckdb")
    with streamlit_server(workdir, {"CXMETRICS_LAKE": str(workdir / "lake")}) as base:
        yield base


def headline(page) -> dict[str, str]:
    return {label: metric_value(page, label).inner_text() for label in KPI_LABELS}


def test_the_overview_of_a_lake_shows_the_sample_workspace_headline(lake_app, page):
    open_path(page, lake_app, "/")
    expect(page.get_by_role("heading", name="How are we doing?")).to_be_visible()
    assert_no_error_boxes(page, "the lake's Overview")
    workspace = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")
    expect(workspace).to_have_value("lake")
    expect(page.get_by_text(BANNER)).to_have_count(0)  # a lake is no sample
    on_lake = headline(page)
    assert on_lake["Contacts"] not in ("", "0", "—")

    open_path(page, lake_app, "/?ws=sample")
    expect(page.get_by_text(BANNER)).to_be_visible()
    assert headline(page) == on_lake

    open_path(page, lake_app, "/data?ws=lake")
    expect(page.get_by_text("is a lake, read-only")).to_be_visible()
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)
