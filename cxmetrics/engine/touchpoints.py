"""The touchpoint map: which channels or reasons customers pass through, in order, and how each does.

A journey is a chain of one customer's contacts where each starts at most W days after the one
before (the repeat window); it starts at a contact with no contact of that customer in the W days
before it. The filters choose journeys by their first contact (its day, channel, reason, segment).

The flow, the paths and the touchpoints named are answered from the touchpoint rollups
(cxmetrics/rollups/touchpoint_rollups.py: every journey counted once per data change, by its first
contact) when those can: fresh, a window of rollups.ROLLUP_WINDOWS, whole-day dates, no segment
filter, at most MAX_STEPS steps. Anything else runs the base queries (sql/touchpoints/: window
functions over the chosen contacts), which give the same rows in the same order.

Per touchpoint (a channel or a contact reason, at a step of the journey): contacts; contact FCR
(the engine's definition, with the same-reason setting); NPS and CSAT of the answers linked to
those contacts; and the escalation share: among contacts judged (their W-day window has ended),
the share whose journey goes on to an assisted contact (self_service not true) on another channel
within W days, e.g. web -> phone or chat -> phone.
"""

from __future__ import annotations

import pandas as pd

from ..core import stats
from ..rollups import touchpoint_rollups
from ..store.db import Identifier, qualified, run
from ..store.dimensions import Filters
from .metrics import DEFAULT_WINDOW
from ..core.presentation import readable

KINDS = ("channel", "contact_reason")
MAX_STEPS = 5  # drawn layers; the last one holds every later step as well
MAX_TOUCHPOINTS = 12  # named per layer; the rest are folded into "Other"
OTHER, NONE = "Other", "(none)"
COUNT_COLUMNS = ("contacts", "judged", "fcr_yes", "escalated", "nps_n", "promoters", "detractors", "csat_n",
                 "csat_satisfied")


def _touchpoint_column(kind: str) -> Identifier:
    """Return the contacts column (of alias c) a touchpoint kind is read from."""
    if kind not in KINDS:
        raise ValueError(f"touchpoints are channels or contact reasons, not {kind!r}")
    return qualified("c", kind)


def _journey_slots(con, kind: str, filters: Filters) -> dict[str, Identifier]:
    """Return the slots of journey_flow.sql and journey_paths.sql (both count the same journeys)."""
    return {"touchpoint": _touchpoint_column(kind), "segment": filters.segment_sql(con)}


def top_values(con, kind: str, limit: int = MAX_TOUCHPOINTS) -> list[str]:
    """Return the `limit` most common touchpoints of a kind (contacts with a customer); the rest become "Other"."""
    touchpoint = _touchpoint_column(kind)
    rolled = touchpoint_rollups.top_values(con, kind, limit)
    if rolled is not None:
        return rolled
    rows = run(con, "touchpoints/top_values", {"limit": int(limit), "none": NONE}, touchpoint=touchpoint).fetchall()
    return [r[0] for r in rows]


def journey_flow(con, kind: str = "channel", filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
                 same_reason: bool = False, max_steps: int = MAX_STEPS, named: int = MAX_TOUCHPOINTS) -> pd.DataFrame:
    """Return one row per step × touchpoint × next touchpoint (None where the journey ends) with the counts;
    the `named` most common touchpoints keep their name, the others are "Other"."""
    top = top_values(con, kind, named)
    frame = touchpoint_rollups.flow(con, kind, filters, int(window), same_reason, int(max_steps), top)
    if frame is None:
        params = {**filters.params(), "window": int(window), "same_reason": bool(same_reason),
                  "max_steps": int(max_steps), "top_values": top, "none": NONE}
        frame = run(con, "touchpoints/journey_flow", params, **_journey_slots(con, kind, filters)).df()
    frame[list(COUNT_COLUMNS)] = frame[list(COUNT_COLUMNS)].astype(int)
    return frame


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame of summed counts with FCR, escalation, NPS and CSAT figures added."""
    out = frame.copy()
    fcr = [stats.wilson(k, n) for k, n in zip(out["fcr_yes"], out["judged"])]
    esc = [stats.wilson(k, n) for k, n in zip(out["escalated"], out["judged"])]
    csat = [stats.wilson(k, n) for k, n in zip(out["csat_satisfied"], out["csat_n"])]
    out["fcr"], out["fcr_low"], out["fcr_high"] = ([r.value for r in fcr], [r.low for r in fcr],
                                                   [r.high for r in fcr])
    out["escalation_share"] = [r.value for r in esc]
    out["escalation_low"], out["escalation_high"] = [r.low for r in esc], [r.high for r in esc]
    out["nps"] = [stats.nps(p, d, n) for p, d, n in zip(out["promoters"], out["detractors"], out["nps_n"])]
    out["csat"] = [r.value for r in csat]
    return out


def flow_nodes(flow: pd.DataFrame) -> pd.DataFrame:
    """Return one row per step × touchpoint with its counts and figures, and `rank` (0 = most contacts at that step)."""
    columns = ["step", "touchpoint", *COUNT_COLUMNS]
    if flow.empty:
        return pd.DataFrame(columns=[*columns, "fcr", "escalation_share", "nps", "csat", "rank"])
    nodes = flow.groupby(["step", "touchpoint"], as_index=False)[list(COUNT_COLUMNS)].sum()
    nodes = nodes.sort_values(["step", "contacts", "touchpoint"], ascending=[True, False, True], kind="stable")
    nodes["rank"] = nodes.groupby("step").cumcount()
    return _rates(nodes).reset_index(drop=True)


def flow_edges(flow: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    """Return one row per transition from a touchpoint at one step to one at the next step, with its count
    and both ends' ranks; transitions inside the last (capped) layer are left out of the picture."""
    columns = ["step", "touchpoint", "next_step", "next_touchpoint", "transitions", "rank", "next_rank"]
    if flow.empty:
        return pd.DataFrame(columns=columns)
    last = int(flow["step"].max())
    moving = flow[flow["next_touchpoint"].notna()]
    moving = moving[(moving["step"] < last) | (last == 1)]
    edges = moving.groupby(["step", "touchpoint", "next_touchpoint"], as_index=False)["contacts"].sum()
    edges = edges.rename(columns={"contacts": "transitions"})
    edges["next_step"] = edges["step"] + 1
    ranks = nodes[["step", "touchpoint", "rank"]]
    edges = edges.merge(ranks, on=["step", "touchpoint"]).merge(
        ranks.rename(columns={"step": "next_step", "touchpoint": "next_touchpoint", "rank": "next_rank"}),
        on=["next_step", "next_touchpoint"])
    return edges[columns].sort_values(["step", "transitions"], ascending=[True, False]).reset_index(drop=True)


def touchpoint_summary(flow: pd.DataFrame) -> pd.DataFrame:
    """Return one row per touchpoint over every step: contacts, journeys started there, FCR, escalation
    share (each with interval and n), NPS and CSAT, most contacts first."""
    if flow.empty:
        return pd.DataFrame(columns=["touchpoint", "contacts", "journeys_started", "fcr", "fcr_low", "fcr_high",
                                     "judged", "escalation_share", "escalation_low", "escalation_high", "nps",
                                     "nps_n", "csat", "csat_n"])
    totals = flow.groupby("touchpoint", as_index=False)[list(COUNT_COLUMNS)].sum()
    started = flow[flow["step"] == 1].groupby("touchpoint")["contacts"].sum()
    totals["journeys_started"] = totals["touchpoint"].map(started).fillna(0).astype(int)
    out = _rates(totals).sort_values(["contacts", "touchpoint"], ascending=[False, True], kind="stable")
    return out[["touchpoint", "contacts", "journeys_started", "fcr", "fcr_low", "fcr_high", "judged",
                "escalation_share", "escalation_low", "escalation_high", "nps", "nps_n", "csat",
                "csat_n"]].reset_index(drop=True)


def journey_paths(con, kind: str = "channel", filters: Filters = Filters(), window: int = DEFAULT_WINDOW,
                  max_steps: int = MAX_STEPS, limit: int = 15, named: int = MAX_TOUCHPOINTS) -> pd.DataFrame:
    """Return the most common journey paths ("web → chat → phone") with how many journeys took each."""
    top = top_values(con, kind, named)
    frame = touchpoint_rollups.paths(con, kind, filters, int(window), int(max_steps), int(limit), top)
    if frame is None:
        params = {**filters.params(), "window": int(window), "max_steps": int(max_steps), "limit": int(limit),
                  "top_values": top, "none": NONE}
        frame = run(con, "touchpoints/journey_paths", params, **_journey_slots(con, kind, filters)).df()
    frame["journeys"] = frame["journeys"].astype(int)
    return frame


TOUCHPOINT_COLUMNS = ("touchpoint", "contacts", "journeys_started", "fcr", "judged", "escalation_share",
                      "escalation_low", "escalation_high", "nps", "nps_n", "csat", "csat_n")


def touchpoint_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the touchpoint summary as a reader sees it (presentation.readable): volume, journeys started,
    FCR, escalation with its interval, NPS and CSAT with their n, each rounded as its interval supports."""
    return readable(summary, keep=TOUCHPOINT_COLUMNS)


def customer_contact_span(con) -> tuple[int, object, object]:
    """Return (contacts with a customer id, their first day, their last day) over the whole
    workspace: where journeys can be found when the selection has none."""
    contacts, first_day, last_day = run(con, "touchpoints/customer_contact_span").fetchall()[0]
    return int(contacts), first_day, last_day


# --- the main journeys, as a manager reads them ------------------------------------------------------
# The map shows the TOP_JOURNEYS most common journey paths, ranked by volume, each as its steps (chips
# coloured self-service or assisted) and a bar of journeys; every other journey is folded into one
# "All other journeys" row, so the rows add up to every journey in the selection. A ranked list is read
# faster and more exactly than a Sankey's ribbon widths (docs/dashboard.md, "Touchpoint map").

TOP_JOURNEYS = 8
PATHS_READ = 1000  # distinct paths read to fold (the rest are counted in "other" through the total)
STEP_SEPARATOR, MORE_STEPS = " → ", "…"
OTHER_JOURNEYS = "All other journeys"
SELF_SERVICE, ASSISTED, UNKNOWN_ROLE, MIXED = "self-service", "assisted", "not known", "several channels"


def journeys_total(flow: pd.DataFrame) -> int:
    """Return how many journeys the flow holds: each journey has exactly one first step."""
    return int(flow.loc[flow["step"] == 1, "contacts"].sum()) if len(flow) else 0


def channel_roles(con) -> dict[str, str]:
    """Return {channel: SELF_SERVICE or ASSISTED}: self-service when most of its contacts that carry the
    self_service flag are marked so; a channel none of whose contacts carries the flag is left out."""
    roles = {}
    for channel, self_service, known in run(con, "touchpoints/channel_roles").fetchall():
        if known:
            roles[channel] = SELF_SERVICE if 2 * self_service > known else ASSISTED
    return roles


def step_role(touchpoint: str, roles: dict[str, str]) -> str:
    """Return whether a journey step is self-service or assisted contact (or not known)."""
    if touchpoint == OTHER:
        return MIXED
    return roles.get(touchpoint, UNKNOWN_ROLE)


def assisted_step(steps: tuple[str, ...], roles: dict[str, str]) -> int | None:
    """Return the step (1 = first) at which the journey goes from self-service to assisted contact for the
    first time, or None when it never does (all assisted, all self-service, or not known)."""
    seen_self_service = False
    for number, touchpoint in enumerate(steps, start=1):
        role = step_role(touchpoint, roles)
        if role == ASSISTED and seen_self_service:
            return number
        seen_self_service = seen_self_service or role == SELF_SERVICE
    return None


def main_journeys(paths: pd.DataFrame, total: int, roles: dict[str, str] | None = None,
                  top: int = TOP_JOURNEYS) -> pd.DataFrame:
    """Return the `top` journey paths by volume (ties by path, as journey_paths orders them) and one row for
    every other journey: rank, journey (the path, or OTHER_JOURNEYS), steps, journeys, share (% of `total`,
    every journey in the selection), assisted_step (see assisted_step) and other (True on the folded row).

    The folded row holds `total` minus the top paths' journeys, so the rows always add up to `total`
    even when `paths` was cut short; it is left out when nothing is left."""
    roles = roles or {}
    ranked = paths.sort_values(["journeys", "path"], ascending=[False, True], kind="stable").head(top)
    rows = []
    for rank, (path, journeys) in enumerate(zip(ranked["path"], ranked["journeys"]), start=1):
        steps = tuple(path.split(STEP_SEPARATOR))
        rows.append({"rank": rank, "journey": path, "steps": steps, "journeys": int(journeys),
                     "assisted_step": assisted_step(steps, roles), "other": False})
    rest = int(total) - sum(r["journeys"] for r in rows)
    if rest > 0:
        rows.append({"rank": len(rows) + 1, "journey": OTHER_JOURNEYS, "steps": (), "journeys": rest,
                     "assisted_step": None, "other": True})
    frame = pd.DataFrame(rows, columns=["rank", "journey", "steps", "journeys", "assisted_step", "other"])
    frame["share"] = [100.0 * j / total if total else None for j in frame["journeys"]]
    frame["assisted_step"] = frame["assisted_step"].astype("Int64")
    return frame[["rank", "journey", "steps", "journeys", "share", "assisted_step", "other"]]


def journey_steps(main: pd.DataFrame, roles: dict[str, str] | None = None, max_label: int = 14) -> pd.DataFrame:
    """Return one row per step of each main journey (the chips of the map): rank, step, touchpoint, label
    (shortened to `max_label` characters), role and whether customers drop to assisted contact there."""
    roles = roles or {}
    rows = []
    for rank, steps, drop in zip(main["rank"], main["steps"], main["assisted_step"]):
        for number, touchpoint in enumerate(steps, start=1):
            role = "more steps" if touchpoint == MORE_STEPS else step_role(touchpoint, roles)
            label = touchpoint if len(touchpoint) <= max_label else touchpoint[: max_label - 1] + "…"
            rows.append({"rank": int(rank), "step": number, "touchpoint": touchpoint, "label": label, "role": role,
                         "drops_here": bool(pd.notna(drop) and number == drop)})
    return pd.DataFrame(rows, columns=["rank", "step", "touchpoint", "label", "role", "drops_here"])


def assisted_drop_sentence(paths: pd.DataFrame, total: int, roles: dict[str, str], cut_short: bool) -> str | None:
    """Return how many of the `total` journeys go from self-service to assisted contact, and through which
    steps most often, e.g. "36 of 795 journeys (4.5 %) went from self-service to assisted contact, most
    often web → phone (20)." (None without journeys, or when no channel is known to be self-service).
    `cut_short`: `paths` holds only the most common paths, so the count is a lower bound."""
    if not total or SELF_SERVICE not in roles.values():
        return None
    moves: dict[str, int] = {}
    for path, journeys in zip(paths["path"], paths["journeys"]):
        steps = tuple(path.split(STEP_SEPARATOR))
        at = assisted_step(steps, roles)
        if at is not None:
            move = f"{steps[at - 2]}{STEP_SEPARATOR}{steps[at - 1]}"
            moves[move] = moves.get(move, 0) + int(journeys)
    dropped = sum(moves.values())
    counted = f"At least {dropped:,}" if cut_short else f"{dropped:,}"
    sentence = f"{counted} of {total:,} journeys ({100.0 * dropped / total:.1f} %) went from self-service to assisted contact"
    if not moves:
        return sentence + "."
    top = sorted(moves.items(), key=lambda item: (-item[1], item[0]))[:3]
    return sentence + ", most often " + ", ".join(f"{move} ({n:,})" for move, n in top) + "."


JOURNEY_COLUMNS = ("rank", "journey", "journeys", "journey_share", "assisted_step")


def journey_table(main: pd.DataFrame) -> pd.DataFrame:
    """Return the main journeys' columns a reader needs (the chart's download, named and rounded there by
    presentation.readable): rank, journey, volume, share and the step where customers drop to assisted contact."""
    return main.rename(columns={"share": "journey_share"})[list(JOURNEY_COLUMNS)]
