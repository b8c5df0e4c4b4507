"""The report's sections in words: the same headings, sentences and tables for the HTML file and
the PDF, and the charts as Vega-Lite specs. Plain text in, plain text out: each writer escapes it
for its own format."""

from __future__ import annotations

from dataclasses import dataclass, field

import altair as alt
import pandas as pd

from .charts import interval_bar_chart, ranked_bar_chart, trend_chart
from ..engine.narrative import GROUP_NOUNS
from ..core.presentation import format_value

CHART_WIDTH = 620  # px: fits the 180 mm text width of an A4 page with the labels beside it
MISSING = "–"


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    lines: tuple[str, ...] = ()
    table: Table | None = None
    charts: tuple[str, ...] = ()  # names in chart_specs()
    notes: tuple[str, ...] = field(default=())


def sections(model: dict) -> list[Section]:
    """Return the report's sections in reading order."""
    return [_headline(model), _moved(model), _drivers(model), _trend(model), _reasons(model), _segments(model),
            _outcomes(model), _follow_ups(model)]


def settings_line(model: dict) -> str:
    """Return the parameters and filters every figure was computed with."""
    s = model["settings"]
    parts = [f"repeat window W = {s['window']} days, {'same reason only' if s['same_reason'] else 'any reason'}"]
    if s["channels"]:
        parts.append("channels: " + ", ".join(s["channels"]))
    if s["reasons"]:
        parts.append("reasons: " + ", ".join(s["reasons"]))
    if s["segment"]:
        parts.append(f"{s['segment']}: " + (", ".join(s["segment_values"]) or "all"))
    return "; ".join(parts) + f". Generated {model['generated_at']} UTC. Intervals are 95 %; figures on fewer " \
        "than 30 observations are marked 'too few'."


# --- sections ------------------------------------------------------------------------------------


def _headline(model: dict) -> Section:
    rows = []
    for h in model["headline"]:
        value = h["shown"] + (" (too few)" if h["too_few"] and h["key"] != "contacts" else "")
        change = h["change_shown"]
        if h["change"] is not None and h["key"] != "contacts":
            change += " (significant)" if h["significant"] else " (not significant)"
        rows.append((h["label"], h.get("status") or MISSING, value, h["interval"] or MISSING, f"{h['n']:,}",
                     h["previous_shown"], change, h["target_shown"] or "no target set"))
    return Section("headline", "Headline figures",
                   ("This period against its target and against the period before. Status: against the target's "
                    "path where a target is set (on track, at risk, off track), else against the previous period "
                    "(better or worse only when the change is significant).",),
                   Table(("Figure", "Status", "This period", "Interval", "n", "Previous period", "Change", "Target"),
                         tuple(rows)))


def _moved(model: dict) -> Section:
    lines = []
    for h in model["moved"]:
        direction = "better" if h["better"] else "worse"
        unit = " points" if h["key"] == "nps" else ("" if h["key"] == "ces" else " percentage points")
        lines.append(f"{h['label']} moved {h['change']:+.1f}{unit}, for the {direction}: {h['previous_shown']} → "
                     f"{h['shown']} (95 % interval of the change {h['change_low']:+.1f} to {h['change_high']:+.1f}).")
    if not lines:
        lines.append("No headline figure changed significantly against the previous period "
                     "(no change's 95 % interval excludes 0).")
    return Section("moved", "What moved", tuple(lines))


def _drivers(model: dict) -> Section:
    drivers = model["drivers"]
    label = drivers["metric_label"]
    lines = []
    for row in drivers["rows"]:
        certainty = "" if row["significant"] else " (not significant: could be noise)"
        if row["too_few"]:
            certainty = " (too few responses to judge)"
        lines.append(f"{row['group']} costs {row['impact']:.1f} {label} points overall (95 % interval "
                     f"{row['impact_low']:.1f} to {row['impact_high']:.1f}){certainty}: customers scored "
                     f"{row['value']:.1f} after it against {row['rest_value']:.1f} for everyone else "
                     f"({row['share']:.0f} % of answers).")
    if not lines:
        lines.append(f"No contact reason drags {label} below the rest.")
    return Section("drivers", "Where it hurts most", tuple(lines))


def _trend(model: dict) -> Section:
    return Section("trend", "NPS week by week", ("NPS of each week of the period, with its 95 % interval.",),
                   charts=("trend",))


def _reasons(model: dict) -> Section:
    rows = tuple((r["contact_reason"], f"{r['contacts']:,}", _rate(r["fcr"], r["fcr_low"], r["fcr_high"]),
                  f"{r['fcr_n']:,}", _rate(r["repeat_rate"], r["repeat_low"], r["repeat_high"]), f"{r['repeat_n']:,}")
                 for r in model["reasons"])
    lines = ("Contact FCR: the customer's next contact does not follow within the window. Busiest reason first.",)
    if not rows:
        lines = ("No contacts in this period.",)
    return Section("reasons", "FCR and repeats by reason", lines,
                   Table(("Contact reason", "Contacts", "FCR % (interval)", "FCR judged", "Repeat % (interval)",
                          "Repeat n"), rows) if rows else None,
                   charts=("fcr_by_reason", "repeats_by_reason") if rows else ())


def _segments(model: dict) -> Section:
    seg = model["segments"]
    if not seg["dimensions"]:
        return Section("segments", "Segment gaps", ("No customer attribute to compare segments by "
                                                    "(load customers with a tier, region or plan column).",))
    figures = _listing(seg["metric_labels"])
    attributes = _listing([by.replace("_", " ") for by in seg["dimensions"]])
    lines = [f"{figures} of each {attributes} against all other customers. Listed where the gap is significant "
             "as on the Segments page (its 95 % interval, then the Benjamini–Hochberg correction across the values "
             "of one attribute for one figure), most certain first."]
    if not seg["rows"]:
        lines.append(f"No segment's {figures} differs significantly from everyone else's in this period.")
    elif seg["significant"] > len(seg["rows"]):
        lines.append(f"{seg['significant'] - len(seg['rows'])} more significant gaps are not listed here: see the "
                     "Segments page.")
    rows = tuple((r["metric_label"], f"{r['by'].replace('_', ' ')}: {r['group']}", _figure(r["metric"], r["value"]),
                  f"{r['n']:,}", _figure(r["metric"], r["rest_value"]), _gap(r))
                 for r in seg["rows"])
    return Section("segments", "Segment gaps", tuple(lines),
                   Table(("Figure", "Segment", "Its figure", "n", "Everyone else", "Gap (interval)"), rows)
                   if rows else None)


def _outcomes(model: dict) -> Section:
    found = model["outcomes"]
    overall, loaded = found["overall"], found["loaded"]
    if not overall["customers"]:
        return Section("outcomes", "Business outcomes", ("No outcome month in this period.",))
    churn = "no churn loaded" if overall["churn_rate"] is None else f"churn rate {overall['churn_rate']:.1f} %"
    revenue = ("no revenue loaded" if overall["revenue_per_customer"] is None
               else f"revenue per customer {overall['revenue_per_customer']:,.0f}")
    lines = [f"{overall['customers']:,} customers with outcomes; {churn}; {revenue}. Each customer is in the NPS "
             "group of its latest answer before its deciding month."]
    at_risk = [g for g in found["groups"] if (g.get("revenue_at_risk") or 0) > 0]
    if at_risk:
        lines.append("Revenue at risk (their churn above promoters'): " + "; ".join(
            f"{GROUP_NOUNS.get(g['group'], g['group'])} {g['revenue_at_risk']:,.0f}" for g in at_risk) + ".")
    rows = tuple((GROUP_NOUNS.get(g["group"], g["group"]).capitalize(), f"{g['customers']:,}",
                  _rate(g["churn_rate"], g["churn_low"], g["churn_high"]),
                  _money(g["revenue_per_customer"]), _money(g.get("revenue_at_risk")))
                 for g in found["groups"])
    return Section("outcomes", "Business outcomes by NPS group", tuple(lines),
                   Table(("NPS group", "Customers", "Churn % (interval)", "Revenue per customer", "Revenue at risk"),
                         rows), charts=("churn_by_nps_group",) if loaded["churn"] and rows else ())


def _follow_ups(model: dict) -> Section:
    found = model["follow_ups"]
    if not found["cases"]:
        return Section("follow_ups", "Follow-up status", ("No follow-up cases in this period.",))
    rows = tuple((t["label"], t["shown"], t["interval"] or MISSING, f"{t['n']:,}") for t in found["tiles"])
    lines = (f"{found['cases']:,} cases (detractor answers and unresolved contacts), {found['closed']:,} closed; "
             f"first follow-up target {found['target_hours']:g} hours.",)
    return Section("follow_ups", "Follow-up status", lines, Table(("Figure", "Value", "Interval", "n"), rows))


# --- formatting ----------------------------------------------------------------------------------


def _rate(value, low, high) -> str:
    if value is None:
        return MISSING
    return f"{value:.1f} ({low:.1f}–{high:.1f})" if low is not None and high is not None else f"{value:.1f}"


def _figure(metric: str, value) -> str:
    return format_value(metric, value)


def _gap(row: dict) -> str:
    if row["gap"] is None:
        return MISSING
    if row["gap_low"] is None or row["gap_high"] is None:
        return f"{row['gap']:+.1f}"
    return f"{row['gap']:+.1f} ({row['gap_low']:+.1f} to {row['gap_high']:+.1f})"


def _listing(items) -> str:
    """Return ["NPS", "CSAT", "CES"] as "NPS, CSAT and CES"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _money(value) -> str:
    return MISSING if value is None else f"{value:,.0f}"


# --- charts --------------------------------------------------------------------------------------


def chart_specs(model: dict) -> dict[str, dict]:
    """Return {name: Vega-Lite spec} of the report's charts, from the model's figures and the
    dashboard's own chart builders, each CHART_WIDTH wide (call under the app's Altair lock)."""
    built = {}
    target = next((h["target"] for h in model["headline"] if h["key"] == "nps"), None)
    built["trend"] = trend_chart(pd.DataFrame(model["trend"], columns=["period", "nps", "nps_low", "nps_high", "nps_n"]),
                                 value="nps", low="nps_low", high="nps_high", n="nps_n", title="NPS by week",
                                 y_title="NPS", target=target)
    reasons = pd.DataFrame(model["reasons"])
    if not reasons.empty:
        built["fcr_by_reason"] = ranked_bar_chart(reasons, category="contact_reason", value="fcr", low="fcr_low",
                                                  high="fcr_high", n="fcr_n", title="First-contact resolution by reason",
                                                  x_title="FCR %")
        built["repeats_by_reason"] = ranked_bar_chart(reasons, category="contact_reason", value="repeat_rate",
                                                      low="repeat_low", high="repeat_high", n="repeat_n",
                                                      title="Repeat contacts by reason", x_title="Repeat rate %")
    groups = model["outcomes"]["groups"]
    if groups and model["outcomes"]["loaded"]["churn"]:
        built["churn_by_nps_group"] = interval_bar_chart(pd.DataFrame(groups), category="group", value="churn_rate",
                                                         low="churn_low", high="churn_high", n="customers",
                                                         title="Churn rate by NPS group", y_title="churn %")
    with alt.theme.enable("none"):
        return {name: chart.properties(width=CHART_WIDTH).to_dict(validate=False) for name, chart in built.items()}
