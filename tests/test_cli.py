"""Tests for `python -m cxmetrics`, the way an analyst scripts it.

`run_cli(*args)` (conftest) appends `--db <tmp>/cli.duckdb`, runs the command in-process and returns
(returncode, stdout parsed as JSON or None, stderr). The tests under "the real process" run
`python -m cxmetrics` as a process of its own (`run_cli_process`): its exit code, its streams and
its environment, which the in-process runs take on trust.
"""

from __future__ import annotations

import shutil

import pytest

from cxmetrics.store.db import connect

METRIC_KEYS = {
    "nps", "nps_moe", "nps_n", "csat", "csat_low", "csat_high", "csat_n", "ces", "ces_n",
    "survey_fcr", "survey_fcr_n", "contacts", "repeat_rate", "fcr", "fcr_n",
}
OUTCOME_KEYS = {"customers", "churn_rate", "revenue", "revenue_per_customer"}

CONTACTS = (
    "contact_id,started_at,customer_id,contact_reason,channel\n"
    "k1,2024-01-01 10:00,c1,billing,phone\n"
    "k2,2024-01-03 10:00,c1,billing,chat\n"
    "k3,2024-01-20,c2,,phone\n"
)
RESPONSES = (
    "response_id,responded_at,customer_id,contact_id,nps,csat,ces,resolved_answer\n"
    "r1,2024-01-01,c1,k1,10,5,2,yes\n"
    "r2,2024-01-04,c1,k2,3,2,6,no\n"
    "r3,2024-01-21,c2,k3,bad,,,\n"
)
CUSTOMERS = "customer_id,tier\nc1,gold\nc2,silver\n"
OUTCOMES = "customer_id,month,revenue,churned\nc1,2024-01,10,no\nc2,2024-01,5,yes\nc2,2024-02,3,no\n"


def assert_clean_failure(code, stderr):
    """Exit 2 with exactly one non-empty line on stderr and no traceback."""
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), stderr


def imports_in(db):
    """The (import_id, kind, rows_loaded, deleted) rows of a database file, read in-process; [] if none."""
    if not db.exists():
        return []
    con = connect(db, read_only=True)
    try:
        return con.execute(
            "SELECT import_id, kind, rows_loaded, deleted_at IS NOT NULL FROM imports ORDER BY import_id"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture
def files(tmp_path, write_csv):
    return {
        "contacts": write_csv(tmp_path, "contacts.csv", CONTACTS),
        "responses": write_csv(tmp_path, "responses.csv", RESPONSES),
        "customers": write_csv(tmp_path, "customers.csv", CUSTOMERS),
        "outcomes": write_csv(tmp_path, "outcomes.csv", OUTCOMES),
    }


@pytest.fixture(scope="module")
def loaded_template(tmp_path_factory, cxmetrics_cli):
    """A database with the four files loaded through the command line, built once per module."""
    workdir = tmp_path_factory.mktemp("loaded")
    db = workdir / "template.duckdb"
    for kind, text in (("customers", CUSTOMERS), ("contacts", CONTACTS), ("responses", RESPONSES), ("outcomes", OUTCOMES)):
        path = workdir / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        code, _, stderr = cxmetrics_cli(["import", kind, path], db, workdir)
        assert code == 0, stderr
    assert not db.with_name(db.name + ".wal").exists()
    return db


@pytest.fixture
def loaded(loaded_template, cli_db, files):
    """The test's --db holds customers (import 1), contacts (2), responses (3) and outcomes (4)."""
    shutil.copyfile(loaded_template, cli_db)
    return files


# =========================================================================== import

def test_import_prints_the_result_object(run_cli, files):
    code, out, stderr = run_cli("import", "responses", files["responses"])
    assert code == 0 and stderr == ""
    assert {"import_id", "kind", "rows_loaded", "rows_rejected", "rejects"} <= set(out)
    assert (out["import_id"], out["kind"], out["rows_loaded"], out["rows_rejected"]) == (1, "responses", 2, 1)
    assert out["rejects"] == [{"line": 4, "column": "nps", "value": "bad", "reason": "nps: not a whole number"}]


def test_import_shows_at_most_20_rejects_in_line_order(run_cli, tmp_path, write_csv):
    lines = ["response_id,nps"] + [f"bad{i},{11 + i}" for i in range(25)] + ["good,9"]
    path = write_csv(tmp_path, "r.csv", "\n".join(lines) + "\n")
    code, out, stderr = run_cli("import", "responses", path, "--force")  # most rows rejected: asks first
    assert code == 0, stderr
    assert (out["rows_loaded"], out["rows_rejected"]) == (1, 25)
    assert len(out["rejects"]) == 20
    assert [r["line"] for r in out["rejects"]] == list(range(2, 22))
    for reject in out["rejects"]:
        assert set(reject) == {"line", "column", "value", "reason"}
        assert reject["reason"] == "nps must be 0–10"


def test_import_options_reach_the_importer(run_cli, tmp_path, write_csv):
    path = write_csv(
        tmp_path, "o.csv",
        "Kunde;Umsatz;Gekündigt\nc1;10,5;vielleicht\nc2;NA;y\nc3;-;n\n".encode("cp1252"),
    )
    code, out, stderr = run_cli(
        "import", "outcomes", path, "--map", "Kunde=customer_id", "--map", "Umsatz=revenue",
        "--map", "Gekündigt=churned", "--set", "month=2024-03", "--null", "NA", "--null", "-",
        "--encoding", "cp1252",
    )
    # "vielleicht" (maybe) is no yes or no: that row is rejected, the other two load.
    assert code == 0, stderr
    assert (out["rows_loaded"], out["rows_rejected"], out["delimiter"]) == (2, 1, ";")
    assert out["rejects"][0]["column"] == "Gekündigt" and out["rejects"][0]["line"] == 2
    assert out["mapping"]["month"] == "=2024-03"
    code, out, stderr = run_cli("outcomes")
    assert code == 0, stderr
    assert out["overall"]["customers"] == 2
    # both loaded rows' revenue was a missing-value marker: no revenue loaded, null rather than 0
    assert out["overall"]["revenue"] is None
    assert out["overall"]["churn_rate"] == 50.0


def test_import_date_format_option(run_cli, tmp_path, write_csv):
    rows = "".join(f"k{d},{d:02d}-Mar-24\n" for d in range(1, 11))
    path = write_csv(tmp_path, "c.csv", "contact_id,started_at\n" + rows + "k11,11-Mar-24 or so\n")
    code, out, stderr = run_cli("import", "contacts", path, "--dry-run")  # the format is guessed
    assert code == 0 and (out["rows_loaded"], out["rows_rejected"]) == (10, 1), stderr
    assert out["guesses"]["columns"]["started_at"]["date_formats"] == ["%d-%b-%y"]
    code, out, stderr = run_cli("import", "contacts", path, "--date-format", "%d-%b-%y or so")
    assert code == 0 and out["rows_loaded"] == 11, stderr


def test_dry_run_reports_and_writes_nothing(run_cli, cli_db, files):
    code, out, stderr = run_cli("import", "responses", files["responses"], "--dry-run")
    assert code == 0, stderr
    assert (out["import_id"], out["dry_run"], out["rows_loaded"], out["rows_rejected"]) == (None, True, 2, 1)
    assert imports_in(cli_db) == []
    code, out, stderr = run_cli("import", "responses", files["responses"])
    assert code == 0 and out["import_id"] is not None and out["rows_loaded"] == 2


def test_import_with_some_rejects_exits_0(run_cli, tmp_path, write_csv):
    path = write_csv(tmp_path, "c.csv", "customer_id\nc1\nc1\n")
    code, out, stderr = run_cli("import", "customers", path)
    assert code == 0 and stderr == ""
    assert (out["rows_loaded"], out["rows_rejected"]) == (1, 1)


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("bad.csv", "response_id,nps\nr1,11\nr2,x\n", "no row could be loaded: 2 rows rejected (line 2: nps must be 0–10)"),
        ("header.csv", "response_id,nps\n", "no row could be loaded: 0 rows rejected"),
        ("empty.csv", b"", "the file is empty"),
        ("garbage.csv", bytes(range(256)) * 4, "binary data"),
    ],
    ids=["all-rejected", "header-only", "empty", "binary"],
)
def test_nothing_loaded_exits_2_with_one_line(run_cli, cli_db, tmp_path, write_csv, name, data, expected):
    path = write_csv(tmp_path, name, data)
    code, out, stderr = run_cli("import", "responses", path)
    assert_clean_failure(code, stderr)
    assert expected in stderr
    assert imports_in(cli_db) == []


def test_already_imported_exits_2_and_says_so(run_cli, files):
    code, first, _ = run_cli("import", "customers", files["customers"])
    assert code == 0
    code, out, stderr = run_cli("import", "customers", files["customers"])
    assert_clean_failure(code, stderr)
    assert f"already imported as import #{first['import_id']}" in stderr
    assert out["rows_loaded"] == 0 and out["already_imported"] == first["import_id"]


@pytest.mark.parametrize(
    "args, expected",
    [
        (["import", "customers", "missing.csv"], "no such file"),
        (["import", "customers", "{customers}", "--map", "nonsense"], "--map 'nonsense' is not of the form NAME=VALUE"),
        (["import", "customers", "{customers}", "--map", "=customer_id"], "is not of the form NAME=VALUE"),
        (["import", "customers", "{customers}", "--set", "tier"], "--set 'tier' is not of the form NAME=VALUE"),
        (["import", "customers", "{customers}", "--map", "Nope=customer_id"], "the file has no column 'Nope'"),
        (["import", "customers", "{customers}", "--encoding", "klingon"], "unknown text encoding 'klingon'"),
        (["import", "customers", "{customers}", "--map", "tier=import_id"], "'import_id' cannot be a column name"),
        (["import", "outcomes", "{customers}"], "outcomes need a column for month"),
        (["delete-import", "42"], "there is no import #42 to delete"),
        (["metrics", "--from", "2024-02-01", "--to", "2024-01-01"], "--from is after --to"),
    ],
)
def test_user_errors_exit_2_with_one_line(run_cli, files, args, expected):
    args = [a.format(**files) for a in args]
    code, _, stderr = run_cli(*args)
    assert_clean_failure(code, stderr)
    assert expected in stderr


@pytest.mark.parametrize(
    "args",
    [
        ["import", "clients", "x.csv"],                  # unknown kind
        ["import", "customers"],                         # no file
        ["metrics", "--window", "0"],
        ["metrics", "--from", "yesterday"],
        ["frobnicate"],
    ],
)
def test_argparse_errors_exit_2_without_traceback(run_cli, args):
    code, out, stderr = run_cli(*args)
    assert code == 2 and out is None
    assert "Traceback" not in stderr
    assert "error:" in stderr


def test_an_invalid_date_format_exits_2_with_one_line(run_cli, cli_db, tmp_path, write_csv):
    path = write_csv(tmp_path, "c.csv", "contact_id,started_at\nk1,2024-01-01\n")
    code, _, stderr = run_cli("import", "contacts", path, "--date-format", "%Q")
    assert_clean_failure(code, stderr)
    assert "%Q" in stderr
    assert imports_in(cli_db) == []


# =========================================================================== the real process

def test_the_real_process_imports_and_prints_the_result_as_json(run_cli_process, cli_db, files):
    code, out, stderr = run_cli_process("import", "customers", files["customers"])
    assert (code, stderr) == (0, "")
    assert (out["kind"], out["rows_loaded"], out["rows_rejected"]) == ("customers", 2, 0)
    assert imports_in(cli_db) == [(1, "customers", 2, False)]


@pytest.mark.parametrize("args", [["import", "clients", "x.csv"], ["delete-import", "42"]], ids=["usage", "refused"])
def test_the_real_process_exits_2_with_one_line_and_no_traceback(run_cli_process, args):
    code, out, stderr = run_cli_process(*args)
    assert out is None
    if args[0] == "import":  # argparse's usage error: its usage lines, then the error
        assert code == 2 and "Traceback" not in stderr and "error:" in stderr
    else:
        assert_clean_failure(code, stderr)


# =========================================================================== --db and CXMETRICS_DB

def test_db_option_and_environment_are_honoured(run_cli_process, tmp_path, files):
    run_cli = run_cli_process  # the environment a real process inherits
    by_env = tmp_path / "by-env.duckdb"
    by_option = tmp_path / "by-option.duckdb"
    code, out, stderr = run_cli("import", "customers", files["customers"], db=False, env={"CXMETRICS_DB": str(by_env)})
    assert code == 0, stderr
    assert by_env.exists() and not by_option.exists()

    # --db wins over the environment.
    code, out, stderr = run_cli("import", "contacts", files["contacts"], db=by_option, env={"CXMETRICS_DB": str(by_env)})
    assert code == 0, stderr
    assert by_option.exists()

    assert imports_in(by_env) == [(1, "customers", 2, False)]
    assert imports_in(by_option) == [(1, "contacts", 3, False)]
    # A read-only command follows the environment too.
    code, out, _ = run_cli("metrics", db=False, env={"CXMETRICS_DB": str(by_option)})
    assert out["overall"]["contacts"] == 3


def test_delete_import_and_imports(run_cli, cli_db, loaded):
    code, listed, _ = run_cli("imports")
    assert code == 0
    assert [(i["import_id"], i["kind"]) for i in listed] == [(4, "outcomes"), (3, "responses"), (2, "contacts"), (1, "customers")]
    code, out, stderr = run_cli("delete-import", "2")
    assert code == 0, stderr
    assert out == {"import_id": 2, "rows_deleted": 3}
    assert imports_in(cli_db) == [
        (1, "customers", 2, False), (2, "contacts", 3, True), (3, "responses", 2, False), (4, "outcomes", 3, False)
    ]
    code, _, stderr = run_cli("delete-import", "2")
    assert_clean_failure(code, stderr)
    # The file can be loaded again once its import is deleted.
    code, out, stderr = run_cli("import", "contacts", loaded["contacts"])
    assert code == 0 and out["rows_loaded"] == 3, stderr


# =========================================================================== metrics and outcomes

def test_metrics_shape_and_values(run_cli, loaded):
    code, out, stderr = run_cli("metrics")
    assert code == 0, stderr
    assert set(out) == {"overall", "groups"}
    overall = out["overall"]
    assert METRIC_KEYS <= set(overall)
    assert out["groups"] == []
    # Hand-computed: one promoter (10) and one detractor (3); k2 repeats k1 within 7 days;
    # k3 started less than 7 days before the latest contact, so it is censored.
    assert (overall["nps_n"], overall["nps"]) == (2, 0.0)
    assert (overall["csat_n"], overall["csat"]) == (2, 50.0)
    assert (overall["ces_n"], overall["ces"]) == (2, 4.0)
    assert (overall["survey_fcr_n"], overall["survey_fcr"]) == (2, 50.0)
    assert overall["contacts"] == 3
    assert overall["repeat_rate"] == pytest.approx(100 / 3)
    assert (overall["fcr_n"], overall["fcr"]) == (2, 50.0)


@pytest.mark.parametrize("by", ["tier", "contact_reason", "channel"])
def test_metrics_by_a_dimension(run_cli, loaded, by):
    code, out, stderr = run_cli("metrics", "--by", by)
    assert code == 0, stderr
    assert METRIC_KEYS <= set(out["overall"])
    assert out["groups"], out
    for group in out["groups"]:
        assert METRIC_KEYS | {by} <= set(group)
        assert group[by] is not None
    if by == "tier":
        assert {g["tier"]: g["contacts"] for g in out["groups"]} == {"gold": 2, "silver": 1}
    if by == "contact_reason":
        # k3 has no reason: it is left out of the groups.
        assert [(g["contact_reason"], g["contacts"]) for g in out["groups"]] == [("billing", 2)]


def test_gaps_print_each_values_gap_to_the_rest(run_cli, loaded, cli_db):
    code, out, stderr = run_cli("gaps", "--by", "tier", "--metric", "repeat_rate")
    assert code == 0, stderr
    # Hand-computed: gold's contacts k1, k2 (k2 repeats k1 within 7 days): 50 %; silver's k3: 0 %.
    by_tier = {row["tier"]: row for row in out}
    assert set(by_tier) == {"gold", "silver"}
    assert (by_tier["gold"]["value"], by_tier["gold"]["n"], by_tier["gold"]["rest_value"]) == (50.0, 2, 0.0)
    assert by_tier["gold"]["gap"] == pytest.approx(50.0) and by_tier["silver"]["gap"] == pytest.approx(-50.0)
    assert by_tier["gold"]["too_few"] and by_tier["gold"]["p_value"] is None  # under 30: shown, not tested
    assert out == _engine_records(cli_db, "segment_gaps", "repeat_rate", "tier")


def test_drivers_print_the_share_and_impact_of_each_value(run_cli, loaded, cli_db):
    code, out, stderr = run_cli("drivers", "--by", "contact_reason")
    assert code == 0, stderr
    # r1 (NPS 10) and r2 (NPS 3) are both about billing contacts: billing is everyone (share 100 %).
    assert [(row["contact_reason"], row["share"], row["n"], row["value"]) for row in out] == [("billing", 100.0, 2, 0.0)]
    assert out == _engine_records(cli_db, "driver_impact", "nps", "contact_reason")


@pytest.mark.parametrize("command", ["gaps", "drivers"])
def test_gaps_and_drivers_refuse_an_unknown_metric_or_column(run_cli, loaded, command):
    code, out, stderr = run_cli(command, "--by", "tier", "--metric", "happiness")
    assert_clean_failure(code, stderr)
    assert "happiness" in stderr
    code, out, stderr = run_cli(command, "--by", "shoe_size")
    assert_clean_failure(code, stderr)
    assert "shoe_size" in stderr


def _engine_records(db, function: str, metric: str, by: str) -> list[dict]:
    """The same frame computed in-process, as the command line prints it (JSON records)."""
    import json

    from cxmetrics.engine import segments

    con = connect(db, read_only=True)
    try:
        return json.loads(getattr(segments, function)(con, metric, by).to_json(orient="records"))
    finally:
        con.close()


def test_metrics_on_an_empty_store(run_cli):
    code, out, stderr = run_cli("metrics")
    assert code == 0, stderr
    assert METRIC_KEYS <= set(out["overall"])
    assert out["overall"]["contacts"] == 0 and out["overall"]["nps"] is None


def test_metrics_by_an_unknown_dimension_exits_2(run_cli, loaded):
    code, out, stderr = run_cli("metrics", "--by", "shoe_size")
    assert_clean_failure(code, stderr)
    assert "shoe_size" in stderr


def test_outcomes_shape(run_cli, loaded):
    code, out, stderr = run_cli("outcomes")
    assert code == 0, stderr
    assert set(out) == {"overall", "groups"}
    assert OUTCOME_KEYS <= set(out["overall"])
    # c2 churned in January: one of two customers; revenue 10 + 5 + 3.
    assert out["overall"]["customers"] == 2
    assert out["overall"]["churn_rate"] == 50.0
    assert out["overall"]["revenue"] == 18.0
    assert out["overall"]["revenue_per_customer"] == 9.0
    code, out, stderr = run_cli("outcomes", "--by", "tier")
    assert code == 0, stderr
    for group in out["groups"]:
        assert OUTCOME_KEYS | {"tier"} <= set(group)
    assert {g["tier"]: (g["customers"], g["churn_rate"], g["revenue"]) for g in out["groups"]} == {
        "gold": (1, 0.0, 10.0), "silver": (1, 100.0, 8.0)
    }


def test_outcomes_by_an_unknown_dimension_exits_2(run_cli, loaded):
    code, _, stderr = run_cli("outcomes", "--by", "shoe_size")
    assert_clean_failure(code, stderr)


# =========================================================================== sample

def test_sample_writes_five_csvs(run_cli, tmp_path):
    out_dir = tmp_path / "sample out"
    code, out, stderr = run_cli("sample", "--out", out_dir, "--customers", "40", "--seed", "3")
    assert code == 0, stderr
    names = {"customers", "contacts", "responses", "outcomes", "engagement"}
    assert set(out) == names
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(f"{n}.csv" for n in names)
    for name in names:
        text = (out_dir / f"{name}.csv").read_text(encoding="utf-8")
        assert text.count("\n") >= 2, name
    # The sample loads through the command line like any analyst's file.
    for kind in ("customers", "contacts", "responses", "outcomes", "engagement"):
        code, result, stderr = run_cli("import", kind, out_dir / f"{kind}.csv")
        assert code == 0, (kind, stderr)
        assert result["rows_loaded"] > 0
