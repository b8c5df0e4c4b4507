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
    )
}


def help_text(key: str, window: int, same_reason: bool) -> str:
    """Return a figure's definition with the parameters in force, for its help tooltip."""
    reason = "same reason only" if same_reason else "any reason"
    return (
        f"{DEFINITIONS[key].definition} Window W = {window} days, {reason}. "
        f"Fewer than {SMALL_N} observations: shown greyed as 'too few responses'."
    )
