"""AppTest for the Overview's report download (issue 18, item 6): offered once asked for, and the file
it writes carries the engine's figures for the period the page shows."""

from __future__ import annotations

from datetime import datetime

import pytest

from page_runner import db, on_database, open_page, shown_filters  # noqa: F401 (db is a fixture)
from test_report import assert_same_figures

from cxmetrics.engine.report import report_model
from cxmetrics.face.report_html import figures_from_html

OVERVIEW = "views/overview.py"


def _report_buttons(at) -> dict:
    return {d.proto.label: d.proto for d in at.get("download_button") if d.proto.label.startswith("Download report")}


@pytest.fixture
def deferred(monkeypatch) -> dict:
    """{file name: callable} of every deferred download a page run registers (AppTest's runtime, and its
    file manager, last only while the script runs: the callable is kept to be called as a click would)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    found = {}
    register = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, **options):
        found[file_name] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name=file_name, **options)

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return found


def _as_bytes(data) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def test_the_overview_prepares_the_report_and_its_figures_are_the_engines(db, deferred):
    at = open_page(OVERVIEW)
    assert not _report_buttons(at)  # nothing is gathered until asked for
    at.button(key="overview_report_prepare").click().run()
    assert not at.exception, [e.message for e in at.exception]
    buttons = _report_buttons(at)
    assert set(buttons) == {"Download report (HTML)", "Download report (PDF)"}
    html_button = buttons["Download report (HTML)"]
    assert html_button.HasField("deferred_file_id")  # written when downloaded, not on every rerun

    reports = {name: call for name, call in deferred.items() if name.startswith("cx-report-")}
    assert sorted(name.rsplit(".", 1)[1] for name in reports) == ["html", "pdf"]
    files = {name.rsplit(".", 1)[1]: _as_bytes(call()) for name, call in reports.items()}
    written = figures_from_html(files["html"].decode("utf-8"))
    expected = on_database(db, lambda con: report_model(
        con, shown_filters(con), targets={}, now=datetime.fromisoformat(written["generated_at"])))
    assert_same_figures(written, expected)
    assert files["pdf"].startswith(b"%PDF-")

    at.run()  # a rerun keeps the report offered
    assert set(_report_buttons(at)) == {"Download report (HTML)", "Download report (PDF)"}
