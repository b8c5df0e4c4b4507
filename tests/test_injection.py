"""Hostile text through every way it can reach the database: filter values, URL parameters,
uploaded column names and file names. None of it runs as SQL or becomes a path; identifiers are
checked against the real schema; the dashboard's DuckDB cannot touch files outside its upload
directory, and its configuration cannot be changed back.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics import app_state
from cxmetrics.ingest import upload
from cxmetrics.store.db import (PROJECT_ROOT, UnknownColumn, connect, lock_down, query, quote_ident,
                                require_column)
from cxmetrics.store.dimensions import Filters, dimension_values, resolve_dimension
from cxmetrics.engine.drill import rows_behind
from cxmetrics.ingest.importer import ImportOptions, load_file
from cxmetrics.engine.metrics import metrics
from cxmetrics.engine.periods import periods_for
from cxmetrics.engine.url_state import date_notices, scope_from_query
from store_content import store_content

HOSTILE = [
    "'); DROP TABLE contacts;--",
    '"; DROP TABLE imports; --',
    "phone' OR '1'='1",
    "x\"); COPY contacts TO '/tmp/cx_leak.csv'; --",
    "../../../../etc/passwd",
    "/etc/passwd",
    "nul\x00byte",
    "read_csv('/etc/passwd')",
    "=HYPERLINK(\"http://evil.example\")",
]


@pytest.fixture
def store(tmp_path, new_store):
    con = new_store("inj.duckdb")
    files = {
        "customers": "customer_id,tier\ncu1,gold\ncu2,silver\n",
        "contacts": "contact_id,started_at,customer_id,channel,contact_reason\n"
        "c1,2024-03-01 09:00,cu1,phone,billing\nc2,2024-03-02 09:00,cu2,chat,billing\n",
        "responses": "response_id,responded_at,customer_id,contact_id,nps\nr1,2024-03-01,cu1,c1,9\nr2,2024-03-02,cu2,c2,3\n",
    }
    for kind, text in files.items():
        path = tmp_path / f"{kind}.csv"
        path.write_text(text)
        load_file(con, kind, path, ImportOptions())
    yield con
    con.close()


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_are_parameters_that_match_nothing(store, value):
    before = store_content(store)
    filters = Filters(channels=(value,), reasons=(value,))
    result = metrics(store, None, filters)
    assert result["overall"]["contacts"] == 0 and result["overall"]["nps_n"] == 0
    assert rows_behind(store, "contacts", filters).empty
    assert store_content(store) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_segment_names_are_refused_against_the_real_schema(store, value):
    before = store_content(store)
    with pytest.raises(UnknownColumn, match="no dimension"):
        metrics(store, value, Filters())
    with pytest.raises(UnknownColumn):
        Filters(segment=value, segment_values=("gold",)).segment_sql(store)
    with pytest.raises(UnknownColumn):
        dimension_values(store, value)
    assert store_content(store) == before


@pytest.mark.parametrize("value", HOSTILE)
def test_identifiers_are_checked_against_the_schema_and_quoted_by_one_helper(store, value):
    with pytest.raises(UnknownColumn):
        require_column(store, "contacts", value)
    if "\x00" in value:
        with pytest.raises(UnknownColumn):
            quote_ident(value)
    else:
        quoted = quote_ident(value)
        assert quoted.startswith('"') and quoted.endswith('"') and quoted[1:-1].replace('""', "") .count('"') == 0
    with pytest.raises(TypeError):
        query("drill/contacts", dimension=value, segment=value)  # plain text never fills a slot
    with pytest.raises((ValueError, FileNotFoundError)):
        query(value)


def test_a_query_name_cannot_walk_out_of_the_sql_folder():
    with pytest.raises(ValueError, match="not a query name"):
        query("../cxmetrics/db")


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_url_parameters_become_a_scope_of_plain_values(value):
    scope = scope_from_query({
        "from": value, "to": value, "channel": [value, value], "reason": value, "segment": value,
        "segment_value": [value], "window": value, "same_reason": value,
    })
    assert scope.filters.date_from is None and scope.filters.date_to is None and scope.window == 7
    assert set(scope.filters.channels) <= {value} and set(scope.filters.reasons) <= {value}
    # Values stay text for $params; the segment name is only ever looked up among real columns.
    assert all(isinstance(v, str) for v in (*scope.filters.channels, *scope.filters.reasons))


@pytest.mark.parametrize("key, given, used", [
    ("to", "0001-01-01", date(1900, 1, 1)), ("from", "9999-12-31", date(2100, 12, 31)),
    ("from", "1899-12-31", date(1900, 1, 1)), ("to", "2101-01-01", date(2100, 12, 31)),
])
def test_url_dates_outside_the_sane_years_are_clamped_with_a_notice(key, given, used):
    # Reproduced: ?to=0001-01-01 or ?from=9999-12-31 raised OverflowError (a traceback with the
    # server's paths) on Overview and Huddle when the pages counted back a period from them.
    params = {key: given}
    scope = scope_from_query(params)
    assert (scope.filters.date_from if key == "from" else scope.filters.date_to) == used
    (notice,) = date_notices(params)
    assert given in notice and used.isoformat() in notice
    assert periods_for(None, Filters(used, used)).previous_from < used  # the period before still fits


def test_url_dates_inside_the_sane_years_are_kept_without_a_notice():
    params = {"from": "2024-01-01", "to": "2024-01-31"}
    assert scope_from_query(params).filters.date_from == date(2024, 1, 1)
    assert date_notices(params) == () and date_notices({"from": "garbage"}) == ()


@pytest.mark.parametrize("page, query", [
    ("views/overview.py", {"to": "0001-01-01"}), ("views/overview.py", {"from": "9999-12-31"}),
    ("views/huddle.py", {"to": "0001-01-01"}), ("views/huddle.py", {"from": "0001-01-01", "to": "9999-12-31"}),
])
def test_extreme_url_dates_open_overview_and_huddle_with_a_notice(app_db, page, query):
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update(query)
    if page != "views/overview.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    warnings = [w.value for w in at.warning] + [w.value for w in at.sidebar.warning]
    assert any("is used instead" in w for w in warnings), warnings
    for key in ("from", "to") if page == "views/overview.py" else ():  # the link it writes back holds the dates used
        assert "1900-01-01" <= str(at.query_params.get(key, "1900-01-01")) <= "2100-12-31"


@pytest.fixture
def app_db(sample_db):
    path = sample_db
    yield path
    app_state._connection.clear()


@pytest.mark.parametrize("page", ["views/overview.py", "views/segments.py", "views/contact_reasons.py"])
def test_hostile_url_parameters_open_every_page_without_an_error_and_change_nothing(app_db, page):
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=120)
    at.query_params.update({
        "from": HOSTILE[0], "to": "2024-13-45", "channel": HOSTILE[:3], "reason": HOSTILE[3:6],
        "segment": HOSTILE[1], "segment_value": HOSTILE[6:], "window": HOSTILE[2], "same_reason": HOSTILE[0],
    })
    if page != "views/overview.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    app_state._connection.clear()
    con = connect(app_db)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"contacts", "imports", "customers", "responses"} <= tables
        assert con.execute("SELECT count(*) FROM imports WHERE deleted_at IS NULL").fetchall()[0][0] >= 5
    finally:
        con.close()


# --------------------------------------------------------------------------- uploads


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "..\\..\\windows\\system32\\x.csv", "'; DROP TABLE imports;--.csv", "nul\x00name.csv",
    "/etc/cron.d/evil.csv", "a" * 500 + ".csv", "", None,
])
def test_an_uploaded_file_name_is_recorded_sanitised_and_never_used_as_a_path(store, tmp_path, name):
    root = upload.upload_root()
    lock_down(store, [root])
    stored = upload.store_upload(b"customer_id,tier\nnx1,gold\n", name)
    try:
        assert stored.path.resolve().parent.parent == root  # its own directory under the upload root
        assert "/" not in stored.file_name and "\\" not in stored.file_name and "\x00" not in stored.file_name
        assert ".." not in stored.file_name and len(stored.file_name) <= upload.MAX_NAME_LENGTH + 5
        preview = upload.preview_upload(store, "customers", stored)
        result = upload.commit_upload(store, "customers", stored, upload.build_options(preview, preview.suggested))
        recorded = store.execute("SELECT file_name FROM imports WHERE import_id = $i",
                                 {"i": result.import_id}).fetchall()[0][0]
        assert recorded == stored.file_name
    finally:
        stored.cleanup()
    assert not stored.directory.exists()


def test_hostile_column_names_become_tidy_attributes_and_run_nothing(store, tmp_path):
    header = ["customer_id", *(h for h in HOSTILE if "\x00" not in h)]
    quoted = ",".join('"' + h.replace('"', '""') + '"' for h in header)
    before_tables = _tables_but_work_tables(store)
    lock_down(store, [upload.upload_root()])
    stored = upload.store_upload((quoted + "\nhx1," + ",".join(["v"] * (len(header) - 1)) + "\n").encode(), "h.csv")
    preview = upload.preview_upload(store, "customers", stored)
    assert preview.columns == header  # read as the file has them…
    result = upload.commit_upload(store, "customers", stored, upload.build_options(preview, preview.suggested))
    assert result.rows_loaded == 1
    columns = [r[0] for r in store.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'customers'").fetchall()]
    added = [c for c in columns if c not in ("customer_id", "tier", "import_id")]
    # …stored under tidy snake_case names: letters, digits and underscores only.
    assert added and all(c.replace("_", "").isalnum() and c.isascii() for c in added)
    assert _tables_but_work_tables(store) == before_tables
    # A split by the file's own spelling resolves to the tidy column, never to text run as SQL.
    assert resolve_dimension(store, HOSTILE[0]).name in added


def _tables_but_work_tables(con) -> set[str]:
    """Return the tables and views, less the importer's own temp work tables (cx_stage…), which
    depend on where the last file was read (in this process, or in the upload reader's child)."""
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    return {n for n in names if not n.startswith("cx_")}


# --------------------------------------------------------------------------- the locked-down connection


@pytest.fixture
def dashboard_cursor(app_db):
    """A cursor on the dashboard's own connection (as app_state opens it for a page)."""
    return app_state.cursor()


@pytest.mark.parametrize("statement", [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM glob('/etc/*')",
    "COPY contacts TO '/tmp/cx_leak.csv'",
    "COPY (SELECT 1) TO '/tmp/cx_leak.parquet' (FORMAT parquet)",
    "ATTACH '/tmp/cx_other.duckdb' AS other",
    "INSTALL httpfs",
    "LOAD httpfs",
])
def test_the_dashboard_connection_cannot_touch_files(dashboard_cursor, statement):
    with pytest.raises(duckdb.Error) as refused:
        dashboard_cursor.execute(statement)
    assert isinstance(refused.value, (duckdb.PermissionException, duckdb.InvalidInputException,
                                      duckdb.CatalogException, duckdb.IOException))
    assert "disabled" in str(refused.value) or "not" in str(refused.value).lower()


@pytest.mark.parametrize("setting", [
    "SET enable_external_access = true", "SET allowed_directories = ['/']", "SET lock_configuration = false",
    "RESET enable_external_access",
])
def test_the_dashboard_connection_configuration_is_locked(dashboard_cursor, setting):
    with pytest.raises(duckdb.Error, match="locked"):
        dashboard_cursor.execute(setting)
    assert dashboard_cursor.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]


def test_the_dashboard_connection_still_reads_the_data_and_imports_an_upload(dashboard_cursor):
    assert dashboard_cursor.execute("SELECT count(*) > 0 FROM contacts").fetchall() == [(True,)]
    stored = upload.store_upload(b"customer_id,tier\nup1,gold\n", "ok.csv")
    preview = upload.preview_upload(dashboard_cursor, "customers", stored)
    result = upload.commit_upload(dashboard_cursor, "customers", stored, upload.build_options(preview, preview.suggested))
    assert result.rows_loaded == 1
    stored.cleanup()
