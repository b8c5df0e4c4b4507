"""The dashboard's hold on the database file: open while a script run uses it, closed when none does.

DuckDB lets one process write a database file, and a process holding it open (even idle) keeps
every other process out. A dashboard that kept its connection for its whole life would block
`python -m cxmetrics import` for as long as it runs. So the connection is held by threads:
each Streamlit script run (one thread per run) that asks for a cursor holds it until the thread
ends; a reaper closes the connection as soon as no live thread holds it, releasing the file.
Opening again costs about 15 ms, paid once per run, not per query.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import duckdb

from .db import DatabaseBusy

REAP_SECONDS = 0.2  # how soon after the last run ends the file is released
RETRY_SECONDS = 0.25


class HeldConnection:
    """One connection per process to the current database, held by the threads that use it."""

    def __init__(self, open_store: Callable[[str], duckdb.DuckDBPyConnection]):
        # open_store(path) opens, prepares and returns a connection, or raises DatabaseBusy at once.
        self._open_store = open_store
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._path: str | None = None
        self._holders: set[threading.Thread] = set()
        self._reaper: threading.Thread | None = None

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

    def is_open(self) -> bool:
        """Return True while the connection (and so the database file's lock) is held."""
        with self._lock:
            return self._con is not None

    def clear(self) -> None:
        """Close the connection now, whoever holds it (tests; switching databases)."""
        with self._lock:
            self._close()

    def _cursor_now(self, path: str):
        with self._lock:
            if self._con is not None and self._path != path:
                self._close()
            if self._con is None:
                self._con = self._open_store(path)
                self._path = path
            self._holders.add(threading.current_thread())
            if self._reaper is None:
                self._reaper = threading.Thread(target=self._reap, name="cxmetrics-connection-reaper", daemon=True)
                self._reaper.start()
            return self._con.cursor()

    def _reap(self) -> None:
        while True:
            time.sleep(REAP_SECONDS)
            with self._lock:
                self._holders = {t for t in self._holders if t.is_alive()}
                if not self._holders or self._con is None:
                    self._close()
                    self._reaper = None
                    return

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con, self._path = None, None
        self._holders.clear()
