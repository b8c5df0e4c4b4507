"""Closing the inner loop: the follow-up cases, the rules of their handling, and how well it goes.

A case is a detractor response or an unresolved complaint (the `loop_cases` view of migrations
006 and 011, read from its rollup copy while fresh: cxmetrics/rollups/loop_rollups.py); the `follow_ups` table holds the handling state of the cases someone touched. Every edit
goes through `save_follow_ups`, which checks each change against the rules below and writes all
of them, with a history row each, in one transaction, or none.

Rules of a change (`apply_change`):
- status moves open -> in progress -> closed (open -> closed directly is allowed); a case in
  progress cannot go back to open; a closed case can be reopened (to open or in progress), which
  clears its result and close time and is counted and recorded in the history;
- in progress and closed need an owner; closed needs a result, and only a closed case has one;
- the due date is a day on or after the day the case opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import duckdb
import pandas as pd

from ..rollups import loop_rollups
from ..core import stats
from ..store.db import run
from ..store.dimensions import Filters
from ..rollups.loop_rollups import case_slots, cases_source
from ..core.presentation import readable

OPEN, IN_PROGRESS, CLOSED = "open", "in_progress", "closed"
STATUSES = (OPEN, IN_PROGRESS, CLOSED)
STATUS_LABELS = {OPEN: "open", IN_PROGRESS: "in progress", CLOSED: "closed"}
RESULTS = ("reached", "not_reached", "saved", "lost")
RESULT_LABELS = {"reached": "reached", "not_reached": "not reached", "saved": "saved", "lost": "lost"}
NOT_HANDLED = (OPEN, IN_PROGRESS)
DEFAULT_DUE_WORKING_DAYS = 2  # also written into sql/schema/006_loop.sql (loop_cases.default_due)
DEFAULT_TARGET_HOURS = 48
MAX_NAME, MAX_NOTE = 100, 2000
MAX_LIST = 500
OVERALL = "All"
# The "by" choices of the metrics ($group_by of sql/loop/follow_up_metrics*.sql).
GROUPINGS = ("owner", "team")


class FollowUpError(ValueError):
    """A change the rules do not allow; the message says what to do instead."""


@dataclass(frozen=True)
class CaseState:
    """The handling state of one case, as stored (or the defaults of an untouched case)."""

    status: str = OPEN
    owner: str | None = None
    team: str | None = None
    due_date: date | None = None
    result: str | None = None
    note: str | None = None
    reopened: int = 0
    first_action_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Change:
    """What someone wants a case to look like after an edit (every field, as a form holds them)."""

    case_id: str
    status: str
    owner: str | None = None
    team: str | None = None
    due_date: date | None = None
    result: str | None = None
    note: str | None = None


def default_due(opened: date | datetime, working_days: int = DEFAULT_DUE_WORKING_DAYS) -> date:
    """Return the day `working_days` Monday–Friday days after `opened` (a weekend counts from its Friday)."""
    day = opened.date() if isinstance(opened, datetime) else opened
    if day.weekday() >= 5:
        day -= timedelta(days=day.weekday() - 4)
    added = 0
    while added < working_days:
        day += timedelta(days=1)
        if day.weekday() < 5:
            added += 1
    return day


def _text(value, limit: int, what: str) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    if len(text) > limit:
        raise FollowUpError(f"The {what} is {len(text):,} characters long; keep it to {limit:,}.")
    return text or None


def apply_change(current: CaseState, change: Change, opened_at: datetime, at: datetime) -> tuple[CaseState, bool]:
    """Return (the state after `change`, whether it reopens the case), or raise FollowUpError naming the broken rule."""
    if change.status not in STATUSES:
        raise FollowUpError(f"Unknown status {change.status!r}: use open, in progress or closed.")
    result = _text(change.result, MAX_NAME, "result")
    if result is not None and result not in RESULTS:
        raise FollowUpError(f"Unknown result {result!r}: use reached, not reached, saved or lost.")
    owner = _text(change.owner, MAX_NAME, "owner")
    team = _text(change.team, MAX_NAME, "team")
    note = _text(change.note, MAX_NOTE, "note")
    due = change.due_date
    if isinstance(due, datetime):
        due = due.date()
    if due is None:
        raise FollowUpError("Give the case a due date.")
    if due < opened_at.date():
        raise FollowUpError(f"The due date {due} is before the day the case opened ({opened_at.date()}).")
    if at < opened_at:
        raise FollowUpError(f"A follow-up cannot happen before the case opened ({opened_at:%Y-%m-%d %H:%M}).")

    before, after = current.status, change.status
    if before == IN_PROGRESS and after == OPEN:
        raise FollowUpError("A case in progress cannot go back to open: keep it in progress or close it with a result.")
    if after in (IN_PROGRESS, CLOSED) and owner is None:
        raise FollowUpError(f"Give the case an owner before setting it to {STATUS_LABELS[after]}.")
    if after == CLOSED and result is None:
        raise FollowUpError("Closing needs a result: reached, not reached, saved or lost.")
    if after != CLOSED and result is not None:
        raise FollowUpError("Only a closed case has a result: clear the result, or set the status to closed.")

    reopen = before == CLOSED and after != CLOSED
    first_action = current.first_action_at
    if first_action is None and after != OPEN:
        first_action = at
    if after == CLOSED:
        closed_at = current.closed_at if before == CLOSED else at
    else:
        closed_at = None
    new = CaseState(after, owner, team, due, result, note, current.reopened + int(reopen), first_action, closed_at)
    return new, reopen


def utc_now() -> datetime:
    """Return the current time as stored timestamps are: naive UTC (see db.connect)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def save_follow_ups(con, changes: list[Change], at: datetime | None = None) -> int:
    """Return how many cases changed, after writing every change in one transaction; raise FollowUpError
    (listing each case's problem) and write nothing when any change breaks a rule."""
    at = at or utc_now()
    try:
        con.execute("BEGIN TRANSACTION")
    except duckdb.TransactionException as problem:
        raise FollowUpError(f"Could not start saving: {problem}") from None
    try:
        planned, problems = [], []
        for change in changes:
            try:
                step = _plan(con, change, at)
            except FollowUpError as problem:
                problems.append(f"{change.case_id}: {problem}")
                continue
            if step is not None:
                planned.append(step)
        if problems:
            raise FollowUpError("Nothing saved. " + " ".join(problems))
        for change, stored, old, new, reopen in planned:
            _write(con, change.case_id, stored, old, new, reopen, at)
        con.execute("COMMIT")
    except duckdb.TransactionException:
        con.execute("ROLLBACK")
        raise FollowUpError("Someone else saved one of these cases at the same moment: reload the page and try again.") \
            from None
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(planned)


def _plan(con, change: Change, at: datetime):
    """Return (change, stored?, old state, new state, reopen) or None when the change changes nothing."""
    rows = run(con, "loop/case_state", {"case_id": change.case_id}, cases=cases_source(con)).fetchall()
    if not rows:
        raise FollowUpError("no such case in the data (a detractor response or an unresolved complaint).")
    (_, opened_at, default, contact_team, stored, status, owner, team, due, result, note, reopened, _,
     first_action, closed_at) = rows[0]
    old = (CaseState(status, owner, team, due, result, note, reopened, first_action, closed_at) if stored
           else CaseState(team=contact_team, due_date=default))
    new, reopen = apply_change(old, change, opened_at, at)
    return None if new == old else (change, stored, old, new, reopen)


def _write(con, case_id: str, stored: bool, old: CaseState, new: CaseState, reopen: bool, at: datetime) -> None:
    params = {"case_id": case_id, "owner": new.owner, "team": new.team, "due_date": new.due_date,
              "status": new.status, "result": new.result, "note": new.note, "reopened": new.reopened,
              "created_at": at, "updated_at": at, "first_action_at": new.first_action_at,
              "closed_at": new.closed_at}
    run(con, "loop/update_follow_up" if stored else "loop/insert_follow_up", params)
    run(con, "loop/insert_follow_up_event", {
        "case_id": case_id, "changed_at": at, "from_status": old.status, "to_status": new.status,
        "owner": new.owner, "team": new.team, "due_date": new.due_date, "result": new.result, "note": new.note,
        "is_reopen": reopen})


def save_follow_up(con, change: Change, at: datetime | None = None) -> int:
    """Return 1 when the case changed (0 when the edit changes nothing); see save_follow_ups."""
    return save_follow_ups(con, [change], at)


def follow_up_list(con, filters: Filters = Filters(), statuses=NOT_HANDLED, customer_id: str | None = None,
                   today: date | None = None, limit: int = MAX_LIST) -> pd.DataFrame:
    """Return the cases in the filters with the given statuses (all with None), oldest first, with their handling state."""
    params = {**filters.params(), "statuses": list(statuses) if statuses else None, "customer_id": customer_id,
              "today": today or utc_now().date(), "limit": int(limit)}
    return run(con, "loop/cases", params, **case_slots(con, filters)).df()


def case_history(con, case_ids) -> pd.DataFrame:
    """Return every saved change of the given cases, oldest first."""
    return run(con, "loop/case_history", {"case_ids": list(case_ids)}).df()


def loop_version(con) -> str:
    """Return a token that changes with every saved follow-up edit or outer-loop action."""
    events, actions, updated = run(con, "loop/loop_version").fetchall()[0]
    return f"{events}-{actions}-{updated}"


def follow_up_metrics(con, by: str = "owner", filters: Filters = Filters(),
                      target_hours: float = DEFAULT_TARGET_HOURS, now: datetime | None = None) -> pd.DataFrame:
    """Return one row per owner or team, then the overall row (`by` value "All"), with time to first
    follow-up, the share within target, the share closed by the due date and detractors saved, each with its n.

    Time to first follow-up: hours from the case opening (the answer, or the contact) to its first move out of
    open; median over the cases acted on (n = acted). Within target: first action at most `target_hours` after
    opening, among cases acted on or whose target time has passed by `now`. Closed by the due date: closed on or
    before the due day, among closed cases and cases past their due day. Saved: see loop_cases.saved_state."""
    if by not in GROUPINGS:
        raise ValueError(f"follow-ups are grouped by owner or team, not {by!r}")
    if not target_hours or target_hours <= 0:
        raise ValueError("the first follow-up target must be a positive number of hours")
    params = {**filters.params(), "target_hours": float(target_hours), "now": now or utc_now(), "group_by": by}
    if loop_rollups.counts_answer(con, filters):
        counts = run(con, "loop/follow_up_metrics_rolled", params).df()
    else:
        counts = run(con, "loop/follow_up_metrics", params, **case_slots(con, filters)).df()
    # Most cases first; ties by name, so the order does not depend on how the query happened to run.
    groups = counts[counts["is_overall"] == 0].sort_values(["cases", "group_value"], ascending=[False, True],
                                                          kind="stable")
    overall = counts[counts["is_overall"] == 1]
    rows = [{by: row["group_value"], **_figures(row)} for _, row in groups.iterrows()]
    rows += [{by: OVERALL, **_figures(row)} for _, row in overall.iterrows()]
    return pd.DataFrame(rows, columns=[by, *FOLLOW_UP_FIELDS])


FOLLOW_UP_FIELDS = (
    "cases", "detractor_cases", "closed", "median_hours_to_first", "acted",
    "first_within_target", "first_within_low", "first_within_high", "first_judged",
    "closed_by_due", "closed_by_due_low", "closed_by_due_high", "close_judged",
    "saved_rate", "saved_low", "saved_high", "saved", "saved_judged", "followed_judged", "retained_rate",
)


def _figures(row) -> dict:
    first = stats.wilson(int(row["first_within"]), int(row["first_judged"]))
    closed = stats.wilson(int(row["close_within"]), int(row["close_judged"]))
    # Saved: followed up and kept, among every detractor whose outcome is known. Retained: kept,
    # followed up or not (the baseline a follow-up should beat). saved <= followed_judged <= saved_judged.
    saved = stats.wilson(int(row["saved"]), int(row["saved_judged"]))
    retained = stats.wilson(int(row["retained"]), int(row["saved_judged"]))
    median = row["median_hours"]
    return {
        "cases": int(row["cases"]),
        "detractor_cases": int(row["detractor_cases"]),
        "closed": int(row["closed"]),
        "median_hours_to_first": None if pd.isna(median) else float(median),
        "acted": int(row["acted"]),
        "first_within_target": first.value, "first_within_low": first.low, "first_within_high": first.high,
        "first_judged": first.n,
        "closed_by_due": closed.value, "closed_by_due_low": closed.low, "closed_by_due_high": closed.high,
        "close_judged": closed.n,
        "saved_rate": saved.value, "saved_low": saved.low, "saved_high": saved.high,
        "saved": int(row["saved"]), "saved_judged": saved.n, "followed_judged": int(row["followed_judged"]),
        "retained_rate": retained.value,
    }


# --- what the page shows and takes back -----------------------------------------------------------

EDITABLE = ("owner", "team", "due_date", "status", "result", "note")
_STATUS_CODES = {label: code for code, label in STATUS_LABELS.items()}
_RESULT_CODES = {label: code for code, label in RESULT_LABELS.items()}


def editor_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """Return the case list with status and result in words, as the page's editable table shows them."""
    frame = cases.copy()
    frame["status"] = frame["status"].map(lambda s: STATUS_LABELS.get(s, s))
    frame["result"] = frame["result"].map(lambda r: RESULT_LABELS.get(r, r) if isinstance(r, str) else None)
    frame["due_date"] = pd.to_datetime(frame["due_date"]).dt.date
    return frame


def changes_from_edits(shown: pd.DataFrame, edited: pd.DataFrame) -> list[Change]:
    """Return a Change for every case whose editable fields differ between the table shown and the table
    edited (rows matched by case_id; status and result read back from words)."""
    before = shown.set_index("case_id")
    changes = []
    for row in edited.to_dict("records"):
        case_id = row["case_id"]
        if case_id not in before.index:
            continue
        old = before.loc[case_id]
        if all(_same(old[f], row[f]) for f in EDITABLE):
            continue
        status = _STATUS_CODES.get(row["status"], row["status"])
        result = row["result"] if isinstance(row["result"], str) and row["result"].strip() else None
        due = row["due_date"]
        changes.append(Change(case_id, status, row["owner"], row["team"],
                              None if due is None or pd.isna(due) else pd.Timestamp(due).date(),
                              _RESULT_CODES.get(result, result), row["note"]))
    return changes


def _same(a, b) -> bool:
    missing_a = a is None or (not isinstance(a, str) and pd.isna(a))
    missing_b = b is None or (not isinstance(b, str) and pd.isna(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, str) or isinstance(b, str):
        return str(a).strip() == str(b).strip()
    return a == b


def metric_tiles(overall: dict, target_hours: float) -> list:
    """Return the headline tiles of the follow-up: cases not closed, median hours to first follow-up,
    share acted on within target, share closed by the due date, detractors saved (each with n)."""
    from ..core.presentation import Tile

    def rate(key, label, value, low, high, n, help_):
        shown = "–" if value is None else f"{value:.1f} %"
        interval = "no data" if value is None else f"{low:.1f}–{high:.1f} %"
        return Tile(key, label, shown, interval, n, n < stats.SMALL_N, help_)

    median, acted = overall["median_hours_to_first"], overall["acted"]
    open_cases = overall["cases"] - overall["closed"]
    return [
        Tile("open_cases", "Cases not closed", f"{open_cases:,}", "", overall["cases"], False,
             "Detractor answers (NPS 0–6) and unresolved contacts in the date range that are not closed; "
             "n = all cases."),
        Tile("median_hours", "Median time to follow-up", "–" if median is None else f"{median:,.1f} h",
             "", acted, acted < stats.SMALL_N,
             "Hours from the answer (or contact) to the first move out of 'open', median over cases acted on."),
        rate("first_within", f"Followed up in {target_hours:g} h", overall["first_within_target"],
             overall["first_within_low"], overall["first_within_high"], overall["first_judged"],
             f"Cases first acted on within {target_hours:g} hours of opening, among cases acted on or whose "
             f"{target_hours:g} hours have passed. Wilson 95 % interval."),
        rate("closed_by_due", "Closed by the due date", overall["closed_by_due"], overall["closed_by_due_low"],
             overall["closed_by_due_high"], overall["close_judged"],
             "Cases closed on or before their due day (default: 2 working days after opening), among closed "
             "cases and cases past their due day. Wilson 95 % interval."),
        rate("saved", "Detractors saved", overall["saved_rate"], overall["saved_low"], overall["saved_high"],
             overall["saved_judged"],
             "Detractors who were followed up (acted on) and then kept: they did not churn in the month of their "
             "answer or later, and either answered 7+ later or stayed at least one more month; among all "
             "detractors whose outcome is known, followed up or not, so it never exceeds the share followed up. "
             f"Of them {overall['followed_judged']:,} were followed up; "
             + ("retention without regard to follow-up is "
                f"{overall['retained_rate']:.1f} %." if overall["retained_rate"] is not None else
                "none has a known outcome yet (churned or stayed) in the outcomes loaded.")
             + " Wilson 95 % interval."),
    ]


def empty_figure_notes(overall: dict, target_hours: float) -> list[str]:
    """Return, for each follow-up figure that has no data, why and what would fill it."""
    notes = []
    if not overall["cases"]:
        return ["No cases in this selection: cases come from detractor answers (NPS 0–6) and contacts logged "
                "as unresolved, each with a customer id; load responses or contacts with those, or widen the dates."]
    if not overall["acted"]:
        notes.append("Median time to follow-up: no case has been acted on yet; it fills once a case is moved to "
                     "in progress or closed in the list below.")
    if overall["first_within_target"] is None:
        notes.append(f"Followed up in {target_hours:g} h: no case has been acted on or has passed its "
                     f"{target_hours:g} hours yet.")
    if overall["closed_by_due"] is None:
        notes.append("Closed by the due date: no case is closed or past its due day yet.")
    if overall["saved_rate"] is None:
        why = ("there are no detractor answers in this selection" if not overall["detractor_cases"] else
               "no detractor has a known outcome yet: it needs outcomes loaded with a churned yes/no for the "
               "months after the answer, or a later NPS answer from the same customer")
        notes.append(f"Detractors saved: {why}.")
    return notes


FOLLOW_UP_COLUMNS = ("cases", "closed", "acted", "median_hours_to_first", "first_within_target", "first_judged",
                     "closed_by_due", "close_judged", "saved_rate", "saved", "followed_judged", "saved_judged",
                     "retained_rate")


def follow_up_table(metrics: pd.DataFrame, by: str) -> pd.DataFrame:
    """Return the follow-up figures by owner or team as a reader sees them (presentation.readable), the
    overall row last."""
    return readable(metrics, keep=[by, *FOLLOW_UP_COLUMNS])


def mask_cases(cases: pd.DataFrame, mask_id, mask_text) -> pd.DataFrame:
    """Return the case list with customer ids, comments and notes masked (for the masking setting)."""
    out = cases.copy()
    for column, mask in (("customer_id", mask_id), ("comment", mask_text), ("note", mask_text)):
        if column in out.columns:
            out[column] = out[column].map(lambda v: mask(v) if isinstance(v, str) else v)
    return out
