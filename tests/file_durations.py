"""A pytest plugin that ends every run with the test files that took longest, setup and teardown
included, and the worker each ran on: `--dist loadfile` keeps a file whole on one worker, so a
file's time is what the run's wall time is made of (`--durations` lists single phases, where a
module fixture's cost shows under whichever test happened to set it up).

Under pytest-xdist the controller sees every worker's reports (`pytest_runtest_logreport`), so
it sums them itself; nothing is sent back by the workers. `--file-durations=N` sets how many files
are listed (pytest.ini: 15; 0 leaves the table out)."""

from __future__ import annotations

from collections import defaultdict

_seconds: dict[str, float] = defaultdict(float)
_tests: dict[str, set[str]] = defaultdict(set)
_workers: dict[str, str] = {}


def pytest_addoption(parser):
    parser.addoption("--file-durations", type=int, default=15, metavar="N",
                     help="list the N test files that took longest (setup and teardown included); 0: none")


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    _seconds[path] += report.duration
    _tests[path].add(report.nodeid)
    worker = getattr(getattr(report, "node", None), "gateway", None)  # the xdist worker, on the controller
    if worker is not None:
        _workers[path] = worker.id


def pytest_terminal_summary(terminalreporter, config):
    shown = config.getoption("file_durations")
    if not shown or not _seconds or hasattr(config, "workerinput"):
        return
    terminalreporter.write_sep("=", f"slowest {min(shown, len(_seconds))} test files (setup, call and teardown summed)")
    for path, seconds in sorted(_seconds.items(), key=lambda item: -item[1])[:shown]:
        worker = f" [{_workers[path]}]" if path in _workers else ""
        terminalreporter.write_line(f"{seconds:8.1f}s {len(_tests[path]):5d} tests  {path}{worker}")
    per_worker: dict[str, float] = defaultdict(float)
    for path, seconds in _seconds.items():
        per_worker[_workers.get(path, "this process")] += seconds
    terminalreporter.write_line("summed per worker: " + ", ".join(
        f"{worker} {seconds:.0f}s" for worker, seconds in sorted(per_worker.items())))
