"""The Data page's work without Streamlit: storing an upload, suggesting its mapping, checking it
with a real dry run, loading it, the history and its rejects, and safe CSV downloads."""

from __future__ import annotations

import gc
import io

import openpyxl
import pandas as pd
import pytest

from cxmetrics.ingest import upload
from cxmetrics.ingest.importer import ImportOptions, ImportRefused, load_file
from cxmetrics.ingest.upload import (build_options, commit_upload, import_history, import_rejects, safe_csv,
                                     stage_upload, validate_upload)

CALLS = (
    "Call Id,Opened,Channel,Tier\n"
    "c1,2024-01-01 10:00,phone,gold\n"
    "c2,not a date,chat,silver\n"
    "c1,2024-01-02 09:00,phone,gold\n"
    "c3,2024-01-03 11:30,email,=HYPERLINK(\"x\")\n"
).encode()
CALLS_MAP = {"contact_id": "Call Id", "started_at": "Opened"}


def mapped(preview, **choices):
    """Return the editor's selection: the suggestion with some canonical columns changed."""
    return {**preview.suggested, **choices}


@pytest.fixture
def staged(con):
    """staged(kind, data, name="file.csv") -> UploadPreview, cleaned up after the test."""
    previews = []

    def _stage(kind, data, name="file.csv", **kwargs):
        preview = stage_upload(con, kind, data, name, **kwargs)
        previews.append(preview)
        return preview

    yield _stage
    for preview in previews:
        preview.upload.cleanup()


def count(con, sql):
    return con.execute(sql).fetchone()[0]


# --- preview and suggested mapping --------------------------------------------------------------


def test_preview_reads_the_dialect_the_columns_and_the_first_rows_as_text(staged):
    preview = staged("contacts", CALLS.replace(b",", b";"), "calls.csv")
    assert (preview.format, preview.encoding, preview.delimiter) == ("csv", "utf-8", ";")
    assert preview.columns == ["Call Id", "Opened", "Channel", "Tier"]
    assert preview.rows == 4
    assert preview.first_rows["line"].tolist() == [2, 3, 4, 5]
    assert preview.first_rows["Opened"].tolist()[1] == "not a date"
    assert preview.suggestion_source == "guessed"
    assert preview.suggested["channel"] == "Channel"
    assert preview.suggested["contact_id"] == "Call Id"  # a synonym
    assert preview.suggested["started_at"] is None  # "Opened" is one, but a quarter of its values are no dates


def test_preview_suggests_the_remembered_mapping_after_an_import_with_an_explicit_map(con, staged):
    first = staged("contacts", CALLS, "january.csv")
    options = build_options(first, mapped(first, **CALLS_MAP))
    assert options.mapping  # changed from the suggestion: passed whole, as --map would be
    commit_upload(con, "contacts", first.upload, options)

    second = staged("contacts", CALLS.replace(b"c1", b"c7"), "february.csv")
    assert second.suggestion_source == "remembered"
    assert second.suggested["contact_id"] == "Call Id"
    assert second.suggested["started_at"] == "Opened"
    assert second.suggested["channel"] == "Channel"
    # Unchanged, the suggestion passes no mapping: the importer applies and records its own rule.
    options = build_options(second, dict(second.suggested))
    assert options.mapping == []
    assert commit_upload(con, "contacts", second.upload, options).mapping_source == "remembered"


def test_a_remembered_rename_to_an_extra_name_is_kept_when_the_mapping_changes(con, staged):
    data = b"Account,Band\na1,gold\na2,silver\n"
    load_file(con, "customers", staged("customers", data).upload.path,
              ImportOptions(mapping=[("Account", "customer_id"), ("Band", "tier")]))
    preview = staged("customers", data.replace(b"a1", b"a9"))
    assert preview.suggestion_source == "remembered"
    assert preview.extra_pairs == [("Band", "tier")]
    options = build_options(preview, {"customer_id": "Band"})
    assert ("Band", "tier") in options.mapping
    assert upload.planned_extras(con, "customers", preview.columns, options) == [("Band", "tier"), ("Account", "account")]


def test_build_options_uses_a_value_for_every_row_only_where_no_column_feeds_it(staged):
    preview = staged("outcomes", b"Customer,Revenue,Month\nk1,10,2024-05\n")
    selection = mapped(preview, customer_id="Customer", month=None)
    options = build_options(preview, selection, {"month": " 2024-06 ", "revenue": "99"},
                            ["%d/%m/%Y"], ["NA"], "cp1252")
    assert options.set_values == [("month", "2024-06")]  # revenue is mapped: its value is ignored
    assert (options.date_formats, options.nulls, options.encoding) == (["%d/%m/%Y"], ["NA"], "cp1252")
    assert upload.missing_required("outcomes", selection) == ["month"]
    assert upload.missing_required("outcomes", selection, {"month": "2024-06"}) == []
    assert upload.missing_required("outcomes", selection, {"month": "  "}) == ["month"]


def test_planned_extras_lists_the_file_columns_kept_as_attributes(con, staged):
    preview = staged("contacts", CALLS)
    options = build_options(preview, mapped(preview, **CALLS_MAP))
    assert upload.planned_extras(con, "contacts", preview.columns, options) == [("Tier", "tier")]


def test_parse_lines_keeps_one_trimmed_entry_a_line():
    assert upload.parse_lines(" %d/%m/%Y, %H:%M \n\n NA\n") == ["%d/%m/%Y, %H:%M", "NA"]
    assert upload.parse_lines(None) == []


# --- validation is a real dry run -----------------------------------------------------------------


def test_the_validation_report_is_exactly_what_the_load_then_does(con, staged):
    preview = staged("contacts", CALLS, "calls.csv")
    options = build_options(preview, mapped(preview, **CALLS_MAP))
    report = validate_upload(con, "contacts", preview.upload, options)
    assert (report.rows_loaded, report.rows_rejected) == (2, 2)
    assert count(con, "SELECT count(*) FROM imports") == 0  # the dry run wrote nothing
    assert count(con, "SELECT count(*) FROM contacts") == 0

    result = commit_upload(con, "contacts", preview.upload, options)
    assert (result.rows_loaded, result.rows_rejected) == (report.rows_loaded, report.rows_rejected)
    assert import_rejects(con, result.import_id).to_dict("records") == report.rejects.to_dict("records")
    assert report.rejects.to_dict("records") == [
        {"line": 3, "column": "Opened", "value": "not a date",
         "reason": "started_at: not a date/time in a format this import recognised"},
        {"line": 4, "column": "Call Id", "value": "c1", "reason": "duplicate contact_id: first seen on line 2"},
    ]
    assert result.mapping == report.result.mapping


def test_the_typed_preview_shows_each_target_typed_and_whether_the_row_loads(con, staged):
    preview = staged("contacts", CALLS)
    report = validate_upload(con, "contacts", preview.upload, build_options(preview, mapped(preview, **CALLS_MAP)))
    frame = report.preview
    assert list(frame.columns) == ["line", "would_load", "contact_id", "started_at", "channel", "tier"]
    assert frame["would_load"].tolist() == [True, False, False, True]
    assert str(frame["started_at"][0]) == "2024-01-01 10:00:00"
    assert frame["started_at"].isna().tolist() == [False, True, False, False]
    assert report.types == {"contact_id": "text", "started_at": "date/time", "channel": "text",
                            "tier": "text (extra attribute)"}


def test_rejects_include_every_rejected_row_beyond_the_first_twenty(con, staged):
    rows = "".join(f"r{i},{'11' if i % 2 else '7'}\n" for i in range(60))
    preview = staged("responses", f"response_id,nps\n{rows}".encode())
    options = build_options(preview, dict(preview.suggested))
    report = validate_upload(con, "responses", preview.upload, options)
    assert len(report.result.rejects) == 20
    assert len(report.rejects) == report.rows_rejected == 30
    result = commit_upload(con, "responses", preview.upload, options)
    every = import_rejects(con, result.import_id)
    assert len(every) == 30 and set(every["reason"]) == {"nps must be 0–10"}
    assert safe_csv(every).decode("utf-8-sig").count("\n") == 31


def test_a_file_already_imported_is_reported_and_nothing_more_is_checked(con, staged):
    preview = staged("contacts", CALLS)
    options = build_options(preview, mapped(preview, **CALLS_MAP))
    first = commit_upload(con, "contacts", preview.upload, options)
    report = validate_upload(con, "contacts", preview.upload, options)
    assert report.already_imported == first.import_id
    assert report.rejects.empty and report.rows_loaded == 0


def test_a_mapping_the_importer_refuses_becomes_one_line(con, staged):
    preview = staged("contacts", CALLS)
    with pytest.raises(ImportRefused, match="need a column for started_at"):
        validate_upload(con, "contacts", preview.upload, build_options(preview, dict(preview.suggested)))


def test_an_unknown_encoding_is_refused_with_a_reason(con):
    with pytest.raises(ImportRefused, match="unknown text encoding 'klingon'"):
        stage_upload(con, "contacts", CALLS, "calls.csv", encoding="klingon")


def test_an_excel_upload_is_staged_with_spreadsheet_rows(con, staged):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Customer ID", "Plan"], ["k1", "basic"], ["k2", "pro"]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    preview = staged("customers", buffer.getvalue(), "plans.xls")
    assert preview.upload.file_name == "plans.xlsx"
    assert preview.format == "excel"
    assert preview.suggested == {"customer_id": "Customer ID"}
    assert preview.first_rows["line"].tolist() == [2, 3]
    result = commit_upload(con, "customers", preview.upload, build_options(preview, dict(preview.suggested)))
    assert (result.rows_loaded, result.file_name) == (2, "plans.xlsx")


# --- loading, history, delete --------------------------------------------------------------------


def test_commit_loads_reports_each_step_and_the_history_lists_it(con, staged):
    preview = staged("contacts", CALLS, "calls.csv")
    steps = []
    result = commit_upload(con, "contacts", preview.upload, build_options(preview, mapped(preview, **CALLS_MAP)),
                           on_step=steps.append)
    assert steps == list(upload.STEPS)
    assert count(con, "SELECT count(*) FROM contacts") == 2
    history = import_history(con)
    row = history.to_dict("records")[0]
    assert {k: row[k] for k in ("import_id", "kind", "file_name", "rows_loaded", "rows_rejected", "deleted")} == {
        "import_id": result.import_id, "kind": "contacts", "file_name": "calls.csv",
        "rows_loaded": 2, "rows_rejected": 2, "deleted": False,
    }
    assert not pd.isna(row["imported_at"]) and pd.isna(row["deleted_at"])
    record = upload.import_records(history)[result.import_id]
    assert record.label == f"#{result.import_id} · contacts · calls.csv"


def test_delete_upload_removes_the_rows_and_marks_the_import(con, staged):
    preview = staged("contacts", CALLS)
    result = commit_upload(con, "contacts", preview.upload, build_options(preview, mapped(preview, **CALLS_MAP)))
    assert upload.delete_upload(con, result.import_id) == 2
    assert count(con, "SELECT count(*) FROM contacts") == 0
    assert import_rejects(con, result.import_id).empty
    record = upload.import_records(import_history(con))[result.import_id]
    assert record.deleted and record.label.endswith("(deleted)")
    with pytest.raises(ImportRefused, match="no import"):
        upload.delete_upload(con, result.import_id)


# --- safe names and safe downloads ------------------------------------------------------------------


@pytest.mark.parametrize(
    "formula", ["=SUM(1)", "+1", "-1", "@x", "\tcmd", "\rcmd", '-2+3+cmd|" /C calc"!A0', "=HYPERLINK(\"x\")"]
)
def test_safe_csv_quotes_every_text_cell_a_spreadsheet_would_run(formula):
    text = safe_csv(pd.DataFrame({"line": [7], "value": [formula]})).decode("utf-8-sig")
    cell = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)["value"][0]
    assert cell == "'" + formula


def test_safe_csv_leaves_numbers_plain_text_and_missing_values_alone():
    frame = pd.DataFrame({"line": [-3, 4], "value": ["12 = twelve", None], "score": [-1.5, 2.0]})
    text = safe_csv(frame)
    assert text.startswith(b"\xef\xbb\xbf")  # Excel reads accents only with a BOM
    # A number is written as the tables show it (presentation.figure_text: 2, not 2.0), never quoted.
    assert text.decode("utf-8-sig").splitlines() == ["line,value,score", "-3,12 = twelve,-1.5", "4,,2"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "passwd.csv"),
        ("..\\..\\Windows\\win.ini", "win.csv"),
        ("/etc/cron.d/job.csv", "job.csv"),
        ("a/../b.txt", "b.txt"),
        ("..", "upload.csv"),
        ("", "upload.csv"),
        (None, "upload.csv"),
        ("...hidden.tsv", "hidden.tsv"),
        ("x..y...z.csv", "x.y.z.csv"),
        ("Résumé des appels: mars?.CSV", "Résumé des appels_ mars_.csv"),
        ("nul\x00byte.csv", "nul_byte.csv"),
        ("data.exe", "data.csv"),
    ],
)
def test_an_upload_name_never_becomes_a_path(con, name, expected):
    with upload.store_upload(CALLS, name) as stored:
        assert stored.file_name == expected
        assert stored.path.parent == stored.directory
        assert stored.path.is_file() and [p.name for p in stored.directory.iterdir()] == [expected]
        result = commit_upload(con, "contacts", stored, ImportOptions(mapping=[("Call Id", "contact_id"),
                                                                               ("Opened", "started_at")]))
        assert result.file_name == expected
        assert count(con, "SELECT file_name FROM imports") == expected


@pytest.mark.parametrize(
    "name, fmt, expected",
    [("survey.xlsx", "csv", "survey.csv"), ("survey.csv", "excel", "survey.xlsx"),
     ("survey", "parquet", "survey.parquet"), ("export.TXT", "csv", "export.txt"), ("x" * 300 + ".csv", "csv", "x" * 100 + ".csv")],
)
def test_the_suffix_comes_from_the_detected_format(name, fmt, expected):
    assert upload.safe_file_name(name, fmt) == expected


def test_a_parquet_upload_gets_its_suffix_from_its_content(con, tmp_path, staged):
    source = tmp_path / "teams.parquet"
    con.sql("SELECT 'Support' AS team, '2024-05' AS month, 7.5 AS engagement_score").write_parquet(str(source))
    preview = staged("engagement", source.read_bytes(), "teams.csv")
    assert (preview.format, preview.upload.file_name) == ("parquet", "teams.parquet")
    assert preview.suggested == {"team": "team", "month": "month", "engagement_score": "engagement_score"}


def test_a_file_that_is_no_table_is_refused_and_leaves_no_temp_files(con, tmp_path, monkeypatch):
    monkeypatch.setattr(upload.tempfile, "tempdir", str(tmp_path))
    with pytest.raises(ImportRefused, match="PDF"):
        stage_upload(con, "contacts", b"%PDF-1.7 ...", "calls.csv")
    assert list(tmp_path.glob("cxmetrics-upload-*")) == []


def test_temp_files_go_with_cleanup_or_garbage_collection(con):
    stored = upload.store_upload(io.BytesIO(CALLS), "calls.csv")
    directory = stored.directory
    stored.cleanup()
    stored.cleanup()
    assert not directory.exists()
    preview = stage_upload(con, "contacts", CALLS, "calls.csv")
    directory = preview.upload.directory
    assert directory.exists()
    del preview
    gc.collect()
    assert not directory.exists()


def test_an_invalid_date_format_is_refused_with_one_line_not_a_database_error(con, staged):
    preview = staged("contacts", CALLS)
    options = build_options(preview, mapped(preview, **CALLS_MAP), date_formats=["%Q"])
    with pytest.raises(ImportRefused) as refused:
        validate_upload(con, "contacts", preview.upload, options)
    assert str(refused.value).startswith("date format '%Q' is not a strptime format")
    assert "\n" not in str(refused.value)


def test_the_preview_shows_what_was_guessed_in_the_words_of_the_page(con, staged):
    data = b"Call Id,Date,Time,Satisfaction rating,comment\nID1,1-Jan-21,9:12,5,NA\nID2,13-Jan-21,17:05,0,slow\n"
    preview = staged("responses", data)
    assert preview.suggestion_source == "guessed"
    assert preview.suggested["responded_at"] == "Date+Time" and "Date+Time" in preview.sources
    assert "Date and Time joined into one date and time" in upload.guess_notes(preview)["responded_at"]
    notice = upload.generated_id_notice(preview, dict(preview.suggested))
    assert notice.startswith("The file has no response_id column")
    assert upload.marker_notice(preview) == "Read as missing values: NA in comment."
    report = validate_upload(con, "responses", preview.upload, build_options(preview, dict(preview.suggested)))
    groups = upload.reject_groups_frame(report.result)
    assert groups.values.tolist() == [["csat must be 1–5", 1, "line 3: Satisfaction rating = '0'"]]
    assert "--" not in " ".join([notice, *upload.guess_notes(preview).values(), *groups["reason"]])
