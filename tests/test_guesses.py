"""The importer's guesses (cxmetrics/core/guesses.py) and the options guesses cannot know, each on a
small hand-made file loaded into a real DuckDB store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cxmetrics.core import guesses
from cxmetrics.ingest.importer import ImportOptions, load_file, remembered_mapping
from cxmetrics.core.schema import INTEGER, REAL, TEXT

T = dt.datetime


# --------------------------------------------------------------------------- pure guesses

@pytest.mark.parametrize("name, target", [
    ("Call Id", "contact_id"), ("Ticket #", "contact_id"), ("Created", "started_at"), ("Topic", "contact_reason"),
    ("Category", "contact_reason"), ("Speed of answer in seconds", "wait_seconds"), ("Talk time", "handle_seconds"),
    ("AvgTalkDuration", "handle_seconds"), ("Handle time", "handle_seconds"), ("Answered (Y/N)", "answered"),
    ("Respondent", "response_id"), ("Satisfaction rating", "csat"), ("Customer ID", "customer_id"),
    ("Churn Label", "churned"), ("Churn Value", "churned"),
    # contact-centre platforms' own words (Genesys, Five9, Zendesk...)
    ("Wrap-up Code", "contact_reason"), ("Wrapup", "contact_reason"), ("Media Type", "channel"), ("Via", "channel"),
    ("Total Queue Time", "wait_seconds"), ("Total Handle Time", "handle_seconds"), ("Queue Name", "team"),
    ("Conversation Start", "started_at"), ("Requester ID", "customer_id"), ("ANI", "customer_id"),
    # a help desk's prefix for its own record
    ("Ticket Channel", "channel"), ("Ticket Type", "contact_reason"), ("Call Type", "contact_reason"),
    ("Customer Satisfaction Rating", "csat"),
    # a CRM's case report (Salesforce)
    ("Case Origin", "channel"), ("Date/Time Opened", "started_at"), ("Case Owner", "agent"), ("Case Reason", "contact_reason"),
])
def test_synonyms(name, target):
    assert guesses.name_matches(name, guesses.SYNONYMS[target])


@pytest.mark.parametrize("name, target", [
    ("Ticket ID", "customer_id"), ("Ticket Priority", "contact_reason"), ("Contact", "contact_reason"),
])
def test_a_records_prefix_alone_names_nothing(name, target):
    assert not guesses.name_matches(name, guesses.SYNONYMS[target])


def test_a_synonym_is_not_taken_when_the_values_say_otherwise():
    # a 0-10 "satisfaction" is no 1-5 CSAT; the 1-5 rating beside it is
    samples = {"satisfaction": ["9", "10", "7", "8"], "Rating": ["4", "5", "3", "1"]}
    found = {g.target: g.sources for g in guesses.guess_columns("responses", list(samples), samples)}
    assert found["csat"] == ("Rating",)


def test_a_date_column_and_a_time_column_are_joined():
    samples = {"Call Id": ["a", "b"], "Date": ["1-Jan-21", "2-Jan-21"], "Time": ["9:12", "17:05"]}
    g = guesses.guess("contacts", list(samples), samples, "h" * 64).column("started_at")
    assert g.sources == ("Date", "Time")
    assert g.date.formats[0] == "%d-%b-%y %H:%M"


@pytest.mark.parametrize("values, fmt, order", [
    (["1-Jan-21", "28-Feb-21"], "%d-%b-%y", None),
    (["31/01/2024", "01/02/2024"], "%d/%m/%Y", "day first"),
    (["01/31/2024", "02/01/2024"], "%m/%d/%Y", "month first"),
    (["990201", "991231"], "%y%m%d", None),
    (["Tue Oct 31 23:36:20 +0000 2017"], "%a %b %d %H:%M:%S %z %Y", None),
    (["2019/10/01 12:38:43 PM GMT+8"], "%Y/%m/%d %I:%M:%S %p GMT%z", None),
])
def test_date_formats_are_detected_from_the_values(values, fmt, order):
    date = guesses.detect_date_format(values)
    assert date.formats[0] == fmt and date.order == order


def test_an_ambiguous_day_month_order_is_read_day_first_and_said_so():
    date = guesses.detect_date_format(["01/02/2024", "03/04/2024"])
    assert (date.formats[0], date.order) == ("%d/%m/%Y", "day first")
    assert "both ways" in date.note


@pytest.mark.parametrize("text, seconds", [("0:02:23", 143), ("2:23", 143), ("143", 143), ("1:00:00", 3600)])
def test_durations_are_read_as_seconds(text, seconds):
    assert guesses.read_seconds(text) == seconds


@pytest.mark.parametrize("values, column_type, markers", [
    (["5", "NA", "7"], INTEGER, ("NA",)),
    (["5", "-", "n/a"], REAL, ("-", "n/a")),
    (["five", "NA"], INTEGER, ()),  # the rest does not read as a number: NA is not guessed away
    (["None", "Offer A"], TEXT, ()),  # "None" is a real answer in exports
])
def test_missing_value_markers_per_column(values, column_type, markers):
    assert guesses.column_markers(values, column_type) == markers


def test_the_kind_is_suggested_and_a_wrong_kind_said():
    samples = {"Call Id": ["a"], "Date": ["2024-01-01"], "Topic": ["billing"], "Agent": ["Ann"]}
    found = guesses.guess("outcomes", list(samples), samples)
    assert found.suggested_kind == "contacts" and "contact log" in found.kind_note
    survey = {"id": ["1", "2"], "nps": ["9", "3"], "comment": ["good", "bad"]}
    assert "survey responses" in guesses.guess("customers", list(survey), survey).wrong_kind


# --------------------------------------------------------------------------- loaded through the importer

@pytest.fixture
def load_text(con, tmp_path):
    def _load(kind, text, name="f.csv", **options):
        path = tmp_path / name
        path.write_bytes(text.encode() if isinstance(text, str) else text)
        return load_file(con, kind, path, ImportOptions(**options))
    return _load


def test_a_call_log_loads_with_its_times_durations_and_no_map(con, load_text):
    text = ("Call Id,Date,Time,Topic,AvgTalkDuration\r\n"
            "ID1,1-Jan-21,9:12,Billing,0:02:23\r\nID2,13-Jan-21,17:05,Tech,2:01\r\n")
    result = load_text("contacts", text)
    assert (result.rows_loaded, result.rows_rejected, result.mapping_source) == (2, 0, "guessed")
    assert result.mapping["started_at"] == "Date+Time"
    assert con.execute("SELECT contact_id, started_at, contact_reason, handle_seconds FROM contacts ORDER BY 1").fetchall() == [
        ("ID1", T(2021, 1, 1, 9, 12), "Billing", 143.0), ("ID2", T(2021, 1, 13, 17, 5), "Tech", 121.0)]


def test_an_offset_is_stored_as_utc(con, load_text):
    text = "ticket,created\nt1,2019/10/01 12:38:43 PM GMT+8\nt2,2019/10/02 01:00:00 AM GMT+8\n"
    assert load_text("contacts", text).rows_loaded == 2
    assert con.execute("SELECT started_at FROM contacts ORDER BY 1").fetchall() == [
        (T(2019, 10, 1, 4, 38, 43),), (T(2019, 10, 1, 17, 0),)]


def test_ids_are_generated_from_the_file_and_line_and_stay_the_same(con, load_text):
    text = "Satisfaction rating,comment\n5,fine\n2,slow\n"
    first = load_text("responses", text, dry_run=True)
    assert first.guesses["generated_id"] == "response_id"
    result = load_text("responses", text)
    ids = [r[0] for r in con.execute("SELECT response_id FROM responses ORDER BY response_id").fetchall()]
    prefix = result.mapping["response_id"].split(":")[1].strip().split("-")[0]
    assert ids == [f"{prefix}-2", f"{prefix}-3"]
    assert load_text("responses", text).already_imported == result.import_id  # same file: recognised


def test_a_per_column_null_marker(con, load_text):
    text = "response_id,csat,ces\nr1,0,3\nr2,4,0\n"
    result = load_text("responses", text, column_nulls=[("csat", "0")])
    assert result.rows_loaded == 1  # r2's ces 0 is still out of range: the marker is csat's alone
    assert con.execute("SELECT response_id, csat FROM responses").fetchall() == [("r1", None)]


def test_recode_reads_one_text_as_another(con, load_text):
    text = "customer_id,month,Continue buying\nc1,2024-01,Yes\nc2,2024-01,No\n"
    result = load_text("outcomes", text, mapping=[("customer_id", "customer_id"), ("month", "month"),
                                                 ("Continue buying", "churned")],
                       recode=[("Continue buying", "Yes", "no"), ("Continue buying", "No", "yes")])
    assert result.rows_loaded == 2
    assert con.execute("SELECT customer_id, churned FROM outcomes ORDER BY 1").fetchall() == [("c1", False), ("c2", True)]


def test_skip_if_leaves_rows_out_without_rejecting_them(con, load_text):
    text = "contact_id,started_at,channel\nk1,2024-01-01,phone\nk2,2024-01-02,virtual\nk3,2024-01-03,chat\n"
    result = load_text("contacts", text, skip_if=[("channel", "virtual")])
    assert (result.rows_loaded, result.rows_rejected, result.rows_skipped) == (2, 0, 1)
    assert con.execute("SELECT contact_id FROM contacts ORDER BY 1").fetchall() == [("k1",), ("k3",)]


def test_options_are_remembered_with_the_mapping(con, load_text):
    header = "Ticket,When,channel\n"
    load_text("contacts", header + "t1,2024-01-01,virtual\nt2,2024-01-02,phone\n", name="a.csv",
              mapping=[("Ticket", "contact_id"), ("When", "started_at")], skip_if=[("channel", "virtual")])
    assert remembered_mapping(con, "contacts", ["Ticket", "When", "channel"])
    again = load_text("contacts", header + "t3,2024-01-03,virtual\nt4,2024-01-04,phone\n", name="b.csv")
    assert (again.mapping_source, again.rows_loaded, again.rows_skipped) == ("remembered", 1, 1)


def test_a_workbook_sheet_is_chosen_by_name_or_number(con, load_text, tmp_path):
    from openpyxl import Workbook

    from cxmetrics.ingest.reader import workbook_sheets

    book = Workbook()
    book.active.title = "About"
    book.active.append(["This export was made on Monday"])
    data = book.create_sheet("Calls")
    data.append(["customer_id", "tier"])
    data.append(["c1", "gold"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert workbook_sheets(path) == ["About", "Calls"]
    result = load_file(con, "customers", path, ImportOptions(sheet="2", dry_run=True))
    assert result.rows_loaded == 1
    assert load_file(con, "customers", path, ImportOptions(sheet="Calls")).rows_loaded == 1


def test_rejects_are_grouped_by_reason_with_three_examples(load_text):
    rows = "".join(f"r{i},{11 + i}\n" for i in range(5)) + "".join(f"r{i},9\n" for i in range(5, 12))
    result = load_text("responses", "response_id,nps\n" + rows)
    assert result.reject_groups == [{"reason": "nps must be 0–10", "rows": 5, "examples": [
        {"line": 2, "column": "nps", "value": "11"}, {"line": 3, "column": "nps", "value": "12"},
        {"line": 4, "column": "nps", "value": "13"}]}]


def test_a_load_that_rejects_most_rows_asks_first(con, load_text):
    text = "response_id,nps\nr1,11\nr2,12\nr3,9\n"
    result = load_text("responses", text)
    assert result.import_id is None and "more than half" in result.needs_confirmation
    assert con.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
    assert load_text("responses", text, force=True).rows_loaded == 1


def test_a_file_of_another_kind_asks_first(con, load_text):
    text = "id,nps,comment\n1,9,good\n2,3,slow\n"
    result = load_text("customers", text)
    assert result.import_id is None and "survey responses" in result.needs_confirmation
    assert load_text("customers", text, force=True).rows_loaded == 2


# --------------------------------------------------------------------------- survey tools' exports, other languages

# A Qualtrics export as it downloads (tests/exports/qualtrics_nps.csv, also uploaded by
# tests/browser/test_workspaces_browser.py): the ids, then the question texts, then the import ids;
# the satisfaction answer as its choice text. Hand-computed: NPS answers 10, 9, 6, 8, 0 -> 2
# promoters, 2 detractors of 5: NPS 0.0; CSAT 5, 4, 2, 3 (one blank) -> 2 of 4 satisfied: 50 %.
QUALTRICS = (Path(__file__).parent / "exports" / "qualtrics_nps.csv").read_text(encoding="utf-8")


def _samples(text: str) -> tuple[list[str], dict[str, list[str]]]:
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], {c: [r[i] for r in rows[1:]] for i, c in enumerate(rows[0])}


def test_qualtrics_label_rows_are_found_and_give_the_questions():
    columns, samples = _samples(QUALTRICS)
    found = guesses.label_rows(columns, samples)
    assert (found.rows, found.why) == (2, "question texts, then Qualtrics import ids")
    assert found.labels["Q1"] == "How likely are you to recommend us to a friend or colleague?"
    assert "StartDate" not in found.labels  # "Start Date" only repeats its name
    guessed = guesses.guess("responses", columns, guesses.without_label_rows(samples, found), "h" * 64, labelled=found)
    chosen = {g.target: (g.sources, g.why) for g in guessed.columns}
    assert chosen["nps"] == (("Q1",), "question")  # not Q1_NPS_GROUP: its values are no 0-10 score
    assert chosen["csat"] == (("Q3",), "question")
    assert chosen["comment"] == (("Q2",), "question")
    assert chosen["responded_at"][0] == ("EndDate",) and chosen["response_id"][0] == ("ResponseId",)
    assert guessed.column("csat").recode == (
        ("Dissatisfied", "2"), ("Neither satisfied nor dissatisfied", "3"), ("Satisfied", "4"), ("Very satisfied", "5"))
    # StartDate and "Duration (in seconds)" look like a contact log; the label rows say survey tool
    assert guessed.suggested_kind == "responses" and guessed.wrong_kind is None
    assert "survey responses" in guesses.guess("contacts", columns, samples, "h" * 64, labelled=found).wrong_kind


@pytest.mark.parametrize("first, second, rows", [
    # SurveyMonkey: the questions are the column names, the row under them names the answer parts
    (["", "Response", "Open-Ended Response", "Response"], ["1140", "9", "fine", "Very satisfied"], 1),
    # Qualtrics without import ids: the names in words, with the questions
    (["Response ID", "Recorded Date", "How likely are you to recommend us?", "Why?"], ["R_1", "2024-01-01", "9", "ok"], 1),
    # data: a row repeats no column name (one cell equal to its column's name is not enough)
    (["r1", "2024-01-01", "9", "Reason"], ["r2", "2024-01-02", "7", "slow"], 0),
    (["r1", "2024-01-01", "9", ""], ["r2", "2024-01-02", "7", "slow"], 0),
])
def test_label_rows_of_other_shapes_and_none_in_data(first, second, rows):
    columns = ["ResponseId", "RecordedDate", "How likely is it that you would recommend us?", "Reason"]
    samples = {c: [a, b, "x"] for c, a, b in zip(columns, first, second)}
    assert guesses.label_rows(columns, samples).rows == rows


def test_names_and_values_in_other_scripts_are_no_label_row():
    # each normalises to nothing: that is no name repeated (tests/hostile/files/non_latin_headers.csv)
    columns = ["customer_id", "Регион", "顧客区分", "Ελλάδα"]
    samples = {"customer_id": ["n1", "n2"], "Регион": ["Москва", "Казань"], "顧客区分": ["一般", "法人"],
               "Ελλάδα": ["α", "β"]}
    assert guesses.label_rows(columns, samples).rows == 0
    samples["Регион"][0], samples["Ελλάδα"][0] = "регион", "ΕΛΛΆΔΑ"  # but the names themselves, in words, are
    assert guesses.label_rows(columns, samples).rows == 1


@pytest.mark.parametrize("text, target, asks", [
    ("How likely is it that you would recommend Acme to a friend or colleague?", "nps", True),
    ("Wie wahrscheinlich ist es, dass Sie uns weiterempfehlen?", "nps", True),
    ("Quelle est la probabilité que vous nous recommandiez à un ami ?", "nps", True),
    ("¿Qué tan probable es que nos recomiende a un amigo?", "nps", True),
    ("Wie zufrieden sind Sie insgesamt mit unserem Service?", "csat", True),
    ("Was ist der Hauptgrund für Ihre Bewertung?", "comment", True),
    ("Dans quelle mesure êtes-vous satisfait de notre service ?", "csat", True),
    ("How easy was it to get your issue handled?", "ces", True),
    ("What is the main reason for your score?", "comment", True),
    ("Satisfaction", "csat", False),  # one word is a synonym's business
    ("Recommend", "nps", False),
])
def test_questions_say_which_score_they_ask_for(text, target, asks):
    assert guesses.asks_for(text, target) is asks


def test_satisfaction_labels_are_read_as_scores_only_when_most_values_are_labels():
    assert guesses.satisfaction_recode(["Extremely satisfied", "Somewhat dissatisfied", "NA", ""]) == (
        ("Extremely satisfied", "5"), ("Somewhat dissatisfied", "2"))
    assert guesses.satisfaction_recode(["5", "4", "Satisfied"]) == ()
    assert guesses.satisfaction_recode(["Good", "Bad"]) == ()


@pytest.mark.parametrize("name, target", [
    ("Kundennummer", "customer_id"), ("Anruf-ID", "contact_id"), ("Gelöst", "resolved"),
    ("Gesprächsdauer", "handle_seconds"), ("Wartezeit (s)", "wait_seconds"), ("Anliegen", "contact_reason"),
    ("Durée", "handle_seconds"), ("Motif", "contact_reason"), ("Équipe", "team"), ("Identifiant client", "customer_id"),
    ("Fecha", "started_at"), ("Motivo", "contact_reason"), ("Resuelto", "resolved"), ("Duración", "handle_seconds"),
])
def test_german_french_and_spanish_names(name, target):
    assert guesses.name_matches(name, guesses.SYNONYMS[target])


def test_names_are_compared_with_their_accents_folded():
    assert guesses.normalise("Gesprächsdauer (Sek.)") == "gesprachsdauer sek"
    assert guesses.normalise("Straße") == "strasse"
    assert guesses.normalise("Équipe") == "equipe"


def test_the_yes_and_no_words_are_those_the_sql_reads(con):
    # guesses._BOOLEANS decides whether a column fits a yes/no target; cx_boolean reads it: the same words
    words = sorted(guesses._BOOLEANS | {w.upper() for w in guesses._BOOLEANS} | {w.title() for w in guesses._BOOLEANS})
    read = dict(con.execute("SELECT w, cx_boolean(w) FROM unnest($w) AS t (w)", {"w": words}).fetchall())
    assert [w for w in words if read[w] is None] == []
    assert con.execute("SELECT cx_boolean('peut-être'), cx_boolean('jein')").fetchone() == (None, None)


def test_a_qualtrics_export_loads_without_options_and_its_figures_are_right(con, load_text):
    from cxmetrics.engine.metrics import metrics

    result = load_text("responses", QUALTRICS, name="qualtrics.csv")
    assert (result.rows_loaded, result.rows_rejected, result.rows_skipped) == (5, 0, 2)
    assert result.guesses["label_rows"] == {"rows": 2, "why": "question texts, then Qualtrics import ids"}
    assert con.execute("SELECT response_id, nps, csat FROM responses ORDER BY 1").fetchall() == [
        ("R_a1", 10, 5), ("R_a2", 9, 4), ("R_a3", 6, 2), ("R_a4", 8, None), ("R_a5", 0, 3)]
    overall = metrics(con)["overall"]
    assert (overall["nps"], overall["nps_n"]) == (0.0, 5)
    assert (overall["csat"], overall["csat_n"]) == (50.0, 4)


def test_a_german_call_log_loads_without_options(con, load_text):
    text = ("Anruf-ID;Kundennummer;Datum;Uhrzeit;Kanal;Anliegen;Gelöst;Gesprächsdauer;Wartezeit (s)\n"
            "A1;K-1;24.03.2024;09:15;Telefon;Rechnung;Ja;0:02:30;12,5\n"
            "A2;K-1;25.03.2024;17:40;Chat;Rechnung;nein;1:05;3\n").encode("cp1252")
    result = load_text("contacts", text, name="anrufe.csv")
    assert (result.rows_loaded, result.rows_rejected, result.mapping_source) == (2, 0, "guessed")
    assert con.execute("SELECT contact_id, customer_id, started_at, resolved, handle_seconds, wait_seconds, "
                       "contact_reason FROM contacts ORDER BY 1").fetchall() == [
        ("A1", "K-1", T(2024, 3, 24, 9, 15), True, 150.0, 12.5, "Rechnung"),
        ("A2", "K-1", T(2024, 3, 25, 17, 40), False, 65.0, 3.0, "Rechnung")]


def test_a_reports_title_rows_above_the_header_are_left_out(con, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Call Detail Report"])
    sheet.append(["Generated: 05/04/2024 08:00", None, None, "Site: Leeds"])
    sheet.append([])
    sheet.append(["Call ID", "Start Time", "Queue", "Talk Time", "Agent Name", "Disposition"])
    sheet.append(["C1", dt.datetime(2024, 4, 1, 9, 30), "Billing", dt.time(0, 2, 30), "Ann", "Resolved"])
    sheet.append(["C2", dt.datetime(2024, 4, 1, 10, 0), "Sales", dt.time(0, 0, 45), "Bob", "Callback"])
    sheet.append(["Total", None, None, None, None, None])
    path = tmp_path / "report.xlsx"
    book.save(path)
    result = load_file(con, "contacts", path, ImportOptions())
    assert (result.header_line, result.rows_loaded, result.rows_rejected) == (4, 2, 1)
    assert result.rejects == [{"line": 7, "column": "Start Time", "value": None,
                               "reason": "started_at is required but empty"}]  # the total row, by its sheet row
    assert con.execute("SELECT contact_id, started_at, handle_seconds, agent FROM contacts ORDER BY 1").fetchall() == [
        ("C1", T(2024, 4, 1, 9, 30), 150.0, "Ann"), ("C2", T(2024, 4, 1, 10, 0), 45.0, "Bob")]


@pytest.mark.parametrize("rows, header_line", [
    ([["customer_id", "tier", "region"], ["c1", "gold", "north"]], 1),
    ([["customer_id", "tier"], ["c1", None]], 1),  # two columns: no row is a title
    ([["Customers"], ["customer_id", "tier", "region"], ["c1", "gold", "north"]], 2),
    # a header naming a third of its columns or less stays the header
    ([["customer_id", None, None, None, None, None], ["c1", "a", "b", "c", "d", "e"]], 1),
    # in doubt (no name the importer knows, no number or date below), the first row stays the header
    ([["Export"], ["Kol A", "Kol B", "Kol C"], ["x", "y", "z"]], 1),
    ([["Export"], ["Kol A", "Kol B", "Kol C"], ["x", 3, "z"]], 2),
])
def test_the_header_is_the_first_row_unless_a_title_is_above_it(con, tmp_path, rows, header_line):
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "customers.xlsx"
    book.save(path)
    from cxmetrics.ingest.reader import stage_file

    assert stage_file(con, path, None, tmp_path).header_line == header_line


@pytest.mark.parametrize("title", [
    "Call Detail Report\nGenerated: 05/04/2024 08:00\n\n",
    "Call Detail Report,,,,\nGenerated: 05/04/2024 08:00,,,Site: Leeds,\n",  # padded by a spreadsheet
])
def test_a_csv_reports_title_lines_are_left_out_and_lines_counted_in_the_file(con, load_text, title):
    good = "".join(f"C{i},2024-04-0{i} 09:30,Billing,0:0{i}:30,Ann\n" for i in range(1, 10))
    body = ("Call ID,Start Time,Queue,Talk Time,Agent Name\n" + good
            + "X1,yesterday,Sales,0:00:45,Bob\n"
            + "X2,2024-04-01 10:00,Sales,0:00:45\n")
    result = load_text("contacts", title + body, name="cdr.csv")
    header = title.count("\n") + 1
    assert (result.header_line, result.rows_loaded, result.rows_rejected) == (header, 9, 2)
    assert [(r["line"], r["reason"]) for r in result.rejects] == [  # lines of the file as given
        (header + 10, "started_at: not a date/time in a format this import recognised"),
        (header + 11, "row has fewer fields than the header")]
    assert con.execute("SELECT contact_id, handle_seconds FROM contacts ORDER BY 1 LIMIT 2").fetchall() == [
        ("C1", 90.0), ("C2", 150.0)]


@pytest.mark.parametrize("text", [
    "customer_id\nc1\nc2\n",  # one column: its header is its first line
    "customer_id,tier\nc1,gold\n",
    "Customers\nKol A,Kol B,Kol C\nx,y,z\n",  # in doubt: the first line stays the header
])
def test_a_csv_without_a_title_keeps_its_first_line_as_header(con, tmp_path, text):
    from cxmetrics.ingest.reader import stage_file

    path = tmp_path / "f.csv"
    path.write_text(text)
    assert stage_file(con, path, None, tmp_path).header_line == 1


def test_a_record_broken_over_lines_under_a_short_header_is_no_title(con, tmp_path):
    from cxmetrics.ingest.reader import stage_file

    path = tmp_path / "comments.csv"
    path.write_text('id,comment\n1,"first line\nsecond, third, fourth, fifth, sixth"\n2,ok\n3,fine\n')
    staged = stage_file(con, path, None, tmp_path)
    assert (staged.header_line, staged.columns, staged.rows) == (1, ["id", "comment"], 3)


@pytest.mark.parametrize("text, number", [
    ("12.5", 12.5), ("12,5", 12.5), ("1,234", 1.234), ("1.234", 1.234), ("-3", -3.0), ("1e3", 1000.0),
    ("1.234,56", 1234.56), ("1.234.567", 1234567.0), ("1.234.567,8", 1234567.8),
    ("1,234.56", 1234.56), ("1,234,567", 1234567.0), ("-1,234.5", -1234.5),
    ("1.23.4", None), ("1,23,4.5", None), ("12,5,6", None), ("1 234", None), ("€12", None),
])
def test_numbers_are_read_as_the_sql_reads_them(con, text, number):
    assert guesses.read_number(text) == number
    assert con.execute("SELECT cx_real($t)", {"t": text}).fetchone()[0] == number
    assert guesses.reads_as(guesses.REAL, text) is (number is not None)


def test_german_outcomes_with_thousands_separators_load_without_options(con, load_text):
    text = "Kundennummer;Monat;Umsatz;Gekündigt\nK-1;2024-03;3.332,51;Ja\nK-2;2024-03;834,10;Nein\n"
    result = load_text("outcomes", text.encode("cp1252"), name="umsatz.csv")
    assert (result.rows_loaded, result.rows_rejected) == (2, 0)
    assert con.execute("SELECT customer_id, month, revenue, churned FROM outcomes ORDER BY 1").fetchall() == [
        ("K-1", dt.date(2024, 3, 1), 3332.51, True), ("K-2", dt.date(2024, 3, 1), 834.10, False)]


def test_an_abandoned_column_is_read_as_answered_the_other_way_round(con, load_text):
    text = ("Call ID,Start Time,Abandoned\n"
            "C1,2024-04-01 09:30,No\nC2,2024-04-01 09:40,Yes\nC3,2024-04-01 09:50,no\nC4,2024-04-01 10:00,\n")
    result = load_text("contacts", text)
    assert result.guesses["columns"]["answered"] == {
        "from": "Abandoned", "why": "synonym", "reading": "inverted", "recode": {"No": "yes", "Yes": "no", "no": "yes"}}
    assert con.execute("SELECT contact_id, answered FROM contacts ORDER BY 1").fetchall() == [
        ("C1", True), ("C2", False), ("C3", True), ("C4", None)]


def test_a_remembered_mapping_reads_labels_and_opposites_as_the_guess_did(con, load_text):
    # the mapping is remembered for the header; the next file of it is read the same way
    first = load_text("responses", QUALTRICS, name="march.csv")
    april = QUALTRICS.replace("R_a", "R_b").replace("2024-03-0", "2024-04-0")
    again = load_text("responses", april, name="april.csv")
    assert (first.mapping_source, again.mapping_source) == ("guessed", "remembered")
    assert (again.rows_loaded, again.rows_rejected, again.rows_skipped) == (5, 0, 2)
    assert con.execute("SELECT csat FROM responses WHERE response_id LIKE 'R_b%' ORDER BY response_id").fetchall() == [
        (5,), (4,), (2,), (None,), (3,)]
    calls = "Call ID,Start Time,Abandoned\nC1,2024-04-01 09:30,No\nC2,2024-04-01 09:40,Yes\n"
    load_text("contacts", calls, name="a.csv", mapping=[("Call ID", "contact_id"), ("Start Time", "started_at"),
                                                         ("Abandoned", "answered")])
    assert load_text("contacts", calls.replace("\nC", "\nD"), name="b.csv").mapping_source == "remembered"
    assert con.execute("SELECT contact_id, answered FROM contacts ORDER BY 1").fetchall() == [
        ("C1", True), ("C2", False), ("D1", True), ("D2", False)]


def test_a_google_forms_export_loads_by_its_questions(con, load_text):
    # Hand-computed: NPS 9, 4, 10 -> 2 promoters, 1 detractor of 3: 33.3; CSAT 5, 2, 4 -> 2 of 3: 66.7 %
    from cxmetrics.engine.metrics import metrics

    text = ('Timestamp,Email Address,"How likely are you to recommend Acme to a friend or colleague?",'
            '"How satisfied are you with our support?","Anything else you would like to tell us?"\n'
            '3/5/2024 14:22:10,a@x.com,9,5,Great\n'
            '3/15/2024 9:01:55,b@x.com,4,2,"Slow,\nvery slow"\n'
            '3/16/2024 18:45:00,c@x.com,10,4,\n')
    result = load_text("responses", text, name="form.csv")
    assert (result.rows_loaded, result.rows_rejected) == (3, 0)
    assert {t: c["why"] for t, c in result.guesses["columns"].items()} == {
        "response_id": "generated", "responded_at": "synonym", "nps": "question", "csat": "question",
        "comment": "question"}
    assert con.execute("SELECT responded_at, comment FROM responses ORDER BY 1").fetchall() == [
        (T(2024, 3, 5, 14, 22, 10), "Great"), (T(2024, 3, 15, 9, 1, 55), "Slow,\nvery slow"),
        (T(2024, 3, 16, 18, 45), None)]
    overall = metrics(con)["overall"]
    assert (round(overall["nps"], 4), overall["nps_n"]) == (33.3333, 3)
    assert (round(overall["csat"], 4), overall["csat_n"]) == (66.6667, 3)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_title_lines_over_records_broken_across_lines_keep_every_line_number(con, load_text, newline):
    text = newline.join([
        "Call Detail Report", "Generated: today", "", "Call ID,Start Time,Comment,Talk Time",
        'C1,2024-04-01 09:30,"two', 'lines",0:01:00', "C2,2024-04-01 09:40,one,0:02:00",
        "C3,2024-04-01 09:50,x", "C4,2024-04-01 10:00,four,0:04:00", ""])
    result = load_text("contacts", text, name="cdr.csv")
    assert (result.header_line, result.rows_loaded, result.rows_rejected) == (4, 3, 1)
    assert [(r["line"], r["reason"]) for r in result.rejects] == [(8, "row has fewer fields than the header")]
    assert con.execute("SELECT contact_id, handle_seconds FROM contacts ORDER BY 1").fetchall() == [
        ("C1", 60.0), ("C2", 120.0), ("C4", 240.0)]


def test_ces_as_seven_points_of_agreement_is_read_as_1_to_7_and_five_points_are_not():
    seven = ["Strongly agree", "Somewhat agree", "Agree", "Neither agree nor disagree", "Strongly disagree", ""]
    assert guesses.agreement_recode(seven) == (
        ("Agree", "6"), ("Neither agree nor disagree", "4"), ("Somewhat agree", "5"), ("Strongly agree", "7"),
        ("Strongly disagree", "1"))
    assert guesses.agreement_recode(["Strongly agree", "Agree", "Disagree", "Neutral"]) == ()  # five points?
    samples = {"Response ID": ["r1", "r2"],
               "The company made it easy for me to handle my issue": ["Somewhat agree", "Strongly agree"]}
    ces = guesses.guess("responses", list(samples), samples, "h" * 64).column("ces")
    assert (ces.sources, ces.why, ces.reading) == (
        ("The company made it easy for me to handle my issue",), "question", "agreement_labels")


@pytest.mark.parametrize("hint, delimiter", [("sep=,", ","), ("sep=;", ";"), ("sep=\t", "\t"), ("sep=|", "|")])
def test_excels_separator_line_names_the_delimiter_and_is_no_header(con, tmp_path, hint, delimiter):
    from cxmetrics.ingest.reader import stage_file

    path = tmp_path / "f.csv"
    path.write_text(f"{hint}\r\n" + "\r\n".join(delimiter.join(r) for r in [("id", "tier"), ("c1", "gold")]) + "\r\n")
    staged = stage_file(con, path, None, tmp_path)
    assert (staged.header_line, staged.columns, staged.delimiter, staged.rows) == (2, ["id", "tier"], delimiter, 1)
    assert con.execute("SELECT __line, id FROM cx_stage").fetchall() == [(3, "c1")]
