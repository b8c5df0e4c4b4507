"""Running the dashboard's pages under AppTest: a database of the test's own, a page opened through
app.py (the frame, its filters and navigation), and the engine on that same database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.store.db import PROJECT_ROOT, connect
from cxmetrics.ingest.importer import ImportOptions, load_file


@pytest.fixture
def db(sample_db):
    """The path of a database as the app leaves it on first launch (a copy of the session's sample store)."""
    return sample_db


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """The path of an empty database the app will open, for a test that fills it with a store of its own
    before the first page run (an empty store gets the sample data at that run)."""
    path = tmp_path / "own.duckdb"
    monkeypatch.setenv("CXMETRICS_DB", str(path))
    return path


def fill_store(path, folder, files: dict[str, str]) -> None:
    """Load each `{kind: CSV text}` into the database at `path` through the real importer (files
    written under `folder`), every row accepted."""
    con = connect(path)
    try:
        for kind, text in files.items():
            source = folder / f"{kind}.csv"
            source.write_text(text, encoding="utf-8")
            assert load_file(con, kind, source, ImportOptions()).rows_rejected == 0
    finally:
        con.close()


def open_page(page: str, query: dict | None = None) -> AppTest:
    """Return the app after one run of app.py on `page` (a views/ path), failing on any exception or error box."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    if query:
        at.query_params.update(query)
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.body for e in at.error]
    return at


def shown_filters(con):
    """Return the filters of the period every page covers without chosen dates (the last 28 days of data)."""
    from cxmetrics.store.dimensions import Filters
    from cxmetrics.engine.periods import data_span, shown_period

    period = shown_period(Filters(), data_span(con))
    return Filters(period.date_from, period.date_to)


def on_database(db, work):
    """Return `work(con)` run on the page's database, outside (and after closing) the app's cached connection."""
    from cxmetrics import app_state

    app_state._connection.clear()
    con = connect(db)
    try:
        return work(con)
    finally:
        con.close()
