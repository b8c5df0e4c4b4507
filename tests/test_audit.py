"""The audit log: every import and delete names who did it and when, in the same transaction."""

from __future__ import annotations

import getpass

import pytest

from cxmetrics.store import audit
from cxmetrics.ingest import bootstrap, upload
from cxmetrics.ingest.importer import delete_import

from test_cli import assert_clean_failure

CUSTOMERS = "customer_id,tier\nc1,gold\nc2,silver\n"


def log(con):
    return con.execute("SELECT actor, action, import_id, detail FROM audit_log ORDER BY occurred_at, action DESC").fetchall()


def test_an_import_records_who_what_and_when(con, load):
    result = load("customers", "people.csv", CUSTOMERS + "c1,gold\n", actor="ana@example.com")
    entries = audit.entries(con)
    assert len(entries) == 1
    entry = entries[0]
    assert {k: entry[k] for k in ("actor", "action", "import_id")} == {
        "actor": "ana@example.com", "action": "import", "import_id": result.import_id}
    assert entry["detail"] == {"kind": "customers", "file_name": "people.csv", "rows_loaded": 2, "rows_rejected": 1}
    imported_at = con.execute("SELECT imported_at FROM imports").fetchall()[0][0]
    assert entry["at"] == imported_at.isoformat()  # one transaction, one clock reading


def test_a_delete_records_who_and_the_history_shows_both(con, load):
    result = load("customers", "people.csv", CUSTOMERS, actor="ana@example.com")
    delete_import(con, result.import_id, actor="bo (analyst password)")
    assert [(a, b, c) for a, b, c, _ in log(con)] == [
        ("ana@example.com", "import", result.import_id), ("bo (analyst password)", "delete-import", result.import_id)]
    row = upload.import_history(con).to_dict("records")[0]
    assert (row["imported_by"], row["deleted_by"], row["deleted"]) == ("ana@example.com", "bo (analyst password)", True)
    assert audit.entries(con)[0]["detail"] == {"kind": "customers", "rows_deleted": 2}


@pytest.mark.parametrize("text, dry_run", [(CUSTOMERS, True), ("customer_id,tier\n,gold\n", False)])
def test_a_dry_run_or_a_load_of_nothing_leaves_no_entry(con, load, text, dry_run):
    # The second file's only row lacks its id: it is rejected and nothing loads.
    result = load("customers", "people.csv", text, actor="ana", dry_run=dry_run)
    assert result.import_id is None
    assert log(con) == []


def test_when_the_entry_cannot_be_written_the_import_does_not_land(con, load, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        load("customers", "people.csv", CUSTOMERS, actor="ana")
    assert con.execute("SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM imports)").fetchall() == [(0, 0)]


def test_unnamed_callers_are_recorded_as_unattributed_and_the_first_launch_by_name(con, load):
    load("customers", "people.csv", CUSTOMERS)
    assert log(con)[0][0] == audit.UNATTRIBUTED
    bootstrap.load_sample(con)
    actors = {actor for actor, action, _, _ in log(con) if action == "import"}
    assert actors == {audit.UNATTRIBUTED, bootstrap.SAMPLE_ACTOR}


def test_an_unknown_action_is_refused(con):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record(con, "ana", "drop-table", None, {})


def test_upload_passes_the_signed_in_user(con, tmp_path):
    stored = upload.store_upload(CUSTOMERS.encode(), "people.csv")
    preview = upload.preview_upload(con, "customers", stored)
    result = upload.commit_upload(con, "customers", stored, upload.build_options(preview, preview.suggested),
                                  actor="mia@example.com")
    upload.delete_upload(con, result.import_id, actor="ana@example.com")
    assert [(a, b) for a, b, _, _ in log(con)] == [("mia@example.com", "import"), ("ana@example.com", "delete-import")]
    stored.cleanup()


def test_the_command_line_records_the_operating_system_user(run_cli, tmp_path, write_csv):
    me = f"{getpass.getuser()} (command line)"
    assert audit.cli_actor() == me
    code, out, stderr = run_cli("import", "customers", write_csv(tmp_path, "c.csv", CUSTOMERS))
    assert code == 0, stderr
    code, _, stderr = run_cli("delete-import", str(out["import_id"]))
    assert code == 0, stderr
    code, entries, stderr = run_cli("audit")
    assert code == 0, stderr
    assert [(e["actor"], e["action"], e["import_id"]) for e in entries] == [
        (me, "delete-import", out["import_id"]), (me, "import", out["import_id"])]
    code, entries, _ = run_cli("audit", "--limit", "1")
    assert len(entries) == 1
    code, listed, _ = run_cli("imports")
    assert (listed[0]["imported_by"], listed[0]["deleted_by"]) == (me, me)
    code, _, stderr = run_cli("audit", "--limit", "0")
    assert code == 2 and "Traceback" not in stderr


def test_the_cli_falls_back_to_the_uid_without_a_login_name(monkeypatch):
    def nobody():
        raise OSError("no login name")

    monkeypatch.setattr(audit.getpass, "getuser", nobody)
    assert audit.cli_actor().startswith("uid ")


def test_hash_password_reads_a_pipe_and_refuses_an_empty_password(tmp_path):
    import subprocess
    import sys

    from cxmetrics.core.access import verify_password
    from cxmetrics.store.db import PROJECT_ROOT

    def hashed(text):
        return subprocess.run([sys.executable, "-m", "cxmetrics", "hash-password"], input=text, capture_output=True,
                              text=True, cwd=PROJECT_ROOT, timeout=60)

    done = hashed("correct horse\n")
    assert done.returncode == 0, done.stderr
    import json

    assert verify_password("correct horse", json.loads(done.stdout)["hash"])
    empty = hashed("\n")
    assert_clean_failure(empty.returncode, empty.stderr)
