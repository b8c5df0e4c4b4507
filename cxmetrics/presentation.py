"""Turning metric results into what a page shows: formatted tiles with interval, n, change and target."""

from __future__ import annotations

from dataclasses import dataclass

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
