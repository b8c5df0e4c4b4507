"""The audit log: who imported or deleted what, who saved, renamed or deleted a named view, and when.

`record` writes inside the caller's transaction (the importer's, saved_views'), so a change and its
entry land together or not at all. Who is named: the signed-in user in the app ("local" when
sign-in is off), the operating-system user for the command line.
"""

from __future__ import annotations

import getpass
import json
import os

from .db import run

ACTIONS = ("import", "delete-import", "save-view", "rename-view", "delete-view")
UNATTRIBUTED = "unattributed"  # a library call that named no one (tests, scripts)
ENTRIES_SHOWN = 200


def record(con, actor: str | None, action: str, import_id: int | None, detail: dict) -> None:
    """Write one audit entry on `con` (call it inside the transaction of the change it records)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    run(
        con,
        "audit/record",
        {
            "actor": (actor or "").strip() or UNATTRIBUTED,
            "action": action,
            "import_id": import_id,
            "detail": json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
        },
    ).fetchall()


def entries(con, limit: int = ENTRIES_SHOWN) -> list[dict]:
    """Return the newest audit entries first: {"at", "actor", "action", "import_id", "detail"}."""
    rows = run(con, "audit/entries", {"limit": int(limit)}).fetchall()
    return [
        {"at": occurred_at.isoformat(), "actor": actor, "action": action, "import_id": import_id, "detail": json.loads(detail)}
        for occurred_at, actor, action, import_id, detail in rows
    ]


def cli_actor() -> str:
    """Return how the command line names its user in the log: "NAME (command line)"."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        name = f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown user"
    return f"{name} (command line)"
