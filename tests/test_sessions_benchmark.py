"""The concurrent-sessions benchmark works end to end at a tiny size (real websocket sessions of a real
`streamlit run`, each opening every page and changing the filters), and reads Streamlit's messages
right. No timing is asserted: shared machines are too noisy for that."""

from __future__ import annotations

import asyncio
import contextlib
import io
from datetime import date

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Checkbox_pb2 import Checkbox
from streamlit.proto.DateInput_pb2 import DateInput
from streamlit.proto.Exception_pb2 import Exception as ExceptionProto
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.MultiSelect_pb2 import MultiSelect
from streamlit.proto.NumberInput_pb2 import NumberInput
from websockets.exceptions import ConnectionClosedError

from benchmarks import sessions
from benchmarks.sessions import (PAGES, PROJECT_ROOT, Problem, Scope, Session, error_summary, filter_scopes, percentile,
                                 raised_at, report_rows, run_async)
from cxmetrics.store.dimensions import Filters

SESSIONS, ROUNDS = 3, 1


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, copy_sample):
    """Return (figures, printed table) of the CLI run at 3 sessions × 1 round over the sample data."""
    database = copy_sample(tmp_path_factory.mktemp("sessions"), "cx.duckdb")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        figures = sessions.main(["--database", str(database), "--sessions", str(SESSIONS), "--rounds", str(ROUNDS)])
    return figures, printed.getvalue()


def test_every_session_opens_every_page_each_round_and_nothing_goes_wrong(tiny):
    figures, _ = tiny
    assert figures["errors"] == 0, figures["error_messages"]
    assert figures["opens"] == {title: SESSIONS * ROUNDS for title in PAGES}
    assert figures["filter_changes"] == SESSIONS * ROUNDS
    assert figures["page_runs"] == SESSIONS * ROUNDS * (len(PAGES) + 1)
    assert figures["warm_up_seconds"]["runs"] == SESSIONS * len(PAGES)  # the link's page, then every other one


def test_the_figures_are_present_and_consistent(tiny):
    figures, _ = tiny
    overall = figures["seconds"]
    assert overall["runs"] == figures["page_runs"]
    assert 0 < overall["p50"] <= overall["p95"] <= overall["max"]
    for title, spread in figures["by_page"].items():
        assert spread["runs"] == SESSIONS * ROUNDS, title
        assert 0 < spread["p50"] <= spread["p95"] <= spread["max"] <= overall["max"], title
    assert figures["rss_after_warm_up_bytes"] > 50e6 and figures["rss_end_bytes"] > 50e6  # a Python server with pandas
    assert figures["rss_growth_bytes"] == figures["rss_end_bytes"] - figures["rss_after_warm_up_bytes"]
    assert figures["rss_peak_bytes"] >= max(figures["rss_end_bytes"], figures["rss_after_warm_up_bytes"])
    assert figures["server_cpu_seconds"] > 0 and figures["wall_seconds"] > 0 and figures["client_cpu_seconds"] >= 0
    assert figures["server_log_tail"] == ""  # kept only when something went wrong
    assert figures["contacts"] > 0 and (figures["sessions"], figures["rounds"]) == (SESSIONS, ROUNDS)
    assert figures["targets"]["errors"] is True


def test_the_cli_prints_the_report_as_a_markdown_table(tiny):
    figures, printed = tiny
    lines = printed.strip().splitlines()
    assert lines[0] == "| Figure | Value | Target | Judged |"
    assert len(lines) == 2 + len(report_rows(figures))
    assert any(line.startswith("| Errors") and "| 0 | met |" in line for line in lines)
    assert sum(line.startswith("| … opening ") for line in lines) == len(PAGES)


def test_the_cli_refuses_a_missing_database_in_one_line(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        sessions.main(["--database", str(tmp_path / "none.duckdb"), "--sessions", "1"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([], 50, None),
        ([4.0], 95, 4.0),
        ([3.0, 1.0, 2.0], 50, 2.0),  # rank ceil(1.5) = 2
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),  # rank 2: half the values at or below it
        ([float(v) for v in range(1, 21)], 95, 19.0),  # rank 19 of 20
        ([float(v) for v in range(1, 21)], 96, 20.0),  # rank ceil(19.2) = 20
        ([float(v) for v in range(1, 101)], 95, 95.0),
        ([5.0, 1.0], 100, 5.0),
    ],
)
def test_percentile_is_the_nearest_rank(values, q, expected):
    assert percentile(values, q) == expected


def test_filter_scopes_cover_each_filter_from_the_stores_own_values():
    latest = date(2026, 10, 31)
    scopes = filter_scopes(["phone", "chat", "email"], ["Billing", "Delivery", "Fault"], latest)
    assert scopes == [
        Scope(),
        Scope(Filters(channels=("phone",))),
        Scope(Filters(reasons=("Billing", "Delivery"))),
        Scope(Filters(date_from=date(2026, 8, 3), date_to=latest)),
        Scope(window=14, same_reason=True),
        Scope(Filters(date_from=date(2026, 9, 2), date_to=date(2026, 10, 1), channels=("chat",), reasons=("Fault",))),
    ]
    assert filter_scopes([], [], None) == [Scope(), Scope(), Scope(), Scope(window=14, same_reason=True)]


# --- how a session reads the server's messages, without a server ----------------------------------


class FakeSocket:
    """Answers every send with the given ForwardMsgs, then waits forever (or closes, if told)."""

    def __init__(self, messages: list[ForwardMsg], closes: bool = False):
        self.pending = [m.SerializeToString() for m in messages]
        self.sent = []
        self.closes = closes

    async def send(self, data: bytes) -> None:
        self.sent.append(data)

    async def recv(self) -> bytes:
        if self.pending:
            return self.pending.pop(0)
        if self.closes:
            raise ConnectionClosedError(None, None)
        await asyncio.sleep(3600)


def _navigation(current: str) -> ForwardMsg:
    msg = ForwardMsg()
    for title in PAGES:
        page = msg.navigation.app_pages.add(page_name=title, page_script_hash=f"h-{title}", url_pathname=title.lower())
        if title == current:
            msg.navigation.page_script_hash = page.page_script_hash
    return msg


def _element(path: list[int], **element) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    kind, value = next(iter(element.items()))
    getattr(msg.delta.new_element, kind).CopyFrom(value)
    return msg


def _finished(status=ForwardMsg.FINISHED_SUCCESSFULLY) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _query(text: str) -> ForwardMsg:
    msg = ForwardMsg()
    msg.page_info_changed.query_string = text
    return msg


def _session(messages, closes=False, timeout=5.0) -> Session:
    session = Session(7, "http://unused", timeout)
    session._socket = FakeSocket(messages, closes)
    return session


def test_a_clean_run_is_timed_and_takes_the_pages_the_sidebar_and_the_query_string():
    messages = [
        _navigation("Segments"),
        _element([1, 3], multiselect=MultiSelect(id="$$ID-abc-flt_channel", label="Channel", options=["chat"])),
        _element([0, 3], number_input=NumberInput(id="$$ID-def-target_nps", label="NPS")),  # main area: not the sidebar
        _query("channel=chat"),
        _finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN),  # st.rerun(): the run goes on
        _finished(),
    ]
    session = _session(messages)
    run_async(session._run(1, None, "open"))
    assert session.problems == [] and not session.broken
    [run] = session.runs
    assert (run.session, run.round, run.page, run.kind) == (7, 1, "Segments", "open") and run.seconds > 0
    assert session.pages["Contact reasons"] == ("h-Contact reasons", "contact reasons")
    assert list(session.sidebar) == ["flt_channel"]
    assert session.query_string == "channel=chat"


def test_exceptions_error_boxes_and_the_wrong_page_are_problems():
    messages = [
        _navigation("Overview"),
        _element([0, 1], exception=ExceptionProto(type="CatalogException", message="no table\n\nLINE 3:  x",
                                                  stack_trace=[f'File "{PROJECT_ROOT}/cxmetrics/store/db.py", line 250, in run'])),
        _element([0, 2], alert=Alert(body="Nothing was loaded", format=Alert.ERROR)),
        _element([0, 3], alert=Alert(body="Waiting for the database", format=Alert.INFO)),  # not an error
        _finished(),
    ]
    session = _session(messages)
    session.pages = {title: (f"h-{title}", title) for title in PAGES}
    run_async(session._run(2, "Segments", "open"))
    assert [(p.kind, p.page, p.message) for p in session.problems] == [
        ("exception", "Segments", "CatalogException: no table LINE 3: x at cxmetrics/store/db.py:250 in run"),  # one line
        ("error box", "Segments", "Nothing was loaded"),
        ("wrong page", "Segments", "the server ran 'Overview'"),
    ]
    assert not session.broken  # the run finished: the session goes on


@pytest.mark.parametrize(
    ("closes", "kind"),
    [(False, "timeout"), (True, "disconnect")],
)
def test_a_run_that_never_finishes_ends_its_session(closes, kind):
    session = _session([_navigation("Overview")], closes=closes, timeout=0.2)
    run_async(session._run(1, None, "open"))
    assert [p.kind for p in session.problems] == [kind]
    assert session.broken and session.runs == []


def test_changing_the_filters_sends_every_filter_widget_its_new_value():
    session = _session([])
    widgets = {
        "flt_from": DateInput(id="$$ID-1-flt_from"),
        "flt_to": DateInput(id="$$ID-2-flt_to"),
        "flt_channel": MultiSelect(id="$$ID-3-flt_channel"),
        "flt_reason": MultiSelect(id="$$ID-4-flt_reason"),
        "flt_window": NumberInput(id="$$ID-5-flt_window", data_type=NumberInput.INT),
        "flt_same_reason": Checkbox(id="$$ID-6-flt_same_reason"),
    }
    session.sidebar = dict(widgets)
    session._set_filters(Scope(Filters(date_from=date(2026, 9, 2), channels=("chat", "email")), 14, True))
    sent = {state.id: state for state in session.states.values()}
    assert list(sent["$$ID-1-flt_from"].string_array_value.data) == ["2026-09-02"]
    assert list(sent["$$ID-2-flt_to"].string_array_value.data) == []  # cleared
    assert list(sent["$$ID-3-flt_channel"].string_array_value.data) == ["chat", "email"]
    assert sent["$$ID-4-flt_reason"].WhichOneof("value") == "string_array_value"
    assert list(sent["$$ID-4-flt_reason"].string_array_value.data) == []
    assert (sent["$$ID-5-flt_window"].WhichOneof("value"), sent["$$ID-5-flt_window"].int_value) == ("int_value", 14)
    assert (sent["$$ID-6-flt_same_reason"].WhichOneof("value"), sent["$$ID-6-flt_same_reason"].bool_value) == (
        "bool_value", True)


def test_report_rows_judge_the_targets():
    figures = {
        "sessions": 50, "rounds": 2, "contacts": 1_000_000, "pages": list(PAGES), "page_runs": 2,
        "opens": {"Overview": 1}, "filter_changes": 1,
        "seconds": {"runs": 2, "p50": 1.0, "p95": 6.0, "max": 6.0},
        "by_page": {"Overview": {"runs": 1, "p50": 1.0, "p95": 1.0, "max": 1.0}},
        "filter_seconds": {"runs": 1, "p50": 6.0, "p95": 6.0, "max": 6.0},
        "warm_up_seconds": {"runs": 0, "p50": None, "p95": None, "max": None},
        "wall_seconds": 7.0, "server_cpu_seconds": None, "client_cpu_seconds": 0.4,
        "errors": 1, "errors_by_kind": {"timeout": 1}, "error_messages": ["1× timeout: a|b (Segments)"],
        "rss_after_warm_up_bytes": 500e6, "rss_end_bytes": 650e6, "rss_growth_bytes": 150e6, "rss_peak_bytes": 700e6,
        "targets": {"p95": False, "errors": False, "growth": False},
    }
    rows = {row[0]: row for row in report_rows(figures)}
    assert rows["Page time p50 / p95 / max, every run"][1:] == ["1.00 / 6.00 / 6.00 s (2 runs)", "p95 ≤ 5 s", "not met"]
    assert rows["… warm-up (first opens, not counted above)"][1] == "– / – / – s (0 runs)"
    assert rows["… growth across the rounds"][1:] == ["+150 MB", "≤ 100 MB", "not met"]
    assert rows["… most frequent"][1] == "1× timeout: a\\|b (Segments)"  # a pipe would split the table cell
    assert rows["Errors (exceptions, error boxes, script errors, disconnects, timeouts)"][1:] == [
        "1: timeout 1", "0", "not met"]
    assert rows["Page runs (page opens + filter changes)"][1] == "2 (1 + 1) in 7 s, client CPU 0 s"
    unmeasured = report_rows(figures | {"targets": {"p95": None, "errors": True, "growth": None}})
    assert [row[3] for row in unmeasured if row[2]] == ["not measured", "met", "not measured"]


VENV = f"{PROJECT_ROOT}/.venv/lib/python3.11/site-packages"


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ([], ""),  # client.showErrorDetails hid the traceback
        ([f'File "{PROJECT_ROOT}/views/overview.py", line 28, in <module>\n    drivers = ...',
          f'File "{PROJECT_ROOT}/cxmetrics/engine/segments.py", line 78, in segment_gaps\n    return frame.sort_values(...)',
          f'File "{VENV}/pandas/core/generic.py", line 1516, in abs\n    res_mgr = ...'],
         "cxmetrics/engine/segments.py:78 in segment_gaps (from views/overview.py:28 in <module>)"),  # ours, not pandas'
        ([f'File "{VENV}/streamlit/runtime/caching/cache_utils.py", line 762, in __call__'],
         ".venv/lib/python3.11/site-packages/streamlit/runtime/caching/cache_utils.py:762 in __call__"),  # none of ours
        ([f'File "{PROJECT_ROOT}/cxmetrics/store/db.py", line 250, in run'], "cxmetrics/store/db.py:250 in run"),
        (['File "/usr/lib/python3.11/json/__init__.py", line 9, in loads',
          'File "/usr/lib/python3.11/json/decoder.py", line 3, in decode'], "/usr/lib/python3.11/json/decoder.py:3 in decode"),
    ],
)
def test_raised_at_names_the_projects_innermost_frame(stack, expected):
    assert raised_at(stack) == expected


def test_error_summary_counts_distinct_problems_most_frequent_first():
    problems = [
        Problem("exception", 1, "Overview", "TypeError: x"),
        Problem("timeout", 2, "Segments", "no script_finished within 300 s"),
        Problem("exception", 3, "Segments", "TypeError: x"),
        Problem("exception", 4, "Overview", "TypeError: x"),
        Problem("exception", 5, "Overview", "KeyError: y"),
    ]
    assert error_summary(problems) == [
        "3× exception: TypeError: x (Overview, Segments)",
        "1× timeout: no script_finished within 300 s (Segments)",
        "1× exception: KeyError: y (Overview)",
    ]
    assert error_summary(problems, limit=1) == ["3× exception: TypeError: x (Overview, Segments)"]
