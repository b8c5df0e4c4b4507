"""The voice of the customer: comments found by search and score band, themes by NPS group and
month, and which themes drive detractors, in the driver view's terms.

Themes are read from the stored mentions (`themes.ensure_facts` brings them up to date first).
A comment may mention several themes, so theme shares do not add up to 100 % and theme impacts
are not additive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..store import rollup_state
from ..core import stats
from ..rollups.comment_rollups import comment_slots
from ..store.db import run
from ..store.dimensions import Filters
from ..core.markdown_text import escape_markdown
from ..core.presentation import readable, readable_rows
from .segments import estimate
from ..core.sentiment import NEUTRAL_BAND
from .themes import ensure_facts

NPS_GROUPS = ("detractor", "passive", "promoter")
CSAT_BANDS = ("dissatisfied", "neutral", "satisfied")
SENTIMENT_BANDS = ("negative", "neutral", "positive")
DRIVER_METRICS = ("nps", "csat")  # figures a theme can be compared on (both higher = better)
MAX_COMMENTS = 5000
MAX_TERMS = 10
MAX_TERM_LENGTH = 100
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def search_terms(text: str | None) -> tuple[str, ...]:
    """Return the terms typed into the search box: words, or "quoted phrases" kept whole (at most 10)."""
    if not text:
        return ()
    terms = []
    for quoted, word in _TERM.findall(str(text)):
        term = (quoted or word).strip()[:MAX_TERM_LENGTH]
        if term and term not in terms:
            terms.append(term)
    return tuple(terms[:MAX_TERMS])


@dataclass(frozen=True)
class CommentQuery:
    """What the reader asked of the comments: search text, score bands, sentiment and one theme."""

    search: str = ""
    nps_groups: tuple[str, ...] = ()
    csat_bands: tuple[str, ...] = ()
    sentiments: tuple[str, ...] = ()
    theme: str | None = None

    def params(self) -> dict:
        """Return the query as `$params` of sql/voice/comments.sql (unknown band names dropped)."""
        terms = search_terms(self.search)
        return {
            "terms": list(terms) or None,
            "nps_groups": [g for g in self.nps_groups if g in NPS_GROUPS] or None,
            "csat_bands": [b for b in self.csat_bands if b in CSAT_BANDS] or None,
            "sentiments": [s for s in self.sentiments if s in SENTIMENT_BANDS] or None,
            "theme": self.theme or None,
        }


def comments(con, filters: Filters = Filters(), query: CommentQuery = CommentQuery(),
             limit: int = 500) -> pd.DataFrame:
    """Return the comments in the filters that answer the query, newest first (at most `limit`, 5,000 at most),
    with score bands, sentiment, themes and `matching` (how many match in all)."""
    ensure_facts(con)
    params = {**filters.params(), **query.params(), "neutral_band": NEUTRAL_BAND,
              "limit": max(1, min(int(limit), MAX_COMMENTS))}
    return run(con, "voice/comments", params, **comment_slots(con, filters)).df()


def theme_counts(con, filters: Filters = Filters()) -> pd.DataFrame:
    """Return the counts behind every theme figure: one row per theme plus the overall row (is_overall = 1)."""
    if _counts_answer(ensure_facts(con), filters):
        frame = run(con, "voice/theme_counts_rolled", filters.params()).df()
    else:
        frame = run(con, "voice/theme_counts", filters.params(), **comment_slots(con, filters)).df()
    counts = [c for c in frame.columns if c not in ("is_overall", "theme", "sentiment", "untagged")]
    frame[counts] = frame[counts].fillna(0).astype(int)
    return frame


def _counts_answer(counts_fresh: bool, filters: Filters) -> bool:
    """Return True when the theme figures for `filters` can be summed from theme_count_rollup: it
    reflects the comments as they are now (`counts_fresh`, from ensure_facts), no segment is chosen
    (segments are joined comment by comment) and the dates are whole days (the rollup keeps days)."""
    return counts_fresh and not filters.segment and rollup_state.whole_days(filters)


def theme_summary(con, filters: Filters = Filters()) -> tuple[pd.DataFrame, dict]:
    """Return (one row per theme, overall): each theme's share of all comments and of detractors', passives'
    and promoters' comments with Wilson intervals, the detractor − promoter gap with its interval and
    Benjamini–Hochberg significance, NPS and mean sentiment of the comments mentioning it; most
    detractor-heavy first. `overall` holds comments, comments per group, untagged comments and the share tagged (%)."""
    counts = theme_counts(con, filters)
    overall = counts[counts["is_overall"] == 1].iloc[0]
    groups = {"detractor": "detractors", "passive": "passives", "promoter": "promoters"}
    rows = []
    for _, theme in counts[counts["is_overall"] == 0].iterrows():
        row = {"theme": theme["theme"], "comments": int(theme["comments"])}
        share = stats.wilson(int(theme["comments"]), int(overall["comments"]))
        row |= {"share": share.value, "share_low": share.low, "share_high": share.high}
        for group, column in groups.items():
            rate = stats.wilson(int(theme[column]), int(overall[column]))
            row |= {f"{group}_share": rate.value, f"{group}_low": rate.low, f"{group}_high": rate.high,
                    f"{group}_mentions": int(theme[column]), f"{group}_n": rate.n}
        gap = stats.difference(
            row["detractor_share"], stats.proportion_variance(int(theme["detractors"]), int(overall["detractors"])),
            row["promoter_share"], stats.proportion_variance(int(theme["promoters"]), int(overall["promoters"])))
        tested = min(int(overall["detractors"]), int(overall["promoters"])) >= stats.SMALL_N
        row |= {"gap": gap.value, "gap_low": gap.low, "gap_high": gap.high,
                "p_value": gap.p_value if tested else None,
                "nps": stats.nps(int(theme["promoters"]), int(theme["detractors"]), int(theme["nps_n"])),
                "nps_n": int(theme["nps_n"]),
                "sentiment": None if pd.isna(theme["sentiment"]) else float(theme["sentiment"])}
        rows.append(row)
    columns = ["theme", "comments", "share", "share_low", "share_high"] + [
        f"{g}_{k}" for g in groups for k in ("share", "low", "high", "mentions", "n")] + [
        "gap", "gap_low", "gap_high", "p_value", "nps", "nps_n", "sentiment"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["significant"] = stats.benjamini_hochberg(
        [None if pd.isna(p) else float(p) for p in frame["p_value"]]) if len(frame) else []
    # Ties by name, so the order does not depend on the order the query happened to return.
    frame = frame.sort_values(["detractor_share", "comments", "theme"], ascending=[False, False, True],
                              na_position="last", kind="stable")
    untagged = int(overall["untagged"] or 0)
    summary = {"comments": int(overall["comments"]), "untagged": untagged,
               "tagged_share": float(100.0 * (1 - untagged / overall["comments"])) if overall["comments"] else None,
               **{column: int(overall[column]) for column in groups.values()},
               "sentiment": None if pd.isna(overall["sentiment"]) else float(overall["sentiment"])}
    return frame.reset_index(drop=True), summary


def theme_drivers(con, metric: str = "nps", filters: Filters = Filters()) -> pd.DataFrame:
    """Return, per theme, the points of `metric` all commenting customers would gain if those mentioning it
    scored like those who did not: share × (rest − theme), with its interval; biggest gain first.

    The same terms and columns as `segments.driver_impact` (theme, share, value, rest_value, n, impact,
    impact_low, impact_high, significant, too_few), over responses with a comment."""
    if metric not in DRIVER_METRICS:
        raise ValueError(f"themes are compared on {' or '.join(DRIVER_METRICS)}, not {metric!r}")
    counts = theme_counts(con, filters)
    overall = counts[counts["is_overall"] == 1].iloc[0]
    _, _, total_n = estimate(metric, overall)
    rows = []
    for _, theme in counts[counts["is_overall"] == 0].iterrows():
        value, var, n = estimate(metric, theme)
        rest_value, rest_var, rest_n = estimate(metric, {c: overall[c] - theme[c] for c in theme.index
                                                         if c not in ("is_overall", "theme", "sentiment", "untagged")})
        gap = stats.difference(value, var, rest_value, rest_var)
        # As in segment_gaps: a theme under 30 answers (or with under 30 others) is shown, not tested.
        tested = min(n, rest_n) >= stats.SMALL_N
        share = n / total_n if total_n else 0.0
        rows.append({
            "theme": theme["theme"], "share": 100.0 * share, "value": value, "rest_value": rest_value, "n": n,
            # gap = theme − rest; the gain from scoring like the rest is −gap (NPS and CSAT: higher is better)
            "impact": None if gap.value is None else -share * gap.value,
            "impact_low": None if gap.high is None else -share * gap.high,
            "impact_high": None if gap.low is None else -share * gap.low,
            "p_value": gap.p_value if tested else None,
            "too_few": n < stats.SMALL_N,
        })
    frame = pd.DataFrame(rows, columns=["theme", "share", "value", "rest_value", "n", "impact", "impact_low",
                                        "impact_high", "p_value", "too_few"])
    frame["significant"] = stats.benjamini_hochberg(
        [None if pd.isna(p) else float(p) for p in frame["p_value"]]) if len(frame) else []
    frame = frame.drop(columns="p_value")[["theme", "share", "value", "rest_value", "n", "impact", "impact_low",
                                           "impact_high", "significant", "too_few"]]
    return frame.sort_values(["impact", "theme"], ascending=[False, True], na_position="last",
                             kind="stable").reset_index(drop=True)


def theme_trend(con, filters: Filters = Filters()) -> pd.DataFrame:
    """Return one row per theme × month: comments that month, mentions, share of comments mentioning the theme
    with its Wilson interval, and the same among detractors' comments; oldest month first."""
    if _counts_answer(ensure_facts(con), filters):
        frame = run(con, "voice/theme_months_rolled", filters.params()).df()
    else:
        frame = run(con, "voice/theme_months", filters.params(), **comment_slots(con, filters)).df()
    rows = []
    for record in frame.itertuples(index=False):
        share = stats.wilson(int(record.mentions), int(record.comments))
        detractors = stats.wilson(int(record.detractor_mentions), int(record.detractor_comments))
        rows.append({"theme": record.theme, "period": pd.Timestamp(record.month),
                     "month": pd.Timestamp(record.month).strftime("%Y-%m"), "comments": int(record.comments),
                     "mentions": int(record.mentions), "share": share.value, "share_low": share.low,
                     "share_high": share.high, "detractor_comments": int(record.detractor_comments),
                     "detractor_mentions": int(record.detractor_mentions), "detractor_share": detractors.value})
    return pd.DataFrame(rows, columns=["theme", "period", "month", "comments", "mentions", "share", "share_low",
                                       "share_high", "detractor_comments", "detractor_mentions", "detractor_share"])


def group_shares(summary: pd.DataFrame, groups: tuple[str, ...] = ("detractor", "promoter")) -> pd.DataFrame:
    """Return the theme shares in long form for a chart: one row per theme × group (share, low, high, n)."""
    labels = {"detractor": "Detractors (0–6)", "passive": "Passives (7–8)", "promoter": "Promoters (9–10)"}
    parts = [pd.DataFrame({"theme": summary["theme"], "group": labels[g], "share": summary[f"{g}_share"],
                           "low": summary[f"{g}_low"], "high": summary[f"{g}_high"], "n": summary[f"{g}_n"],
                           "mentions": summary[f"{g}_mentions"]}) for g in groups]
    if not parts or summary.empty:
        return pd.DataFrame(columns=["theme", "group", "share", "low", "high", "n", "mentions"])
    return pd.concat(parts, ignore_index=True)


# --- display tables -----------------------------------------------------------------------------

THEME_COLUMNS = ("theme", "comments", "comment_share", "detractor_share", "promoter_share", "gap", "gap_low", "gap_high",
                 "significant", "nps", "mean_sentiment")
# The comment first after its date: it is what the reader came for.
COMMENT_COLUMNS = ("responded_at", "comment", "nps", "csat", "themes", "sentiment", "channel", "contact_reason",
                   "customer_id")


def theme_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the theme summary as a reader sees it (presentation.readable), the theme first (drill-through
    reads it by position); each share rounded as its interval supports, the mean sentiment to 0.01."""
    return readable(summary.rename(columns={"share": "comment_share", "sentiment": "mean_sentiment"}),
                    keep=THEME_COLUMNS)


def comment_table(found: pd.DataFrame) -> pd.DataFrame:
    """Return comments as a reader sees them (presentation.readable_rows: the scores named as answers);
    mask them before, while the id and comment columns still have the names masking looks for."""
    return readable_rows(found[list(COMMENT_COLUMNS)])


def driver_sentences(drivers: pd.DataFrame, metric: str, top: int = 3) -> list[str]:
    """Return up to `top` Markdown sentences on the themes that cost the most, in the driver view's words
    (theme names escaped: analysts type them)."""
    from ..core.definitions import DEFINITIONS

    label = DEFINITIONS[metric].label
    unit = "points" if metric == "nps" else "percentage points"
    sentences = []
    for row in drivers[drivers["impact"] > 0].head(top).itertuples():
        certainty = "" if row.significant else " (not significant: could be noise)"
        if row.too_few:
            certainty = " (too few responses to judge)"
        sentences.append(
            f"**{escape_markdown(row.theme)}** costs **{row.impact:.1f} {label} {unit}** among customers who commented"
            f" (95 % interval {row.impact_low:.1f} to {row.impact_high:.1f}){certainty}: those mentioning it scored"
            f" {row.value:.1f} against {row.rest_value:.1f} for the others ({row.share:.0f} % of answers with a comment)."
        )
    if not sentences:
        sentences.append(f"No theme drags {label} below the rest of the comments.")
    return sentences
