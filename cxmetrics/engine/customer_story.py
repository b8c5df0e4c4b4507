"""One customer's story: contacts, survey answers, follow-up cases and outcomes on one timeline,
and a one-file HTML export of it for a leadership meeting.

The customer id is only ever a query parameter. Repeats use the stored prev/next contact facts
with the window W and same-reason setting in force, exactly as the metrics do. The export is a
self-contained HTML page (no scripts, fonts or images fetched): it opens in any browser, prints
to one PDF and pastes into slides; every value in it is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import pandas as pd

from ..store.db import run
from .follow_ups import RESULT_LABELS, STATUS_LABELS, case_history, follow_up_list
from ..rollups.loop_rollups import ROLLED_CASES, cases_source
from .metrics import DEFAULT_WINDOW
from ..core.presentation import figure_text, readable_rows
from ..rollups.story_rollups import contacts_source, rolled

MAX_ID = 200
LANES = ("Contacts", "Survey answers", "Follow-ups", "Outcomes")
TIMELINE_COLUMNS = ("lane", "at", "kind", "label", "detail")


class StoryError(ValueError):
    """A customer id that cannot be looked up; the message says why."""


@dataclass
class Story:
    customer_id: str
    known: bool
    attributes: dict = field(default_factory=dict)
    contacts: pd.DataFrame = field(default_factory=pd.DataFrame)
    responses: pd.DataFrame = field(default_factory=pd.DataFrame)
    cases: pd.DataFrame = field(default_factory=pd.DataFrame)
    history: pd.DataFrame = field(default_factory=pd.DataFrame)
    outcomes: pd.DataFrame = field(default_factory=pd.DataFrame)


def clean_id(text) -> str:
    """Return a typed customer id without surrounding blanks, or raise StoryError when empty or too long."""
    value = "" if text is None else str(text).strip()
    if not value:
        raise StoryError("Type a customer id, or pick a customer from the list.")
    if len(value) > MAX_ID:
        raise StoryError(f"A customer id is at most {MAX_ID} characters; this one has {len(value):,}.")
    return value


def customer_story(con, customer_id: str, window: int = DEFAULT_WINDOW, same_reason: bool = False) -> Story:
    """Return everything the data holds on one customer (`known` False and empty frames when nothing does)."""
    customer_id = clean_id(customer_id)
    params = {"customer_id": customer_id, "window": int(window), "same_reason": bool(same_reason)}
    # Known when any table has them: read from what the story loads anyway, rather than by a query
    # of its own that scanned the four tables once more (a tenth of a second at 10 M contacts).
    attributes = run(con, "story/customer", params).df()
    is_rolled = rolled(con)
    contacts = run(con, "story/contacts", params, contacts=contacts_source(is_rolled)).df()
    responses = run(con, "story/responses_rolled", params).df() if is_rolled else _responses(con, params, contacts)
    outcomes = run(con, "story/outcomes", params).df()
    if attributes.empty and contacts.empty and responses.empty and outcomes.empty:
        return Story(customer_id, False)
    cases = follow_up_list(con, statuses=None, customer_id=customer_id)
    return Story(
        customer_id,
        True,
        {k: v for k, v in attributes.iloc[0].items() if k not in ("customer_id", "import_id")} if len(attributes) else {},
        contacts,
        responses,
        cases,
        case_history(con, cases["case_id"].tolist()),
        outcomes,
    )


def _responses(con, params: dict, contacts: pd.DataFrame) -> pd.DataFrame:
    """Return the customer's answers from the base tables, while the story rollups are stale
    (story/responses.sql), labelled with their contact's reason
    and channel from the contacts the story has loaded; the contacts table is read again only
    for an answer about someone else's contact. Joining the answers to the contacts table scanned
    its ten million rows twice per story, half of the page's time."""
    labels = contacts[["contact_id", "contact_reason", "channel"]]
    named = {row[0] for row in run(con, "story/answered_contacts", params).fetchall()}
    others = sorted(named - set(labels["contact_id"]))
    if others:
        labels = pd.concat([labels, run(con, "story/contact_labels", {"contact_ids": others}).df()])
    lists = {f"label_{name}": [None if pd.isna(v) else v for v in labels[column]]
             for name, column in (("ids", "contact_id"), ("reasons", "contact_reason"), ("channels", "channel"))}
    return run(con, "story/responses", params | lists | {"contact_ids": contacts["contact_id"].tolist()}).df()


def example_customer(con) -> str | None:
    """Return a customer id this workspace holds (the latest contact's, else the latest answer's),
    for the lookup's hint; None when no row carries one."""
    found = run(con, "story/example_customer").fetchall()
    return found[0][0] if found else None


def recent_detractors(con, limit: int = 50) -> pd.DataFrame:
    """Return the customers with a detractor answer, most recent first, with how many open cases they have."""
    rolled = cases_source(con) == ROLLED_CASES
    return run(con, "story/recent_detractors_rolled" if rolled else "story/recent_detractors", {"limit": int(limit)}).df()


def timeline(story: Story, mask_text: Callable[[str], str] = lambda text: text) -> pd.DataFrame:
    """Return one row per event (lane, at, kind, label, detail), oldest first: contacts (repeats marked),
    answers by NPS group, follow-up openings, first actions and closes, and outcome months."""
    rows = []
    for c in story.contacts.itertuples(index=False):
        kind = "repeat contact" if c.repeat_contact else "contact"
        detail = f"{c.channel or 'no channel'} · {_resolution(c.resolved)}"
        rows.append(("Contacts", c.started_at, kind, c.contact_reason or "(no reason)", detail))
    for r in story.responses.itertuples(index=False):
        if pd.isna(r.responded_at):
            continue
        kind = r.nps_group if isinstance(r.nps_group, str) else "answer without NPS"
        scores = [f"{name} {int(v)}" for name, v in (("NPS", r.nps), ("CSAT", r.csat), ("CES", r.ces)) if pd.notna(v)]
        comment = mask_text(r.comment) if isinstance(r.comment, str) and r.comment else ""
        rows.append(("Survey answers", r.responded_at, kind, " · ".join(scores) or "no scores", comment))
    for k in story.cases.itertuples(index=False):
        what = "detractor answer" if k.case_kind == "detractor" else "unresolved contact"
        rows.append(("Follow-ups", k.opened_at, "case opened", f"case on {what}",
                     f"{STATUS_LABELS.get(k.status, k.status)} · owner {k.owner or 'none'} · due {k.due_date:%Y-%m-%d}"))
        if pd.notna(k.first_action_at):
            rows.append(("Follow-ups", k.first_action_at, "first follow-up", f"{k.owner or 'someone'} acted",
                         mask_text(k.note) if isinstance(k.note, str) else ""))
        if pd.notna(k.closed_at):
            rows.append(("Follow-ups", k.closed_at, "case closed", RESULT_LABELS.get(k.result, str(k.result)),
                         mask_text(k.note) if isinstance(k.note, str) else ""))
    for o in story.outcomes.itertuples(index=False):
        kind = "churned" if o.churned is True else "active month"
        revenue = f"revenue {o.revenue:,.2f}" if pd.notna(o.revenue) else "no revenue"
        rows.append(("Outcomes", pd.Timestamp(o.month), kind, pd.Timestamp(o.month).strftime("%b %Y"), revenue))
    frame = pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))
    frame["at"] = pd.to_datetime(frame["at"])
    return frame.sort_values(["at", "lane"], kind="stable").reset_index(drop=True)


def _resolution(flag) -> str:
    if flag is None or pd.isna(flag):
        return "resolution not logged"
    return "resolved" if bool(flag) else "unresolved"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(story: Story) -> list[str]:
    """Return the story in a few plain sentences: contacts and repeats, answers, cases, outcomes."""
    if not story.known:
        return ["This customer is not in the data."]
    c, r, k, o = story.contacts, story.responses, story.cases, story.outcomes
    lines = []
    if len(c):
        repeats = int(c["repeat_contact"].sum())
        reasons = ", ".join(c["contact_reason"].dropna().value_counts().index[:3]) or "no reason logged"
        lines.append(f"{_count(len(c), 'contact')} from {c['started_at'].min():%Y-%m-%d} to "
                     f"{c['started_at'].max():%Y-%m-%d}, {repeats} of them repeats; most about {reasons}.")
    else:
        lines.append("No contacts.")
    scored = r[r["nps"].notna()] if len(r) else r
    if len(scored):
        last = scored.iloc[-1]
        lines.append(f"{_count(len(r), 'survey answer')}; latest NPS answer {int(last['nps'])} ({last['nps_group']}) "
                     f"on {last['responded_at']:%Y-%m-%d}; {_count(int((scored['nps'] <= 6).sum()), 'detractor answer')}.")
    elif len(r):
        lines.append(f"{_count(len(r), 'survey answer')}, none with an NPS score.")
    else:
        lines.append("No survey answers.")
    if len(k):
        lines.append(f"{_count(len(k), 'follow-up case')}, {int((k['status'] != 'closed').sum())} not closed.")
    if len(o):
        churned = o[o["churned"] == True]  # noqa: E712 (NULL churn is not churn)
        revenue = o["revenue"].sum(min_count=1)
        months = _count(len(o), "month")
        money = f"revenue {revenue:,.2f} over {months}" if pd.notna(revenue) else f"{months} of outcomes"
        state = f"churned in {pd.Timestamp(churned['month'].min()):%b %Y}" if len(churned) else "has not churned"
        lines.append(f"{money}; {state}.")
    return lines


_CSS = """body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#222;max-width:1100px}
h1{margin-bottom:.2rem}p.meta{color:#666;margin-top:0}table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f0f0f0}
tr.repeat td{background:#fff1e0}li{margin:.2rem 0}"""


def story_html(story: Story, window: int, same_reason: bool, generated_at: datetime,
               mask_id: Callable[[str], str] = lambda text: text,
               mask_text: Callable[[str], str] = lambda text: text) -> bytes:
    """Return the story as one self-contained HTML page (UTF-8): summary, timeline and every table."""
    who = mask_id(story.customer_id)
    reason = "same reason only" if same_reason else "any reason"
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Customer story {html.escape(who)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Customer story: {html.escape(who)}</h1>",
        f"<p class='meta'>Generated {generated_at:%Y-%m-%d %H:%M} UTC by cxmetrics · repeat window W = {window} days, "
        f"{reason} · a repeat is a contact within W days of the customer's previous one.</p>",
        "<h2>In short</h2><ul>", *(f"<li>{html.escape(line)}</li>" for line in summary(story)), "</ul>",
    ]
    if story.attributes:
        parts += ["<h2>Customer</h2>", _table(pd.DataFrame([story.attributes]))]
    events = timeline(story, mask_text)
    parts += ["<h2>Timeline</h2>", _table(events.assign(at=events["at"].dt.strftime("%Y-%m-%d %H:%M")),
                                         highlight=events["kind"].eq("repeat contact"))]
    sections = (
        ("Contacts", story.contacts, None),
        ("Survey answers", story.responses, "comment"),
        ("Follow-up cases", story.cases.drop(columns=["customer_id"], errors="ignore"), "comment"),
        ("Follow-up history", story.history, "note"),
        ("Outcomes", story.outcomes, None),
    )
    for title, frame, text_column in sections:
        if frame is None or frame.empty:
            continue
        shown = frame.copy()
        for column in {text_column, "note", "comment"} & set(shown.columns):
            shown[column] = shown[column].map(lambda v: mask_text(v) if isinstance(v, str) else v)
        highlight = shown["repeat_contact"].astype(bool) if "repeat_contact" in shown.columns else None
        # Named, rounded and blank as the page's tables (presentation.readable_rows).
        parts += [f"<h2>{html.escape(title)}</h2>", _table(readable_rows(shown), highlight=highlight)]
    parts.append("</body></html>")
    return "".join(parts).encode("utf-8")


REPEAT_BACKGROUND = "#fff1e0"


def highlight_repeats(contacts: pd.DataFrame):
    """Return the contacts table as people read it (presentation.readable_rows), styled for the page:
    repeat contacts on a light orange background."""
    repeats = contacts["repeat_contact"]
    return readable_rows(contacts).style.apply(
        lambda row: [f"background-color: {REPEAT_BACKGROUND}" if repeats.loc[row.name] else "" for _ in row], axis=1)


def _table(frame: pd.DataFrame, highlight: pd.Series | None = None) -> str:
    """Return an escaped HTML table; rows where `highlight` is true get the 'repeat' class."""
    head = "".join(f"<th>{html.escape(str(c).replace('_', ' '))}</th>" for c in frame.columns)
    body = []
    flags = list(highlight) if highlight is not None else [False] * len(frame)
    for flag, row in zip(flags, frame.itertuples(index=False)):
        cells = "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row)
        body.append(f"<tr class='repeat'>{cells}</tr>" if flag else f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _cell(value) -> str:
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour or value.minute) else value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return figure_text(value)  # as the page's table and its CSV write it
    return str(value)
