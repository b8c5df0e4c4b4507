"""Figures in words, for managers who read sentences before charts."""

from __future__ import annotations

import pandas as pd

from ..core.definitions import DEFINITIONS
from ..core.markdown_text import escape_markdown
from .periods import Periods, span_text
from ..core.presentation import N_FIELD


def _day(d) -> str:
    return f"{d.day} {d:%b %Y}"


def period_caption(periods: Periods | None, undated_rows: bool = False) -> str:
    """Return which period the headline figures cover and what they are compared with;
    `undated_rows` when the figures hold rows none of which carries a date."""
    if periods is None:
        if undated_rows:
            return "Every answer and contact loaded: none carries a date, so there is no earlier period to compare with."
        return "No data yet: import some on the Data page."
    return (
        f"{_day(periods.current_from)} – {_day(periods.current_to)} ({periods.days} days), "
        f"compared with the {periods.days} days before ({_day(periods.previous_from)} – {_day(periods.previous_to)}). "
        "A change is called significant only when its 95 % interval excludes 0."
    )


def driver_metric(overall: dict) -> str:
    """Return the survey figure to find drivers for: NPS, or CSAT when the selection has CSAT answers
    but no NPS ones (a call log rated 1–5)."""
    return "csat" if not overall.get("nps_n") and overall.get("csat_n") else "nps"


def driver_sentences(drivers: pd.DataFrame, metric: str, by: str, top: int = 3) -> list[str]:
    """Return up to `top` Markdown sentences on the groups whose scores cost the most, biggest first
    (group names escaped: they are imported data)."""
    label = DEFINITIONS[metric].label
    unit = "points" if metric == "nps" else "percentage points"
    sentences = []
    for row in drivers[drivers["impact"] > 0].head(top).itertuples():
        name = escape_markdown(getattr(row, by) if by.isidentifier() else row[1])
        certainty = "" if row.significant else " (not significant: could be noise)"
        if row.too_few:
            certainty = " (too few responses to judge)"
        sentences.append(
            f"**{name}** costs **{row.impact:.1f} {label} {unit}** overall"
            f" (95 % interval {row.impact_low:.1f} to {row.impact_high:.1f}){certainty}: customers scored"
            f" {row.value:.1f} after it against {row.rest_value:.1f} for everyone else ({row.share:.0f} % of answers)."
        )
    noun = escape_markdown(by.replace('_', ' '))
    if not sentences and not drivers["n"].sum():
        # Not "nothing drags it down": there is nothing to compare (no answer, or none linked to a contact).
        sentences.append(f"No {label} answer in this selection is linked to a contact with a {noun}: drivers compare "
                         f"the answers after each {noun} with everyone else's.")
    elif not sentences:
        sentences.append(f"No {noun} drags {label} below the rest.")
    return sentences


GROUP_NOUNS = {"promoter": "promoters", "passive": "passives", "detractor": "detractors",
               "satisfied": "satisfied", "neutral": "neutral", "dissatisfied": "dissatisfied",
               "no answer": "customers with no answer",
               "True": "with a repeat contact", "False": "without a repeat contact"}
NO_REVENUE = ("No revenue loaded: the outcomes file has no revenue column, or every value in it is empty. "
              "Load outcomes with a revenue per customer and month (mapped to revenue on the Data page) "
              "to see revenue per customer and revenue at risk.")
NO_CHURN = ("No churn loaded: the outcomes file has no churned column, or every value in it is empty. "
            "Load outcomes with a churned yes/no per customer and month (mapped to churned on the Data page) "
            "to see churn rates.")


def revenue_at_risk_sentence(groups: list[dict]) -> str:
    """Return what detractors' and passives' extra churn costs, against promoters' churn rate."""
    if groups and all(g.get("revenue") is None for g in groups):
        return "Revenue at risk: " + NO_REVENUE
    if groups and all(g.get("churn_rate") is None for g in groups):
        return "Revenue at risk: " + NO_CHURN
    by_group = {g["nps_group"]: g for g in groups}
    promoters = by_group.get("promoter")
    at_risk = [g for g in groups if g["nps_group"] != "promoter" and (g.get("revenue_at_risk") or 0) > 0]
    if not promoters or not at_risk:
        return "Revenue at risk needs outcomes for promoters and for detractors or passives."
    parts = [
        f"{GROUP_NOUNS.get(g['nps_group'], g['nps_group'])} churn {g['churn_rate']:.1f} % against "
        f"{promoters['churn_rate']:.1f} % for promoters: "
        f"**{g['revenue_at_risk']:,.0f}** of their {g['revenue']:,.0f} revenue is at risk"
        for g in at_risk
    ]
    return "Revenue at risk: " + "; ".join(parts) + "."


def reconciliation_sentence(overall: dict, groups: list[dict], by: str, label: str) -> str:
    """Return how the groups add up to the overall figures: their customers sum to the overall
    count, and the overall churn rate is the groups' churn rates weighted by their customers."""
    if not groups:
        return ""
    parts = [f"{g['customers']:,} {_noun(str(g[by]), g['customers'], label)}" for g in groups]
    total = sum(g["customers"] for g in groups)
    sentence = f"The {total:,} customers are {_listed(parts)}"
    if total != overall["customers"]:
        # only a customers column with missing values leaves customers out of every group
        sentence += f" ({overall['customers'] - total:,} more have no {label} and are in no group)"
    if overall.get("churn_rate") is not None and total == overall["customers"]:
        sentence += (f"; the overall churn rate of {overall['churn_rate']:.1f} % is the groups' churn rates "
                     "weighted by their customers")
    sentence += "."
    if any(str(g[by]) == "no answer" for g in groups):
        score = label.removesuffix(" group")
        sentence += (f" Customers with no answer had no {score} score before their deciding month (the month "
                     "they churned, else their latest), so they belong to no other group.")
    return sentence


SINGULAR = {"promoters": "promoter", "passives": "passive", "detractors": "detractor",
            "customers with no answer": "customer with no answer"}


def _noun(value: str, count: int, label: str) -> str:
    """Return how `count` customers of group `value` are called ("1 promoter", "2 promoters")."""
    noun = GROUP_NOUNS.get(value, f"{label} {value}")
    return SINGULAR.get(noun, noun) if count == 1 else noun


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def contact_fcr_note(overall: dict, window: int) -> str:
    """Return why contact FCR (and repeat rate) is empty for contacts that exist, and what would
    fill it; "" when it has data or there are no contacts."""
    contacts = int(overall.get("contacts") or 0)
    if not contacts or overall.get("fcr") is not None:
        return ""
    reported = overall.get("resolved_rate")  # the agent's own record, where the log has one
    also = "" if reported is None else f" Reported resolution (what the agent recorded): {reported:.1f} %."
    if not overall.get("repeat_n"):
        return (f"Contact FCR needs customer ids; none of the {contacts:,} contacts in this selection has one, so "
                "no contact can be followed to the customer's next. Map a customer id column when loading the "
                f"contact log on the Data page to see FCR and repeat rate.{also}")
    return (f"Contact FCR: every contact with a customer id in this selection started within the last {window} days "
            "of the data, so its window is not over yet (censored); it fills as later contacts are loaded."
            f"{also}")


# The contact log's own column behind each contact-centre measure, for saying what would fill it.
_MEASURE_COLUMNS = {"resolved_rate": "resolved", "aht_seconds": "handle_seconds", "asa_seconds": "wait_seconds",
                    "abandon_rate": "answered", "transfer_rate": "transfers"}


def resolution_sentence(overall: dict) -> str:
    """Return reported resolution and contact FCR side by side, each named for what it is, and why
    one is missing when it is: the two are never shown as one another."""
    def part(key: str, n_key: str, meaning: str, missing: str) -> str:
        label = DEFINITIONS[key].label
        if overall.get(key) is None:
            return f"**{label}** ({meaning}): no data — {missing}"
        return f"**{label}** ({meaning}): {overall[key]:.1f} % (n = {int(overall[n_key]):,})"

    resolved = part("resolved_rate", "resolved_n", "what the agent recorded",
                    "it needs the log's own resolved column for answered contacts")
    fcr = part("fcr", "fcr_n", "what the customer's next contact shows",
               "it needs customer ids on the contacts and contacts older than the repeat window")
    return f"{resolved} · {fcr}"


def missing_measures_note(overall: dict) -> str:
    """Return which contact-centre measures this data lacks and which column of the log would fill
    each, or "" when it has them all."""
    missing = [f"{DEFINITIONS[key].label.lower()} (`{column}`)" for key, column in _MEASURE_COLUMNS.items()
               if not overall.get(N_FIELD[key])]
    if not missing:
        return ""
    if len(missing) == len(_MEASURE_COLUMNS):
        return ("This contact log has none of the contact-centre measures: they come from its own columns — "
                + ", ".join(missing) + ".")
    return "Not in this contact log: " + ", ".join(missing) + "."


# The score each survey figure reads, and its scale, for saying what would fill an empty one.
_SURVEY_SCORES = {"nps": "an NPS score (0–10)", "csat": "a CSAT score (1–5)", "ces": "a CES score (1–7)"}


def empty_figure_notes(overall: dict, undated: dict, window: int) -> list[str]:
    """Return one sentence per headline figure that is empty (n = 0) in this selection: why, and what
    would fill it. `undated` counts the answers per figure that have a score but no date."""
    notes = [_survey_note(key, undated) for key in _SURVEY_SCORES if not overall.get(f"{key}_n")]
    if fcr_note := contact_fcr_note(overall, window):
        notes.append(fcr_note)
    return notes


def _survey_note(key: str, undated: dict) -> str:
    label, score = DEFINITIONS[key].label, _SURVEY_SCORES[key]
    if undated.get(key):
        return (f"{label}: the {undated[key]:,} answers with {score} have no date, so no date range holds them. "
                "Load the survey again with its answer date mapped to responded_at on the Data page to see them here.")
    return (f"{label}: no survey answer with {score} in this selection. Load survey responses with such a score on "
            "the Data page to see it.")


_SURVEY_KEYS = frozenset({"nps", "csat", "ces", "survey_fcr"})


def empty_split_note(metric: str, by: str, source: str, overall: dict, split_n: int, undated: dict,
                     window: int) -> str:
    """Return why a figure split by `by` shows no group ("" when some group has data): either the
    figure has nothing in this selection, or none of what it counts carries a value of `by`.

    `source` is the table `by` comes from ("contacts" or "customers"); `split_n` the observations
    over all groups; `overall` the selection's figures (metrics.figures)."""
    if split_n:
        return ""
    label = DEFINITIONS[metric].label
    n = int(overall.get(N_FIELD[metric]) or 0)
    if not n:
        if metric in _SURVEY_SCORES:
            return _survey_note(metric, undated)
        if metric in ("fcr", "repeat_rate") and (note := contact_fcr_note(overall, window)):
            return note
        if metric in _MEASURE_COLUMNS and overall.get("contacts"):
            return (f"{label}: none of the {int(overall['contacts']):,} contacts in this selection has a value of "
                    f"{_MEASURE_COLUMNS[metric]}. Map the log's column for it on the Data page to see it.")
        return f"{label}: nothing in this selection to compute it from."
    shown = escape_markdown(by)
    if metric in _SURVEY_KEYS:
        if source == "customers":
            return (f"None of the {n:,} answers behind {label} in this selection belongs to a customer with a value of "
                    f"{shown}: {shown} comes from the customers file, and these answers carry no customer id found "
                    "there. Choose another split, or load the customers these answers came from.")
        return (f"None of the {n:,} answers behind {label} in this selection is linked to a contact with a value of "
                f"{shown}: {shown} is a column of the contact log. Choose another split, or map the survey's contact "
                "id when loading it.")
    if source == "customers":
        return (f"None of the {n:,} contacts behind {label} in this selection belongs to a customer with a value of "
                f"{shown}: {shown} comes from the customers file, and these contacts carry no customer id found there. "
                "Choose another split, or load the customers of these contacts.")
    return f"None of the {n:,} contacts behind {label} in this selection has a value of {shown}. Choose another split."


def no_journeys_note(contacts: int, first_day, last_day, shown_from, shown_to) -> str:
    """Return why the Touchpoint map has no journey, given the workspace's contacts with a customer
    id (how many, first and last day) and the shown days (None when the selection is undated)."""
    if not contacts:
        return ("No journeys: none of this workspace's contacts carries a customer id, and a journey follows one "
                "customer from contact to contact. Map a customer id column when loading the contact log on the "
                "Data page to see journeys.")
    outside = shown_from is not None and shown_to is not None and (last_day < shown_from or first_day > shown_to)
    if not outside:
        return "No journeys in this selection: no contact with a customer id starts one under these filters."
    return (f"No journeys in {span_text(shown_from, shown_to)}: none of its contacts carries a customer id, and a "
            f"journey follows one customer. This workspace's {contacts:,} contacts with a customer id run "
            f"{span_text(first_day, last_day)}.")


def no_comments_note(undated: dict) -> str:
    """Return why the Voice page has no comment in this selection, and what would show them."""
    if undated.get("comments"):
        return (f"No dated comment in this selection: the {undated['comments']:,} comments loaded carry no date, so "
                "no date range holds them. Load the survey again with its answer date mapped to responded_at on the "
                "Data page to see them here.")
    return "No comments in this selection: widen the filters, or load survey responses with a comment column."
