"""Workspaces: one DuckDB file per named data set, so the bundled sample never mixes with a user's data.

A workspace is `<folder>/<name>.duckdb`. The folder is the one holding the user's database file
(`$CXMETRICS_DB`, else `data/cx.duckdb`): the user's workspace is that file, the sample workspace
(`sample`) sits beside it. A page or a URL names a workspace only by its name, and a name is used
only when it both fits NAME_PATTERN and is one of the files listed in the folder: nothing typed or
linked ever becomes a path.

A lake workspace (docs/scale.md) is a built lake folder named by `$CXMETRICS_LAKE` (set by
`python -m cxmetrics serve --lake DIR`): listed first and opened by default, read-only, named after
its folder when that is a usable name (else `lake`). Only the operator's variable names it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .db import db_path

SAMPLE = "sample"
DEFAULT_USER = "cx"  # the user's workspace when their database file's name is not a usable name
LAKE_VARIABLE = "CXMETRICS_LAKE"
DEFAULT_LAKE = "lake"  # the lake workspace's name when its folder's name is not a usable one
SUFFIX = ".duckdb"
# Letters, digits, '-' and '_', starting with a letter or digit: no dot, no slash, no NUL, no '..'.
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class UnknownWorkspace(ValueError):
    """A workspace name that is not one of the workspaces present (or not a name at all)."""


@dataclass(frozen=True)
class Workspace:
    name: str
    path: Path
    lake: bool = False  # a lake folder (cxmetrics.lake.workspace), read-only, not a DuckDB file

    @property
    def is_sample(self) -> bool:
        return self.name == SAMPLE and not self.lake


def is_name(text) -> bool:
    """Return True when `text` has the shape of a workspace name (says nothing of whether it exists)."""
    return isinstance(text, str) and NAME_PATTERN.fullmatch(text) is not None


def user_file() -> Path:
    """Return the user's database file: `$CXMETRICS_DB`, else `data/cx.duckdb` (as the command line)."""
    return db_path().resolve()


def folder() -> Path:
    """Return the folder holding the workspaces: the user's database file's folder."""
    return user_file().parent


def user_workspace() -> Workspace:
    """Return the user's workspace (its file may not exist yet: the first load creates it)."""
    path = user_file()
    name = path.stem if path.suffix == SUFFIX and is_name(path.stem) and path.stem != SAMPLE else DEFAULT_USER
    return Workspace(name, path)


def lake_workspace() -> Workspace | None:
    """Return the lake workspace `$CXMETRICS_LAKE` names, or None when it is unset (or empty)."""
    chosen = os.environ.get(LAKE_VARIABLE, "").strip()
    if not chosen:
        return None
    path = Path(chosen).resolve()
    name = path.name if is_name(path.name) and path.name not in (SAMPLE, user_workspace().name) else DEFAULT_LAKE
    return Workspace(name, path, lake=True)


def sample_workspace() -> Workspace:
    return Workspace(SAMPLE, folder() / f"{SAMPLE}{SUFFIX}")


def listing() -> list[Workspace]:
    """Return the workspaces whose files are present: the lake's first (when one is named), the user's,
    then the others by name, the sample last."""
    user = user_workspace()
    lake = lake_workspace()
    found: dict[str, Workspace] = {}
    base = folder()
    if base.is_dir():
        for entry in os.scandir(base):
            stem = entry.name[: -len(SUFFIX)] if entry.name.endswith(SUFFIX) else None
            if stem and is_name(stem) and stem != user.name and entry.is_file() and not (lake and stem == lake.name):
                found[stem] = Workspace(stem, base / entry.name)
    ordered = [lake] if lake is not None else []
    ordered += [user] if user.path.is_file() else []
    ordered += [found[name] for name in sorted(found, key=lambda n: (n == SAMPLE, n.lower()))]
    return ordered


def resolve(name) -> Workspace:
    """Return the present workspace called `name`; raise UnknownWorkspace for anything else.

    The name is checked twice: its shape (NAME_PATTERN), and that it is one of listing()'s names,
    so a hostile link (`../x`, an absolute path, a NUL) can never reach the file system."""
    if not is_name(name):
        raise UnknownWorkspace(f"not a workspace name: {str(name)[:80]!r}")
    for workspace in listing():
        if workspace.name == name:
            return workspace
    raise UnknownWorkspace(f"no workspace called {name!r}")


def default(user_has_data: bool) -> Workspace:
    """Return the workspace a session opens without a choice: the lake's when one is named, else the user's
    once it holds data, else the sample (a user's workspace made empty, e.g. by checking a file that was
    then not loaded, does not hide it)."""
    if (lake := lake_workspace()) is not None:
        return lake
    user = user_workspace()
    return user if user_has_data and user.path.is_file() else sample_workspace()


def remove(workspace: Workspace) -> None:
    """Delete a workspace's file (and DuckDB's write-ahead log beside it). The caller closes connections first."""
    if workspace.name == user_workspace().name or workspace.lake:
        raise UnknownWorkspace(f"the workspace {workspace.name} is not removed from the dashboard")
    for path in (workspace.path, workspace.path.with_name(workspace.path.name + ".wal")):
        try:
            path.unlink()
        except FileNotFoundError:
            pass
