"""AppTest of the Data page on its own database: upload, map, check, load; history; delete with confirmation."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics import app_state
from cxmetrics.store.db import PROJECT_ROOT
from cxmetrics.core.markdown_text import escape_markdown

SAMPLE_KINDS = ["engagement", "outcomes", "responses", "contacts", "customers"]  # newest first
CALLS = (
    b"Call Id,Opened,Channel,Tier\n"
    b"X1,2024-01-01 10:00,phone,gold\n"
    b"X2,not a date,chat,=SUM(1)\n"
    b"X3,2024-01-02 11:00,email,silver\n"
)


@pytest.fixture
def page(sample_db):
    at = AppTest.from_file(str(PROJECT_ROOT / "views" / "data.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    yield at
    app_state._connection.clear()  # release the test's database file


def history(at):
    return next(df.value for df in at.dataframe if "Import" in df.value.columns and "By" in df.value.columns)


def mapping_box(at, target):
    return next(box for box in at.selectbox if box.key.startswith("data_map:") and box.key.endswith(f":{target}"))


def upload(at, name, data, kind="contacts"):
    at.selectbox(key="data_kind").set_value(kind)
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_page_renders_and_lists_the_sample_imports(page):
    assert page.title[0].value == "Data"
    assert [e.value for e in page.error] == []
    frame = history(page)
    assert frame["Kind"].tolist() == SAMPLE_KINDS
    assert not frame["Deleted"].any()
    assert page.selectbox(key="data_history_import").options[0].startswith("#5 · engagement · engagement.csv")
    assert page.button(key="data_delete").label == "Delete import #5…"


def test_delete_asks_for_confirmation_and_can_be_cancelled(page):
    page.button(key="data_delete").click().run()
    assert f"Delete import #5 ({escape_markdown('engagement.csv')})?" in page.warning[0].value
    page.button(key="data_delete_cancel").click().run()
    assert not page.warning
    assert not history(page)["Deleted"].any()

    page.button(key="data_delete").click().run()
    page.button(key="data_delete_yes").click().run()
    assert not page.exception, page.exception
    assert page.success[0].value.startswith("Deleted import #5:")
    frame = history(page)
    assert frame.loc[frame["Import"] == 5, "Deleted"].item()
    assert "deleted" in page.caption.values[-1]
    assert not [b for b in page.button if b.key == "data_delete"]  # a deleted import offers no delete


def test_choosing_another_import_targets_it(page):
    page.selectbox(key="data_history_import").set_value(1).run()
    assert page.button(key="data_delete").label == "Delete import #1…"
    assert page.get("download_button")  # its rejects are downloadable (disabled when there are none)


def test_an_upload_is_mapped_checked_and_loaded(page):
    upload(page, "../../secret/calls.csv", CALLS)
    assert "for: started_at." in page.warning[0].value  # nothing checked before the required columns are fed
    assert mapping_box(page, "contact_id").value == "Call Id"  # guessed: a usual name for it
    as_read = next(df.value for df in page.dataframe if "Call Id" in df.value.columns)
    assert as_read["Tier"].tolist() == ["gold", "=SUM(1)", "silver"]  # the file's text, seen while mapping
    assert mapping_box(page, "channel").value == "Channel"  # prefilled by name
    mapping_box(page, "contact_id").set_value("Call Id")
    mapping_box(page, "started_at").set_value("Opened")
    page.run()
    assert not page.exception, page.exception
    assert any("Tier → tier" in text for text in page.markdown.values)  # kept as a segment
    assert "CSV · utf\\-8 · comma-separated · 3 rows read" in page.caption.values  # the encoding escaped (it may be typed)
    shown = {m.label: m.value for m in page.metric}
    assert shown == {"Rows that would load": "2", "Rows rejected": "1", "Rows left out": "0"}
    typed = next(df.value for df in page.dataframe if "would_load" in df.value.columns)
    assert typed["would_load"].tolist() == [True, False, True]
    groups = next(df.value for df in page.dataframe if "examples" in df.value.columns)
    assert groups.values.tolist() == [["started_at: not a date/time in a format this import recognised", 1,
                                       "line 3: Opened = 'not a date'"]]
    rejects = next(df.value for df in page.dataframe if "line" in df.value.columns and "reason" in df.value.columns)
    assert rejects[["line", "column", "value"]].values.tolist() == [[3, "Opened", "not a date"]]
    assert history(page)["Import"].max() == 5  # the check wrote nothing

    page.button(key="data_load").click().run()
    assert not page.exception, page.exception
    assert [e.value for e in page.error] == []
    assert page.success[0].value.startswith("Loaded 2 rows into contacts from calls\\.csv as import #")  # the name escaped
    frame = history(page)
    newest = frame.iloc[0]
    assert (newest["Kind"], newest["File"], newest["Rows loaded"], newest["Rows rejected"]) == (
        "contacts", "calls.csv", 2, 1
    )
    assert len(page.file_uploader) == 1 and not page.metric  # the uploader starts afresh


def test_a_file_that_is_no_table_shows_one_line_and_no_traceback(page):
    upload(page, "calls.csv", b"%PDF-1.7 binary")
    assert [e.value for e in page.error] == ["This file cannot be read: " + escape_markdown("the file is a PDF document, not a table")]


def test_a_file_already_imported_is_said_so_before_loading(page):
    engagement = (PROJECT_ROOT / "sample_data" / "engagement.csv").read_bytes()
    # The sample's own file is new to the user's workspace, where a load from the sample goes.
    upload(page, "engagement.csv", engagement, kind="engagement")
    assert not page.warning
    page.button(key="data_load").click().run()
    loaded = page.success[0].value
    assert loaded.endswith("The dashboard now shows your workspace cx.")
    import_id = re.search(r"as import #(\d+)", loaded).group(1)
    upload(page, "engagement.csv", engagement, kind="engagement")
    assert f"already imported as import #{import_id};" in page.warning[0].value
    assert not [b for b in page.button if b.key == "data_load"]


def test_a_wrong_encoding_shows_one_line_and_detection_then_reads_the_file(page):
    page.selectbox(key="data_encoding").set_value("utf-8")
    upload(page, "appels.csv", "Call Id,Opened,Délai\nX1,2024-01-01,3\n".encode("cp1252"))
    assert [e.value for e in page.error] == [
        "This file cannot be read: "
        + escape_markdown("the file is not valid UTF-8; choose its encoding (e.g. cp1252) and retry")
    ]
    page.selectbox(key="data_encoding").set_value(None).run()
    assert not page.error
    assert "Délai" in mapping_box(page, "contact_id").options
