"""Figures in words, for managers who read sentences before charts."""

from __future__ import annotations

import pandas as pd

from .definitions import DEFINITIONS
from .periods import Periods


def _day(d) -> str:
    return f"{d.day} {d:%b %Y}"


def period_caption(periods: Periods | None) -> str:
    """Return which period the headline figures cover and what they are compared with."""
    if periods is None:
        return "No data yet: import some on the Data page."
    return (
        f"{_day(periods.current_from)} – {_day(periods.current_to)} ({periods.days} days), "
        f"compared with the {periods.days} days before ({_day(periods.previous_from)} – {_day(periods.previous_to)}). "
        "A change is called significant only when its 95 % interval excludes 0."
    )


def driver_sentences(drivers: pd.DataFrame, metric: str, by: str, top: int = 3) -> list[str]:
    """Return up to `top` sentences on the groups whose scores cost the most, biggest first."""
    label = DEFINITIONS[metric].label
    unit = "points" if metric == "nps" else "percentage points"
    sentences = []
    for row in drivers[drivers["impact"] > 0].head(top).itertuples():
        name = getattr(row, by) if by.isidentifier() else row[1]
        certainty = "" if row.significant else " (not significant: could be noise)"
        if row.too_few:
            certainty = " (too few responses to judge)"
        sentences.append(
            f"**{name}** costs **{row.impact:.1f} {label} {unit}** overall"
            f" (95 % interval {row.impact_low:.1f} to {row.impact_high:.1f}){certainty}: customers scored"
            f" {row.value:.1f} after it against {row.rest_value:.1f} for everyone else ({row.share:.0f} % of answers)."
        )
    if not sentences:
        sentences.append(f"No {by.replace('_', ' ')} drags {label} below the rest.")
    return sentences


def revenue_at_risk_sentence(groups: list[dict]) -> str:
    """Return what detractors' and passives' extra churn costs, against promoters' churn rate."""
    by_group = {g["nps_group"]: g for g in groups}
    promoters = by_group.get("promoter")
    at_risk = [g for g in groups if g["nps_group"] != "promoter" and (g.get("revenue_at_risk") or 0) > 0]
    if not promoters or not at_risk:
        return "Revenue at risk needs outcomes for promoters and for detractors or passives."
    parts = [
        f"{g['nps_group']}s churn {g['churn_rate']:.1f} % against {promoters['churn_rate']:.1f} % for promoters: "
        f"**{g['revenue_at_risk']:,.0f}** of their {g['revenue']:,.0f} revenue is at risk"
        for g in at_risk
    ]
    return "Revenue at risk: " + "; ".join(parts) + "."


# The contact log's own column behind each contact-centre measure, for saying what would fill it.
_MEASURE_COLUMNS = {"resolved_rate": "resolved", "aht_seconds": "handle_seconds", "asa_seconds": "wait_seconds",
                    "abandon_rate": "answered", "transfer_rate": "transfers"}
_MEASURE_N = {"resolved_rate": "resolved_n", "aht_seconds": "aht_n", "asa_seconds": "asa_n",
              "abandon_rate": "abandon_n", "transfer_rate": "transfer_n"}


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
               if not overall.get(_MEASURE_N[key])]
    if not missing:
        return ""
    if len(missing) == len(_MEASURE_COLUMNS):
        return ("This contact log has none of the contact-centre measures: they come from its own columns — "
                + ", ".join(missing) + ".")
    return "Not in this contact log: " + ", ".join(missing) + "."
