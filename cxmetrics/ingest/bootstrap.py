"""Filling the empty sample workspace with the bundled sample data, so a first launch shows a working dashboard."""

from __future__ import annotations

from pathlib import Path

from .. import rollups
from ..store.db import PROJECT_ROOT, run
from .importer import ImportOptions, ImportResult, load_file

SAMPLE_DIR = PROJECT_ROOT / "sample_data"
# Customers first, so segments exist when contacts and responses arrive.
SAMPLE_ORDER = ("customers", "contacts", "responses", "outcomes", "engagement")
SAMPLE_ACTOR = "first launch (sample data)"  # who the audit log names for these loads


def is_empty(con) -> bool:
    """Return True when nothing was ever imported into this database."""
    return run(con, "store/import_count").fetchone()[0] == 0


def load_sample(con, folder: Path = SAMPLE_DIR) -> list[ImportResult]:
    """Return the import results after loading every sample CSV found in `folder`."""
    results = []
    for kind in SAMPLE_ORDER:
        path = folder / f"{kind}.csv"
        if path.is_file():
            results.append(load_file(con, kind, path, ImportOptions(actor=SAMPLE_ACTOR)))
    return results


def ensure_data(con, with_sample: bool = True) -> list[ImportResult]:
    """Return what was loaded: the sample data when the database is empty (and `with_sample`: only the
    sample workspace gets it), else nothing; either way, leave the rollups built for the data there is
    (a store from an older version has none)."""
    loaded = load_sample(con) if with_sample and is_empty(con) else []
    rollups.ensure_fresh(con)
    return loaded
