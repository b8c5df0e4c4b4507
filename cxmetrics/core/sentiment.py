"""A comment's sentiment from a small offline lexicon (English and French), -1 to +1.

The method follows VADER (Hutto & Gilbert, 2014) in miniature, with our own word list so that
French works too and nothing is downloaded:

1. The text is lower-cased, accents are stripped ("déçu" = "decu") and "n't" becomes " not";
   it is cut into words (French elisions split: "n'est" -> "n", "est").
2. Phrases are looked up first ("value for money", "trop cher", "bon d'achat" = 0), then words.
   Each lexicon entry has a valence from -4 to +4 on VADER's scale.
3. A negator in the three words before ("not", "never", "no", "without"; "ne/n'", "pas",
   "jamais", "rien", "sans", "aucun") flips and damps the valence: × -0.74.
4. A booster just before ("very", "really", "too"; "très", "vraiment", "trop") adds 0.293 in the
   valence's direction; a dampener ("a bit", "slightly"; "un peu") takes 0.293 away.
5. After a contrast word ("but", "however"; "mais", "cependant", "par contre") the words count
   1.5 × and the words before it 0.5 ×: "good but slow" leans negative.
6. The sum s becomes the compound score s / sqrt(s² + 15), between -1 and +1; a comment with no
   lexicon word scores 0. Scores within ±NEUTRAL_BAND are "neutral".

Limits (also in docs/voice.md): no sarcasm, no spelling mistakes beyond the variants listed, no
emoji, no knowledge of context ("sale" is not scored: English "sale" and French "sale" = dirty
cannot be told apart); the lexicon has a few hundred entries chosen for customer-service
comments, so rare words score 0. Use it to rank and filter comments, not as a measurement.
"""

from __future__ import annotations

import math
import re
import unicodedata

LEXICON_VERSION = "1"  # part of the stored facts' token: a lexicon change rescores every comment
NEUTRAL_BAND = 0.05
NEGATION_SCALE = -0.74
BOOST = 0.293
NEGATION_WINDOW = 3
ALPHA = 15.0


def _entries(table: dict[str, float]) -> dict[str, float]:
    """Return {form: valence} from {"form|other form": valence}."""
    return {form: valence for forms, valence in table.items() for form in forms.split("|")}


# English words (accent-free, lower case) and their valence.
_ENGLISH = {
    "good": 1.9, "great": 3.1, "excellent": 3.2, "perfect": 2.7, "amazing|awesome": 2.9,
    "fantastic|wonderful|brilliant|superb|outstanding": 2.8, "best": 3.2, "better": 1.9,
    "happy|delighted": 2.7, "pleased": 1.9, "satisfied": 1.8, "love|loved|lovely": 3.0, "nice": 1.8,
    "friendly|welcoming": 2.2, "polite|courteous": 1.8, "helpful": 1.9, "patient": 1.3, "kind": 1.8,
    "quick|quickly|fast|prompt": 1.0, "easy|easily": 1.7, "simple": 1.0, "painless|smooth": 1.4,
    "reliable": 1.8, "recommend|recommended": 1.5, "thanks|thank|thankyou": 1.5, "grateful": 2.0,
    "efficient": 1.8, "knowledgeable|professional": 1.6, "clean": 1.4, "fixed|resolved|solved": 1.2,
    "worth": 1.2, "fine|ok|okay": 0.9, "understood|listened": 1.0, "impressed": 2.2,
    "bad": -2.5, "poor|poorly": -2.1, "terrible|awful|dreadful": -2.8, "horrible": -2.5, "worst": -3.1,
    "worse": -2.1, "disappointed|disappointing|disappointment": -2.0, "frustrating|frustrated": -2.0,
    "annoying|annoyed|irritating": -1.7, "angry|furious": -2.4, "rude": -2.0, "useless": -1.8,
    "ridiculous": -1.8, "slow": -1.0, "late": -1.0, "expensive|pricey": -1.2, "overpriced": -1.8,
    "unhelpful": -1.8, "broken|damaged": -1.6, "crash|crashes|crashing|crashed": -1.5,
    "error|errors|errored": -1.2, "fault|faulty": -1.3, "problem|problems": -1.5, "wrong": -2.1,
    "complaint|complain": -1.5, "unacceptable|disgraceful": -2.6, "waste|wasted": -1.8, "hate": -2.7,
    "waited|waiting|wait": -0.6, "dropped": -0.8, "cancel|cancelling|canceling": -0.8,
    "confusing|complicated|difficult": -1.2, "unfortunately|sadly": -1.5, "dirty": -1.9,
    "stressful": -1.8, "fail|failed|failure": -1.8, "lost|missing": -1.1, "mess": -1.5,
    "incompetent": -2.2, "nightmare": -2.6, "shocking|appalling": -2.6,
}
# French words, accents stripped, with their feminine and plural forms.
_FRENCH = {
    "bien": 1.5, "bon|bonne|bons|bonnes": 1.9, "excellent|excellente|excellents|excellentes": 3.2,
    "parfait|parfaite|parfaits|parfaites|parfaitement": 2.7, "super|top": 2.2,
    "genial|geniale|geniaux|geniales": 2.8, "agreable|agreables|agreablement": 2.0,
    "aimable|aimables|amabilite": 2.2, "sympathique|sympathiques|sympa|sympas": 2.0,
    "souriant|souriante|souriants|souriantes|sourire|sourires": 1.6,
    "chaleureux|chaleureuse|chaleureuses|chaleureusement": 2.2,
    "accueillant|accueillante|accueillants|accueillantes": 2.0,
    "competent|competente|competents|competentes|competence": 1.8,
    "efficace|efficaces|efficacite": 1.8, "rapide|rapides|rapidement": 1.0,
    "serviable|serviables|disponible|disponibles": 1.4, "satisfait|satisfaite|satisfaits|satisfaites": 1.8,
    "content|contente|contents|contentes": 1.9, "ravi|ravie|ravis|ravies": 2.6, "merci": 1.5,
    "bravo|felicitations": 2.5, "plaisir": 2.0, "propre|propres": 1.2, "beau|belle|beaux|belles": 1.9,
    "magnifique|magnifiques|superbe|superbes": 2.8, "facile|faciles|facilement": 1.5,
    "pratique|pratiques": 1.0, "impeccable|impeccables": 2.5,
    "professionnel|professionnelle|professionnels|professionnelles": 1.5,
    "gentil|gentille|gentils|gentilles|gentillesse": 2.0, "continuez": 1.5, "apprecie|appreciee|apprecies": 1.8,
    "adore|adorons": 2.8, "qualite": 0.6, "conseils|conseille": 0.6,
    "mauvais|mauvaise|mauvaises": -2.5, "nul|nulle|nuls|nulles": -2.5,
    "decu|decue|decus|decues|decevant|decevante|deception": -2.0, "dommage": -1.3,
    "cher|chere|chers|cheres|cherte": -1.2, "onereux|onereuse|honereux": -1.5,
    "eleve|elevee|eleves|elevees": -0.8, "lent|lente|lents|lentes|lenteur": -1.0, "attente": -0.6,
    "probleme|problemes": -1.2, "difficile|difficiles": -1.2, "complique|compliquee|compliques": -1.2,
    "desagreable|desagreables": -2.0, "impoli|impolie|impolis|impolies": -2.0,
    "incompetent|incompetente|incompetents|incompetence": -2.2, "inadmissible|inacceptable": -2.5,
    "scandaleux|scandaleuse|honteux|honteuse": -2.7, "regrettable|regrette": -1.4,
    "manque|manquent": -1.0, "insuffisant|insuffisante|insuffisants": -1.5,
    "abime|abimee|abimes|abimees": -1.5, "fane|fanee|fanes|fanees": -1.3, "pourri|pourrie|pourris": -2.0,
    "horrible|horribles": -2.5, "catastrophique|catastrophe": -3.0, "lamentable|deplorable": -2.7,
    "agace|agacee|enerve|enervee": -1.7, "furieux|furieuse": -2.5, "erreur|erreurs": -1.2,
    "panne|pannes": -1.2, "retard|retards": -1.0, "mecontent|mecontente|mecontents": -2.0,
    "insatisfait|insatisfaite|insatisfaits": -1.8, "pire": -2.8, "mal": -1.3,
    "helas|malheureusement": -1.5, "plainte|reclamation": -1.2, "salete|crasseux": -1.9,
}
LEXICON = _entries(_ENGLISH) | _entries(_FRENCH)

# Phrases as word tuples; a phrase is scored as one word and its words are not scored again.
PHRASES = {
    ("value", "for", "money"): 2.0, ("on", "time"): 1.2, ("out", "of", "their", "way"): 2.0,
    ("not", "good", "enough"): -2.0, ("too", "long"): -1.8, ("for", "ages"): -1.2,
    ("trop", "long"): -1.8, ("trop", "longue"): -1.8, ("trop", "longs"): -1.8, ("trop", "longues"): -1.8,
    ("trop", "cher"): -1.9, ("trop", "chers"): -1.9, ("trop", "chere"): -1.9, ("trop", "cheres"): -1.9,
    ("tres", "sale"): -2.0, ("tres", "sales"): -2.0, ("rien", "a", "redire"): 1.8, ("rien", "a", "dire"): 1.2,
    ("a", "l", "ecoute"): 1.8, ("bon", "rapport"): 1.5,
    # Nouns that look like praise: a voucher is not an opinion.
    ("bon", "d", "achat"): 0.0, ("bons", "d", "achat"): 0.0, ("bon", "de", "reduction"): 0.0,
    ("bons", "de", "reduction"): 0.0, ("bon", "cadeau"): 0.0, ("bons", "cadeaux"): 0.0,
}
_MAX_PHRASE = max(len(p) for p in PHRASES)

NEGATORS = frozenset({
    "not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "without", "hardly", "cannot",
    "ne", "n", "pas", "jamais", "rien", "sans", "aucun", "aucune", "guere", "non",
})
BOOSTERS = frozenset({
    "very", "really", "so", "too", "extremely", "absolutely", "totally", "completely", "incredibly",
    "tres", "vraiment", "trop", "tellement", "extremement", "hyper", "absolument", "totalement", "si",
})
DAMPENERS = frozenset({("slightly",), ("somewhat",), ("a", "bit"), ("a", "little"), ("un", "peu"), ("plutot",)})
# Contrast: the words after it carry the comment's point ("par contre" is two words).
CONTRASTS = frozenset({("but",), ("however",), ("mais",), ("cependant",), ("toutefois",), ("neanmoins",),
                       ("par", "contre")})

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """Return the words of a text: lower case, accents stripped, "n't" as "not", elisions split."""
    plain = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    plain = plain.replace("n't", " not").replace("œ", "oe")
    return _WORD.findall(plain)


def _units(tokens: list[str]) -> list[tuple[str | tuple, float | None]]:
    """Return the text as units: a phrase (with its valence) or one word (with its valence or None)."""
    units, i = [], 0
    while i < len(tokens):
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 1, -1):
            phrase = tuple(tokens[i:i + size])
            if phrase in PHRASES:
                units.append((phrase, PHRASES[phrase]))
                i += size
                break
        else:
            units.append((tokens[i], LEXICON.get(tokens[i])))
            i += 1
    return units


def _ends_with(tokens: list[str], end: int, patterns: frozenset) -> bool:
    return any(tuple(tokens[max(0, end - len(p)):end]) == p for p in patterns)


def valences(text: str | None) -> list[tuple[str, float]]:
    """Return each scored word or phrase of a text with its valence after negation, boosting and contrast."""
    if text is None:
        return []
    tokens = words(str(text))
    units = _units(tokens)
    flat: list[str] = []  # the words before each unit, for looking back across phrases
    scored: list[tuple[str, float, int]] = []
    contrast_at = None
    for index, (unit, valence) in enumerate(units):
        if valence:
            before = flat[-NEGATION_WINDOW:]
            if before and before[-1] in BOOSTERS:
                valence += math.copysign(BOOST, valence)
            elif _ends_with(flat, len(flat), DAMPENERS):
                valence -= math.copysign(min(BOOST, abs(valence)), valence)
            if any(word in NEGATORS for word in before):
                valence *= NEGATION_SCALE
            label = " ".join(unit) if isinstance(unit, tuple) else unit
            scored.append((label, valence, index))
        flat.extend(unit if isinstance(unit, tuple) else [unit])
        if _ends_with(flat, len(flat), CONTRASTS):
            contrast_at = index  # the last contrast word decides
    if contrast_at is not None:
        scored = [(label, v * (1.5 if index > contrast_at else 0.5), index) for label, v, index in scored]
    return [(label, v) for label, v, _ in scored]


def compound(total: float) -> float:
    """Return a sum of valences squashed into -1..+1: s / sqrt(s² + 15) (VADER's normalisation)."""
    return total / math.sqrt(total * total + ALPHA)


def sentiment(text: str | None) -> float | None:
    """Return the comment's compound sentiment from -1 to +1 (0 with no lexicon word), None for no text."""
    if text is None or not str(text).strip():
        return None
    return compound(sum(v for _, v in valences(text)))


def band(score: float | None) -> str | None:
    """Return 'negative', 'neutral' or 'positive' for a compound score (neutral within ±NEUTRAL_BAND)."""
    if score is None:
        return None
    if score > NEUTRAL_BAND:
        return "positive"
    if score < -NEUTRAL_BAND:
        return "negative"
    return "neutral"
