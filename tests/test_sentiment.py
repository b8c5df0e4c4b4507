"""The lexicon sentiment score: English and French words, negation, boosters, contrast, phrases,
hand-computed from the documented rule s / sqrt(s² + 15) and the listed valences."""

from __future__ import annotations

import math

import pytest

from cxmetrics.core import sentiment
from cxmetrics.core.sentiment import BOOST, NEGATION_SCALE, band, compound, valences, words


def squash(total: float) -> float:
    return total / math.sqrt(total * total + 15)


@pytest.mark.parametrize(
    "text, expected_words",
    [
        ("Le DÉLAI est long", ["le", "delai", "est", "long"]),
        ("n'est pas bon", ["n", "est", "pas", "bon"]),
        ("It doesn't work", ["it", "does", "not", "work"]),
        ("C’était déçu", ["c", "etait", "decu"]),
        ("Très bien! 😊", ["tres", "bien"]),
        ("cœur", ["coeur"]),
    ],
)
def test_words(text, expected_words):
    assert words(text) == expected_words


@pytest.mark.parametrize(
    "text, expected",
    [
        # plain words, English and French, accents and case ignored
        ("good", [("good", 1.9)]),
        ("GOOD", [("good", 1.9)]),
        ("terrible service", [("terrible", -2.8)]),
        ("Déçue", [("decue", -2.0)]),
        ("personnel aimable", [("aimable", 2.2)]),
        # negation within three words before, English and French
        ("not good", [("good", 1.9 * NEGATION_SCALE)]),
        ("I wasn't happy", [("happy", 2.7 * NEGATION_SCALE)]),
        ("never rude", [("rude", -2.0 * NEGATION_SCALE)]),
        ("pas bon", [("bon", 1.9 * NEGATION_SCALE)]),
        ("ce n'était pas agréable", [("agreable", 2.0 * NEGATION_SCALE)]),
        ("jamais déçu", [("decu", -2.0 * NEGATION_SCALE)]),
        ("sans problème", [("probleme", -1.2 * NEGATION_SCALE)]),
        ("not that it was really good", [("good", 1.9 + BOOST)]),  # "not" is four words back: no negation
        # boosters and dampeners, then negation
        ("very good", [("good", 1.9 + BOOST)]),
        ("très bien", [("bien", 1.5 + BOOST)]),
        ("trop cher", [("trop cher", -1.9)]),  # a phrase wins over booster + word
        ("un peu cher", [("cher", -1.2 + BOOST)]),
        ("not very good", [("good", (1.9 + BOOST) * NEGATION_SCALE)]),
        ("pas très agréable", [("agreable", (2.0 + BOOST) * NEGATION_SCALE)]),
        # contrast: before × 0.5, after × 1.5
        ("good but slow", [("good", 1.9 * 0.5), ("slow", -1.0 * 1.5)]),
        ("magasin agréable mais personnel désagréable", [("agreable", 1.0), ("desagreable", -3.0)]),
        ("bien par contre trop cher", [("bien", 0.75), ("trop cher", -1.9 * 1.5)]),
        # phrases, including nouns that look like praise
        ("Good value for money", [("good", 1.9), ("value for money", 2.0)]),
        ("not good enough", [("not good enough", -2.0)]),
        ("j'ai oublié mon bon d'achat", []),
        ("rien à redire", [("rien a redire", 1.8)]),
        ("", []),
    ],
)
def test_valences(text, expected):
    got = valences(text)
    assert [label for label, _ in got] == [label for label, _ in expected]
    assert [v for _, v in got] == pytest.approx([v for _, v in expected])


@pytest.mark.parametrize(
    "text, score",
    [
        ("good", 0.440434),  # 1.9 / sqrt(1.9² + 15) = 1.9 / 4.313931
        ("not good", -0.341238),  # -1.406 / sqrt(1.406² + 15)
        ("Très bien", 0.420114),  # 1.793 / sqrt(1.793² + 15)
        ("Le délai est trop long", -0.421464),  # -1.8 / sqrt(3.24 + 15)
        ("good but slow", -0.140599),  # (0.95 - 1.5) / sqrt(0.3025 + 15)
        ("Great staff, very polite and helpful. Thanks!", squash(3.1 + 1.8 + BOOST + 1.9 + 1.5)),
        ("Les prix sont trop élevés, vraiment déçu.", squash(-0.8 - BOOST - 2.0 - BOOST)),  # both boosted
        ("The parcel", 0.0),  # no lexicon word
    ],
)
def test_sentiment_is_the_squashed_sum(text, score):
    assert sentiment.sentiment(text) == pytest.approx(score, abs=1e-6)


def test_no_text_has_no_score():
    assert sentiment.sentiment(None) is None
    assert sentiment.sentiment("   ") is None


@pytest.mark.parametrize("total", [-40.0, -3.0, 0.0, 0.5, 12.0])
def test_compound_stays_within_minus_one_and_one(total):
    assert -1 < compound(total) < 1
    assert compound(total) == pytest.approx(squash(total))


@pytest.mark.parametrize("score, expected", [(None, None), (-0.5, "negative"), (-0.05, "neutral"), (0.0, "neutral"),
                                             (0.05, "neutral"), (0.0501, "positive")])
def test_band(score, expected):
    assert band(score) == expected


def test_sample_comments_lean_the_way_their_scores_do(sample_con):
    """On the bundled sample, detractors' comments score negative and promoters' positive on average."""
    from cxmetrics.engine import themes

    con = sample_con
    themes.ensure_facts(con)
    means = dict(con.execute(
        "SELECT CASE WHEN r.nps >= 9 THEN 'promoter' WHEN r.nps >= 7 THEN 'passive' ELSE 'detractor' END, "
        "round(avg(s.sentiment), 3) FROM responses r JOIN comment_sentiment s USING (response_id) "
        "WHERE r.nps IS NOT NULL GROUP BY 1").fetchall())
    assert means["detractor"] < -0.3 < 0.3 < means["promoter"]
