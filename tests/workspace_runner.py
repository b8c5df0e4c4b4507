"""Running the real app (app.py) under AppTest over a fresh clone's workspaces folder, and filling the
user's workspace with hand-made contacts and responses (test_workspace_pages, test_period_pages)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.core import access
from cxmetrics import app_state
from cxmetrics.store.db import PROJECT_ROOT, connect
from cxmetrics.ingest.importer import ImportOptions, load_file

OVERVIEW, DATA, SEGMENTS = "views/overview.py", "views/data.py", "views/segments.py"
BANNER = "You are looking at sample data"
CALLS = ("contact_id,started_at,channel,contact_reason\n"
         "M1,2025-03-01 09:00,phone,Billing\nM2,2025-03-02 10:00,chat,Billing\nM3,2025-03-03 11:00,phone,Moving\n")


@pytest.fixture
def fresh(sample_db, monkeypatch):
    """A fresh clone's data folder: the sample workspace, and no workspace of the user's yet."""
    for name in (access.ENV_ANALYST_HASH, access.ENV_VIEWER_HASH, access.ENV_ANALYSTS, access.ENV_VIEWERS):
        monkeypatch.delenv(name, raising=False)
    app_state._connection.clear()
    yield sample_db.parent
    app_state._connection.clear()


def app(page: str = OVERVIEW, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    if query:
        at.query_params.update(query)
    at.switch_page(page)
    return checked(at.run())


def checked(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.body for e in at.error]
    return at


def banner(at: AppTest) -> list[str]:
    return [i.body for i in at.info if i.body.startswith(BANNER)]


def switcher(at: AppTest):
    return next(box for box in at.sidebar.selectbox if box.key.startswith("ws_pick:"))


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def write(folder, name, text):
    path = folder / "files" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def own_workspace(folder, contacts: list[tuple], responses: list[tuple] = ()):
    """Fill the user's workspace (`<folder>/cx.duckdb`) with these contacts and responses, as the CLI would."""
    con = connect(folder / "cx.duckdb")
    try:
        load_file(con, "contacts", write(folder, "contacts.csv", "contact_id,started_at,customer_id,channel,"
                                         "contact_reason\n" + "".join(",".join(map(str, r)) + "\n" for r in contacts)),
                  ImportOptions())
        if responses:
            load_file(con, "responses", write(folder, "responses.csv", "response_id,responded_at,customer_id,"
                                              "contact_id,nps\n" + "".join(",".join(map(str, r)) + "\n"
                                                                          for r in responses)), ImportOptions())
    finally:
        con.close()


