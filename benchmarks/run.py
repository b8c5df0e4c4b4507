"""Time the import and each dashboard page's data on a generated set; print the table and write it
to docs/performance.md (or `--report PATH`) with the machine it ran on.

    python benchmarks/run.py --scale 0.01 --data /tmp/cx-bench       # generates the set if missing
    python benchmarks/run.py --data /tmp/cx-bench --report /tmp/perf.md

Measured in one run, so that ratios compare like with like on the same (noisy, shared) machine:
the real importer beside a bare DuckDB `read_csv` of each file; every page's engine calls on a
fresh connection (cold) and again on the same one (warm); the Overview figures by a plain pandas
implementation; the import's peak resident memory (in a child process, so nothing else counts);
the rows each chart is sent; each rollup family's pages from its rollups and from the base tables
(rollup_pay.py); and the import as a user runs it, `python -m cxmetrics import`, with the product's
default settings, beside a bare DuckDB load, with a day's append into a large and an empty
workspace (default_path.py).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: make cxmetrics and benchmarks importable
    sys.path.insert(0, str(PROJECT_ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from benchmarks import default_path, pandas_overview, rollup_pay  # noqa: E402
from benchmarks.generate import FULL, KINDS, append_contacts, generate, manifest  # noqa: E402
from benchmarks.import_floor import PARTS, measure_floor  # noqa: E402
from benchmarks.sessions import markdown_table, measure_sessions, report_rows  # noqa: E402
from cxmetrics.engine import contact_paths, outcomes, segments, teams, themes
from cxmetrics import rollups  # noqa: E402
from cxmetrics.engine.customer_story import customer_story, recent_detractors, timeline  # noqa: E402
from cxmetrics.store.db import connect, default_memory_limit, quote_ident  # noqa: E402
from cxmetrics.store.dimensions import Filters, available_dimensions  # noqa: E402
from cxmetrics.engine.follow_ups import DEFAULT_TARGET_HOURS, NOT_HANDLED, follow_up_list, follow_up_metrics  # noqa: E402
from cxmetrics.ingest.importer import ImportOptions, load_file  # noqa: E402
from cxmetrics.engine.metrics import metric_matrix, metric_trend, metrics, metrics_frame  # noqa: E402
from cxmetrics.engine.loop_actions import action_effects, effects_chart_frame  # noqa: E402
from cxmetrics.engine.periods import compare_periods  # noqa: E402
from cxmetrics.engine.touchpoints import (flow_edges, flow_nodes, journey_flow, journey_paths,
                                          touchpoint_summary)  # noqa: E402
from cxmetrics.engine.voice import (CommentQuery, comments, group_shares, theme_drivers, theme_summary,
                                    theme_trend)  # noqa: E402

DEFAULT_REPORT = PROJECT_ROOT / "docs" / "performance.md"
WINDOW, SAME_REASON, DAYS = 7, False, 28  # the pages' defaults: repeat window, any reason, 28-day comparison
TOLERANCE = 1e-9
# The targets (judged at full scale: 10 M contacts).
IMPORT_RATIO = 3.0
WARM_MS = 150.0
CACHE_HIT_MS = 30.0
PANDAS_RATIO = 10.0
PEAK_BYTES = 1.5e9
CHART_ROWS = 5000
APPEND_RATIO = 3.0  # a day's append into 10 M contacts, fresh on every page, over the same into an empty store
# Every phase runs with the product's own default memory limit (db.default_memory_limit), as a
# user's would, unless $CXMETRICS_MEMORY_LIMIT is set for the run; the command-line import of the
# default path always runs with the defaults.
SECTIONS = ("## Machine", "## Import", "## The import as a user runs it", "## Page data", "## Rollup families",
            "## Against pandas", "## Concurrency", "## Memory", "## Rows sent to charts", "## Targets")


@dataclass(frozen=True)
class Page:
    title: str
    calls: tuple  # (name, function(con) -> result)
    charts: tuple  # (chart name, function(results by call name) -> the frame the chart is sent)
    cached: tuple = ()  # the page's reads through the dashboard's cache: function(app_state, version, scope)


_F = Filters()  # the pages opened with no filters set
COMMENTS_SHOWN, CASES_SHOWN = 500, 500  # as views/voice.py and views/close_the_loop.py ask
# Close the loop asks "now" to the minute; the benchmark asks for one fixed moment so the cold,
# warm and cached reads are the same question.
NOW = datetime(2026, 1, 1)


def _first_customer(recent: pd.DataFrame) -> str:
    """Return the customer the Customer story page offers first: the most recent detractor."""
    return recent["customer_id"].iloc[0] if len(recent) else ""


def _present_themes(summary_and_overall) -> pd.DataFrame:
    summary = summary_and_overall[0]
    return summary[summary["comments"] > 0]

PAGES = (
    Page(
        "Overview",
        (
            ("compare_periods", lambda con: compare_periods(con, _F, WINDOW, SAME_REASON, DAYS)),
            ("drivers", lambda con: segments.driver_impact(con, "nps", "contact_reason", _F, WINDOW, SAME_REASON)),
            ("metric_trend", lambda con: metric_trend(con, "week", _F, WINDOW, SAME_REASON)),
        ),
        (("trend (week)", lambda r: r["metric_trend"]),),
        (
            lambda a, v, s: a.cached_comparison(v, s, DAYS),
            lambda a, v, s: a.cached_drivers(v, "nps", "contact_reason", s),
            lambda a, v, s: a.cached_trend(v, "week", s),
        ),
    ),
    Page(
        "Contact reasons",
        (
            ("metrics_frame", lambda con: metrics_frame(con, "contact_reason", _F, WINDOW, SAME_REASON)),
            ("metric_matrix", lambda con: metric_matrix(con, "contact_reason", "channel", "fcr", _F, WINDOW,
                                                        SAME_REASON)),
            ("repeat_paths", lambda con: contact_paths.repeat_paths(con, "contact_reason", _F, WINDOW)),
            ("self_service", lambda con: contact_paths.self_service_failures(con, "contact_reason", _F)),
        ),
        (
            ("fcr_by_reason", lambda r: r["metrics_frame"]),
            ("repeats_by_reason", lambda r: r["metrics_frame"]),
            ("fcr_by_reason_and_channel", lambda r: r["metric_matrix"]),
            ("repeat_paths", lambda r: r["repeat_paths"]),
            ("self_service_failures", lambda r: r["self_service"]["groups"]),
        ),
        (
            lambda a, v, s: a.cached_metrics_frame(v, "contact_reason", s),
            lambda a, v, s: a.cached_matrix(v, "contact_reason", "channel", "fcr", s),
            lambda a, v, s: a.cached_repeat_paths(v, "contact_reason", s),
            lambda a, v, s: a.cached_self_service(v, "contact_reason", s),
        ),
    ),
    Page(
        "Segments",
        (
            ("dimensions", lambda con: available_dimensions(con)),
            ("segment_gaps", lambda con: segments.segment_gaps(con, "nps", "tier", _F, WINDOW, SAME_REASON)),
            ("team_scores", lambda con: teams.team_scores(con, _F, WINDOW, SAME_REASON)),
        ),
        (("gaps_nps_by_tier", lambda r: r["segment_gaps"]), ("csat_by_team", lambda r: r["team_scores"])),
        (
            lambda a, v, s: a.cached_dimensions(v),
            lambda a, v, s: a.cached_gaps(v, "nps", "tier", s),
            lambda a, v, s: a.cached_teams(v, s),
        ),
    ),
    Page(
        "Business outcomes",
        (
            ("outcomes", lambda con: outcomes.outcomes(con, None, WINDOW, SAME_REASON, _F)),
            ("outcomes_by_nps_group", lambda con: outcomes.outcomes(con, "nps_group", WINDOW, SAME_REASON, _F)),
            ("outcome_trend", lambda con: outcomes.outcome_trend(con, _F, WINDOW, SAME_REASON)),
        ),
        (
            ("churn_by_nps_group", lambda r: r["outcomes_by_nps_group"]["frame"]),
            ("revenue_by_nps_group", lambda r: r["outcomes_by_nps_group"]["frame"]),
            ("nps_and_churn_by_month", lambda r: r["outcome_trend"]),
        ),
        (
            lambda a, v, s: a.cached_outcomes(v, None, s),
            lambda a, v, s: a.cached_outcomes(v, "nps_group", s),
            lambda a, v, s: a.cached_outcome_trend(v, s),
        ),
    ),
    Page(
        "Voice of the customer",
        (
            ("theme_summary", lambda con: theme_summary(con, _F)),
            ("theme_drivers", lambda con: theme_drivers(con, "nps", _F)),
            ("theme_trend", lambda con: theme_trend(con, _F)),
            ("comments", lambda con: comments(con, _F, CommentQuery(), COMMENTS_SHOWN)),
        ),
        (
            ("theme_shares_by_group", lambda r: group_shares(_present_themes(r["theme_summary"]))),
            ("theme_drivers_nps", lambda r: r["theme_drivers"][r["theme_drivers"]["n"] > 0]),
            ("theme_shares_by_month", lambda r: r["theme_trend"][
                r["theme_trend"]["theme"].isin(_present_themes(r["theme_summary"])["theme"])]),
        ),
        (
            lambda a, v, s: a.cached_theme_summary(v, s),
            lambda a, v, s: a.cached_theme_drivers(v, "nps", s),
            lambda a, v, s: a.cached_theme_trend(v, s),
            lambda a, v, s: a.cached_comments(v, s, CommentQuery(), COMMENTS_SHOWN),
        ),
    ),
    Page(
        "Close the loop",
        (
            ("follow_up_metrics", lambda con: follow_up_metrics(con, "owner", _F, float(DEFAULT_TARGET_HOURS), NOW)),
            ("follow_up_list", lambda con: follow_up_list(con, _F, NOT_HANDLED, today=NOW.date(), limit=CASES_SHOWN)),
            ("action_effects", lambda con: action_effects(con, WINDOW, SAME_REASON)),
        ),
        (
            ("first_follow_up_by_owner", lambda r: r["follow_up_metrics"].iloc[:-1]),
            ("actions_before_after", lambda r: effects_chart_frame(r["action_effects"])
             if len(r["action_effects"]) else r["action_effects"]),
        ),
        (
            lambda a, v, s: a.cached_follow_up_metrics(v, "", "owner", s, float(DEFAULT_TARGET_HOURS), NOW),
            lambda a, v, s: a.cached_follow_up_list(v, "", s, NOT_HANDLED, NOW.date(), CASES_SHOWN),
            lambda a, v, s: a.cached_action_effects(v, "", "", s),
        ),
    ),
    Page(
        "Customer story",
        (
            ("recent_detractors", lambda con: recent_detractors(con, 50)),
            ("customer_story", lambda con: customer_story(con, _first_customer(recent_detractors(con, 50)), WINDOW,
                                                          SAME_REASON)),
        ),
        (("customer_story_timeline", lambda r: timeline(r["customer_story"], True)),),
        (
            lambda a, v, s: a.cached_recent_detractors(v, "", 50),
            lambda a, v, s: a.cached_story(v, "", _first_customer(a.cached_recent_detractors(v, "", 50)), s.window,
                                           s.same_reason),
        ),
    ),
    Page(
        "Touchpoint map",
        (
            ("journey_flow", lambda con: journey_flow(con, "channel", _F, WINDOW, SAME_REASON)),
            ("journey_paths", lambda con: journey_paths(con, "channel", _F, WINDOW)),
        ),
        (
            ("touchpoint_map_channel", lambda r: flow_nodes(r["journey_flow"])),
            ("escalation_by_channel", lambda r: touchpoint_summary(r["journey_flow"])),
            ("journey_paths_channel", lambda r: r["journey_paths"]),
        ),
        (
            lambda a, v, s: a.cached_journey_flow(v, "channel", s),
            lambda a, v, s: a.cached_journey_paths(v, "channel", s),
        ),
    ),
)


def seconds(function, *args):
    """Return (result, seconds taken) of function(*args)."""
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


# --- the measurements --------------------------------------------------------------------------


def bare_loads(data: Path, work: Path) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """Return the seconds a bare DuckDB `CREATE TABLE AS SELECT * FROM read_csv(file)` takes per table,
    under the importer's memory_limit, and the parts of the floor under each import (import_floor)."""
    path = work / "bare.duckdb"
    # A store as the importer's (its memory_limit, its UTC session, its schema and parsing macros,
    # which the floor's statements use), the bare tables beside the canonical ones.
    con = connect(path)
    taken = {}
    for kind in KINDS:  # table names are the fixed KINDS, never user text
        _, taken[kind] = seconds(con.execute, "CREATE TABLE " + quote_ident(f"bare_{kind}")
                                 + " AS SELECT * FROM read_csv($file)", {"file": str(data / f"{kind}.csv")})
    floors = {kind: measure_floor(con, kind, f"bare_{kind}", str(data / f"{kind}.csv")) for kind in KINDS}
    con.close()
    path.unlink()
    return taken, floors


def in_child(phase: str, data: Path, database: Path) -> dict:
    """Return the figures of `phase` ("import" or "pages") run in a fresh Python process, with that
    process's peak resident bytes, so the peak is the phase's own and not this process's."""
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--database", str(database),
         "--data", str(data)],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"the {phase} phase failed: {last}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_bytes() -> int:
    """Return this process's peak resident memory so far (ru_maxrss is in kilobytes on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def import_all(data: Path, database: Path) -> dict:
    """Load every generated file with the real importer (derived contact facts included), then build
    the rollups once, as `cxmetrics import` does after a load; return the figures."""
    con = connect(database)
    tables = {}
    for kind in KINDS:
        result, taken = seconds(load_file, con, kind, data / f"{kind}.csv", ImportOptions())
        tables[kind] = {"seconds": taken, "rows": result.rows_loaded, "rejected": result.rows_rejected}
    imported_peak = peak_bytes()
    with timed_rollup_steps() as family_seconds:
        _, rollup_seconds = seconds(rollups.ensure_fresh, con)
    # The comments' theme mentions and sentiments: the dashboard builds them on the first visit to
    # Voice of the customer (or Close the loop) after an import; here, once, on their own line.
    _, theme_seconds = seconds(themes.ensure_facts, con)
    con.close()
    return {"tables": tables, "peak_bytes": imported_peak, "rollup_seconds": rollup_seconds,
            "family_build_seconds": family_seconds, "theme_seconds": theme_seconds,
            "rollup_peak_bytes": peak_bytes()}


@contextmanager
def timed_rollup_steps():
    """Within the block, time each rollup family's full build; yield {family module: seconds}, filled
    as the builds run. The builds are those of `rollups.BUILDERS` (the explicit list `refresh` runs in
    order), swapped for timed ones for the block only; a tree without that list yields nothing, and
    the report says the split was not measured."""
    taken: dict[str, float] = {}
    original = getattr(rollups, "BUILDERS", None)
    if not isinstance(original, tuple):
        yield taken
        return

    def timed(build):
        def run_build(*args, **kwargs):
            started = time.perf_counter()
            try:
                return build(*args, **kwargs)
            finally:
                family = build.__module__.rsplit(".", 1)[-1]
                taken[family] = taken.get(family, 0.0) + time.perf_counter() - started
        return run_build

    rollups.BUILDERS = tuple(dataclasses.replace(family, build=timed(family.build)) for family in original)
    try:
        yield taken
    finally:
        rollups.BUILDERS = original


def page_times(database: Path) -> dict:
    """Return {"pages": {title: cold and warm seconds (all its calls) and rows per chart}, "peak_bytes"}."""
    pages = {}
    for page in PAGES:
        con = connect(database, read_only=True)
        cold, warm, results = 0.0, 0.0, {}
        for name, call in page.calls:
            _, taken = seconds(call, con)
            cold += taken
        for name, call in page.calls:
            results[name], taken = seconds(call, con)
            warm += taken
        con.close()
        pages[page.title] = {"cold": cold, "warm": warm,
                             "charts": {chart: len(frame(results)) for chart, frame in page.charts}}
    return {"pages": pages, "peak_bytes": peak_bytes()}


def cache_hits(database: Path) -> dict:
    """Return {page title: seconds} of each page's reads answered by the dashboard's own cache
    (`app_state`'s st.cache_data functions, keyed by data version and scope): each read once to
    fill the cache, then timed again, as a second visit to the page with the same filters would."""
    os.environ["CXMETRICS_DB"] = str(database)
    from cxmetrics import app_state
    from cxmetrics.engine.url_state import Scope

    version, scope = app_state.data_version(), Scope()
    hits = {}
    for page in PAGES:
        for read in page.cached:
            read(app_state, version, scope)
        started = time.perf_counter()
        for read in page.cached:
            read(app_state, version, scope)
        hits[page.title] = time.perf_counter() - started
    return {"hits": hits}


def engine_overview(con) -> dict:
    """Return the Overview figures pandas_overview computes, as the engine gives them."""
    overall = metrics(con, None, _F, WINDOW, SAME_REASON)["overall"]
    comparison = compare_periods(con, _F, WINDOW, SAME_REASON, DAYS)
    trend = metric_trend(con, "week", _F, WINDOW, SAME_REASON)
    return {
        "overall": {k: overall[k] for k in pandas_overview.FIELDS},
        "current": {k: comparison["current"][k] for k in pandas_overview.FIELDS},
        "previous": {k: comparison["previous"][k] for k in pandas_overview.FIELDS},
        "trend": {row["period"].date(): {k: _none(row[k]) for k in pandas_overview.FIELDS}
                  for _, row in trend.iterrows()},
    }


def _none(value):
    return None if value is None or pd.isna(value) else float(value)


def differences(engine: dict, plain: dict, tolerance: float = TOLERANCE) -> list[str]:
    """Return where the engine's and pandas' Overview figures differ by more than `tolerance` (none: equal)."""
    found = []

    def compare(where: str, a: dict, b: dict) -> None:
        for field in pandas_overview.FIELDS:
            x, y = _none(a.get(field)), _none(b.get(field))
            if (x is None) != (y is None) or (x is not None and abs(x - y) > tolerance):
                found.append(f"{where} {field}: engine {x}, pandas {y}")

    for part in ("overall", "current", "previous"):
        compare(part, engine[part], plain[part])
    for week in sorted(set(engine["trend"]) | set(plain["trend"])):
        compare(f"week {week}", engine["trend"].get(week, {}), plain["trend"].get(week, {}))
    return found


def against_pandas(data: Path, database: Path) -> dict:
    """Return pandas' read and compute seconds, the engine's seconds (warm) and where the figures differ."""
    (contacts, responses), read = seconds(pandas_overview.read_tables, data)
    plain, computed = seconds(pandas_overview.overview, contacts, responses, WINDOW, DAYS)
    con = connect(database, read_only=True)
    engine_overview(con)  # the first call warms the connection, as the page's second view would
    engine, engine_seconds = seconds(engine_overview, con)
    con.close()
    return {"read": read, "pandas": computed, "engine": engine_seconds, "differences": differences(engine, plain)}


def family_times(database: Path) -> dict:
    """Return {"rows": one per rollup family and page it serves, warm seconds from rollups and base}."""
    con = connect(database, read_only=True)
    try:
        return {"rows": rollup_pay.measure(con, PAGES)}
    finally:
        con.close()


PHASES = {"import": None, "pages": page_times, "cache": cache_hits, "families": family_times}  # what a child process runs (import_all takes data too)


def machine() -> dict:
    """Return the CPU count and model, RAM, and the Python, DuckDB and pandas versions."""
    model = "unknown"
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "model": model, "ram_bytes": memory, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "pandas": pd.__version__, "system": platform.platform()}


def memory_limit_setting(database: Path) -> str | None:
    """Return DuckDB's memory_limit on the engine's connections when the engine sets one, else None
    (the engine's value equals a bare connection's default)."""
    query = "SELECT current_setting('memory_limit')"
    con = connect(database, read_only=True)
    engine = con.execute(query).fetchall()[0][0]
    con.close()
    bare = duckdb.connect()
    default = bare.execute(query).fetchall()[0][0]
    bare.close()
    return None if engine == default else engine


# --- the report ---------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value * 1000:,.1f}"


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def floor_seconds(figures: dict, kind: str) -> float:
    """Return the floor under `kind`'s import: the sum of its parts (import_floor)."""
    return sum(figures["floor"][kind].values())


def targets(figures: dict) -> list[list[str]]:
    """Return one row per target of the issue: target, measured, status (met / not met / not measured)."""
    full = figures["set"]["contacts"] >= FULL["contacts"]
    at = f"{figures['set']['contacts']:,} contacts"
    scale_note = "" if full else f" (measured at {at}; the target is at 10 M)"

    def judged(ok: bool, scale_bound: bool) -> str:
        if not ok:
            return "not met"
        return "met" if full or not scale_bound else "not measured at 10 M: within target at this scale"

    imports = figures["import"]["tables"]
    worst = max(imports[k]["seconds"] / figures["bare"][k] for k in KINDS)
    floor, floor_kind = max((floor_seconds(figures, k) / figures["bare"][k], k) for k in KINDS)
    warm = max(p["warm"] for p in figures["pages"].values())
    hit = max(figures["cache_hits"].values())
    ratio = figures["pandas"]["pandas"] / figures["pandas"]["engine"]
    peak = max(figures["import"]["peak_bytes"], figures["import"]["rollup_peak_bytes"])
    crowd = figures["sessions"]
    dashboard_peak = crowd["rss_peak_bytes"] if crowd else None
    rows_max = max(n for p in figures["pages"].values() for n in p["charts"].values())
    limit = figures["memory_limit"]
    return [
        [f"import ≤ {IMPORT_RATIO:g}× bare read_csv (derived facts included)",
         f"worst table {worst:.1f}×; the floor under it (see Import) is {floor:.1f}× for {floor_kind}{scale_note}",
         judged(worst <= IMPORT_RATIO, True)],
        [f"each page's data ≤ {WARM_MS:g} ms warm at 10 M contacts", f"slowest page {_ms(warm)} ms{scale_note}",
         judged(warm * 1000 <= WARM_MS, True)],
        [f"each page's data ≤ {CACHE_HIT_MS:g} ms on a cache hit", f"slowest page {_ms(hit)} ms{scale_note}",
         judged(hit * 1000 <= CACHE_HIT_MS, True)],
        [f"≥ {PANDAS_RATIO:g}× faster than pandas", f"{ratio:.1f}× (Overview figures){scale_note}",
         judged(ratio >= PANDAS_RATIO, True)],
        [f"peak memory ≤ {PEAK_BYTES / 1e9:g} GB with memory_limit set",
         f"import (and rollup build) peak {peak / 1e9:.2f} GB; dashboard peak "
         f"{'not measured' if dashboard_peak is None else f'{dashboard_peak / 1e9:.2f} GB'}; memory_limit "
         f"{limit or 'not set (db.connect sets none: DuckDB default)'}{scale_note}",
         "not measured" if dashboard_peak is None and peak <= PEAK_BYTES and limit is not None
         else judged(max(peak, dashboard_peak or 0) <= PEAK_BYTES and limit is not None, True)],
        [f"no chart above {CHART_ROWS:,} rows", f"largest {rows_max:,} rows{scale_note}",
         judged(rows_max <= CHART_ROWS, True)],
        sessions_target(figures["sessions"], scale_note),
        *default_path_targets(figures, judged, scale_note),
    ]


def default_path_targets(figures: dict, judged, scale_note: str) -> list[list[str]]:
    """Return the targets table's rows for the import as a user runs it (one run, product defaults)."""
    d = figures["default_path"]
    ratio = d["contacts"]["seconds"] / d["bare"]
    peak = max(d[k]["peak_bytes"] for k in ("customers", "contacts", "append_large", "append_empty"))
    append = d["append_large"]["seconds"] / d["append_empty"]["seconds"]
    return [
        [f"`python -m cxmetrics import contacts`, rollups included, ≤ {IMPORT_RATIO:g}× a bare DuckDB load",
         f"{ratio:.1f}×{scale_note}", judged(ratio <= IMPORT_RATIO, True)],
        [f"peak resident memory of that import ≤ {PEAK_BYTES / 1e9:g} GB with the default settings",
         f"{peak / 1e9:.2f} GB (memory_limit {figures['default_memory_limit']}){scale_note}",
         judged(peak <= PEAK_BYTES, True)],
        [f"a {d['append_large']['rows']:,}-contact append, fresh on every page, ≤ {APPEND_RATIO:g}× the same "
         "into an empty workspace", f"{append:.1f}×{scale_note}", judged(append <= APPEND_RATIO, True)],
    ]


def sessions_target(crowd: dict | None, scale_note: str) -> list[str]:
    """Return the targets table's row for the concurrency test."""
    target = "50 concurrent sessions: p95 ≤ 5 s, no errors, memory growth ≤ 100 MB"
    if crowd is None:
        return [target, "not measured in this run (run.py --sessions 50)", "not measured"]
    growth = crowd["rss_growth_bytes"]
    p95 = crowd["seconds"]["p95"]  # None when no run got past the warm-up
    measured = (f"{crowd['sessions']} sessions × {crowd['rounds']} rounds: p95 "
                f"{'none measured' if p95 is None else f'{p95:.2f} s'}, "
                f"{crowd['errors']} errors, growth {'unknown' if growth is None else f'{growth / 1e6:+,.0f} MB'}"
                f"{scale_note}")
    ok = all(crowd["targets"].values())
    if crowd["sessions"] < 50:
        return [target, measured, "not met" if not ok else "within target, but not measured with 50 sessions"]
    return [target, measured, "met" if ok else "not met"]


def default_path_section(figures: dict) -> list[str]:
    """Return the lines of the report's section on `python -m cxmetrics import` with the defaults."""
    d = figures["default_path"]
    contacts, large, empty = d["contacts"], d["append_large"], d["append_empty"]
    return [
        "`python -m cxmetrics import customers customers.csv`, then `... import contacts contacts.csv`, each "
        "in its own process with the product's default settings (no `CXMETRICS_MEMORY_LIMIT`: DuckDB's "
        f"memory_limit is `db.default_memory_limit()`, {figures['default_memory_limit']} on this machine; "
        "spills go to `<database>.tmp`), timed from the process's start to its exit, so Python's start, "
        "the load and the rollup rebuild are all in; beside a bare DuckDB `CREATE TABLE AS SELECT * FROM "
        "read_csv('contacts.csv')` in a new file with DuckDB's own defaults. Then a day of "
        f"{large['rows']:,} more contacts (`append_contacts.csv`, generated beside the set) imported the same "
        "way into that workspace and into a new empty one: when the command returns, every page answers "
        "from fresh rollups. Peak resident memory is each command's own (GNU `/usr/bin/time`'s maxrss).",
        "",
        _table(["", "seconds", "peak resident", "ratio"], [
            ["bare DuckDB load of contacts.csv", f"{d['bare']:.2f}", "", ""],
            [f"`import customers` ({d['customers']['rows']:,} rows, rollups included)",
             f"{d['customers']['seconds']:.2f}", f"{d['customers']['peak_bytes'] / 2**20:,.0f} MiB", ""],
            [f"`import contacts` ({contacts['rows']:,} rows, rollups included)", f"{contacts['seconds']:.2f}",
             f"{contacts['peak_bytes'] / 2**20:,.0f} MiB", f"{contacts['seconds'] / d['bare']:.1f}× the bare load"],
            [f"append of {large['rows']:,} contacts into that workspace", f"{large['seconds']:.2f}",
             f"{large['peak_bytes'] / 2**20:,.0f} MiB", f"{large['seconds'] / empty['seconds']:.1f}× into an empty one"],
            [f"append of {empty['rows']:,} contacts into an empty workspace", f"{empty['seconds']:.2f}",
             f"{empty['peak_bytes'] / 2**20:,.0f} MiB", ""],
        ]),
    ]


def families_section(figures: dict) -> list[str]:
    """Return the lines of the report's section comparing each rollup family's pages both ways."""
    rows = figures["families"]
    builds = figures["import"].get("family_build_seconds") or {}
    pays = rollup_pay.verdicts(rows)
    return [
        "Each rollup family's pages, warm (a first pass, then the timed one, on one read-only connection), "
        "from its rollups and from the base tables: the modules that ask whether the family is fresh are "
        "told it is stale, as after an import whose rollup build did not run, and every other family "
        f"stays fresh (`benchmarks/rollup_pay.py`). A family pays when, from the base tables, a page it "
        f"serves would take over {WARM_MS:g} ms and its rollups make that page at least "
        f"{rollup_pay.PAYS_RATIO:g}× faster. Build: the family's share of the rollup build above.",
        "",
        _table(["family", "page", "base ms", "rollup ms", "ratio", "build s", "verdict"], [
            [row["family"], row["page"], _ms(row["base"]), _ms(row["rollup"]),
             f"{row['base'] / row['rollup']:.1f}×" if row["rollup"] > 0 else "–",
             f"{builds[row['family']]:.2f}" if row["family"] in builds else "not measured",
             ("pays" if rollup_pay.pays(row["base"], row["rollup"]) else "does not pay on this page")
             + ("" if pays[row["family"]] else ": the family goes")] for row in rows
        ]),
    ]


def report(figures: dict) -> str:
    """Return the Markdown report of one run."""
    m, s = figures["machine"], figures["set"]
    imports = figures["import"]["tables"]
    pages = figures["pages"]
    vs = figures["pandas"]
    ram = f"{m['ram_bytes'] / 2**30:.1f} GiB" if m["ram_bytes"] else "unknown"
    parts = [
        "# Performance",
        "",
        "Written by `python benchmarks/run.py` (see `benchmarks/README.md`); every figure below comes from "
        f"one run on {figures['date']}. Times are wall-clock on a machine shared with other work, so expect "
        "noise of tens of percent. The targets are those of the performance issue, judged at full scale "
        "(10 M contacts); a run at a smaller scale cannot show them met. How the pages get their speed "
        "(rollup tables, derived facts, the cache) is in docs/rollups.md.",
        "",
        f"The command: `{figures.get('command', 'python benchmarks/run.py')}` (the set written first by "
        f"`python benchmarks/generate.py --out DIR --scale {s['scale']:g} --seed {s['seed']}` when the "
        "directory does not hold it).",
        "",
        "## Machine",
        "",
        _table(["", ""], [
            ["CPUs", m["cpus"]], ["CPU model", m["model"]], ["RAM", ram], ["system", m["system"]],
            ["Python", m["python"]], ["DuckDB", m["duckdb"]], ["pandas", m["pandas"]],
            ["scale", f"{s['scale']:g} ({s['contacts']:,} contacts, {s['responses']:,} responses, "
                      f"{s['customers']:,} customers, 12 months of outcomes)"],
            ["DuckDB memory_limit",
             figures["memory_limit"] or "not set: db.connect sets none (DuckDB's default, 80 % of RAM, applies)"],
        ]),
        "",
        "## Import",
        "",
        "The real importer (`cxmetrics.ingest.importer.load_file`: staging, validation, rejects, one transaction, "
        "the derived contact facts for contacts) beside a bare DuckDB `CREATE TABLE AS SELECT * FROM "
        "read_csv(file)` of the same file, in the same run and under the same memory_limit.",
        "",
        _table(["table", "rows", "rejected", "importer s", "bare read_csv s", "ratio"], [
            [k, f"{imports[k]['rows']:,}", f"{imports[k]['rejected']:,}", f"{imports[k]['seconds']:.2f}",
             f"{figures['bare'][k]:.2f}", f"{imports[k]['seconds'] / figures['bare'][k]:.1f}×"] for k in KINDS
        ]),
        "",
        "### The floor under the ratio",
        "",
        "The importer's own steps that no design keeping its rules can skip, each timed alone over the bare "
        "table (rows DuckDB has already typed), in the same run (`benchmarks/import_floor.py`): its staging "
        "read of every field as text, its cleaning and typing of every value (not kept), its repeated-key "
        "query, its derived-facts query (contacts: two window passes, and the sort by line that joining the "
        "facts to the rows needs) and one write of the rows. The importer does all of this and more (keeping "
        "the typed rows, checking every value, line numbers, the content hash, joining the facts to the "
        "rows), so the floor ÷ bare is the lowest ratio it could reach.",
        "",
        _table(["table"] + [f"{part} s" for part in PARTS] + ["floor s", "floor ÷ bare", "importer ÷ bare"], [
            [k] + [f"{figures['floor'][k][part]:.2f}" if figures["floor"][k][part] else "–" for part in PARTS]
            + [f"{floor_seconds(figures, k):.2f}", f"{floor_seconds(figures, k) / figures['bare'][k]:.1f}×",
               f"{imports[k]['seconds'] / figures['bare'][k]:.1f}×"] for k in KINDS
        ]),
        "",
        "Then the rollups are built once (`rollups.ensure_fresh`, as `cxmetrics import` and the dashboard do "
        "after a load; see docs/rollups.md): they are a cache of the pages' counts, rebuilt from the tables, "
        "so their time is shown on its own and not counted in the ratios above.",
        "",
        _table(["", ""], [
            ["rollup build", f"{figures['import']['rollup_seconds']:.2f} s"],
            ["comment themes and sentiment (built on the first Voice of the customer visit)",
             f"{figures['import']['theme_seconds']:.2f} s"],
            ["rollup build ÷ all bare loads", f"{figures['import']['rollup_seconds'] / sum(figures['bare'].values()):.1f}×"],
            ["import and rollups ÷ all bare loads",
             f"{(sum(imports[k]['seconds'] for k in KINDS) + figures['import']['rollup_seconds']) / sum(figures['bare'].values()):.1f}×"],
        ]),
        "",
        "## The import as a user runs it",
        "",
        *default_path_section(figures),
        "",
        "## Page data",
        "",
        "The engine functions each page calls, with no filters set (repeat window 7 days). Cold: the first "
        "calls on a fresh connection to the database file; warm: the same calls again on that connection. "
        "Cache hit: the same reads through the dashboard's own cache (`app_state`'s `st.cache_data` "
        "functions, keyed by data version and filters), once to fill it and then timed.",
        "",
        _table(["page", "calls", "cold ms", "warm ms", "cache hit ms"], [
            [page.title, ", ".join(name for name, _ in page.calls), _ms(pages[page.title]["cold"]),
             _ms(pages[page.title]["warm"]), _ms(figures["cache_hits"][page.title])] for page in PAGES
        ]),
        "",
        "## Rollup families",
        "",
        *families_section(figures),
        "",
        "## Against pandas",
        "",
        "The Overview figures (NPS, CSAT, repeat rate and contact FCR: overall, the last 28 days and the 28 "
        "before, and by week) computed by a straightforward pandas implementation (`benchmarks/pandas_overview.py`: "
        "groupby and shift over the tables read once) and by the engine (`metrics`, `compare_periods`, "
        "`metric_trend`, warm).",
        "",
        _table(["", ""], [
            ["pandas: reading the CSV files (not counted)", f"{vs['read']:.2f} s"],
            ["pandas: computing the figures", f"{_ms(vs['pandas'])} ms"],
            ["engine: the same figures", f"{_ms(vs['engine'])} ms"],
            ["engine faster by", f"{vs['pandas'] / vs['engine']:.1f}×"],
            ["figures equal (to 1e-9)", "yes" if not vs["differences"] else "NO: " + "; ".join(vs["differences"][:5])],
        ]),
        "",
        "## Concurrency",
        "",
        "Simultaneous sessions of a real `streamlit run app.py` over the benchmark's database, each a "
        "websocket client speaking Streamlit's own protocol: every page opened, then the filters changed, "
        "for the rounds shown (see `benchmarks/sessions.py`).",
        "",
        markdown_table(report_rows(figures["sessions"])) if figures["sessions"]
        else "Not measured in this run: `benchmarks/run.py --sessions 50` measures it.",
        "",
        "## Memory",
        "",
        _table(["", ""], [
            ["peak resident memory of the import (its own process)",
             f"{figures['import']['peak_bytes'] / 2**20:,.0f} MiB"],
            ["peak resident memory of the import and the rollup build after it",
             f"{figures['import']['rollup_peak_bytes'] / 2**20:,.0f} MiB"],
            ["peak resident memory of a process computing every page's data (as above; no Streamlit, no cache)",
             f"{figures['pages_peak_bytes'] / 2**20:,.0f} MiB"],
            ["peak resident memory of the dashboard process (`streamlit run`, under the sessions above)",
             f"{figures['sessions']['rss_peak_bytes'] / 2**20:,.0f} MiB"
             if figures["sessions"] and figures["sessions"]["rss_peak_bytes"] else "not measured"],
        ]),
        "",
        "## Rows sent to charts",
        "",
        _table(["page", "chart", "rows"], [
            [title, chart, f"{n:,}"] for title, p in pages.items() for chart, n in p["charts"].items()
        ]),
        "",
        "## Targets",
        "",
        _table(["target", "measured", "status"], targets(figures)),
        "",
    ]
    return "\n".join(parts)


def measure(data: Path, work: Path, sessions: int = 0, rounds: int = 2) -> dict:
    """Return every figure of one run over the generated set in `data`, using `work` for the databases;
    with `sessions`, also that many simultaneous dashboard sessions playing `rounds` rounds."""
    database = work / "bench.duckdb"
    for stale in (database, database.with_name(database.name + ".wal")):
        stale.unlink(missing_ok=True)
    bare, floor = bare_loads(data, work)  # first, so both loads find the files in the OS cache
    imported = in_child("import", data, database)
    pages = in_child("pages", data, database)
    cached = in_child("cache", data, database)
    families = in_child("families", data, database)
    crowd = measure_sessions(database, sessions, rounds) if sessions else None
    plain = against_pandas(data, database)
    generated = manifest(data)
    appended = append_contacts(work / "append", generated["scale"], generated["seed"])
    default = default_path.measure(data, work, appended)
    return {
        "date": date.today().isoformat(),
        "machine": machine(),
        "set": manifest(data),
        "memory_limit": memory_limit_setting(database),
        "bare": bare,
        "floor": floor,
        "import": imported,
        "pages": pages["pages"],
        "pages_peak_bytes": pages["peak_bytes"],
        "cache_hits": cached["hits"],
        "families": families["rows"],
        "sessions": crowd,
        "pandas": plain,
        "default_path": default,
        "default_memory_limit": default_memory_limit(),
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark as the command line asks; return its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="directory of a generated set (default: a new temporary one)")
    parser.add_argument("--scale", type=float, help="generate the set at this scale first if --data does not "
                        "already hold one at this scale (default 0.01 when --data holds none)")
    parser.add_argument("--seed", type=int, default=42, help="seed when generating (default 42)")
    parser.add_argument("--sessions", type=int, default=0, help="also run this many simultaneous dashboard "
                        "sessions against the imported set (the issue asks for 50; default 0: not measured)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds each session plays (default 2)")
    parser.add_argument("--report", type=Path, default=DEFAULT_REPORT, help="where to write the Markdown report "
                        "(default docs/performance.md)")
    # The child processes of in_child: one phase, its figures as one JSON line.
    parser.add_argument("--phase", choices=tuple(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        phase = import_all(args.data, args.database) if args.phase == "import" else PHASES[args.phase](args.database)
        print(json.dumps(phase))
        return {}
    if args.scale is not None and not args.scale > 0:
        parser.error("--scale must be above 0")
    with tempfile.TemporaryDirectory(prefix="cx-bench-") as scratch:
        data = args.data or Path(scratch) / "data"
        found = manifest(data)
        wanted = args.scale if args.scale is not None else (found["scale"] if found else 0.01)
        if not found or found["scale"] != wanted or found["seed"] != args.seed:
            _, taken = seconds(generate, data, wanted, args.seed)
            print(f"generated the set at scale {wanted:g} in {data} in {taken:.1f} s", file=sys.stderr)
        figures = measure(data, Path(scratch), args.sessions, args.rounds)
    figures["command"] = " ".join(["python benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
    text = report(figures)
    print(text)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(text, encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
