-- One row per response whose comment matches $pattern (whole-word RE2 expression, case- and
-- accent-insensitive), newest first, at most $limit, with `matching` = all that match; for
-- trying a keyword before it goes into the dictionary.
WITH hits AS (
    SELECT response_id, responded_at, nps, comment
    FROM responses
    WHERE trim(comment) <> '' AND regexp_matches(strip_accents(comment), strip_accents($pattern), 'i')
)
SELECT response_id, nps, comment, count(*) OVER () AS matching
FROM hits ORDER BY responded_at DESC NULLS LAST, response_id LIMIT $limit
