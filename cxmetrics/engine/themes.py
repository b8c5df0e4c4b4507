"""The theme dictionary an analyst edits, and the facts derived from it in the database.

A theme is a name with keywords; a keyword is an RE2 regular expression matched as a whole word,
ignoring case and accents (both the pattern and the comment have their accents stripped by
DuckDB's `strip_accents`), so `delais?` finds "délai", "DÉLAIS" and "delai", and `rembours\\w*`
finds "remboursement". Patterns travel to DuckDB only as `$params`.

Matching every comment against every theme for every query would compile each pattern once per
row, so the matches are stored (`theme_mentions`, one row per response × theme mentioned) with
each comment's lexicon sentiment (`comment_sentiment`), and rebuilt by `ensure_facts` whenever
the comments or the dictionary have changed since they were built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from ..core import sentiment
from ..store.db import run

MAX_THEME = 60
MAX_PATTERN = 200
MAX_KEYWORDS = 2000
DEFAULT_LANGUAGE = "any"
_LANGUAGE = re.compile(r"[a-z][a-z_-]{0,19}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ThemeError(ValueError):
    """A dictionary entry that cannot be stored, with a one-line reason a reader can act on."""


@dataclass(frozen=True)
class Keyword:
    theme: str
    pattern: str
    language: str = DEFAULT_LANGUAGE


def whole_word(pattern: str) -> str:
    """Return the pattern anchored at word boundaries at both ends, as every keyword is matched."""
    return r"\b(?:" + pattern + r")\b"


def theme_regex(patterns: list[str]) -> str:
    """Return one whole-word expression matching any of a theme's patterns."""
    return whole_word("|".join(f"(?:{p})" for p in patterns))


def dictionary(con) -> pd.DataFrame:
    """Return the dictionary: one row per keyword (theme, pattern, language), by theme."""
    return run(con, "voice/dictionary").df()


def theme_names(con) -> list[str]:
    """Return the themes of the dictionary, alphabetically (each once)."""
    return sorted(set(dictionary(con)["theme"]))


def matches(con, pattern: str, text: str) -> bool:
    """Return whether a keyword pattern matches a text as the dictionary would match it."""
    keyword = check_keyword(con, "check", pattern)
    return bool(run(con, "voice/check_pattern", {"pattern": whole_word(keyword.pattern), "text": text}).fetchall()[0][0])


def check_keyword(con, theme, pattern, language=DEFAULT_LANGUAGE) -> Keyword:
    """Return the keyword cleaned (trimmed, language in lower case), or raise ThemeError saying what is wrong."""
    theme = _text(theme)
    pattern = _text(pattern)
    language = (_text(language) or DEFAULT_LANGUAGE).lower()
    if not theme:
        raise ThemeError("a theme needs a name")
    if not pattern:
        raise ThemeError(f"theme {theme!r}: a keyword cannot be empty")
    if len(theme) > MAX_THEME:
        raise ThemeError(f"theme {theme[:20]!r}…: a theme name has at most {MAX_THEME} characters")
    if len(pattern) > MAX_PATTERN:
        raise ThemeError(f"theme {theme!r}: a keyword has at most {MAX_PATTERN} characters")
    if _CONTROL.search(theme + pattern):
        raise ThemeError(f"theme {theme!r}: names and keywords cannot hold line breaks or control characters")
    if not _LANGUAGE.fullmatch(language):
        raise ThemeError(f"theme {theme!r}: language {language!r} should be a short code such as en, fr or any")
    try:
        # The bare pattern first, so the engine's message quotes what the analyst typed.
        run(con, "voice/check_pattern", {"pattern": pattern, "text": ""}).fetchall()
        run(con, "voice/check_pattern", {"pattern": whole_word(pattern), "text": ""}).fetchall()
        empty = run(con, "voice/check_pattern", {"pattern": f"^(?:{pattern})$", "text": ""}).fetchall()[0][0]
    except duckdb.Error as problem:
        reason = str(problem).split("Error:", 1)[-1].strip()
        raise ThemeError(f"theme {theme!r}: {pattern!r} is not a valid regular expression ({reason})") from None
    if empty:
        raise ThemeError(f"theme {theme!r}: {pattern!r} matches empty text, so it would tag every comment")
    return Keyword(theme, pattern, language)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN from an editor
        return ""
    return str(value).strip()


def save_dictionary(con, rows) -> int:
    """Replace the whole dictionary with `rows` (mappings with theme, pattern, language); return keywords stored.

    Every row is checked first; one bad row stores nothing and raises ThemeError naming its row
    (1 = first). Blank rows (no theme, no pattern) are skipped and repeats stored once."""
    keywords: list[Keyword] = []
    for number, row in enumerate(rows, start=1):
        if not _text(row.get("theme")) and not _text(row.get("pattern")):
            continue
        try:
            keyword = check_keyword(con, row.get("theme"), row.get("pattern"), row.get("language"))
        except ThemeError as problem:
            raise ThemeError(f"row {number}: {problem}") from None
        if keyword not in keywords:
            keywords.append(keyword)
    if len(keywords) > MAX_KEYWORDS:
        raise ThemeError(f"{len(keywords):,} keywords is more than the {MAX_KEYWORDS:,} a dictionary may hold")
    con.execute("BEGIN TRANSACTION")
    try:
        run(con, "voice/clear_dictionary")
        _insert(con, keywords)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return len(keywords)


def add_keyword(con, theme, pattern, language=DEFAULT_LANGUAGE) -> Keyword:
    """Add one keyword (a new theme when the name is new); return it, or raise ThemeError."""
    keyword = check_keyword(con, theme, pattern, language)
    existing = dictionary(con)
    if ((existing["theme"] == keyword.theme) & (existing["pattern"] == keyword.pattern)).any():
        raise ThemeError(f"theme {keyword.theme!r} already has the keyword {keyword.pattern!r}")
    if len(existing) >= MAX_KEYWORDS:
        raise ThemeError(f"the dictionary already holds {MAX_KEYWORDS:,} keywords")
    _insert(con, [keyword])
    return keyword


def remove_theme(con, theme: str) -> int:
    """Remove a theme and all its keywords; return how many keywords went."""
    current = dictionary(con)
    kept = current[current["theme"] != theme]
    if len(kept) == len(current):
        raise ThemeError(f"there is no theme {theme!r}")
    save_dictionary(con, kept.to_dict("records"))
    return len(current) - len(kept)


def _insert(con, keywords: list[Keyword]) -> None:
    if keywords:
        run(con, "voice/insert_keywords", {"themes": [k.theme for k in keywords],
                                           "patterns": [k.pattern for k in keywords],
                                           "languages": [k.language for k in keywords]})


def pattern_matches(con, pattern: str, limit: int = 20) -> pd.DataFrame:
    """Return the newest comments a keyword would tag (response_id, nps, comment, matching = how many in all)."""
    keyword = check_keyword(con, "check", pattern)
    return run(con, "voice/pattern_matches", {"pattern": whole_word(keyword.pattern), "limit": int(limit)}).df()


# --- derived facts ------------------------------------------------------------------------------


def ensure_facts(con) -> bool:
    """Rebuild the stored theme mentions, comment sentiments and theme counts if the comments or the
    dictionary changed; return True when the theme counts (theme_count_rollup) reflect them now.

    It is False for a store from before migration 14 opened without migrating it (read-only), and
    when a rebuild lost to another session's that built other tokens. The theme figures then count
    the comments."""
    comments, words = run(con, "voice/facts_token").fetchall()[0]
    built = dict(run(con, "voice/facts_built_for").fetchall())
    wanted_sentiment = f"lexicon {sentiment.LEXICON_VERSION}|{comments}"
    wanted_mentions = f"{comments}|{words}"
    # The counts sum sentiments by mention, so they follow both.
    wanted_counts = f"{wanted_sentiment}|{wanted_mentions}"
    if built.get("sentiment") != wanted_sentiment:
        _rebuild(con, "sentiment", wanted_sentiment, _score_comments)
    if built.get("mentions") != wanted_mentions:
        _rebuild(con, "mentions", wanted_mentions, _match_themes)
    if "theme_counts" not in built:
        return False
    if built["theme_counts"] != wanted_counts:
        _rebuild(con, "theme_counts", wanted_counts, _count_themes)
        built = dict(run(con, "voice/facts_built_for").fetchall())
    return built["theme_counts"] == wanted_counts


def _rebuild(con, fact: str, token: str, build) -> None:
    """Run `build` and record its token in one transaction; a concurrent rebuild of the same facts wins."""
    con.execute("BEGIN TRANSACTION")
    try:
        build(con)
        run(con, "voice/set_built_for", {"fact": fact, "token": token})
        con.execute("COMMIT")
    except duckdb.TransactionException:
        # Another session rebuilt the same facts from the same data at the same moment.
        _rollback(con)
    except Exception:
        _rollback(con)
        raise


def _rollback(con) -> None:
    """Roll back the open transaction, if a failed COMMIT has not already ended it."""
    try:
        con.execute("ROLLBACK")
    except duckdb.TransactionException:
        pass


def _count_themes(con) -> None:
    from ..rollups.comment_rollups import comments_source

    run(con, "voice/clear_theme_counts")
    run(con, "voice/theme_counts_build", comments=comments_source(con))


def _score_comments(con) -> None:
    run(con, "voice/clear_sentiment")
    rows = run(con, "voice/comment_texts").fetchall()
    if rows:
        run(con, "voice/insert_sentiment", {"response_ids": [r[0] for r in rows],
                                            "sentiments": [float(sentiment.sentiment(r[1]) or 0.0) for r in rows]})


def _match_themes(con) -> None:
    run(con, "voice/clear_mentions")
    by_theme: dict[str, list[str]] = {}
    for theme, pattern, _ in run(con, "voice/dictionary").fetchall():
        by_theme.setdefault(theme, []).append(pattern)
    for theme, patterns in by_theme.items():
        try:
            run(con, "voice/insert_mentions", {"theme": theme, "pattern": theme_regex(patterns)})
        except duckdb.InvalidInputException as problem:
            # Only a pattern written into the table by hand can get here: the editor checks each one.
            reason = str(problem).split("Error:", 1)[-1].strip()
            raise ThemeError(f"theme {theme!r} has a keyword that is not a valid regular expression ({reason}); "
                             "fix it in the theme dictionary") from None
