"""The report of a period (issue 18, item 6): its figures hand-checked on a small store and equal to
the engine's (the functions the pages call) on the sample, its HTML self-contained and escaped, its
PDF an A4 document with the headline in it, and the `report` command."""

from __future__ import annotations

import base64
import io
import re
from datetime import date, datetime

import pytest

from cxmetrics.core.presentation import KPI_KEYS
from pypdf import PdfReader

from cxmetrics import cli
from cxmetrics.store.db import connect
from cxmetrics.store.dimensions import Filters
from cxmetrics.engine.follow_ups import follow_up_metrics
from cxmetrics.engine.metrics import metric_trend, metrics, metrics_frame
from cxmetrics.engine.outcomes import outcomes
from cxmetrics.engine.periods import compare_periods
from cxmetrics.engine.report import MAX_SEGMENT_GAPS, report_model, segment_dimension, shown_filters
from cxmetrics.face.report_html import figures_from_html, render_html
from cxmetrics.face.report_pdf import render_pdf
from cxmetrics.face.report_sections import chart_specs, sections
from cxmetrics.engine.segments import driver_impact, segment_gaps
from page_runner import fill_store

NOW = datetime(2025, 4, 1, 9, 0)
# Current period 1–28 Mar 2025 (the data's last 28 days), previous 1–28 Feb.
RESPONSES = """response_id,customer_id,responded_at,nps,csat
r1,c1,2025-03-02,10,5
r2,c2,2025-03-03,10,4
r3,c3,2025-03-04,10,2
r4,c4,2025-03-05,9,5
r5,c5,2025-03-06,8,
r6,c6,2025-03-07,7,
r7,c7,2025-03-08,6,
r8,c8,2025-03-09,0,
p1,c1,2025-02-02,10,
p2,c2,2025-02-03,8,
p3,c3,2025-02-04,0,
p4,c4,2025-02-05,0,
"""
# c1: a Billing contact on 1 Mar and a repeat on 3 Mar; c2 a Tech contact; c3's Tech contact on the
# data's last day is censored (its 7-day window is not over).
CONTACTS = """contact_id,customer_id,started_at,channel,contact_reason
k1,c1,2025-03-01 09:00,phone,Billing
k2,c1,2025-03-03 09:00,phone,Billing
k3,c2,2025-03-10 09:00,chat,Tech
k4,c3,2025-03-28 09:00,chat,Tech
"""
CUSTOMERS = "customer_id,tier\nc1,gold\nc2,gold\nc3,silver\nc4,silver\nc5,gold\nc6,silver\nc7,gold\nc8,silver\n"


@pytest.fixture(scope="module")
def small_path(tmp_path_factory):
    """The path of the small store above (made once: the tests only read it)."""
    folder = tmp_path_factory.mktemp("report_small")
    path = folder / "small.duckdb"
    fill_store(path, folder, {"customers": CUSTOMERS, "contacts": CONTACTS, "responses": RESPONSES})
    return path


@pytest.fixture
def small(small_path):
    """A connection to the small store."""
    con = connect(small_path)
    yield con
    con.close()


@pytest.fixture(scope="module")
def small_report(small_path):
    """(model, HTML, PDF bytes) of the small store's report with an NPS target of 30, rendered once."""
    con = connect(small_path)
    try:
        model = _model(con, targets={"nps": 30.0})
    finally:
        con.close()
    specs = chart_specs(model)
    return model, render_html(model, specs), render_pdf(model, specs)


def assert_same_figures(found, expected, where="model"):
    """Assert two report models are equal, floats to 12 significant digits: DuckDB adds decimals
    (revenue) in no fixed order, so two runs of one query may differ in the last bits."""
    if isinstance(expected, float) and isinstance(found, (int, float)) and not isinstance(found, bool):
        assert found == pytest.approx(expected, rel=1e-12, abs=1e-9), where
    elif isinstance(expected, dict):
        assert isinstance(found, dict) and set(found) == set(expected), where
        for key in expected:
            assert_same_figures(found[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(found, list) and len(found) == len(expected), where
        for index, (a, b) in enumerate(zip(found, expected)):
            assert_same_figures(a, b, f"{where}[{index}]")
    else:
        assert found == expected, where


def _model(con, targets=None, filters=Filters()):
    return report_model(con, shown_filters(con, filters), targets=targets, now=NOW)


def _headline(model) -> dict:
    return {h["key"]: h for h in model["headline"]}


def test_the_model_on_a_small_store_hand_checked(small):
    model = _model(small, targets={"nps": 30.0})
    assert model["period"] == {"current_from": "2025-03-01", "current_to": "2025-03-28",
                               "previous_from": "2025-02-01", "previous_to": "2025-02-28", "days": 28}
    head = _headline(model)
    # NPS: 4 promoters, 2 detractors of 8 → 25; before: 1 and 2 of 4 → −25.
    assert (head["nps"]["value"], head["nps"]["n"], head["nps"]["previous"]) == (25.0, 8, -25.0)
    assert head["nps"]["change"] == pytest.approx(50.0)
    assert not head["nps"]["significant"]  # 8 and 4 answers: too few to call a change
    assert head["nps"]["target_shown"] == "target +30 · 5.0 points to go"
    assert head["csat"]["value"] == pytest.approx(75.0) and head["csat"]["n"] == 4  # 3 of 4 answers 4–5
    assert head["contacts"]["value"] == head["contacts"]["n"] == 4
    assert head["repeat_rate"]["value"] == pytest.approx(25.0)  # k2 came 2 days after k1
    assert head["fcr"]["value"] == pytest.approx(200 / 3) and head["fcr"]["n"] == 3  # k1 repeated; k4 censored
    assert head["csat"]["target_shown"] == ""
    assert model["moved"] == []
    reasons = {r["contact_reason"]: r for r in model["reasons"]}
    assert list(reasons) == ["Billing", "Tech"]  # busiest first, then by name
    assert (reasons["Billing"]["contacts"], reasons["Billing"]["fcr"], reasons["Billing"]["fcr_n"]) == (2, 50.0, 2)
    assert (reasons["Tech"]["contacts"], reasons["Tech"]["fcr"], reasons["Tech"]["fcr_n"]) == (2, 100.0, 1)
    segments = model["segments"]
    assert segments["dimensions"] == ["tier"] and segments["metrics"] == ["nps", "csat", "ces", "fcr", "repeat_rate"]
    # gold: c1 10, c2 10, c5 8, c7 6 → P 2, D 1 of 4 = 25; silver: 10, 9, 7, 0 → 2, 1 of 4 = 25: no gap, and
    # four answers a side are too few to test, so nothing is listed.
    assert (segments["significant"], segments["rows"]) == (0, [])
    assert {(c["metric"], c["by"]) for c in segments["compared"]} == {(m, "tier") for m in segments["metrics"]}
    assert model["follow_ups"]["cases"] == 2  # the two detractor answers (c7 6, c8 0) of March


def test_html_shows_the_hand_checked_figures_and_carries_the_model(small_report):
    model, html, _ = small_report
    assert figures_from_html(html) == model  # every figure also as data, for a machine to read
    assert "1 Mar 2025 – 28 Mar 2025 (28 days), compared with the 28 days before" in html
    assert f"<td>NPS</td><td>{_headline(model)['nps']['status']}</td><td>+25 (too few)</td>" in html
    assert "<td>target +30 · 5.0 points to go</td>" in html
    assert "<td>Billing</td><td>2</td><td>50.0 (" in html


def test_the_report_figures_equal_the_engines_on_the_sample(sample_db):
    con = connect(sample_db)
    try:
        filters = shown_filters(con, Filters())
        model = report_model(con, filters, 7, False, {"nps": 30.0}, NOW)
        comparison = compare_periods(con, filters, 7, False, 28)
        overall = metrics(con, None, filters)["overall"]  # what the metrics command and the pages read
        for h in model["headline"]:
            if h["key"] != "contacts":
                assert h["value"] == comparison["current"][h["key"]] == overall[h["key"]]
            assert h["previous"] == comparison["previous"][h["key"]] if h["key"] != "contacts" else True
            assert h["change"] == comparison["changes"][h["key"]]["value"]
            assert h["significant"] == comparison["changes"][h["key"]]["significant"]
        # What moved among the headline figures (the contact-centre measures have changes too, not in the headline).
        assert [h["key"] for h in model["moved"]] == [k for k in KPI_KEYS if comparison["changes"][k]["significant"]]

        drivers = driver_impact(con, "nps", "contact_reason", filters)
        costly = drivers[drivers["impact"] > 0].head(3)
        assert [r["group"] for r in model["drivers"]["rows"]] == list(costly["contact_reason"])
        assert [r["impact"] for r in model["drivers"]["rows"]] == list(costly["impact"])

        by_reason = metrics_frame(con, "contact_reason", filters).set_index("contact_reason")
        for row in model["reasons"]:
            engine = by_reason.loc[row["contact_reason"]]
            assert (row["contacts"], row["fcr"], row["fcr_n"], row["repeat_rate"]) == (
                engine["contacts"], engine["fcr"], engine["fcr_n"], engine["repeat_rate"])
        assert len(model["reasons"]) == len(by_reason)

        # Segment gaps: every significant gap the Segments page shows, for each headline figure by each
        # customer attribute, with the page's figures (segment_gaps, what the page calls).
        segments = model["segments"]
        assert segments["dimensions"][0] == segment_dimension(con) == "tier"
        assert set(segments["dimensions"]) == {"tier", "region", "plan", "tenure_band", "acquisition_channel"}
        engine = {}
        for metric in ("nps", "csat", "ces", "fcr", "repeat_rate"):
            for by in segments["dimensions"]:
                gaps = segment_gaps(con, metric, by, filters)
                for g in gaps[gaps["significant"].astype(bool)].to_dict("records"):
                    engine[(metric, by, str(g[by]))] = g
        assert segments["significant"] == len(engine) >= 1  # the sample's last 28 days have some
        listed = {(r["metric"], r["by"], r["group"]): r for r in segments["rows"]}
        assert set(listed) == set(engine) and len(engine) <= MAX_SEGMENT_GAPS
        for key, row in listed.items():
            assert (row["value"], row["n"], row["rest_value"], row["gap"], row["gap_low"], row["gap_high"]) == (
                engine[key]["value"], engine[key]["n"], engine[key]["rest_value"], engine[key]["gap"],
                engine[key]["gap_low"], engine[key]["gap_high"])
        assert [r["p_value"] for r in segments["rows"]] == sorted(r["p_value"] for r in segments["rows"])

        by_nps = outcomes(con, "nps_group", 7, False, filters)
        assert model["outcomes"]["overall"]["churn_rate"] == by_nps["overall"]["churn_rate"]
        assert [(g["group"], g["customers"], g["churn_rate"]) for g in model["outcomes"]["groups"]] == [
            (g["nps_group"], g["customers"], g["churn_rate"]) for g in by_nps["groups"]]
        # Revenue is a sum of decimals, which DuckDB adds in no fixed order: equal to the last few bits.
        assert [g["revenue_at_risk"] for g in model["outcomes"]["groups"]] == pytest.approx(
            [g["revenue_at_risk"] for g in by_nps["groups"]], rel=1e-12, nan_ok=True)

        loop = follow_up_metrics(con, "team", filters, 48.0, NOW).iloc[-1]
        assert (model["follow_ups"]["cases"], model["follow_ups"]["closed"]) == (loop["cases"], loop["closed"])

        trend = metric_trend(con, "week", filters)
        assert [t["nps"] for t in model["trend"]] == [None if v != v else v for v in trend["nps"]]
    finally:
        con.close()


HOSTILE = '<script>alert(1)</script>![x](http://evil.example/x.png)'
MAIL = "jane.doe@example.com"


def test_imported_labels_are_escaped_and_personal_data_masked(tmp_path):
    path = tmp_path / "hostile.duckdb"
    rows = [f"k{i},c{i % 5},2025-03-{1 + i % 20:02d} 09:00,{HOSTILE if i % 2 else MAIL}" for i in range(30)]
    fill_store(path, tmp_path, {"contacts": "contact_id,customer_id,started_at,contact_reason\n" + "\n".join(rows) + "\n",
                                "customers": "customer_id,email\n" + "".join(f"c{i},p{i}@example.com\n" for i in range(5))})
    con = connect(path)
    try:
        model = _model(con)
        assert segment_dimension(con) is None  # five e-mail addresses are no segment... and each is masked anyway
    finally:
        con.close()
    html = render_html(model)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert MAIL not in html and "@example.com" not in html
    # Nothing is fetched: every image is inline, and the page's policy forbids any request.
    assert re.findall(r'src="([a-z]+):', html) and set(re.findall(r'src="([a-z]+):', html)) == {"data"}
    assert "default-src 'none'" in html and "@page { size: A4" in html
    # The charts name the reasons too: as text in SVG images, which can run nothing.
    svgs = [base64.b64decode(data).decode("utf-8") for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
    assert svgs and any("&lt;script&gt;" in svg for svg in svgs)
    assert not any("<script" in svg or MAIL in svg for svg in svgs)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(model))).pages)
    assert MAIL not in pdf_text and "[email]" in pdf_text


def test_the_pdf_is_a4_with_the_headline_and_flows_over_pages(small_report):
    model, _, data = small_report
    assert data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) >= 2  # even the small store's report does not fit one page: it flows on
    for page in pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    first = pages[0].extract_text()
    nps = _headline(model)["nps"]
    assert "Customer experience report" in first
    assert model["caption"].split(" (")[0] in first
    assert re.search(rf"NPS {re.escape(nps['status'])} {re.escape(nps['shown'])} ", first), first


def test_the_report_command_writes_html_and_pdf(small_path, tmp_path, monkeypatch, capsys):
    import json

    db = str(small_path)
    out = tmp_path / "meeting.html"
    assert cli.main(["report", "--db", db, "--from", "2025-03-08", "--to", "2025-03-28", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["format"] == "html" and printed["period"]["current_from"] == "2025-03-08"
    assert printed["headline"]["nps"]["value"] == -100.0  # from 8 Mar: the 6 and the 0
    written = figures_from_html(out.read_text(encoding="utf-8"))
    con = connect(small_path)
    try:
        expected = report_model(con, Filters(date(2025, 3, 8), date(2025, 3, 28)),
                                now=datetime.fromisoformat(written["generated_at"]))
    finally:
        con.close()
    assert_same_figures(written, expected)

    monkeypatch.chdir(tmp_path)  # without --out: report-FROM-TO.html here
    assert cli.main(["report", "--db", db]) == 0
    assert json.loads(capsys.readouterr().out)["out"] == "report-2025-03-01-2025-03-28.html"
    assert (tmp_path / "report-2025-03-01-2025-03-28.html").is_file()

    assert cli.main(["report", "--db", db, "--out", "meeting.pdf"]) == 0
    assert (tmp_path / "meeting.pdf").read_bytes().startswith(b"%PDF-")

    capsys.readouterr()
    assert cli.main(["report", "--db", db, "--out", str(tmp_path / "meeting.docx")]) == 2
    assert "--out must end in .html or .pdf" in capsys.readouterr().err


def test_without_a_unicode_font_the_pdf_falls_back_to_helvetica(small_report, monkeypatch):
    from cxmetrics.face import report_pdf

    model, _, _ = small_report
    monkeypatch.setattr(report_pdf, "FONT_FILES", ())
    renamed = {**model, "reasons": [{**model["reasons"][0], "contact_reason": "Überweisung → 請求"}]}
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(renamed, {}))).pages)
    assert "Customer experience report" in text
    assert "Überweisung -> ??" in text  # Latin-1 kept, the rest "?" (the HTML shows it all)


def test_each_headline_figure_carries_the_overviews_status(small, small_report):
    from cxmetrics.engine.periods import compare_periods
    from cxmetrics.core.presentation import KPI_KEYS
    from cxmetrics.engine.status import Target, statuses

    model, html, _ = small_report
    comparison = compare_periods(small, shown_filters(small, Filters()), 7, False, 28)
    expected = statuses(KPI_KEYS, comparison["current"], comparison["changes"], {"nps": Target("nps", 30.0)},
                        comparison["periods"].current_to)
    head = _headline(model)
    assert {k: h["status"] for k, h in head.items() if h["status"]} == {k: s.word for k, s in expected.items()}
    assert head["contacts"]["status"] is None  # a volume is not judged
    assert f"<td>{head['csat']['status']}</td>" in html


def test_segment_gaps_are_capped_most_certain_first_and_the_rest_counted(sample_db, monkeypatch):
    from cxmetrics.engine import report

    con = connect(sample_db)
    try:
        filters = shown_filters(con, Filters())
        everything = report_model(con, filters, 7, False, None, NOW)["segments"]
        monkeypatch.setattr(report, "MAX_SEGMENT_GAPS", 1)
        capped = report_model(con, filters, 7, False, None, NOW)
    finally:
        con.close()
    assert everything["significant"] >= 2  # else the cap proves nothing
    assert capped["segments"]["rows"] == everything["rows"][:1]
    section = next(s for s in sections(capped) if s.key == "segments")
    assert f"{everything['significant'] - 1} more significant gaps are not listed here" in " ".join(section.lines)
    first = everything["rows"][0]
    assert section.table.rows[0][:2] == (first["metric_label"], f"{first['by'].replace('_', ' ')}: {first['group']}")
