-- Adds a mention of theme $theme for every response whose comment matches $pattern (the theme's
-- keywords as one whole-word RE2 alternation), ignoring case and accents in both.
INSERT INTO theme_mentions (response_id, theme)
SELECT response_id, $theme
FROM responses
WHERE trim(comment) <> '' AND regexp_matches(strip_accents(comment), strip_accents($pattern), 'i')
