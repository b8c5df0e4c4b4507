"""The dashboard's hold on the database file: open while a script run uses it, closed when none does.

DuckDB lets one process write a database file, and a process holding it open (even idle) keeps
every other process out. A dashboard that kept its connection for its whole life would block
`python -m cxmetrics import` for as long as it runs. So the connection is held by threads:
each Streamlit script run (one thread per run) that asks for a cursor holds it until the thread
ends; a reaper closes the connection as soon as no live thread holds it, releasing the file.
Opening again costs about 15 ms, paid once per run, not per query.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable

import duckdb

from .db import DatabaseBusy

REAP_SECONDS = 0.2  # how soon after the last run ends the file is released
RETRY_SECONDS = 0.25


class HeldConnection:
    """One connection per process to each database file in use, held by the threads that use it.

    Sessions may look at different workspaces (files) at once: each file has its own connection,
    holders and release, so a session switching workspace never closes another session's file."""

    def __init__(self, open_store: Callable[[str], duckdb.DuckDBPyConnection],
                 keep_open: Callable[[str], bool] = lambda path: False):
        # open_store(path) opens, prepares and returns a connection, or raises DatabaseBusy at once.
        self._open_store = open_store
        # keep_open(path): a store that locks no file (a lake workspace, in memory over Parquet files)
        # stays open between runs, until clear(): reopening it would cost its views and derived facts.
        self._keep_open = keep_open
        self._lock = threading.Lock()
        self._cons: dict[str, duckdb.DuckDBPyConnection] = {}
        self._holders: dict[str, set[threading.Thread]] = {}
        self._reaper: threading.Thread | None = None
        # Close every connection while the interpreter still runs. The reaper is a daemon thread:
        # at exit it would be stopped wherever it is, and stopped inside DuckDB's close (C++ that
        # catches every exception) the process aborts with "FATAL: exception not rethrown".
        atexit.register(self.clear)

    def cursor(self, path: str, wait: float, on_wait: Callable[[DatabaseBusy], None] | None = None):
        """Return a new cursor; the calling thread holds the connection until it ends.

        While another process holds the file, retry for `wait` seconds, calling `on_wait` once
        with the first refusal; then raise DatabaseBusy."""
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                return self._cursor_now(path)
            except DatabaseBusy as busy:
                if time.monotonic() >= deadline:
                    raise
                if on_wait is not None and not told:
                    on_wait(busy)
                    told = True
            time.sleep(RETRY_SECONDS)

    def is_open(self, path: str | None = None) -> bool:
        """Return True while a connection (to `path`, or to any file) and so its file's lock is held."""
        with self._lock:
            return bool(self._cons) if path is None else path in self._cons

    def clear(self, path: str | None = None) -> None:
        """Close the connection to `path` (every connection without one) now, whoever holds it
        (tests; removing a workspace)."""
        with self._lock:
            for held in [path] if path is not None else list(self._cons):
                self._close(held)

    def _cursor_now(self, path: str):
        with self._lock:
            if path not in self._cons:
                self._cons[path] = self._open_store(path)
                self._holders[path] = set()
            self._holders[path].add(threading.current_thread())
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="cxmetrics-connection-reaper", daemon=True)
                self._reaper.start()
            return self._cons[path].cursor()

    def _reap(self) -> None:
        while True:
            time.sleep(REAP_SECONDS)
            with self._lock:
                for path in list(self._cons):
                    alive = {t for t in self._holders.get(path, ()) if t.is_alive()}
                    if alive or self._keep_open(path):
                        self._holders[path] = alive
                    else:
                        self._close(path)
                if all(self._keep_open(path) for path in self._cons):
                    self._reaper = None
                    return

    def _close(self, path: str) -> None:
        con = self._cons.pop(path, None)
        self._holders.pop(path, None)
        if con is not None:
            con.close()
