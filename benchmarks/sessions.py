"""Many simultaneous real Streamlit sessions against one `streamlit run app.py`: how long each page
run takes, what goes wrong, and how the server's memory grows; printed as a Markdown table.

    python benchmarks/sessions.py --database /tmp/cx-bench.duckdb --sessions 50 --rounds 3

Each session is a websocket client speaking Streamlit's own protocol on `/_stcore/stream`, as a
browser tab does: a `BackMsg.rerun_script` carrying the page (its script hash), the URL's query
string and the widget values, answered by `ForwardMsg`s up to `script_finished`. No browser
draws anything, so the figures are the server's: a browser would add its own rendering on top.

One session: it opens the dashboard by a link carrying filters (the default page), then every
other page once (the warm-up); then, each round, it changes the sidebar filters (as a user does:
new widget values, one rerun) on the first page of its round, and opens every page under them.
Sessions visit the pages in different orders and move between different filter settings, so
caches help only as much as they would with real users. A session asks for its next run as soon as
one ends (no reading pause): the server always has one run in flight per session, a worst case. The server's resident memory is read
from /proc after the warm-up (all sessions connected) and after the last round (all still
connected), so the growth compares like with like.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: make cxmetrics and benchmarks importable
    sys.path.insert(0, str(PROJECT_ROOT))

from streamlit.proto.Alert_pb2 import Alert  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from streamlit.proto.NumberInput_pb2 import NumberInput  # noqa: E402
from streamlit.proto.WidgetStates_pb2 import WidgetState  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402  (requirements-dev.txt)
from websockets.exceptions import ConnectionClosed, InvalidHandshake  # noqa: E402

from benchmarks.streamlit_server import ServerDidNotStart, streamlit_run  # noqa: E402
from cxmetrics.store.db import DatabaseBusy, connect as connect_store  # noqa: E402
from cxmetrics.store.dimensions import Filters, dimension_values  # noqa: E402
from cxmetrics.engine.metrics import DEFAULT_WINDOW  # noqa: E402
from cxmetrics.engine.periods import latest_day  # noqa: E402
from cxmetrics.engine.url_state import Scope, query_from_scope  # noqa: E402

# The dashboard pages that read metrics, by their titles in app.py's navigation. The Data page
# (uploads) and the Huddle (a shared screen refreshing itself) are not what a crowd of readers opens.
PAGES = ("Overview", "Contact reasons", "Segments", "Business outcomes", "Voice of the customer",
         "Close the loop", "Customer story", "Touchpoint map")
RUN_TIMEOUT_SECONDS = 300.0  # one page run; beyond this the run counts as timed out and its session ends
CONNECT_TIMEOUT_SECONDS = 60.0
MESSAGES_SHOWN = 5  # distinct error messages kept in the figures
MESSAGE_CHARS = 200  # of one error message (an exception's message; its location comes on top)
LOG_TAIL_CHARS = 4000  # of the server's log, kept in the figures when something went wrong
# Memory is read with every session idle: the app closes its DuckDB connection (and its buffers) just
# after the last run ends (cxmetrics/store/held_connection.py), so both readings wait this long for that.
SETTLE_SECONDS = 2.0
# The targets for 50 simultaneous sessions.
P95_TARGET_SECONDS = 5.0
GROWTH_TARGET_BYTES = 100e6
REPORT_HEADER = ["Figure", "Value", "Target", "Judged"]
SIDEBAR = 1  # Streamlit's root container of the sidebar (the main area is 0): the first index of a delta's path
FINISHED_EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN  # the script called st.rerun(): the run goes on
FRAME = re.compile(r'File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<name>\S+)')


@dataclass(frozen=True)
class PageRun:
    """One script run as a session saw it: which page, why, how long until `script_finished`."""

    session: int
    round: int  # 0 is the warm-up
    page: str
    kind: str  # "open" (the page was navigated to) or "filter" (the sidebar filters were changed on it)
    seconds: float


@dataclass(frozen=True)
class Problem:
    """Something a user would have seen go wrong, or a run that never finished."""

    kind: str  # exception, error box, script error, wrong page, page not found, disconnect, timeout, connect
    session: int
    page: str
    message: str


@dataclass
class Session:
    """One Streamlit session over one websocket, holding what a browser tab holds: the URL's query
    string, the page list, and the sidebar widgets with the values it has set."""

    number: int
    url: str
    timeout: float
    runs: list[PageRun] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    query_string: str = ""
    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # title -> (script hash, URL path)
    sidebar: dict[str, object] = field(default_factory=dict)  # widget key -> its element proto
    states: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> the value this session set
    broken: bool = False
    _socket: object = None
    _page_hash: str = ""

    async def open(self, scope: Scope) -> bool:
        """Connect and run the default page with `scope` in the URL (the warm-up's first run); False if that failed."""
        self.query_string = urlencode(query_from_scope(scope), doseq=True)
        stream = self.url.replace("http://", "ws://", 1) + "/_stcore/stream"
        try:
            # No size limit and no client pings: a browser has neither.
            self._socket = await connect(stream, subprotocols=["streamlit"], max_size=None, ping_interval=None,
                                         open_timeout=CONNECT_TIMEOUT_SECONDS)
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            self._fail("connect", "(connecting)", f"{type(exc).__name__}: {exc}")
            return False
        await self._run(0, None, "open")
        if not self.broken:
            missing = [title for title in PAGES if title not in self.pages]
            if missing:
                self._fail("page not found", ", ".join(missing), "not in the app's navigation")
        return not self.broken

    async def warm_up(self, scope: Scope) -> None:
        """Open the dashboard by a link with `scope`, then every other page once."""
        if await self.open(scope):
            first = self._title(self._page_hash)
            for title in self.page_order():
                if title != first and not self.broken:
                    await self._run(0, title, "open")

    async def play(self, rounds: int, scopes: list[Scope]) -> None:
        """Each round: open the round's first page and change the filters on it, then open every other page."""
        for round_ in range(1, rounds + 1):
            for position, title in enumerate(self.page_order()):
                if self.broken:
                    return
                await self._run(round_, title, "open")
                if position == 0 and not self.broken:
                    self._set_filters(scopes[(self.number + round_) % len(scopes)])
                    await self._run(round_, title, "filter")

    def page_order(self) -> list[str]:
        """Return the pages in this session's order: rotated by its number, so sessions spread over pages."""
        shift = self.number % len(PAGES)
        return list(PAGES[shift:] + PAGES[:shift])

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def _run(self, round_: int, title: str | None, kind: str) -> None:
        """Ask for one script run of page `title` (None: the URL's default page) and read up to its end."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        if title is not None:
            state.page_script_hash, state.page_name = self.pages[title]
        state.widget_states.widgets.extend(self.states.values())
        shown = title or "(default page)"
        self._page_hash = ""
        started = time.perf_counter()
        try:
            await self._socket.send(message.SerializeToString())
            async with asyncio.timeout(self.timeout):
                while not await self._read_one(shown):
                    pass
        except TimeoutError:
            self._fail("timeout", shown, f"no script_finished within {self.timeout:g} s")
            return
        except ConnectionClosed as exc:
            self._fail("disconnect", shown, f"the server closed the websocket ({exc})")
            return
        landed = self._title(self._page_hash)
        if title is not None and landed != title:
            self._problem("wrong page", shown, f"the server ran {landed!r}")
        self.runs.append(PageRun(self.number, round_, landed or shown, kind, time.perf_counter() - started))

    async def _read_one(self, page: str) -> bool:
        """Read one ForwardMsg and take what it says; True once the run has finished."""
        msg = ForwardMsg()
        msg.ParseFromString(await self._socket.recv())
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self._problem("script error", page, "the page script did not compile")
            return msg.script_finished != FINISHED_EARLY
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element, list(msg.metadata.delta_path), page)
        elif kind == "navigation":  # app.py's st.navigation, every run: the pages and the one being run
            self.pages = {p.page_name: (p.page_script_hash, p.url_pathname) for p in msg.navigation.app_pages}
            self._page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":  # the app rewrote the URL's query string (its filters)
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self._problem("page not found", page, msg.page_not_found.page_name or "(no name)")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            error = msg.session_event.script_compilation_exception
            self._problem("script error", page, f"{error.type}: {error.message}")
        return False

    def _element(self, element, path: list[int], page: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            what = "warning shown" if element.exception.is_warning else element.exception.type
            where = raised_at(list(element.exception.stack_trace))
            message = f"{what}: {element.exception.message.strip()[:MESSAGE_CHARS]}"
            self._problem("exception", page, message + (f" at {where}" if where else ""))
        elif kind == "alert" and element.alert.format == Alert.ERROR:
            self._problem("error box", page, element.alert.body)
        elif path[:1] == [SIDEBAR]:
            identity = getattr(getattr(element, kind), "id", "")
            if identity.startswith("$$ID-") and identity.count("-") >= 2:  # a widget with a key: "$$ID-<hash>-<key>"
                self.sidebar[identity.split("-", 2)[2]] = getattr(element, kind)

    def _set_filters(self, scope: Scope) -> None:
        """Give the sidebar's filter widgets the values of `scope`, as a user changing them would."""
        f = scope.filters
        wanted = {
            "flt_from": [f.date_from.isoformat()] if f.date_from else [],
            "flt_to": [f.date_to.isoformat()] if f.date_to else [],
            "flt_channel": list(f.channels),
            "flt_reason": list(f.reasons),
            "flt_window": scope.window,
            "flt_same_reason": scope.same_reason,
        }
        for key, value in wanted.items():
            widget = self.sidebar.get(key)
            if widget is None:  # not drawn (the data has no such column): nothing to change
                continue
            state = WidgetState(id=widget.id)
            if isinstance(value, list):
                state.string_array_value.data.extend(value)
            elif isinstance(value, bool):
                state.bool_value = value
            elif widget.data_type == NumberInput.INT:
                state.int_value = value
            else:
                state.double_value = value
            self.states[widget.id] = state

    def _title(self, script_hash: str) -> str | None:
        return next((title for title, (h, _) in self.pages.items() if h == script_hash), None)

    def _problem(self, kind: str, page: str, message: str) -> None:
        # One line: a DuckDB error spans several, and the report is a Markdown table.
        self.problems.append(Problem(kind, self.number, page, " ".join(message.split())[:2 * MESSAGE_CHARS]))

    def _fail(self, kind: str, page: str, message: str) -> None:
        """Record a problem after which this session cannot go on (a late answer would be misread)."""
        self._problem(kind, page, message)
        self.broken = True


def raised_at(stack: list[str]) -> str:
    """Return where a traceback shown on a page was raised in the project's own code, with the caller
    ("cxmetrics/store/db.py:250 in run (from cxmetrics/engine/outcomes.py:88 in summary)"), else its innermost
    frame; "" when the page showed no traceback (client.showErrorDetails)."""
    frames = [match for entry in stack if (match := FRAME.search(entry))]
    own = [f for f in frames if Path(f["path"]).is_relative_to(PROJECT_ROOT) and ".venv" not in Path(f["path"]).parts]
    shown = [_frame(f) for f in (own or frames)[-2:]]
    if len(shown) == 2 and own:
        return f"{shown[1]} (from {shown[0]})"
    return shown[-1] if shown else ""


def _frame(match: re.Match) -> str:
    path = Path(match["path"])
    return f"{path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path}:{match['line']} in {match['name']}"


def error_summary(problems: list[Problem], limit: int = MESSAGES_SHOWN) -> list[str]:
    """Return the most frequent distinct problems, most frequent first: "count× kind: message (pages)"."""
    counts = Counter((p.kind, p.message) for p in problems)
    pages: dict[tuple[str, str], set[str]] = {}
    for p in problems:
        pages.setdefault((p.kind, p.message), set()).add(p.page)
    return [f"{n}× {kind}: {message} ({', '.join(sorted(pages[kind, message]))})"
            for (kind, message), n in counts.most_common(limit)]


def filter_scopes(channels: list[str], reasons: list[str], latest: date | None) -> list[Scope]:
    """Return the filter settings sessions move between: everything; one channel; two reasons; the
    last 90 days; twice the default repeat window, counting same-reason repeats only; a channel, a
    reason and one month."""
    scopes = [
        Scope(),
        Scope(Filters(channels=tuple(channels[:1]))),
        Scope(Filters(reasons=tuple(reasons[:2]))),
        Scope(window=2 * DEFAULT_WINDOW, same_reason=True),
    ]
    if latest is not None:
        scopes.insert(3, Scope(Filters(date_from=latest - timedelta(days=89), date_to=latest)))
        scopes.append(Scope(Filters(date_from=latest - timedelta(days=59), date_to=latest - timedelta(days=30),
                                    channels=tuple(channels[1:2]), reasons=tuple(reasons[2:3]))))
    return scopes


def percentile(values: list[float], q: float) -> float | None:
    """Return the nearest-rank q-th percentile (0 < q ≤ 100): the smallest value with at least q % of
    the values at or below it; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def spread(seconds: list[float]) -> dict:
    """Return {"runs", "p50", "p95", "max"} of run times in seconds (None for no runs)."""
    return {"runs": len(seconds), "p50": percentile(seconds, 50), "p95": percentile(seconds, 95),
            "max": max(seconds) if seconds else None}


def server_memory(pid: int) -> dict[str, int | None]:
    """Return {"rss", "hwm"}: the process's resident memory now and at its peak (VmHWM), in bytes,
    from /proc (None where there is no /proc: the benchmark measures memory on Linux only)."""
    found: dict[str, int | None] = {"rss": None, "hwm": None}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found["rss" if name == "VmRSS" else "hwm"] = int(value.split()[0]) * 1024  # reported in kB
    return found


def server_cpu_seconds(pid: int) -> float | None:
    """Return the CPU time (user + system) the process has used so far, from /proc; None without it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (name) ": field 3 of proc(5) is fields[0]
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _data_facts(database: Path) -> tuple[list[str], list[str], date | None, int]:
    """Return the channels, the contact reasons, the latest day and the contact count of the store
    (read before the server starts: it holds the file while it runs)."""
    con = connect_store(database, read_only=True)
    try:
        contacts = con.execute("SELECT count(*) FROM contacts").fetchall()[0][0]
        return dimension_values(con, "channel"), dimension_values(con, "contact_reason"), latest_day(con), contacts
    finally:
        con.close()


async def _drive(url: str, pid: int, sessions: int, rounds: int, scopes: list[Scope], timeout: float) -> dict:
    """Warm `sessions` sessions up together, read memory, play `rounds` rounds together, read memory."""
    crowd = [Session(number, url, timeout) for number in range(sessions)]
    try:
        await asyncio.gather(*(s.warm_up(scopes[s.number % len(scopes)]) for s in crowd))
        await asyncio.sleep(SETTLE_SECONDS)
        after_warm_up, cpu_before = server_memory(pid), server_cpu_seconds(pid)
        started, client_before = time.perf_counter(), time.process_time()
        await asyncio.gather(*(s.play(rounds, scopes) for s in crowd if not s.broken))
        wall, client = time.perf_counter() - started, time.process_time() - client_before
        await asyncio.sleep(SETTLE_SECONDS)
        at_end, cpu_after = server_memory(pid), server_cpu_seconds(pid)
    finally:
        await asyncio.gather(*(s.close() for s in crowd), return_exceptions=True)
    return {
        "runs": [run for s in crowd for run in s.runs],
        "problems": [problem for s in crowd for problem in s.problems],
        "after_warm_up": after_warm_up, "at_end": at_end, "wall": wall,
        "cpu": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before, "client_cpu": client,
    }


def run_async(coroutine):
    """Return the coroutine's result, run to its end on an event loop of a thread of its own (the
    calling thread may run a loop already: playwright's sync API, in the same test process, does)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def measure_sessions(database: Path, sessions: int = 50, rounds: int = 2, *,
                     run_timeout: float = RUN_TIMEOUT_SECONDS) -> dict:
    """Return the figures of `sessions` simultaneous sessions, each playing `rounds` rounds after a
    warm-up, against one `streamlit run app.py` over the store at `database` (which the app migrates
    to the latest schema on opening, as it always does; the sessions only read)."""
    database = Path(database)
    if not database.is_file():
        raise FileNotFoundError(f"no database at {database}: build one first (benchmarks/run.py --phase import)")
    if sessions < 1 or rounds < 1:
        raise ValueError("sessions and rounds must be at least 1")
    channels, reasons, latest, contacts = _data_facts(database)
    scopes = filter_scopes(channels, reasons, latest)
    with tempfile.TemporaryDirectory(prefix="cx-sessions-") as workdir, \
            streamlit_run(database, Path(workdir)) as server:
        seen = run_async(_drive(server.url, server.pid, sessions, rounds, scopes, run_timeout))
        log = server.log.read_text("utf-8", "replace")[-LOG_TAIL_CHARS:] if seen["problems"] else ""
    return _figures(seen, database, contacts, sessions, rounds) | {"server_log_tail": log}


def _figures(seen: dict, database: Path, contacts: int, sessions: int, rounds: int) -> dict:
    measured = [run for run in seen["runs"] if run.round > 0]
    opens = [run for run in measured if run.kind == "open"]
    problems = seen["problems"]
    after, end = seen["after_warm_up"], seen["at_end"]
    growth = end["rss"] - after["rss"] if end["rss"] is not None and after["rss"] is not None else None
    overall = spread([run.seconds for run in measured])
    figures = {
        "database": str(database),
        "contacts": contacts,
        "sessions": sessions,
        "rounds": rounds,
        "pages": list(PAGES),
        "page_runs": len(measured),
        "opens": {title: sum(1 for run in opens if run.page == title) for title in PAGES},
        "filter_changes": sum(1 for run in measured if run.kind == "filter"),
        "seconds": overall,
        "by_page": {title: spread([run.seconds for run in opens if run.page == title]) for title in PAGES},
        "filter_seconds": spread([run.seconds for run in measured if run.kind == "filter"]),
        "warm_up_seconds": spread([run.seconds for run in seen["runs"] if run.round == 0]),
        "wall_seconds": seen["wall"],
        "server_cpu_seconds": seen["cpu"],
        "client_cpu_seconds": seen["client_cpu"],  # this process, all sessions: small beside the server's
        "errors": len(problems),
        "errors_by_kind": dict(Counter(problem.kind for problem in problems)),
        "error_messages": error_summary(problems),
        "rss_after_warm_up_bytes": after["rss"],
        "rss_end_bytes": end["rss"],
        "rss_growth_bytes": growth,
        "rss_peak_bytes": end["hwm"],
    }
    # None: not measured (no round was played, or no /proc to read memory from).
    figures["targets"] = {
        "p95": None if overall["p95"] is None else overall["p95"] <= P95_TARGET_SECONDS,
        "errors": not problems,
        "growth": None if growth is None or not measured else growth <= GROWTH_TARGET_BYTES,
    }
    return figures


def _s(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _mb(value: float | None, sign: bool = False) -> str:
    return "not measured (no /proc)" if value is None else f"{value / 1e6:{'+' if sign else ''},.0f} MB"


def _times(spread_: dict) -> str:
    return f"{_s(spread_['p50'])} / {_s(spread_['p95'])} / {_s(spread_['max'])} s ({spread_['runs']:,} runs)"


def report_rows(figures: dict) -> list[list[str]]:
    """Return the report's rows under REPORT_HEADER (figure, value, target, judged): one line per figure."""
    met = {True: "met", False: "not met", None: "not measured"}
    targets = figures["targets"]
    cpu = figures["server_cpu_seconds"]
    errors = figures["errors"]
    rows = [
        ["Sessions at once × rounds (after a warm-up)", f"{figures['sessions']} × {figures['rounds']} "
         f"on {figures['contacts']:,} contacts", "", ""],
        ["Page runs (page opens + filter changes)",
         f"{figures['page_runs']:,} ({sum(figures['opens'].values()):,} + {figures['filter_changes']:,}) in "
         f"{figures['wall_seconds']:.0f} s" + (f"; server CPU {cpu:.0f} s" if cpu is not None else "")
         + f", client CPU {figures['client_cpu_seconds']:.0f} s", "", ""],
        ["Page time p50 / p95 / max, every run", _times(figures["seconds"]), f"p95 ≤ {P95_TARGET_SECONDS:g} s",
         met[targets["p95"]]],
    ]
    rows += [[f"… opening {title}", _times(s), "", ""] for title, s in figures["by_page"].items()]
    rows += [
        ["… changing the filters", _times(figures["filter_seconds"]), "", ""],
        ["… warm-up (first opens, not counted above)", _times(figures["warm_up_seconds"]), "", ""],
        ["Errors (exceptions, error boxes, script errors, disconnects, timeouts)",
         str(errors) + (": " + "; ".join(f"{k} {n}" for k, n in figures["errors_by_kind"].items()) if errors else ""),
         "0", met[targets["errors"]]],
    ]
    rows += [["… " + ("most frequent" if i == 0 else ""), message.replace("|", "\\|"), "", ""]
             for i, message in enumerate(figures["error_messages"])]
    rows += [
        ["Server resident memory after the warm-up", _mb(figures["rss_after_warm_up_bytes"]), "", ""],
        ["… at the end (sessions still open)", _mb(figures["rss_end_bytes"]), "", ""],
        ["… growth across the rounds", _mb(figures["rss_growth_bytes"], sign=True),
         f"≤ {GROWTH_TARGET_BYTES / 1e6:g} MB", met[targets["growth"]]],
        ["… peak (VmHWM)", _mb(figures["rss_peak_bytes"]), "", ""],
    ]
    return rows


def markdown_table(rows: list[list[str]], header: list[str] = REPORT_HEADER) -> str:
    """Return rows as a Markdown table under `header`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB store to serve (not changed)")
    parser.add_argument("--sessions", type=int, default=50, help="sessions at once (default 50)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds each session plays after its warm-up (default 2)")
    parser.add_argument("--timeout", type=float, default=RUN_TIMEOUT_SECONDS,
                        help=f"seconds one page run may take before it counts as timed out (default {RUN_TIMEOUT_SECONDS:g})")
    args = parser.parse_args(argv)
    try:
        figures = measure_sessions(args.database, args.sessions, args.rounds, run_timeout=args.timeout)
    except (FileNotFoundError, ValueError, DatabaseBusy, ServerDidNotStart) as problem:
        parser.exit(2, f"sessions.py: {problem}\n")
    print(markdown_table(report_rows(figures)))
    if figures["server_log_tail"]:
        print(f"--- the server's log, last {LOG_TAIL_CHARS:,} characters ---\n{figures['server_log_tail']}", file=sys.stderr)
    return figures


if __name__ == "__main__":
    main()
