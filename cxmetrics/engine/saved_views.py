"""Named saved views: a page and its link (the filters and the page's own choices), kept in the
workspace they were saved in (table saved_views, sql/schema/016_saved_views.sql).

A view stores only what a link would carry, and only the parameters the dashboard knows
(url_state.SCOPE_PARAMS, url_state.PAGE_CHOICES, a customer): opening one is opening that link, so
its values are checked the same way and anything the workspace no longer has is said on the page.

Saving, renaming and deleting a view are changes to the workspace: the app lets only analysts make
them (app_state checks the role), and each lands with its audit entry in one transaction.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime


from ..store import audit
from ..store.db import run
from .url_state import MAX_VALUES, PAGE_CHOICES, SCOPE_PARAMS

MAX_NAME = 60  # characters: a name fits the sidebar on one or two lines
MAX_VIEWS = 200  # per workspace: a list a person can still read
KEPT_PARAMS = frozenset((*SCOPE_PARAMS, *PAGE_CHOICES, "customer"))
# A page's URL path: letters, digits and '_' ('' is the Overview); the page itself is checked by the caller.
PAGE_PATTERN = re.compile(r"[a-z0-9_]{0,64}")


class ViewError(ValueError):
    """A view name or a saved view that cannot be used; the message says why in the page's words."""


@dataclass(frozen=True)
class SavedView:
    name: str
    page: str
    query: dict
    saved_at: datetime | None = None


def check_name(name) -> str:
    """Return the name without surrounding spaces; ViewError when it is empty, longer than MAX_NAME or holds
    a control or invisible formatting character (a line break, a tab, a right-to-left override…)."""
    if not isinstance(name, str):
        raise ViewError("A view needs a name.")
    name = name.strip()
    if not name:
        raise ViewError("A view needs a name.")
    if len(name) > MAX_NAME:
        raise ViewError(f"A view's name has at most {MAX_NAME} characters; this one has {len(name)}.")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") for ch in name):
        raise ViewError("A view's name cannot hold line breaks, tabs or other invisible characters.")
    return name


def clean_query(query: dict) -> dict[str, str | list[str]]:
    """Return the parameters of a link a view may keep: known names only, text values only (lists of at
    most MAX_VALUES), the workspace left out (a view opens in the workspace that holds it)."""
    kept: dict[str, str | list[str]] = {}
    for key, value in (query or {}).items():
        if key not in KEPT_PARAMS:
            continue
        if isinstance(value, str):
            kept[key] = value[:200]
        elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            kept[key] = [v[:200] for v in value][:MAX_VALUES]
    return kept


def list_views(con) -> list[SavedView]:
    """Return this workspace's saved views by name (a view whose stored query cannot be read opens bare)."""
    return [SavedView(name, page, _loads(query), saved_at) for name, page, query, saved_at in run(con, "views/list").fetchall()]


def get_view(con, name: str) -> SavedView:
    """Return the view called `name` (ViewError when there is none)."""
    rows = run(con, "views/named", {"name": name}).fetchall()
    if not rows or rows[0][0] != name:
        raise ViewError(f"There is no saved view called '{name}' in this workspace (deleted since?).")
    return SavedView(rows[0][0], rows[0][1], _loads(rows[0][2]))


def save_view(con, name: str, page: str, query: dict, actor: str | None = None) -> SavedView:
    """Save the link `query` of `page` as a new view called `name`, recorded in the audit log as done by
    `actor`; return it. ViewError when the name is not usable or already taken, or the workspace holds
    MAX_VIEWS views; nothing is saved (or logged) then."""
    name = check_name(name)
    if not isinstance(page, str) or PAGE_PATTERN.fullmatch(page) is None:
        raise ViewError("This page cannot be saved as a view.")
    kept = clean_query(query)
    con.execute("BEGIN TRANSACTION")
    try:
        _name_free(con, name)
        if run(con, "views/count").fetchall()[0][0] >= MAX_VIEWS:
            raise ViewError(f"This workspace already holds {MAX_VIEWS} saved views: delete one first.")
        run(con, "views/insert", {"name": name, "page": page, "query": json.dumps(kept, sort_keys=True)})
        audit.record(con, actor, "save-view", None, {"name": name, "page": page})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return SavedView(name, page, kept)


def rename_view(con, old: str, new: str, actor: str | None = None) -> str:
    """Rename view `old` to `new` (logged as done by `actor`); return the new name (ViewError: not usable,
    taken, or no view `old`)."""
    new = check_name(new)
    con.execute("BEGIN TRANSACTION")
    try:
        get_view(con, old)
        if new.lower() != old.lower():
            _name_free(con, new)
        run(con, "views/rename", {"old": old, "new": new})
        audit.record(con, actor, "rename-view", None, {"name": new, "was": old})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return new


def delete_view(con, name: str, actor: str | None = None) -> bool:
    """Delete the view called `name` (logged as done by `actor`); return False, and log nothing, when it
    is already gone."""
    con.execute("BEGIN TRANSACTION")
    try:
        found = run(con, "views/named", {"name": name}).fetchall()
        # views/named matches whatever the case; only the view of exactly this name is deleted.
        gone = not found or found[0][0] != name
        if not gone:
            run(con, "views/delete", {"name": name})
            audit.record(con, actor, "delete-view", None, {"name": name, "page": found[0][1]})
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return not gone


def _name_free(con, name: str) -> None:
    rows = run(con, "views/named", {"name": name}).fetchall()
    if rows:
        raise ViewError(f"A view called '{rows[0][0]}' already exists: choose another name or delete that one first.")


def _loads(text: str) -> dict:
    try:
        return clean_query(json.loads(text))
    except (ValueError, TypeError, AttributeError):
        return {}
