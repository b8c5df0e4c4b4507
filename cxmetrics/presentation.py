"""Turning metric results into what a page shows: formatted tiles with interval, n and status."""

from __future__ import annotations

from dataclasses import dataclass

from .definitions import DEFINITIONS, help_text
from .stats import SMALL_N

KPI_KEYS = ("nps", "csat", "ces", "fcr", "repeat_rate", "contacts")
_N_FIELD = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n", "fcr": "fcr_n", "repeat_rate": "repeat_n",
            "survey_fcr": "survey_fcr_n", "contacts": "contacts"}

_INTERVAL_FIELDS = {"csat": ("csat_low", "csat_high"), "fcr": ("fcr_low", "fcr_high"),
                    "repeat_rate": ("repeat_low", "repeat_high"), "survey_fcr": ("survey_fcr_low", "survey_fcr_high")}


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    interval: str
    n: int
    too_few: bool
    help: str


def kpi_tiles(overall: dict, window: int, same_reason: bool) -> list[Tile]:
    """Return one tile per headline figure, formatted, with its n and whether n is too small to judge."""
    return [_tile(key, overall, window, same_reason) for key in KPI_KEYS]


def _tile(key: str, figures: dict, window: int, same_reason: bool) -> Tile:
    n = int(figures.get(_N_FIELD[key]) or 0)
    value = figures.get(key)
    label = DEFINITIONS[key].label
    if key == "contacts":
        return Tile(key, label, f"{n:,}", "", n, False, help_text(key, window, same_reason))
    if value is None:
        text, interval = "–", "no data"
    elif key == "nps":
        text, interval = f"{value:+.0f}", f"± {figures['nps_moe']:.1f}"
    elif key == "ces":
        text, interval = f"{value:.2f}", f"{figures['ces_easy']:.0f} % easy"
    else:
        low, high = (figures[field] for field in _INTERVAL_FIELDS[key])
        text, interval = f"{value:.1f} %", f"{low:.1f}–{high:.1f} %"
    return Tile(key, label, text, interval, n, n < SMALL_N, help_text(key, window, same_reason))
