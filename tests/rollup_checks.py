"""Asking a store the same question with its rollups fresh and then stale, for tests that show a
rollup answers exactly as the base tables (or views) do."""

from __future__ import annotations

from cxmetrics import rollups
from cxmetrics.db import run


def fresh_and_stale(con, call):
    """Return (call() with the rollups fresh, call() with the rollup state forgotten, so every query
    reads the base tables); the state is put back afterwards."""
    assert rollups.is_fresh(con)
    rolled = call()
    run(con, "rollups/clear_state")
    try:
        base = call()
    finally:
        run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
    return rolled, base
