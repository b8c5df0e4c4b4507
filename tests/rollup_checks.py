"""Asking a store the same question with its rollups fresh and then stale, for tests that show a
rollup answers exactly as the base tables (or views) do."""

from __future__ import annotations

from cxmetrics import rollups
from cxmetrics.store.db import run


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


def assert_migration_forgets_rollups(path, version: int) -> None:
    """Check that migration `version` forgets rollups built before it: its tables start empty, so a
    store whose older rollups were fresh must read the base tables until the next build."""
    import duckdb

    from cxmetrics.store.db import migrate, migration_files

    con = duckdb.connect(str(path))
    try:
        migrate(con, only={v for v, _ in migration_files() if v < version})
        run(con, "rollups/record_state", {"data_version": rollups.data_version(con)})
        assert rollups.is_fresh(con)
        assert version in migrate(con)
        assert not rollups.is_fresh(con)
    finally:
        con.close()
