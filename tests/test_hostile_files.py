"""The hostile-file corpus (tests/hostile/) through every way a file gets in: `importer.load_file`,
the command line, and the Data page's upload functions on a locked-down connection.

Each file either loads with every data row accounted for (loaded + rejected = the rows the
file holds), or is refused with one clear line; a file that loads nothing leaves the database
exactly as it was (every table's rows compared before and after).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from cxmetrics import cli
from cxmetrics.engine import drill
from cxmetrics.ingest import upload
from cxmetrics.store.db import connect, lock_down
from cxmetrics.core.exports import safe_csv
from cxmetrics.ingest.importer import ImportOptions, ImportRefused, load_file
from store_content import store_content

HOSTILE = Path(__file__).resolve().parent / "hostile"
sys.path.insert(0, str(HOSTILE))
import make_corpus  # noqa: E402

MANIFEST = {entry["name"]: entry for entry in json.loads((HOSTILE / "manifest.json").read_text("utf-8"))}
ALL_NAMES = [*MANIFEST, *make_corpus.GENERATED]
FORMULA_START = ("=", "+", "-", "@")
# DuckDB's own error classes: a user should never see one of these raw.
RAW_ERROR = re.compile(r"\b(Binder|Parser|Invalid Input|IO|Conversion|Catalog|Internal|Permission|Transaction) Error\b")

BASELINE = {
    "customers": "customer_id,tier\ncu1,gold\ncu2,silver\n",
    "contacts": "contact_id,started_at,customer_id,channel\nbase1,2024-01-02 10:00,cu1,phone\n"
    "base2,2024-01-03 11:00,cu2,chat\n",
    "responses": "response_id,responded_at,customer_id,nps\nbr1,2024-01-04,cu1,9\n",
}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict[str, tuple[dict, Path]]:
    """name -> (manifest entry, path): the committed files and the big ones built for this run."""
    generated = tmp_path_factory.mktemp("hostile_generated")
    found = {name: (entry, HOSTILE / "files" / name) for name, entry in MANIFEST.items()}
    for entry in make_corpus.generated_cases(generated):
        found[entry["name"]] = (entry, generated / entry["name"])
    return found


@pytest.fixture(scope="module")
def baseline_store(tmp_path_factory) -> Path:
    """A database holding a small baseline import of customers, contacts and responses, built once."""
    folder = tmp_path_factory.mktemp("hostile_baseline")
    path = folder / "hostile.duckdb"
    con = connect(path)
    try:
        for kind, text in BASELINE.items():
            source = folder / f"baseline_{kind}.csv"
            source.write_text(text, encoding="utf-8")
            assert load_file(con, kind, source, ImportOptions()).rows_loaded > 0
        con.execute("CHECKPOINT")  # all of it in the file, so a copy is the whole store
    finally:
        con.close()
    return path


@pytest.fixture
def store(baseline_store, tmp_path):
    """(path, connection) of this test's own copy of the baseline store."""
    path = tmp_path / "hostile.duckdb"
    shutil.copyfile(baseline_store, path)
    con = connect(path)
    yield path, con
    con.close()


def assert_one_line(message: str, expected: str | None) -> None:
    assert message and "\n" not in message.strip(), message
    assert "Traceback" not in message and not RAW_ERROR.search(message), message
    if expected:
        assert expected.lower() in message.lower(), message


def assert_loaded_counts(con, entry: dict, import_id: int | None, loaded: int, rejected: int, reasons: list[str]):
    """The file's rows are all accounted for, and the import's rows are in the store as reported."""
    if entry["data_rows"] is not None:
        assert loaded + rejected == entry["data_rows"]
    if entry["outcome"] == "nothing":
        assert loaded == 0 and import_id is None
        return
    assert import_id is not None
    if entry["loaded"] is not None:
        assert loaded == entry["loaded"]
    if entry["reason"]:
        assert any(entry["reason"] in r for r in reasons), reasons
    kind = entry["kind"]
    of_import = duckdb.ColumnExpression("import_id") == duckdb.ConstantExpression(import_id)
    stored = con.table(kind).filter(of_import).aggregate("count(*)").fetchall()[0][0]
    lines = con.execute(
        "SELECT count(DISTINCT line) FROM import_rejects WHERE import_id = $i", {"i": import_id}
    ).fetchall()[0][0]
    record = con.execute(
        "SELECT rows_loaded, rows_rejected FROM imports WHERE import_id = $i", {"i": import_id}
    ).fetchall()[0]
    assert (stored, lines) == (loaded, rejected) == tuple(record)


def test_the_committed_corpus_is_what_make_corpus_writes(tmp_path):
    entries = make_corpus.write_corpus(tmp_path / "files", tmp_path / "manifest.json")
    assert (tmp_path / "manifest.json").read_text("utf-8") == (HOSTILE / "manifest.json").read_text("utf-8")
    for entry in entries:
        assert (tmp_path / "files" / entry["name"]).read_bytes() == (HOSTILE / "files" / entry["name"]).read_bytes()
    committed = sorted(p.name for p in (HOSTILE / "files").iterdir())
    assert committed == sorted(e["name"] for e in entries)
    assert sum(p.stat().st_size for p in (HOSTILE / "files").iterdir()) < 1 << 20


def test_the_corpus_covers_every_kind_of_trouble_the_issue_names():
    names = set(ALL_NAMES)
    for needed in ("empty.csv", "header_only.csv", "png_renamed.csv", "xlsx_renamed.csv", "cp1252.csv",
                   "mixed_utf8_and_cp1252.csv", "comma.csv", "semicolon.csv", "tab.tsv", "pipe.csv",
                   "utf8_bom.csv", "utf16le_bom.csv", "utf16be_bom.csv", "quoted_newlines.csv", "ragged_rows.csv",
                   "duplicate_ids.csv", "unreadable_dates_numbers.csv", "out_of_range_scores.csv",
                   "huge_field.csv", "wide_2000_columns.csv", "formula_values.csv", "sql_values.csv",
                   "hostile_column_names.csv"):
        assert needed in names


@pytest.mark.parametrize("name", ALL_NAMES)
def test_load_file_accounts_for_every_row_or_refuses_in_one_line(store, corpus, name):
    _, con = store
    entry, path = corpus[name]
    before = store_content(con)
    options = ImportOptions(**{"force": True, **entry["options"]})  # the load guard has its own tests
    if entry["outcome"] == "refused":
        with pytest.raises(ImportRefused) as refused:
            load_file(con, entry["kind"], path, options)
        assert_one_line(str(refused.value), entry["reason"])
        assert store_content(con) == before
        return
    result = load_file(con, entry["kind"], path, options)
    reasons = [r["reason"] for r in result.rejects]
    assert_loaded_counts(con, entry, result.import_id, result.rows_loaded, result.rows_rejected, reasons)
    if entry["outcome"] == "nothing":
        assert store_content(con) == before


def _cli_args(entry: dict, path: Path) -> list[str]:
    args = ["import", entry["kind"], str(path), "--force"]  # the load guard has its own tests
    if entry["options"].get("encoding"):
        args += ["--encoding", entry["options"]["encoding"]]
    return args


@pytest.mark.parametrize("name", ALL_NAMES)
def test_the_command_line_accounts_for_every_row_or_exits_2_with_one_line(store, corpus, name, capsys):
    db, con = store
    entry, path = corpus[name]
    before = store_content(con)
    con.close()  # the command opens the file itself, as it would from a shell
    code = cli.main([*_cli_args(entry, path), "--db", str(db)])
    out, err = capsys.readouterr()
    after = connect(db)
    try:
        if entry["outcome"] in ("refused", "nothing"):
            assert code == 2
            assert_one_line(err, entry["reason"] if entry["outcome"] == "refused" else "no row could be loaded")
            assert store_content(after) == before
            return
        assert code == 0 and err == ""
        printed = json.loads(out)
        reasons = [r["reason"] for r in printed["rejects"]]
        assert_loaded_counts(after, entry, printed["import_id"], printed["rows_loaded"], printed["rows_rejected"], reasons)
    finally:
        after.close()


@pytest.mark.parametrize("name", ["empty.csv", "png_renamed.csv", "unclosed_quote.csv", "utf8_declared_utf16.csv",
                                  "header_only.csv", "html_page.csv"])
def test_a_real_command_line_process_prints_no_traceback(run_cli_process, cli_db, corpus, name):
    entry, path = corpus[name]
    code, out, stderr = run_cli_process(*_cli_args(entry, path))  # adds --db
    assert code == 2
    assert_one_line(stderr, entry["reason"])


@pytest.mark.parametrize("name", ALL_NAMES)
def test_the_upload_page_path_accounts_for_every_row_or_refuses_in_one_line(store, corpus, name):
    _, con = store
    lock_down(con, [upload.upload_root()])  # as the dashboard's connection is
    entry, path = corpus[name]
    before = store_content(con)
    options = ImportOptions(**entry["options"])
    try:
        with open(path, "rb") as fh:
            preview = upload.stage_upload(con, entry["kind"], fh, name, entry["options"].get("encoding"))
        report = upload.validate_upload(con, entry["kind"], preview.upload, upload.build_options(
            preview, preview.suggested, encoding=options.encoding))
    except ImportRefused as refused:
        assert entry["outcome"] == "refused", str(refused)
        assert_one_line(str(refused), entry["reason"])
        assert store_content(con) == before
        return
    assert entry["outcome"] != "refused"
    assert store_content(con) == before  # checking writes nothing
    if entry["data_rows"] is not None:
        assert report.rows_loaded + report.rows_rejected == entry["data_rows"]
        assert len(set(report.rejects["line"])) == report.rows_rejected
    result = upload.commit_upload(con, entry["kind"], preview.upload, report_options(preview, options))
    preview.upload.cleanup()
    assert (result.rows_loaded, result.rows_rejected) == (report.rows_loaded, report.rows_rejected)
    reasons = [r["reason"] for r in result.rejects]
    assert_loaded_counts(con, entry, result.import_id, result.rows_loaded, result.rows_rejected, reasons)
    if entry["outcome"] == "nothing":
        assert store_content(con) == before


def report_options(preview, options: ImportOptions) -> ImportOptions:
    # force: the page's confirm step (a load that rejects most rows asks first) has its own tests
    return upload.build_options(preview, preview.suggested, encoding=options.encoding, force=True)


# --------------------------------------------------------------------------- safe exports


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_formulas_from_a_hostile_file_come_out_neutralised_in_the_rejects_download(store, corpus):
    _, con = store
    lock_down(con, [upload.upload_root()])
    entry, path = corpus["formula_rejects.csv"]
    preview = upload.stage_upload(con, entry["kind"], path.read_bytes(), path.name)
    report = upload.validate_upload(con, entry["kind"], preview.upload, upload.build_options(preview, preview.suggested))
    result = upload.commit_upload(con, entry["kind"], preview.upload, upload.build_options(preview, preview.suggested, force=True))  # confirmed: most rows are rejects
    for frame in (report.rejects, upload.import_rejects(con, result.import_id)):
        rows = _cells(safe_csv(frame))
        values = [row[rows[0].index("value")] for row in rows[1:]]
        assert len(values) == len(make_corpus.FORMULAS)
        # Every formula the file held comes out behind an apostrophe, so a spreadsheet shows it as text.
        assert sorted(values) == sorted("'" + f for f in make_corpus.FORMULAS)
        assert not any(cell.startswith(FORMULA_START) for row in rows for cell in row)


def test_formulas_loaded_as_values_come_out_neutralised_in_the_drill_through_csv(store, corpus):
    _, con = store
    entry, path = corpus["formula_values.csv"]
    result = load_file(con, entry["kind"], path, ImportOptions())
    assert result.rows_loaded == len(make_corpus.FORMULAS)
    lock_down(con, [upload.upload_root()])  # the drill-through runs on the dashboard's connection
    frame = drill.rows_behind(con, "contacts")
    stored = set(frame["channel"])
    assert set(make_corpus.FORMULAS) <= stored  # the values are kept as the file had them…
    rows = _cells(safe_csv(frame))
    channel = rows[0].index("channel")
    shown = {row[channel] for row in rows[1:]}
    assert {"'" + f for f in make_corpus.FORMULAS} <= shown  # …and neutralised only in the download
    assert not any(cell.startswith(FORMULA_START) for row in rows for cell in row)
