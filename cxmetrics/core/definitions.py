"""What every figure means, in words: the help text shown beside it and the docs' source of truth."""

from __future__ import annotations

from dataclasses import dataclass

from .stats import SMALL_N


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    unit: str  # "points", "%", "score"
    definition: str


DEFINITIONS = {
    d.key: d
    for d in (
        Definition("nps", "NPS", "points",
                   "Net Promoter Score: 100 × (promoters 9–10 − detractors 0–6) / answered. "
                   "± is the 95 % margin of error 196 × sqrt((p + d − (p − d)²) / n)."),
        Definition("csat", "CSAT", "%",
                   "Share of CSAT answers 4–5 among answered (1–5 scale), with its Wilson 95 % interval."),
        Definition("ces", "CES", "score",
                   "Mean Customer Effort Score (1–7, higher = easier); 'easy' = share of 5–7."),
        Definition("survey_fcr", "Survey FCR", "%",
                   "Share of respondents saying their issue was resolved on first contact, Wilson 95 % interval."),
        Definition("repeat_rate", "Repeat contacts", "%",
                   "Contacts whose customer's previous contact (same reason only, if set) started at most "
                   "W days before, among contacts with a customer. Wilson 95 % interval."),
        Definition("fcr", "Contact FCR", "%",
                   "Contacts not followed by the same customer's next contact (same reason only, if set) "
                   "within W days, among contacts with a customer whose W-day window has ended "
                   "(later ones are censored). Wilson 95 % interval."),
        Definition("contacts", "Contacts", "count", "Contacts that started in the date range."),
        # The contact-centre measures: from the log's own columns, where it has them.
        Definition("abandon_rate", "Abandonment", "%",
                   "Contacts with answered = false among contacts whose 'answered' is known (blank: left out). "
                   "Wilson 95 % interval."),
        Definition("asa_seconds", "Speed of answer", "seconds",
                   "Average speed of answer (ASA): mean wait_seconds of answered contacts (answered true or "
                   "unknown) that have a wait time. Student t 95 % interval, never below 0 s."),
        Definition("aht_seconds", "Handle time", "seconds",
                   "Average handle time (AHT): mean handle_seconds of answered contacts (answered true or "
                   "unknown) that have a handle time. Student t 95 % interval, never below 0 s."),
        Definition("resolved_rate", "Reported resolution", "%",
                   "What the agent recorded: share of resolved = true among answered contacts (answered true or "
                   "unknown) whose 'resolved' is known. Not contact FCR, which is what the customer's next contact "
                   "shows. Wilson 95 % interval."),
        Definition("transfer_rate", "Transfers", "%",
                   "Contacts transferred at least once (transfers ≥ 1) among contacts whose 'transfers' is known "
                   "(blank: left out; 0: known, not transferred). Wilson 95 % interval."),
        Definition("fcr_transferred", "Contact FCR, transferred", "%",
                   "Contact FCR (the customer's next contact, as for Contact FCR) of contacts transferred at least "
                   "once. Wilson 95 % interval."),
        Definition("fcr_not_transferred", "Contact FCR, not transferred", "%",
                   "Contact FCR (the customer's next contact, as for Contact FCR) of contacts with transfers = 0. "
                   "Contacts with no 'transfers' value are in neither split. Wilson 95 % interval."),
    )
}

# Figures from a contact's own columns: no repeat window or reason setting enters them.
_WITHOUT_WINDOW = frozenset({"abandon_rate", "asa_seconds", "aht_seconds", "resolved_rate", "transfer_rate"})


def help_text(key: str, window: int, same_reason: bool) -> str:
    """Return a figure's definition with the parameters in force, for its help tooltip."""
    reason = "same reason only" if same_reason else "any reason"
    parameters = "" if key in _WITHOUT_WINDOW else f" Window W = {window} days, {reason}."
    return (
        f"{DEFINITIONS[key].definition}{parameters} "
        f"Fewer than {SMALL_N} observations: shown greyed as 'too few responses'."
    )
