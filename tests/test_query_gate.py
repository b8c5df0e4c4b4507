"""A query that runs out of DuckDB's memory beside others is run again alone (cxmetrics.store.db._Gate):
it waits for the queries running, none starts while it runs, and only its second failure (or, in
an aborted transaction, its first) reaches the caller."""

from __future__ import annotations

import threading

import duckdb
import pytest

from cxmetrics.store import db


class Connection:
    """Stands in for a DuckDB connection: fails the first `failures` calls with an out-of-memory
    error, records how many queries were running at each call, and can hold a call open."""

    def __init__(self, failures=0, then=None):
        self.failures, self.then, self.calls = failures, then, []
        self.hold = None

    def execute(self, text, params):
        self.calls.append(params)
        if self.hold is not None:
            entered, release = self.hold
            entered.set()
            assert release.wait(10)
        if self.failures:
            self.failures -= 1
            raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")
        if self.then is not None:
            raise self.then
        return "result"


def test_a_query_out_of_memory_runs_again_and_answers():
    con = Connection(failures=1)
    assert db.run(con, "rollups/clear_state") == "result"
    assert len(con.calls) == 2


def test_the_second_failure_reaches_the_caller():
    con = Connection(failures=2)
    with pytest.raises(duckdb.OutOfMemoryException):
        db.run(con, "rollups/clear_state")
    assert len(con.calls) == 2


def test_in_an_aborted_transaction_the_first_failure_is_raised():
    con = Connection(failures=1, then=duckdb.TransactionException("Current transaction is aborted"))
    with pytest.raises(duckdb.OutOfMemoryException):
        db.run(con, "rollups/clear_state")


def test_the_retry_waits_for_running_queries_and_runs_alone():
    running = Connection()
    entered, release = threading.Event(), threading.Event()
    running.hold = (entered, release)
    other = threading.Thread(target=db.run, args=(running, "rollups/clear_state"))
    other.start()
    assert entered.wait(10)  # a query is running

    failing = Connection(failures=1)
    retried = threading.Thread(target=db.run, args=(failing, "rollups/clear_state"))
    retried.start()
    retried.join(0.3)
    assert retried.is_alive() and len(failing.calls) == 1  # failed once, waits for the running query

    release.set()
    other.join(10)
    retried.join(10)
    assert not retried.is_alive() and len(failing.calls) == 2


def test_queries_run_side_by_side_when_nothing_fails():
    first, second = Connection(), Connection()
    entered, release = threading.Event(), threading.Event()
    first.hold = (entered, release)
    holder = threading.Thread(target=db.run, args=(first, "rollups/clear_state"))
    holder.start()
    assert entered.wait(10)
    assert db.run(second, "rollups/clear_state") == "result"  # not blocked by the running query
    release.set()
    holder.join(10)
