-- One row: whether $pattern (a whole-word RE2 expression, as themes.py wraps it) matches $text
-- once accents are stripped from both, ignoring case. Fails with the regex engine's message when
-- $pattern is not a valid expression, which is how the dictionary editor checks a keyword.
SELECT regexp_matches(strip_accents($text), strip_accents($pattern), 'i') AS matches
