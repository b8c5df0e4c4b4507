"""The benchmark harness works end to end at a tiny scale, and its pandas yardstick computes the same
figures as the engine. No timing is asserted: shared machines are too noisy for that."""

from __future__ import annotations

import json
import os
from datetime import datetime

import pandas as pd
import pytest

from benchmarks import default_path, generate, import_floor, pandas_overview, rollup_pay, run
from cxmetrics.engine import contact_paths
from cxmetrics import rollups
from cxmetrics.store.db import connect, default_memory_limit
from cxmetrics.store.dimensions import Filters

TINY = 0.0002  # 2,000 contacts, 400 responses, 200 customers
LIMIT_AROUND_RUN: dict[str, str | None] = {}  # $CXMETRICS_MEMORY_LIMIT before and after tiny_run


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """Return (figures, report text, data directory) of one benchmark run at the tiny scale."""
    base = tmp_path_factory.mktemp("bench")
    data, report = base / "data", base / "performance.md"
    generate.main(["--out", str(data), "--scale", str(TINY), "--seed", "7"])
    LIMIT_AROUND_RUN["before"] = os.environ.get("CXMETRICS_MEMORY_LIMIT")
    figures = run.main(["--data", str(data), "--scale", str(TINY), "--seed", "7", "--report", str(report)])
    LIMIT_AROUND_RUN["after"] = os.environ.get("CXMETRICS_MEMORY_LIMIT")
    return figures, report.read_text(encoding="utf-8"), data


def test_generator_writes_the_sample_columns_and_the_asked_row_counts(tiny_run):
    _, _, data = tiny_run
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["contacts"], manifest["responses"], manifest["customers"]) == (2000, 400, 200)
    for kind in generate.KINDS:
        sample = pd.read_csv(run.PROJECT_ROOT / "sample_data" / f"{kind}.csv", nrows=1)
        written = pd.read_csv(data / f"{kind}.csv", dtype=str)
        assert list(written.columns) == list(sample.columns), kind
        if kind in manifest:
            assert len(written) == manifest[kind]


def test_generated_data_has_the_shape_the_pages_need(tiny_run):
    _, _, data = tiny_run
    contacts = pd.read_csv(data / "contacts.csv", dtype=str)
    responses = pd.read_csv(data / "responses.csv", dtype=str)
    assert contacts["channel"].nunique() >= 4
    assert contacts["contact_reason"].nunique() >= 8
    per_customer = contacts["customer_id"].value_counts()
    assert per_customer.max() > 1 and (per_customer > 1).sum() > 100  # customers come back: repeats exist
    outcome_months = pd.read_csv(data / "outcomes.csv", dtype=str)["month"].unique()
    assert len(outcome_months) == 12
    # A response about a contact belongs to that contact's customer and comes after it.
    joined = responses.dropna(subset=["contact_id"]).merge(contacts, on="contact_id", suffixes=("", "_contact"))
    assert len(joined) == responses["contact_id"].notna().sum()
    assert (joined["customer_id"].fillna("") == joined["customer_id_contact"].fillna("")).all()
    assert (pd.to_datetime(joined["responded_at"]) >= pd.to_datetime(joined["started_at"])).all()


def test_generator_is_repeatable_with_a_seed(tmp_path):
    generate.generate(tmp_path / "a", 0.0001, seed=3)
    generate.generate(tmp_path / "b", 0.0001, seed=3)
    generate.generate(tmp_path / "c", 0.0001, seed=4)
    a, b, c = ((tmp_path / d / "contacts.csv").read_bytes() for d in "abc")
    assert a == b and a != c


def test_every_file_loads_without_rejects(tiny_run):
    figures, _, _ = tiny_run
    tables = figures["import"]["tables"]
    assert [tables[k]["rejected"] for k in generate.KINDS] == [0, 0, 0, 0]
    assert tables["contacts"]["rows"] == 2000 and tables["customers"]["rows"] == 200


def test_report_has_every_section_and_the_machine(tiny_run):
    figures, text, _ = tiny_run
    for section in run.SECTIONS:
        assert section in text
    assert f"| CPUs | {figures['machine']['cpus']} |" in text
    assert f"| DuckDB | {figures['machine']['duckdb']} |" in text
    assert "2,000 contacts" in text
    for page in run.PAGES:
        assert f"| {page.title} |" in text
    assert "| figures equal (to 1e-9) | yes |" in text
    assert "The command: `python benchmarks/run.py --data " in text  # how to get these figures again


def test_the_floor_under_each_import_is_measured_and_reported(tiny_run):
    figures, text, _ = tiny_run
    floor = figures["floor"]
    assert set(floor) == set(generate.KINDS)
    for kind in generate.KINDS:
        assert all(floor[kind][part] > 0 for part in ("text read", "key groups", "one write"))
        # Typing is a difference of two passes (cleaning and typing, less reading as is): at 2,000
        # rows on a busy machine the second pass can take longer, and the part is then 0.
        assert floor[kind]["typing"] >= 0
        assert (floor[kind]["derived facts"] > 0) == (kind == "contacts")  # only contacts have derived facts
    assert "### The floor under the ratio" in text
    row = next(line for line in text.splitlines() if line.startswith("| contacts |") and "floor" not in line
               and line.count("|") == len(import_floor.PARTS) + 5)
    assert f"{sum(floor['contacts'].values()) / figures['bare']['contacts']:.1f}×" in row


def test_the_floor_leaves_the_bare_database_as_it_found_it(tmp_path):
    # measure_floor runs the importer's own statements over the bare table: their temp tables and
    # its copy must be gone afterwards, and the bare table untouched.
    data = tmp_path / "data"
    generate.generate(data, 0.0001, seed=5)
    con = connect(tmp_path / "bare.duckdb")
    con.execute("CREATE TABLE bare_contacts AS SELECT * FROM read_csv($f)", {"f": str(data / "contacts.csv")})
    relations = ("SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() "
                 "WHERE NOT internal ORDER BY ALL")
    before = con.execute(relations).fetchall(), con.execute("SELECT * FROM bare_contacts").fetchall()
    import_floor.measure_floor(con, "contacts", "bare_contacts", str(data / "contacts.csv"))
    assert (con.execute(relations).fetchall(), con.execute("SELECT * FROM bare_contacts").fetchall()) == before
    assert con.execute("SELECT count(*) FROM contacts").fetchall() == [(0,)]


def test_pandas_figures_equal_the_engine_figures(tiny_run):
    figures, _, _ = tiny_run
    assert figures["pandas"]["differences"] == []


def test_targets_are_never_shown_met_below_full_scale(tiny_run):
    figures, _, _ = tiny_run
    statuses = [status for _, _, status in run.targets(figures)]
    assert len(statuses) == 10
    assert "met" not in statuses  # 2,000 contacts prove nothing about 10 M
    assert statuses[6] == "not measured"  # no sessions asked for
    assert statuses[4] == "not measured"  # the dashboard's memory is measured only under the sessions


def test_memory_limit_the_engine_sets_is_reported(tiny_run):
    figures, text, _ = tiny_run
    assert figures["memory_limit"] is not None  # db.connect sets one (800 MB unless $CXMETRICS_MEMORY_LIMIT)
    assert f"| DuckDB memory_limit | {figures['memory_limit']} |" in text


def test_the_benchmark_limit_does_not_leak_into_its_caller(tiny_run):
    # The phases run under 800 MB; the process that called run.main (here, the test session, whose
    # later imports include a 2,000-column file) must get its own setting back.
    assert LIMIT_AROUND_RUN["after"] == LIMIT_AROUND_RUN["before"]


def test_cache_hits_and_the_rollup_build_are_measured(tiny_run):
    figures, text, _ = tiny_run
    assert set(figures["cache_hits"]) == {page.title for page in run.PAGES}
    assert all(seconds >= 0 for seconds in figures["cache_hits"].values())
    assert figures["import"]["rollup_seconds"] > 0
    assert "| rollup build |" in text and "cache hit ms" in text


def test_each_rollup_family_is_timed_from_its_rollups_and_from_the_base_tables(tiny_run):
    figures, text, _ = tiny_run
    rows = figures["families"]
    expected = {(f.name, page) for f in rollup_pay.present_families() for page in f.pages}
    assert {(row["family"], row["page"]) for row in rows} == expected
    assert all(row["base"] > 0 and row["rollup"] > 0 for row in rows)
    assert set(figures["import"]["family_build_seconds"]) == {f.name for f in rollup_pay.present_families()}
    assert "## Rollup families" in text and "| family | page | base ms | rollup ms | ratio | build s | verdict |" in text
    for row in rows:
        assert f"| {row['family']} | {row['page']} | {run._ms(row['base'])} | {run._ms(row['rollup'])} |" in text


def test_a_family_pays_only_over_the_budget_and_by_a_few_times():
    assert rollup_pay.pays(base=0.600, rollup=0.100)  # 6x, and the base misses the budget
    assert not rollup_pay.pays(base=0.600, rollup=0.250)  # over the budget, but only 2.4x
    assert not rollup_pay.pays(base=0.120, rollup=0.010)  # 12x, but the base already meets the budget
    rows = [{"family": "a", "base": 0.12, "rollup": 0.01}, {"family": "a", "base": 0.9, "rollup": 0.1},
            {"family": "b", "base": 0.9, "rollup": 0.5}]
    assert rollup_pay.verdicts(rows) == {"a": True, "b": False}


def test_the_base_path_reads_the_base_tables_and_only_for_its_family(tiny_run, tmp_path):
    # Empty the path rollup in a copy of the benchmark's store (built fresh by the run): read from
    # the rollup, the repeat paths vanish; on the base path of the path family they are all there,
    # as they were before; the metric family's readers still see fresh rollups meanwhile.
    _, _, data = tiny_run
    store = tmp_path / "store.duckdb"
    con = connect(store)
    for kind in generate.KINDS:
        run.load_file(con, kind, data / f"{kind}.csv", run.ImportOptions())
    rollups.ensure_fresh(con)
    before = contact_paths.repeat_paths(con, "contact_reason", Filters(), 7)
    assert len(before) > 0
    con.execute("DELETE FROM repeat_path_rollup")
    assert len(contact_paths.repeat_paths(con, "contact_reason", Filters(), 7)) == 0
    path_family = next(f for f in rollup_pay.FAMILIES if f.name == "path_rollups")
    from cxmetrics.rollups import metric_rollups, path_rollups
    from cxmetrics.store import rollup_state

    with rollup_pay.base_path(path_family):
        pd.testing.assert_frame_equal(contact_paths.repeat_paths(con, "contact_reason", Filters(), 7), before)
        assert not path_rollups.rollup_state.is_fresh(con) and metric_rollups.rollup_state.is_fresh(con)
    assert path_rollups.rollup_state is rollup_state and len(contact_paths.repeat_paths(con, "contact_reason", Filters(), 7)) == 0
    con.close()


def test_the_command_line_import_and_the_append_are_measured_with_the_defaults(tiny_run):
    figures, text, data = tiny_run
    d = figures["default_path"]
    assert d["bare"] > 0
    assert (d["customers"]["rows"], d["contacts"]["rows"]) == (200, 2000)
    assert d["append_large"]["rows"] == d["append_empty"]["rows"] == generate.APPEND_ROWS
    for part in ("customers", "contacts", "append_large", "append_empty"):
        assert d[part]["seconds"] > 0 and d[part]["peak_bytes"] > 50 * 2**20  # a whole Python process
    assert figures["default_memory_limit"] == default_memory_limit()
    assert "## The import as a user runs it" in text
    assert f"{d['contacts']['seconds'] / d['bare']:.1f}× the bare load" in text
    assert f"{d['append_large']['seconds'] / d['append_empty']['seconds']:.1f}× into an empty one" in text


def test_the_command_line_runs_without_the_callers_memory_limit(monkeypatch):
    monkeypatch.setenv("CXMETRICS_MEMORY_LIMIT", "300MB")
    monkeypatch.setenv("CXMETRICS_DB", "/nowhere.duckdb")
    environment = default_path.default_environment()
    assert "CXMETRICS_MEMORY_LIMIT" not in environment and "CXMETRICS_DB" not in environment
    assert environment["PATH"] == os.environ["PATH"]


def test_the_appended_day_follows_the_set(tmp_path):
    generate.generate(tmp_path, 0.0001, seed=3)
    path = generate.append_contacts(tmp_path, 0.0001, seed=3, rows=50)
    appended = pd.read_csv(path, dtype=str)
    contacts = pd.read_csv(tmp_path / "contacts.csv", dtype=str)
    customers = set(pd.read_csv(tmp_path / "customers.csv", dtype=str)["customer_id"])
    assert list(appended.columns) == list(contacts.columns) and len(appended) == 50
    assert not set(appended["contact_id"]) & set(contacts["contact_id"])
    assert set(appended["customer_id"].dropna()) <= customers
    days = pd.to_datetime(appended["started_at"]).dt.normalize().unique()
    assert list(days) == [pd.to_datetime(contacts["started_at"]).max().normalize() + pd.Timedelta(days=1)]


def test_every_chart_is_counted(tiny_run):
    figures, _, _ = tiny_run
    charts = {chart for page in figures["pages"].values() for chart in page["charts"]}
    assert {"trend (week)", "fcr_by_reason_and_channel", "gaps_nps_by_tier", "nps_and_churn_by_month"} <= charts
    assert figures["pages"]["Contact reasons"]["charts"]["fcr_by_reason"] == 10  # one row per reason


# Hand-computed: one customer with contacts on days 1, 5 and 20 of a 30-day span ending on day 30,
# one customer with a single contact on day 28, and one contact without a customer on day 2.
# W = 7: day 5 repeats day 1 (4 days); day 20 (15 days) does not. Latest start is day 30, so
# contacts after day 23 are censored. Judged: days 1, 5, 20 (not 28; not the anonymous one).
# Resolved first time: day 5 (next on day 20) and day 20 (no next); not day 1 (next within 4 days).
CONTACTS = [
    ("K1", "A", 1), ("K2", "A", 5), ("K3", "A", 20), ("K4", "B", 28), ("K5", None, 2), ("K6", "C", 30),
]


def _contacts():
    return pd.DataFrame(
        [{"contact_id": k, "customer_id": c, "started_at": datetime(2025, 3, day, 10)} for k, c, day in CONTACTS]
    )


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("repeat_rate", 100.0 * 1 / 5),  # one repeat among five contacts with a customer
        ("fcr", 100.0 * 2 / 3),  # days 5 and 20 resolved among the three judged
        ("nps", 100.0 * (2 - 1) / 4),  # scores 10, 9, 7, 3: two promoters, one detractor
        ("csat", 100.0 * 2 / 3),  # answers 5, 4, 2 (one missing): two satisfied of three
    ],
)
def test_pandas_yardstick_by_hand(field, expected):
    responses = pd.DataFrame({
        "responded_at": [datetime(2025, 3, d, 12) for d in (3, 4, 5, 6)],
        "nps": [10, 9, 7, 3],
        "csat": [5, 4, 2, None],
    })
    figures = pandas_overview.overview(_contacts(), responses, window=7, days=28)["overall"]
    assert figures[field] == pytest.approx(expected, abs=1e-12)


def test_differences_name_what_disagrees():
    same = {"nps": 10.0, "csat": None, "repeat_rate": 5.0, "fcr": 50.0}
    engine = {"overall": same, "current": same, "previous": same, "trend": {}}
    plain = {"overall": {**same, "fcr": 50.1}, "current": same, "previous": {**same, "csat": 1.0}, "trend": {}}
    assert run.differences(engine, plain) == ["overall fcr: engine 50.0, pandas 50.1",
                                              "previous csat: engine None, pandas 1.0"]
    assert run.differences(engine, engine) == []
