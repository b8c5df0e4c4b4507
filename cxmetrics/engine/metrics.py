"""The metric engine: NPS, CSAT, CES, survey FCR, repeat rate, contact FCR and the contact-centre
measures (abandonment, speed of answer, handle time, reported resolution, transfers), overall and
by group.

SQL (`sql/metrics/`) returns counts and sums per group; `stats` turns them into figures with
intervals. Definitions are those of docs/metrics.md; every function takes a connection and
parameters and returns plain data, with no Streamlit in sight.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from ..rollups import metric_rollups
from ..core import stats
from ..store.db import qualified, run
from ..store.dimensions import NO_DIMENSION, Filters, resolve_dimension

DEFAULT_WINDOW = 7

METRIC_FIELDS = (
    "nps", "nps_moe", "nps_low", "nps_high", "nps_n",
    "csat", "csat_low", "csat_high", "csat_n", "csat_mean",
    "ces", "ces_low", "ces_high", "ces_n", "ces_easy",
    "survey_fcr", "survey_fcr_low", "survey_fcr_high", "survey_fcr_n",
    "contacts", "repeat_rate", "repeat_low", "repeat_high", "repeat_n",
    "fcr", "fcr_low", "fcr_high", "fcr_n",
    "fcr_transferred", "fcr_transferred_low", "fcr_transferred_high", "fcr_transferred_n",
    "fcr_not_transferred", "fcr_not_transferred_low", "fcr_not_transferred_high", "fcr_not_transferred_n",
    "abandon_rate", "abandon_low", "abandon_high", "abandon_n",
    "asa_seconds", "asa_low", "asa_high", "asa_n",
    "aht_seconds", "aht_low", "aht_high", "aht_n",
    "resolved_rate", "resolved_low", "resolved_high", "resolved_n",
    "transfer_rate", "transfer_low", "transfer_high", "transfer_n",
)  # fmt: skip

# The contact log's own columns that came with migration 15. A store from before it, opened
# read-only (so not migrated), has neither: the base query reads them as unknown.
_MEASURE_COLUMNS = {name: qualified("c", name) for name in ("answered", "wait_seconds")}
# ... or contact_counts.sql's typed NULLs of the same names.
_NO_MEASURE_COLUMNS = {name: qualified("missing", name) for name in ("answered", "wait_seconds")}


GRAINS = ("day", "week", "month")
# A period groups responses by when they were answered and contacts by when they started: the
# queries' r.__period and c.__period, the $grain of each row's date.
_PERIOD_SQL = {grain: (qualified("r", "__period"), qualified("c", "__period")) for grain in GRAINS}


def metric_counts(
    con,
    by: str | None = None,
    filters: Filters = Filters(),
    window: int = DEFAULT_WINDOW,
    same_reason: bool = False,
    grain: str | None = None,
) -> pd.DataFrame:
    """Return the counts behind every metric, one row per group (a value of `by`, or a period of
    `grain`) plus the overall row (is_overall = 1)."""
    if grain is not None and grain not in _PERIOD_SQL:
        raise ValueError(f"unknown grain {grain!r}: use one of {', '.join(GRAINS)}")
    rolled = metric_rollups.counts(con, by, filters, int(window), bool(same_reason), grain)
    responses, contacts = rolled if rolled is not None else base_counts(con, by, filters, window, same_reason, grain)
    merged = responses.merge(contacts, on=["is_overall", "group_value"], how="outer")
    counts = [c for c in merged.columns if c not in ("is_overall", "group_value")]
    merged[counts] = merged[counts].fillna(0)
    return merged


def base_counts(
    con, by: str | None, filters: Filters, window: int, same_reason: bool, grain: str | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (response counts, contact counts) computed from the base tables: any request, slower."""
    if grain is not None:
        response_group, contact_group = _PERIOD_SQL[grain]
    else:
        response_group = contact_group = resolve_dimension(con, by).sql if by else NO_DIMENSION
    segment = filters.segment_sql(con)
    params = {**filters.params(), "grain": grain}
    responses = run(con, "metrics/response_counts", params, dimension=response_group, segment=segment).df()
    contact_params = {**params, "window": int(window), "same_reason": bool(same_reason)}
    try:
        contacts = run(con, "metrics/contact_counts", contact_params, dimension=contact_group, segment=segment,
                       **_MEASURE_COLUMNS).df()
    except duckdb.BinderException:
        contacts = run(con, "metrics/contact_counts", contact_params, dimension=contact_group, segment=segment,
                       **_NO_MEASURE_COLUMNS).df()
    return responses, contacts


def figures(row) -> dict:
    """Return the metric figures of one row of counts (see METRIC_FIELDS)."""
    csat = stats.wilson(int(row["csat_satisfied"]), int(row["csat_n"]))
    survey_fcr = stats.wilson(int(row["survey_fcr_yes"]), int(row["survey_fcr_n"]))
    repeat = stats.wilson(int(row["repeats"]), int(row["linked"]))
    fcr = stats.wilson(int(row["fcr_yes"]), int(row["fcr_n"]))
    ces_n = int(row["ces_n"])
    nps = stats.nps(int(row["promoters"]), int(row["detractors"]), int(row["nps_n"]))
    moe = stats.nps_moe(int(row["promoters"]), int(row["detractors"]), int(row["nps_n"]))
    nps_low, nps_high = stats.nps_interval(int(row["promoters"]), int(row["detractors"]), int(row["nps_n"]))
    ces_low, ces_high = stats.mean_interval(float(row["ces_sum"]), float(row["ces_sum_sq"]), ces_n,
                                            bounds=stats.CES_RANGE)
    return {
        "nps": nps,
        "nps_moe": moe,
        "nps_low": nps_low,
        "nps_high": nps_high,
        "nps_n": int(row["nps_n"]),
        "csat": csat.value,
        "csat_low": csat.low,
        "csat_high": csat.high,
        "csat_n": csat.n,
        "csat_mean": stats.mean(float(row["csat_sum"]), csat.n),
        "ces": stats.mean(float(row["ces_sum"]), ces_n),
        "ces_low": ces_low,
        "ces_high": ces_high,
        "ces_n": ces_n,
        "ces_easy": stats.wilson(int(row["ces_easy"]), ces_n).value,
        "survey_fcr": survey_fcr.value,
        "survey_fcr_low": survey_fcr.low,
        "survey_fcr_high": survey_fcr.high,
        "survey_fcr_n": survey_fcr.n,
        "contacts": int(row["contacts"]),
        "repeat_rate": repeat.value,
        "repeat_low": repeat.low,
        "repeat_high": repeat.high,
        "repeat_n": repeat.n,
        "fcr": fcr.value,
        "fcr_low": fcr.low,
        "fcr_high": fcr.high,
        "fcr_n": fcr.n,
        **_rate("fcr_transferred", "fcr_transferred", int(row["fcr_xfer_yes"]), int(row["fcr_xfer_n"])),
        **_rate("fcr_not_transferred", "fcr_not_transferred", int(row["fcr_direct_yes"]), int(row["fcr_direct_n"])),
        **_rate("abandon_rate", "abandon", int(row["abandoned"]), int(row["answered_known"])),
        **_seconds("asa_seconds", "asa", row["wait_ms"], row["wait_ms_sq"], int(row["wait_n"])),
        **_seconds("aht_seconds", "aht", row["handle_ms"], row["handle_ms_sq"], int(row["handle_n"])),
        **_rate("resolved_rate", "resolved", int(row["resolved_yes"]), int(row["resolved_known"])),
        **_rate("transfer_rate", "transfer", int(row["transferred"]), int(row["transfers_known"])),
    }


def _rate(key: str, stem: str, successes: int, n: int) -> dict:
    """Return {key, stem_low, stem_high, stem_n}: a share in % with its Wilson interval."""
    rate = stats.wilson(successes, n)
    return {key: rate.value, f"{stem}_low": rate.low, f"{stem}_high": rate.high, f"{stem}_n": rate.n}


def _seconds(key: str, stem: str, total_ms, total_ms_sq, n: int) -> dict:
    """Return {key, stem_low, stem_high, stem_n}: a mean duration in seconds (summed in whole
    milliseconds) with its t interval, never below 0 s."""
    total, total_sq = float(total_ms) / 1000.0, float(total_ms_sq) / 1_000_000.0
    low, high = stats.t_mean_interval(total, total_sq, n, floor=0.0)
    return {key: stats.mean(total, n), f"{stem}_low": low, f"{stem}_high": high, f"{stem}_n": n}


def metrics(
    con, by: str | None = None, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False
) -> dict:
    """Return {"overall": figures, "groups": [{by: value, **figures}, ...]} as the `metrics` command prints it."""
    counts = metric_counts(con, by, filters, window, same_reason)
    overall_rows = counts[counts["is_overall"] == 1]
    overall = figures(overall_rows.iloc[0]) if len(overall_rows) else figures(_empty_counts(counts))
    groups = []
    if by:
        part = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()]
        for row in part.sort_values("group_value", key=lambda s: s.astype(str)).to_dict("records"):
            groups.append({by: json_value(row["group_value"]), **figures(row)})
    return {"overall": overall, "groups": groups}


def metrics_frame(
    con, by: str, filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False
) -> pd.DataFrame:
    """Return one row per value of `by` with every figure (see METRIC_FIELDS), for tables and charts."""
    result = metrics(con, by, filters, window, same_reason)
    return pd.DataFrame(result["groups"], columns=[by, *METRIC_FIELDS])


def metric_trend(
    con, grain: str = "week", filters: Filters = Filters(), window: int = DEFAULT_WINDOW, same_reason: bool = False
) -> pd.DataFrame:
    """Return one row per period (first day of the day/week/month) with every figure, oldest first."""
    counts = metric_counts(con, None, filters, window, same_reason, grain=grain)
    rows = counts[(counts["is_overall"] == 0) & counts["group_value"].notna()].sort_values("group_value")
    frame = pd.DataFrame(
        [{"period": row["group_value"], **figures(row)} for row in rows.to_dict("records")],
        columns=["period", *METRIC_FIELDS],
    )
    frame["period"] = pd.to_datetime(frame["period"])
    return frame


def _empty_counts(counts: pd.DataFrame) -> pd.Series:
    return pd.Series({c: 0 for c in counts.columns})


def json_value(value):
    """Return a value JSON can carry (numpy scalars and timestamps become Python ones)."""
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def metric_matrix(
    con, rows: str, columns: str, metric: str, filters: Filters = Filters(),
    window: int = DEFAULT_WINDOW, same_reason: bool = False, max_columns: int = 12,
) -> pd.DataFrame:
    """Return (rows value, columns value, metric, n) for every pair, e.g. FCR by reason × channel.

    One query per value of `columns` (its most common `max_columns` values), each restricted to that
    value, so the figures are exactly those the single-dimension view shows under that filter."""
    from ..store.dimensions import dimension_values
    from ..core.presentation import N_FIELD

    shown = dimension_values(con, columns, limit=max_columns)
    pairs = metric_rollups.pair_counts(con, rows, columns, filters, int(window), bool(same_reason))
    if pairs is not None:
        return _matrix_from_pairs(pairs, rows, columns, metric, shown)
    frames = []
    for value in shown:
        scoped = _restrict(filters, columns, value)
        if scoped is None:
            continue
        frame = metrics_frame(con, rows, scoped, window, same_reason)
        frames.append(pd.DataFrame({rows: frame[rows], columns: value, metric: frame[metric],
                                    "n": frame[N_FIELD.get(metric, "contacts")]}))
    if not frames:
        return pd.DataFrame(columns=[rows, columns, metric, "n"])
    return pd.concat(frames, ignore_index=True)


def _matrix_from_pairs(pairs, rows: str, columns: str, metric: str, shown: list[str]) -> pd.DataFrame:
    """Return metric_matrix's frame from counts grouped by (rows value, columns value): the same
    rows in the same order as one single-dimension query per shown columns value would give."""
    import json

    from ..core.presentation import N_FIELD

    responses, contacts = pairs
    merged = responses.merge(contacts, on=["is_overall", "group_value"], how="outer")
    counts = [c for c in merged.columns if c not in ("is_overall", "group_value")]
    merged[counts] = merged[counts].fillna(0)
    merged = merged[(merged["is_overall"] == 0) & merged["group_value"].notna()]
    # Plain dicts, not pandas rows: figures() reads each count by name, and a Series lookup costs
    # ten times a dict's over the dozens of pairs of a matrix.
    by_pair = {tuple(json.loads(row["group_value"])): row for row in merged.to_dict("records")}
    found = []
    for value in shown:
        for row_value in sorted((r for r, c in by_pair if c == value), key=str):
            figures_ = figures(by_pair[(row_value, value)])
            found.append({rows: row_value, columns: value, metric: figures_[metric],
                          "n": figures_[N_FIELD.get(metric, "contacts")]})
    return pd.DataFrame(found, columns=[rows, columns, metric, "n"])


def _restrict(filters: Filters, column: str, value: str) -> Filters | None:
    """Return the filters narrowed to column = value, or None when the filters already exclude it."""
    from dataclasses import replace

    if column == "channel":
        return replace(filters, channels=(value,)) if not filters.channels or value in filters.channels else None
    if column == "contact_reason":
        return replace(filters, reasons=(value,)) if not filters.reasons or value in filters.reasons else None
    if filters.segment == column and filters.segment_values and value not in filters.segment_values:
        return None
    return replace(filters, segment=column, segment_values=(value,))


def undated_answers(con) -> dict:
    """Return, per survey figure (nps, csat, ces, survey_fcr) and for comments, how many answers have
    one but no date: a date range never holds them, so a page can say why it is empty."""
    row = run(con, "metrics/undated_answers").fetchall()[0]
    return dict(zip(("nps", "csat", "ces", "survey_fcr", "comments"), (int(v) for v in row)))
