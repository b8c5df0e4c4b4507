"""Turning metric results into what a page shows: formatted tiles with interval, n, change and target,
and tables (with their CSVs and the charts' CSVs) named, rounded and blank the same way."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import pandas as pd

from .definitions import DEFINITIONS, help_text
from .stats import SMALL_N

KPI_KEYS = ("nps", "csat", "ces", "fcr", "repeat_rate", "contacts")
LOWER_IS_BETTER = frozenset({"repeat_rate"})
N_FIELD = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n", "fcr": "fcr_n", "repeat_rate": "repeat_n",
           "survey_fcr": "survey_fcr_n", "contacts": "contacts"}
INTERVAL_FIELDS = {"nps": ("nps_low", "nps_high"), "ces": ("ces_low", "ces_high"),
                   "csat": ("csat_low", "csat_high"), "fcr": ("fcr_low", "fcr_high"),
                   "repeat_rate": ("repeat_low", "repeat_high"), "survey_fcr": ("survey_fcr_low", "survey_fcr_high")}
# The contact-centre measures shown as tiles where the data has them; each figure's fields are
# named <stem>_n, <stem>_low, <stem>_high (metrics.figures).
CONTACT_CENTRE_KEYS = ("aht_seconds", "asa_seconds", "abandon_rate", "resolved_rate")
SECONDS = frozenset({"aht_seconds", "asa_seconds"})
_STEMS = {"aht_seconds": "aht", "asa_seconds": "asa", "abandon_rate": "abandon", "resolved_rate": "resolved",
          "transfer_rate": "transfer", "fcr_transferred": "fcr_transferred",
          "fcr_not_transferred": "fcr_not_transferred"}
N_FIELD.update({key: f"{stem}_n" for key, stem in _STEMS.items()})
INTERVAL_FIELDS.update({key: (f"{stem}_low", f"{stem}_high") for key, stem in _STEMS.items()})


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    interval: str
    n: int
    too_few: bool
    help: str
    change: str = ""  # e.g. "+3.1 pts"
    change_note: str = ""  # e.g. "vs previous 28 days · not significant"
    change_significant: bool = False
    change_good: bool | None = None  # None: no direction (contacts) or no change
    target: str = ""
    progress: float | None = None  # 0..1 toward the target


def kpi_tiles(overall: dict, window: int, same_reason: bool, changes: dict | None = None,
              targets: dict | None = None, period_days: int | None = None) -> list[Tile]:
    """Return one tile per headline figure: formatted value, interval, n, change and target progress."""
    return [
        _tile(key, overall, window, same_reason, (changes or {}).get(key), (targets or {}).get(key), period_days)
        for key in KPI_KEYS
    ]


def contact_centre_tiles(overall: dict, window: int, same_reason: bool) -> list[Tile]:
    """Return a tile per contact-centre measure the figures have (n > 0), none for the others: a
    log without wait times shows no speed-of-answer tile rather than an empty one."""
    return [_tile(key, overall, window, same_reason, None, None, None)
            for key in CONTACT_CENTRE_KEYS if overall.get(N_FIELD[key])]


def format_value(key: str, value) -> str:
    """Return a figure as shown on a tile: NPS in signed points, CES to 2 decimals, rates in %."""
    if value is None:
        return "–"
    if key == "nps":
        return f"{value:+.0f}"
    if key == "ces":
        return f"{value:.2f}"
    if key == "contacts":
        return f"{int(value):,}"
    if key in SECONDS:
        return f"{value:,.0f} s"
    return f"{value:.1f} %"


def target_progress(key: str, value: float | None, target: float | None) -> tuple[str, float | None]:
    """Return the target line ("target 30 · 4.2 to go" or "target met") and progress 0..1."""
    if target is None or value is None:
        return ("", None)
    unit = " points" if key == "nps" else (" %" if key not in ("ces",) else "")
    if key in LOWER_IS_BETTER:
        met = value <= target
        progress = 1.0 if met else (target / value if value else 0.0)
        gap = value - target
    else:
        met = value >= target
        low = -100.0 if key == "nps" else (1.0 if key == "ces" else 0.0)  # the scale's floor
        progress = 1.0 if met else max(0.0, (value - low) / (target - low)) if target != low else 0.0
        gap = target - value
    text = f"target {format_value(key, target)} · met" if met else f"target {format_value(key, target)} · {gap:.1f}{unit} to go"
    return (text, min(1.0, max(0.0, progress)))


def _tile(key, figures, window, same_reason, change, target, period_days) -> Tile:
    n = int(figures.get(N_FIELD[key]) or 0)
    value = figures.get(key)
    label = DEFINITIONS[key].label
    help_ = help_text(key, window, same_reason)
    change_text, note, significant, good = _change(key, change, period_days)
    target_text, progress = target_progress(key, value, target)
    if key == "contacts":
        return Tile(key, label, format_value(key, n), "", n, False, help_, change_text, note, significant, good)
    if value is None:
        interval = "no data"
    elif key == "nps" and figures["nps_low"] == value - figures["nps_moe"] and figures["nps_high"] == value + figures["nps_moe"]:
        interval = f"± {figures['nps_moe']:.1f}"
    elif key == "nps":  # the margin reaches past −100..100: show the clipped interval instead
        interval = f"{figures['nps_low']:.1f} to {figures['nps_high']:.1f}"
    elif key == "ces":
        interval = f"{figures['ces_easy']:.0f} % easy"
    else:
        low, high = (figures[field] for field in INTERVAL_FIELDS[key])
        if low is None:  # a mean of one duration has no interval
            interval = "no interval"
        else:
            interval = f"{low:,.0f}–{high:,.0f} s" if key in SECONDS else f"{low:.1f}–{high:.1f} %"
    return Tile(key, label, format_value(key, value), interval, n, n < SMALL_N, help_, change_text, note,
                significant, good, target_text, progress)


def _change(key, change, period_days):
    """Return (short change, note, significant, good-or-None) for a tile."""
    if not change or change.get("value") is None:
        return ("", "", False, None)
    value = change["value"]
    unit = "" if key in ("nps", "ces", "contacts") else " pts"
    versus = f"vs previous {period_days} days" if period_days else "vs previous period"
    significant = bool(change.get("significant"))
    note = versus if key == "contacts" else f"{versus} · {'significant' if significant else 'not significant'}"
    good = (value < 0) if key in LOWER_IS_BETTER else (value > 0)
    text = f"{value:+,.0f}" if key == "contacts" else f"{value:+.1f}{unit}"
    return (text, note, significant, good if significant else None)


# --- Tables people read ------------------------------------------------------------------------
# One engine for every table, its CSV and a chart's CSV: the same column names (the definitions'
# labels with their unit), the same rounding (to what the row's 95 % interval supports), seconds
# as m:ss, revenue in the workspace's currency, and blanks left blank.

CURRENCY_SETTING = "CXMETRICS_CURRENCY"
PERCENT, POINTS, SCORE, COUNT, SECONDS_KIND, MONEY = "%", "points", "score", "count", "m:ss", "money"
P_VALUE = "p"
# Decimals when a row has no interval to judge by: a rate to 0.1 %, NPS in whole points, CES to 0.01;
# any other number (a mean of hours, an engagement score) to 0.1.
DEFAULT_DECIMALS = {PERCENT: 1, POINTS: 0, SCORE: 2, MONEY: 0, P_VALUE: 3}
MAX_DECIMALS = 2
# Figures outside the definitions that tables and charts carry: key -> (label, kind, (low, high) or None).
# A figure without a named interval is rounded by `<key>_low`/`<key>_high` when the frame has them.
_OTHER_FIGURES = {
    "churn_rate": ("Churn", PERCENT, ("churn_low", "churn_high")),
    "revenue_per_customer": ("Revenue per customer", MONEY,
                             ("revenue_per_customer_low", "revenue_per_customer_high")),
    "revenue": ("Revenue", MONEY, None),
    "revenue_at_risk": ("Revenue at risk", MONEY, None),
    "failure_rate": ("Self-service failure", PERCENT, ("failure_low", "failure_high")),
    "escalation_share": ("Escalates", PERCENT, ("escalation_low", "escalation_high")),
    "gap": ("Gap", None, ("gap_low", "gap_high")),
    "impact": ("Impact", None, ("impact_low", "impact_high")),
    "change": ("Change", None, ("change_low", "change_high")),
    "before": ("Before", None, None),
    "after": ("After", None, None),
    "share": ("Share", PERCENT, ("low", "high")),
    "journey_share": ("Share of journeys", PERCENT, None),
    "detractor_share": ("Detractors mentioning", PERCENT, ("detractor_low", "detractor_high")),
    "passive_share": ("Passives mentioning", PERCENT, ("passive_low", "passive_high")),
    "promoter_share": ("Promoters mentioning", PERCENT, ("promoter_low", "promoter_high")),
    "comment_share": ("Share of comments", PERCENT, ("share_low", "share_high")),
    "sentiment": ("Sentiment", SCORE, None),
    "mean_sentiment": ("Mean sentiment", SCORE, None),
    "first_within_target": ("First follow-up within target", PERCENT, ("first_within_low", "first_within_high")),
    "closed_by_due": ("Closed by the due date", PERCENT, ("closed_by_due_low", "closed_by_due_high")),
    "saved_rate": ("Detractors saved", PERCENT, ("saved_low", "saved_high")),
    "retained_rate": ("Kept, followed up or not", PERCENT, None),
    "median_hours_to_first": ("Median hours to first follow-up", None, None),
    "p_value": ("p-value", P_VALUE, None),
}
# Columns rounded with another figure's decimals (the first of those present): a segment's figure and
# everyone else's are as precise as the gap between them.
_COMPANIONS = {"value": ("gap", "impact"), "rest_value": ("gap", "impact")}
# Counts and other columns named in words (anything else: its name with spaces, capitalised).
_PLAIN = {
    "n": ("n", COUNT), "customers": ("Customers", COUNT), "self_service": ("Self-service", None),
    "judged": ("n judged", COUNT), "churned_customers": ("Churned customers", COUNT), "repeats": ("Repeats", COUNT), "journeys": ("Journeys", COUNT),
    "engagement": ("Engagement", None), "engagement_months": ("Months", COUNT),
    "period": ("Period", None), "month": ("Month", None), "contact_id": ("Contact", None),
    "response_id": ("Response", None), "customer_id": ("Customer", None), "started_at": ("Started", None),
    "responded_at": ("Answered", None), "contact_reason": ("Contact reason", None),
    "resolved_answer": ("Says resolved", None), "repeat_contact": ("Repeat contact", None),
    "resolved_first_time": ("Resolved first time (contact FCR)", None), "handle_seconds": ("Handle time", SECONDS_KIND),
    "wait_seconds": ("Speed of answer", SECONDS_KIND), "from_value": ("From (the contact before)", None),
    "to_value": ("To (the repeat)", None), "nps_group": ("NPS group", None), "csat_group": ("CSAT group", None),
    # segment gaps and drivers
    "value": ("Figure", None), "rest_value": ("Everyone else", None), "rest_n": ("Everyone else n", COUNT),
    "significant": ("Significant", None), "too_few": ("Too few", None), "excludes_zero": ("Interval excludes 0", None),
    # the touchpoint map
    "touchpoint": ("Touchpoint", None), "journeys_started": ("Journeys started here", COUNT),
    "rank": ("Rank", COUNT), "journey": ("Journey", None),
    "assisted_step": ("Drops to assisted contact at step", COUNT),
    # the voice of the customer
    "theme": ("Theme", None), "comments": ("Comments", COUNT), "mentions": ("Mentions", COUNT),
    "comment": ("Comment", None), "themes": ("Themes", None), "pattern": ("Keyword or pattern", None),
    "language": ("Language", None), "survey": ("Survey", None),
    # a response's own answers (drill-through rows, a customer's story): scores, not figures
    "nps_answer": ("NPS answer (0–10)", COUNT), "csat_answer": ("CSAT answer (1–5)", COUNT),
    "ces_answer": ("CES answer", None),
    # contacts as rows
    "resolved": ("Resolved (agent's record)", None), "came_back": ("Came back", None), "agent": ("Agent", None),
    "team": ("Team", None), "transfers": ("Transfers", COUNT), "channel": ("Channel", None),
    # follow-ups and the outer loop
    "owner": ("Owner", None), "cases": ("Cases", COUNT), "detractor_cases": ("Detractor cases", COUNT),
    "closed": ("Closed", COUNT), "acted": ("Acted on", COUNT), "first_judged": ("First follow-up n", COUNT),
    "close_judged": ("Closed by the due date n", COUNT), "saved": ("Saved", COUNT),
    "saved_judged": ("Detractors saved n", COUNT), "followed_judged": ("Followed up (outcome known)", COUNT),
    "case_id": ("Case", None), "case_kind": ("Kind", None), "opened_at": ("Opened", None),
    "due_date": ("Due", None), "status": ("Status", None), "result": ("Result", None), "note": ("Note", None),
    "reopened": ("Reopened", COUNT), "first_action_at": ("First action", None), "closed_at": ("Closed at", None),
    "saved_state": ("Saved?", None), "overdue": ("Overdue", None), "changed_at": ("Changed", None),
    "from_status": ("From status", None), "to_status": ("To status", None), "is_reopen": ("Reopens", None),
    "action_id": ("Action", None), "subject": ("Cause", None), "started_on": ("Starts", None),
    "label": ("Figure", None), "before_n": ("n before", COUNT), "after_n": ("n after", COUNT),
    "verdict": ("Verdict", None),
    # the import history (Data page)
    "import_id": ("Import", None), "kind": ("Kind", None), "file_name": ("File", None),
    "imported_at": ("When (UTC)", None), "imported_by": ("By", None), "rows_loaded": ("Rows loaded", COUNT),
    "rows_rejected": ("Rows rejected", COUNT), "deleted": ("Deleted", None), "deleted_at": ("Deleted at (UTC)", None),
    "deleted_by": ("Deleted by", None),
    # a customer's outcome months
    "churned": ("Churned", None), "orders": ("Orders", COUNT),
}
# A response's scores keep their own names in rows: "csat" there is an answer 1–5, not CSAT %.
ANSWER_COLUMNS = {"nps": "nps_answer", "csat": "csat_answer", "ces": "ces_answer"}
_KIND_OF_UNIT = {"%": PERCENT, "points": POINTS, "score": SCORE, "count": COUNT, "seconds": SECONDS_KIND}


def currency() -> str:
    """Return the revenue currency (CXMETRICS_CURRENCY, e.g. EUR or £), or "" when not set."""
    return os.environ.get(CURRENCY_SETTING, "").strip()[:8]


def format_money(value) -> str:
    """Return an amount in whole units with the currency after it ("1,234 EUR"; "1,234" without one)."""
    return f"{value:,.0f} {currency()}".strip()


def unit_label(label: str, kind: str | None) -> str:
    """Return a column's name with its unit: "Contact FCR %", "Handle time (m:ss)", "Revenue (EUR)"."""
    if kind == PERCENT:
        return f"{label} %"
    if kind == SECONDS_KIND:
        return f"{label} (m:ss)"
    if kind == MONEY:
        return f"{label} ({currency()})" if currency() else label
    return label


def _figures() -> dict[str, tuple[str, str | None, tuple[str, str] | None]]:
    """Return every figure a table may carry: key -> (label, kind, its interval's columns or None)."""
    found = {key: (d.label, _KIND_OF_UNIT.get(d.unit), INTERVAL_FIELDS.get(key)) for key, d in DEFINITIONS.items()}
    found.update(_OTHER_FIGURES)
    return found


def column_names(columns) -> dict[str, str]:
    """Return the readable name of each column: a figure's label and unit, its interval's ends as
    "… low (95 %)" / "… high (95 %)", its n as "… n", other columns in words."""
    names = {}
    figures = _figures()
    ends = {}
    for key, (label, kind, interval) in figures.items():
        names[key] = unit_label(label, kind)
        if interval:
            ends[interval[0]] = f"{unit_label(label, kind)} low (95 %)"
            ends[interval[1]] = f"{unit_label(label, kind)} high (95 %)"
        if key in N_FIELD and N_FIELD[key] != key:
            ends[N_FIELD[key]] = f"{label} n"
    for column, (label, kind) in _PLAIN.items():
        names[column] = unit_label(label, kind)
    names.update(ends)
    return {c: names.get(c, _in_words(c)) for c in columns}


def _in_words(column) -> str:
    """Return a column no rule names in words: "rows_in_total" -> "Rows in total" (a name already in
    words, such as "Contact FCR %", is kept as it is)."""
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]


def decimals_for(low, high, kind: str | None) -> int:
    """Return the decimals a figure can honestly carry: the place of the first significant digit of
    its interval's half-width (two digits when that digit is 1), 0 to 2; the kind's default without one.

    Half-width 22.6 -> 0 (67, not 66.7); 2.3 -> 0; 1.4 -> 1; 0.26 -> 1; 0.04 -> 2."""
    if low is None or high is None or _blank(low) or _blank(high) or high <= low:
        return DEFAULT_DECIMALS.get(kind, 1)
    half = (float(high) - float(low)) / 2
    place = -math.floor(math.log10(half))
    leading = half * 10 ** place
    if leading < 2:  # a leading 1 would lose half its meaning in one digit
        place += 1
    return max(0, min(MAX_DECIMALS, place))


def mm_ss(seconds) -> str | None:
    """Return a duration as m:ss (684 -> "11:24", 59.6 -> "1:00", 3725 -> "62:05"); blank stays None."""
    if _blank(seconds):
        return None
    whole = int(round(float(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


def readable(frame: pd.DataFrame, keep=None) -> pd.DataFrame:
    """Return the frame as people read it (a table, its CSV, a chart's CSV): figures rounded per row
    to what their interval supports (the interval's ends alike), counts whole, seconds as m:ss, any
    other number to DEFAULT_DECIMALS, blanks as missing (shown and written blank), columns named in
    words; `keep` the columns to keep (rounded with the intervals in the whole frame), in that order."""
    out = frame.copy()
    figures = _figures()
    decimals_of: dict[str, list[int]] = {}  # each rounded figure's decimals per row
    settled: set = set()
    for key, (_label, kind, interval) in figures.items():
        if key not in out.columns:
            continue
        if interval is None or not all(c in out.columns for c in interval):
            interval = (f"{key}_low", f"{key}_high")
        has_interval = all(c in out.columns for c in interval)
        if kind == SECONDS_KIND:
            for column in (key, *(interval if has_interval else ())):
                out[column] = out[column].map(mm_ss).astype("object")
                settled.add(column)
            continue
        if kind == COUNT:
            out[key] = _whole(out[key])
            settled.add(key)
            continue
        decimals = [decimals_for(*(row if has_interval else (None, None)), kind)
                    for row in (zip(out[interval[0]], out[interval[1]]) if has_interval else [(None, None)] * len(out))]
        decimals_of[key] = decimals
        for column in (key, *(interval if has_interval else ())):
            out[column] = _rounded(out[column], decimals)
            settled.add(column)
    for column, leaders in _COMPANIONS.items():
        leader = next((k for k in leaders if k in decimals_of), None)
        if column in out.columns and leader is not None:
            out[column] = _rounded(out[column], decimals_of[leader])
            settled.add(column)
    for column in out.columns:
        if column in settled:
            continue
        kind = _PLAIN.get(column, (None, None))[1]
        if column in N_FIELD.values() or kind == COUNT:
            out[column] = _whole(out[column])
        elif kind == SECONDS_KIND:
            out[column] = out[column].map(mm_ss).astype("object")
        elif pd.api.types.is_float_dtype(out[column]):  # a number no rule names: no 66.66666666666666
            out[column] = _rounded(out[column], [DEFAULT_DECIMALS.get(None, 1)] * len(out))
    if keep is not None:
        out = out[list(keep)]
    return out.rename(columns=column_names(out.columns))


def readable_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Return rows (contacts, responses, cases, drill-through) as people read them: columns in words,
    a response's scores named as answers, durations m:ss, blanks blank."""
    return readable(frame.rename(columns=ANSWER_COLUMNS))


def figure_text(value) -> str:
    """Return a cell as a table, its CSV and a chart's CSV write it: a rounded figure with no trailing
    zeros ("67", not "67.0"; "4.5"), a blank as "". Streamlit's table draws a number the same way (up to
    four decimals, trailing zeros trimmed), and readable() leaves at most two, so the three agree."""
    if _blank(value):
        return ""
    if isinstance(value, (bool, str)) or not isinstance(value, (int, float)):
        return str(value)
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return repr(number)


def _rounded(column: pd.Series, decimals: list[int]) -> pd.Series:
    """Return each value rounded to its row's decimals; text and blanks untouched (blanks as missing)."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.isna().all() and column.notna().any():
        return column  # not numbers: leave as it is
    # + 0.0: a rounded -0.04 is 0, not "-0".
    return pd.Series([None if _blank(v) else round(float(v), d) + 0.0 for v, d in zip(numbers, decimals)],
                     index=column.index, dtype="Float64")


def _whole(column: pd.Series) -> pd.Series:
    """Return a count column as whole numbers with blanks missing (not 12.0, not NaN)."""
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.isna().all() and column.notna().any():
        return column
    return numbers.round().astype("Int64")


def _blank(value) -> bool:
    """Return whether a cell is empty: None, NaN, NaT or pd.NA."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
