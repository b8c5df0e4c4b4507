"""A pytest plugin that fails the run when a file in sql/ was never executed by any test.

Under pytest-xdist each worker records what its own tests ran and hands the names to the controller
(`workeroutput`), which judges the whole run: no single worker has run every test."""

import pytest

from cxmetrics.store import db

_executed: set[str] = set()
_original_query = db.query
_WORKER_KEY = "sql_files_executed"


def _recording_query(name, **slots):
    _executed.add(name)
    return _original_query(name, **slots)


def pytest_configure(config):
    db.query = _recording_query


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """On the xdist controller: add what a finished worker executed."""
    _executed.update(getattr(node, "workeroutput", {}).get(_WORKER_KEY, ()))


def pytest_sessionfinish(session, exitstatus):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller judges the run
        workeroutput[_WORKER_KEY] = sorted(_executed)
        return
    # Only a full run can judge coverage; a run of selected tests says nothing about the rest.
    if session.config.option.keyword or session.config.args != [] and session.config.args != ["tests"]:
        return
    if session.testsfailed or exitstatus != 0:
        return
    every = {str(p.relative_to(db.SQL_DIR).with_suffix("")) for p in db.SQL_DIR.rglob("*.sql")}
    every -= {n for n in every if n.startswith("schema/")}  # run by migrate() on every new database
    missing = sorted(every - _with_includes(_executed & every))
    if missing:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        reporter.write_line(f"FAILED sql coverage: never executed by a test: {', '.join(missing)}", red=True)


def _with_includes(names: set[str]) -> set[str]:
    """Return `names` (files of sql/) and every file they include ({{> folder/name}}), directly or through another
    include: a file run by a test runs what it includes, though only its own name reaches db.query."""
    found, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found.add(name)
        todo.extend(db._INCLUDE.findall(db._file_text(name)))
    return found
