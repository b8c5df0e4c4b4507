"""Does each rollup family pay? Time the pages it serves from its rollup tables and from the base
tables, side by side, on the same connection.

A page reads a family's tables only while `rollup_state.is_fresh` (or `.status`) says they reflect
the data. To send one family to the base tables and leave every other family as it is, the modules
that ask that question for the family (its readers) are given, for the measurement only, a view of
`cxmetrics.store.rollup_state` that answers "stale": exactly what they do after an import whose rollup build
has not run, so the base path timed is the product's own. Nothing is written to the store.

A family pays when, without it, a page it serves would miss the warm budget (150 ms) and the
family makes that page at least PAYS_RATIO times faster: a rollup is a second implementation of
its figures, kept only where it buys a real share of the budget.
"""

from __future__ import annotations

import importlib
import importlib.util
import time
from contextlib import contextmanager
from dataclasses import dataclass

from cxmetrics.store import rollup_state

PAYS_RATIO = 3.0  # "at least a few times" the page's time
WARM_BUDGET_SECONDS = 0.150


@dataclass(frozen=True)
class Family:
    name: str  # the family: its module is cxmetrics/rollups/<name>.py
    readers: tuple[str, ...]  # the modules (under cxmetrics.) that ask whether it is fresh before reading it
    pages: tuple[str, ...]  # the pages whose figures it answers (benchmarks/run.py PAGES titles)


FAMILIES = (
    Family("metric_rollups", ("rollups.metric_rollups",), ("Overview", "Contact reasons", "Segments")),
    Family("outcome_rollups", ("engine.outcomes", "rollups.outcome_rollups"), ("Business outcomes",)),
    Family("loop_rollups", ("rollups.loop_rollups",), ("Close the loop", "Customer story")),
    Family("story_rollups", ("rollups.story_rollups",), ("Customer story",)),
    Family("comment_rollups", ("rollups.comment_rollups",), ("Voice of the customer",)),
    Family("touchpoint_rollups", ("rollups.touchpoint_rollups",), ("Touchpoint map",)),
    Family("path_rollups", ("rollups.path_rollups",), ("Contact reasons",)),
)


def present_families() -> tuple[Family, ...]:
    """Return the families whose module exists in this tree (a family removed for not paying is gone)."""
    return tuple(f for f in FAMILIES if importlib.util.find_spec(f"cxmetrics.rollups.{f.name}") is not None)


class _StaleRollups:
    """`cxmetrics.store.rollup_state` as a module sees it after an import whose rollup build did not run."""

    def __getattr__(self, name):
        return getattr(rollup_state, name)

    @staticmethod
    def is_fresh(con) -> bool:
        return False

    @staticmethod
    def status(con):
        return False, rollup_state.status(con)[1]


@contextmanager
def base_path(family: Family):
    """Within the block, `family`'s readers answer from the base tables; every other family is unchanged."""
    modules = [importlib.import_module(f"cxmetrics.{name}") for name in family.readers]
    saved = [module.rollup_state for module in modules]
    for module in modules:
        module.rollup_state = _StaleRollups()
    try:
        yield
    finally:
        for module, original in zip(modules, saved):
            module.rollup_state = original


def warm_seconds(con, calls) -> float:
    """Return the seconds of one pass over a page's calls after a first pass (warm, as run.py's pages)."""
    for _, call in calls:
        call(con)
    started = time.perf_counter()
    for _, call in calls:
        call(con)
    return time.perf_counter() - started


def measure(con, pages) -> list[dict]:
    """Return one row per family and page it serves: the page's warm seconds from the family's
    rollups and from the base tables (every other family fresh in both), over `pages` (run.py PAGES)."""
    by_title = {page.title: page for page in pages}
    rows = []
    for family in present_families():
        for title in family.pages:
            calls = by_title[title].calls
            rolled = warm_seconds(con, calls)
            with base_path(family):
                base = warm_seconds(con, calls)
            rows.append({"family": family.name, "page": title, "rollup": rolled, "base": base})
    return rows


def pays(base: float, rollup: float) -> bool:
    """Return True when a page over the warm budget from the base tables is at least PAYS_RATIO times
    faster from the rollup."""
    return base > WARM_BUDGET_SECONDS and base >= PAYS_RATIO * rollup


def verdicts(rows: list[dict]) -> dict[str, bool]:
    """Return {family: whether it pays on at least one of its pages}."""
    found: dict[str, bool] = {}
    for row in rows:
        found[row["family"]] = found.get(row["family"], False) or pays(row["base"], row["rollup"])
    return found
