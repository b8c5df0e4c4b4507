"""The theme dictionary: whole-word, case- and accent-insensitive matching (English and French),
the editor's checks and saves, the default dictionary on the sample and the Botanic verbatims,
and the stored mentions rebuilt when comments or keywords change."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cxmetrics.engine import themes
from cxmetrics.engine.themes import ThemeError

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


def responses_csv(rows: list[tuple]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["response_id", "responded_at", "customer_id", "nps", "comment"])
    writer.writerows(rows)
    return out.getvalue()


def mentions(con) -> dict[str, set[str]]:
    themes.ensure_facts(con)
    found: dict[str, set[str]] = {}
    for response_id, theme in con.execute("SELECT response_id, theme FROM theme_mentions").fetchall():
        found.setdefault(response_id, set()).add(theme)
    return found


@pytest.mark.parametrize(
    "pattern, text, expected",
    [
        ("delais?", "Le DÉLAI d'attente est long", True),     # accents and case in the comment
        ("délai", "un delai de 3 jours", True),                # accents in the pattern
        ("DÉLAI", "Délais trop longs", False),                # whole word: délai is not délais
        ("delais?", "Délais trop longs", True),
        ("prix", "Les PRIX sont élevés", True),
        ("prix", "un imprix", False),                          # word boundary before
        ("cher(e|es|s)?", "il faut chercher longtemps", False),  # word boundary after
        ("cher(e|es|s)?", "trop chères", True),
        (r"rembours\w*", "Remboursement refusé", True),
        ("call(ed)? back", "I CALLED BACK twice", True),
        ("app", "I am happy", False),
        ("app", "The App crashed", True),
        ("file d.attente", "la file d’attente", True),       # typographic apostrophe
        ("[ée]lev[ée]s?", "PRIX ÉLEVÉS", True),
        ("ça", "ca marche", True),
        ("naïve", "NAIVE", True),
        ("100%", "100% satisfied", False),  # \b after % needs a word character next: documented limit
        (r"\d+ fois", "venu 3 fois", True),
    ],
)
def test_a_keyword_matches_as_a_whole_word_ignoring_case_and_accents(con, pattern, text, expected):
    assert themes.matches(con, pattern, text) is expected


@pytest.mark.parametrize(
    "theme, pattern, language, message",
    [
        ("Waiting", "(abc", "en", "not a valid regular expression (missing ): (abc)"),
        ("Waiting", r"(a)\1", "en", "not a valid regular expression"),
        ("Waiting", "a*", "en", "matches empty text"),
        ("Waiting", "", "en", "a keyword cannot be empty"),
        ("", "wait", "en", "a theme needs a name"),
        ("   ", "wait", "en", "a theme needs a name"),
        ("W" * 61, "wait", "en", "at most 60 characters"),
        ("Waiting", "w" * 201, "en", "at most 200 characters"),
        ("Waiting", "wait\nqueue", "en", "line breaks"),
        ("Waiting", "wait", "fr!", "short code"),
    ],
)
def test_a_bad_keyword_is_refused_with_a_reason(con, theme, pattern, language, message):
    with pytest.raises(ThemeError, match=None) as problem:
        themes.check_keyword(con, theme, pattern, language)
    assert message in str(problem.value)
    assert "\n" not in str(problem.value)


def test_a_keyword_is_cleaned():
    import duckdb

    con = duckdb.connect()
    assert themes.check_keyword(con, "  Price ", " prix ", " FR ") == themes.Keyword("Price", "prix", "fr")
    assert themes.check_keyword(con, "Price", "prix", None).language == "any"


def test_the_default_dictionary_is_seeded_by_the_migration(con):
    seeded = themes.dictionary(con)
    assert len(seeded) == 296
    assert len(themes.theme_names(con)) == 25
    assert set(seeded["language"]) == {"en", "fr"}
    # every seeded keyword passes the editor's own checks
    for row in seeded.itertuples():
        themes.check_keyword(con, row.theme, row.pattern, row.language)


def test_saving_replaces_the_dictionary_skipping_blanks_and_repeats(con):
    stored = themes.save_dictionary(con, [
        {"theme": "Waiting", "pattern": "wait\\w*", "language": "en"},
        {"theme": "Waiting", "pattern": "wait\\w*", "language": "en"},
        {"theme": None, "pattern": None, "language": None},
        {"theme": "Attente", "pattern": "délai", "language": "fr"},
    ])
    assert stored == 2
    assert themes.dictionary(con).to_dict("records") == [
        {"theme": "Attente", "pattern": "délai", "language": "fr"},
        {"theme": "Waiting", "pattern": "wait\\w*", "language": "en"},
    ]


def test_one_bad_row_saves_nothing_and_names_the_row(con):
    before = themes.dictionary(con)
    with pytest.raises(ThemeError, match=r"^row 2: theme 'Broken': '\(oops' is not a valid regular expression"):
        themes.save_dictionary(con, [{"theme": "Fine", "pattern": "ok", "language": "en"},
                                     {"theme": "Broken", "pattern": "(oops", "language": "en"}])
    assert themes.dictionary(con).equals(before)


def test_add_and_remove(con):
    themes.save_dictionary(con, [{"theme": "Price", "pattern": "prix", "language": "fr"}])
    assert themes.add_keyword(con, "Price", "price", "en") == themes.Keyword("Price", "price", "en")
    with pytest.raises(ThemeError, match="already has the keyword 'price'"):
        themes.add_keyword(con, "Price", "price", "en")
    themes.add_keyword(con, "Staff", "rude", "en")
    assert themes.theme_names(con) == ["Price", "Staff"]
    assert themes.remove_theme(con, "Price") == 2
    assert themes.theme_names(con) == ["Staff"]
    with pytest.raises(ThemeError, match="there is no theme 'Price'"):
        themes.remove_theme(con, "Price")


def test_the_dictionary_survives_reopening(tmp_path):
    from cxmetrics.store.db import connect

    path = tmp_path / "kept.duckdb"
    con = connect(path)
    themes.save_dictionary(con, [{"theme": "Queue", "pattern": "queue", "language": "en"}])
    con.close()
    con = connect(path)  # migrations do not run again, the seed does not come back
    assert themes.dictionary(con).to_dict("records") == [{"theme": "Queue", "pattern": "queue", "language": "en"}]
    con.close()


# French verbatims from the Botanic survey (typed here with their accents) and sample comments,
# with the themes of the default dictionary each must carry.
DEFAULT_CASES = [
    ("Il y a très peu de caisse ouverte et le délai d'attente est particulièrement long!!!!",
     {"Checkout", "Waiting time"}),
    ("Les prix sont trop élevés. Pas assez d'offre avec la carte fidélité.", {"Price & value", "Loyalty & promotions"}),
    ("La conseillère en fleurs et l'hotesse de caisse étaient très disponibles, sympathiques et chaleureuses.",
     {"Advice & expertise", "Checkout", "Staff availability", "Staff & welcome", "Plants & flowers"}),
    ("Difficulté à trouver du personnel dans le magasin pour nous conseiller!",
     {"Staff & welcome", "Advice & expertise"}),
    ("PRIX TROP ÉLEVÉS", {"Price & value"}),
    ("ras", {"Nothing to report"}),
    ("Hold music for ages, then the call dropped.", {"Waiting time"}),
    ("I was charged twice this month and nobody can explain why.", {"Billing"}),
    ("Still waiting for my refund after two weeks.", {"Waiting time", "Refunds & returns"}),
    ("The app keeps crashing when I try to check my orders.", {"App & website", "Fault & outage"}),
    ("Took two minutes online, great.", {"App & website"}),
    ("Très bien! L'équipe was great and Jürgen was über-helpful 😊", {"Staff & welcome"}),
]


def test_the_default_dictionary_tags_english_and_french_comments(con, load):
    rows = [(f"R{i}", "2026-01-05 10:00:00", f"C{i}", 5, text) for i, (text, _) in enumerate(DEFAULT_CASES)]
    load("responses", "r.csv", responses_csv(rows))
    found = mentions(con)
    for i, (text, expected) in enumerate(DEFAULT_CASES):
        assert found.get(f"R{i}", set()) == expected, text


def test_mentions_follow_the_dictionary_and_the_comments(con, load):
    load("responses", "a.csv", responses_csv([("R1", "2026-01-05 10:00:00", "C1", 3, "Délai trop long"),
                                              ("R2", "2026-01-05 11:00:00", "C2", 9, "Great staff")]))
    themes.save_dictionary(con, [{"theme": "Waiting", "pattern": "delai", "language": "fr"}])
    assert mentions(con) == {"R1": {"Waiting"}}
    themes.add_keyword(con, "Staff", "staff", "en")
    assert mentions(con) == {"R1": {"Waiting"}, "R2": {"Staff"}}
    load("responses", "b.csv", responses_csv([("R3", "2026-01-06 10:00:00", "C3", 2, "DÉLAI!!")]))
    assert mentions(con) == {"R1": {"Waiting"}, "R2": {"Staff"}, "R3": {"Waiting"}}


def test_facts_are_not_rebuilt_when_nothing_changed(con, load):
    load("responses", "a.csv", responses_csv([("R1", "2026-01-05 10:00:00", "C1", 3, "refund please")]))
    themes.ensure_facts(con)
    con.execute("DELETE FROM theme_mentions")  # if ensure_facts rebuilt, the mention would come back
    themes.ensure_facts(con)
    assert con.execute("SELECT count(*) FROM theme_mentions").fetchall() == [(0,)]


def test_a_broken_stored_pattern_is_reported_and_changes_nothing(con, load):
    load("responses", "a.csv", responses_csv([("R1", "2026-01-05 10:00:00", "C1", 3, "refund please")]))
    themes.ensure_facts(con)
    before = con.execute("SELECT * FROM theme_mentions ORDER BY ALL").fetchall()
    con.execute("INSERT INTO themes VALUES ('Hand-made', '(unclosed', 'en', current_timestamp::TIMESTAMP)")
    with pytest.raises(ThemeError, match="theme 'Hand-made' has a keyword that is not a valid regular expression"):
        themes.ensure_facts(con)
    assert con.execute("SELECT * FROM theme_mentions ORDER BY ALL").fetchall() == before


def test_trying_a_pattern_counts_the_comments_it_would_tag(con, load):
    load("responses", "a.csv", responses_csv([("R1", "2026-01-05 10:00:00", "C1", 3, "Remboursé en retard"),
                                              ("R2", "2026-01-06 10:00:00", "C2", 4, "REMBOURSEMENT refusé"),
                                              ("R3", "2026-01-07 10:00:00", "C3", 9, "parfait")]))
    hits = themes.pattern_matches(con, r"rembours\w*")
    assert list(hits["response_id"]) == ["R2", "R1"]
    assert set(hits["matching"]) == {2}
    with pytest.raises(ThemeError, match="not a valid regular expression"):
        themes.pattern_matches(con, "[unclosed")


def test_the_default_dictionary_covers_the_sample_comments(sample_con):
    con = sample_con
    themes.ensure_facts(con)
    comments, untagged = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE response_id NOT IN (SELECT response_id FROM theme_mentions)) "
        "FROM responses WHERE trim(comment) <> ''").fetchall()[0]
    assert (comments, untagged) == (1913, 0)


@pytest.mark.skipif(not (REALDATA / "botanic_nps_survey.csv").is_file(), reason="real exports not beside the repo")
def test_the_default_dictionary_covers_the_botanic_verbatims(con):
    from cxmetrics.ingest.importer import ImportOptions, load_file

    options = ImportOptions(mapping=[("id", "response_id"), ("id", "customer_id"), ("explication", "comment")],
                            nulls=["NA"])
    load_file(con, "responses", REALDATA / "botanic_nps_survey.csv", options)
    themes.ensure_facts(con)
    comments, untagged = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE response_id NOT IN (SELECT response_id FROM theme_mentions)) "
        "FROM responses WHERE trim(comment) <> ''").fetchall()[0]
    assert comments == 3839
    assert untagged == 465  # 87.9 % of the French verbatims carry at least one theme
    by_theme = dict(con.execute("SELECT theme, count(*) FROM theme_mentions GROUP BY theme").fetchall())
    assert by_theme["Price & value"] == 935
    assert by_theme["Staff & welcome"] == 1093
