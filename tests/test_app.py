"""AppTest smoke tests: the dashboard runs on the sample data and shows the engine's figures."""

import pytest
from streamlit.testing.v1 import AppTest

from cxmetrics.db import PROJECT_ROOT as ROOT, connect
from cxmetrics.metrics import metrics


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("CXMETRICS_DB", str(tmp_path / "app.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_overview_shows_the_engine_figures_on_first_launch(app, tmp_path):
    shown = {m.label: m.value for m in app.metric}
    from cxmetrics import app_state

    app_state._connection.clear()  # release the file so the engine can read it here
    con = connect(tmp_path / "app.duckdb")
    overall = metrics(con)["overall"]
    assert shown["NPS"] == f"{overall['nps']:+.0f}"
    assert shown["CSAT"] == f"{overall['csat']:.1f} %"
    assert shown["Contacts"] == f"{overall['contacts']:,}"
    assert overall["contacts"] > 10000  # the sample data was loaded


def test_window_setting_changes_the_repeat_rate(app):
    before = {m.label: m.value for m in app.metric}["Repeat contacts"]
    app.number_input(key="window").set_value(30).run()
    assert not app.exception
    after = {m.label: m.value for m in app.metric}["Repeat contacts"]
    assert before != after
