-- One row per survey response with a comment, in the filters, whose comment holds every one of
-- $terms (case- and accent-insensitive substrings; NULL = no search), newest first, at most
-- $limit, with its score bands, lexicon sentiment, themes and `matching` (all rows that match).
-- $date_from, $date_to, $channels, $reasons, $segment_values as in the metrics;
-- $nps_groups ('detractor'/'passive'/'promoter'), $csat_bands ('dissatisfied'/'neutral'/
-- 'satisfied'), $sentiments ('negative'/'neutral'/'positive') VARCHAR[] or NULL; $theme
-- (VARCHAR or NULL: only comments mentioning it); $neutral_band (sentiment within ± it is neutral).
-- Slots: {{comments}} (comment_rollup, or comment_rows: sql/voice/comment_rows.sql, the responses
-- with a comment, as a CTE), {{segment}} (a column of c or cu, or missing.value (NULL)),
-- {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), comment_rows AS (
    {{> voice/comment_rows}}
), scoped AS (
    SELECT
        k.response_id, k.responded_at, k.customer_id,
        k.nps, k.csat, k.comment, k.channel, k.contact_reason,
        CASE WHEN k.nps >= 9 THEN 'promoter' WHEN k.nps >= 7 THEN 'passive' WHEN k.nps >= 0 THEN 'detractor' END
            AS nps_group,
        CASE WHEN k.csat >= 4 THEN 'satisfied' WHEN k.csat = 3 THEN 'neutral' WHEN k.csat >= 1 THEN 'dissatisfied' END
            AS csat_band
    FROM {{comments}} AS k
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($date_from IS NULL OR k.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), scored AS (
    SELECT s.*, cs.sentiment,
        CASE WHEN cs.sentiment > $neutral_band THEN 'positive'
             WHEN cs.sentiment < -$neutral_band THEN 'negative'
             WHEN cs.sentiment IS NOT NULL THEN 'neutral' END AS sentiment_band
    FROM scoped AS s
    LEFT JOIN comment_sentiment AS cs ON cs.response_id = s.response_id
), chosen AS (
    SELECT * FROM scored
    WHERE ($nps_groups IS NULL OR list_contains($nps_groups, nps_group))
      AND ($csat_bands IS NULL OR list_contains($csat_bands, csat_band))
      AND ($sentiments IS NULL OR list_contains($sentiments, sentiment_band))
      AND ($theme IS NULL OR response_id IN (SELECT m.response_id FROM theme_mentions AS m WHERE m.theme = $theme))
      -- Every typed term must occur; contains() takes it as plain text, so % _ * ( are literal. A
      -- lambda over the list, not a subquery: DuckDB joined every comment to the terms (even with
      -- no search), a third of this query's time at a hundred thousand comments.
      AND ($terms IS NULL OR list_bool_and(list_transform(CAST($terms AS VARCHAR[]),
          lambda term: contains(lower(strip_accents(comment)), lower(strip_accents(term))))))
), shown AS (
    SELECT *, count(*) OVER () AS matching
    FROM chosen
    ORDER BY responded_at DESC NULLS LAST, response_id
    LIMIT $limit
), tagged AS (
    -- The themes of the comments shown only: as a subquery per row, DuckDB listed the themes of
    -- every comment in scope before taking the newest $limit.
    SELECT m.response_id, string_agg(m.theme, ', ' ORDER BY m.theme) AS themes
    FROM theme_mentions AS m
    WHERE m.response_id IN (SELECT response_id FROM shown)
    GROUP BY m.response_id
), final AS (
    SELECT
        s.response_id, s.responded_at, s.customer_id, s.nps, s.nps_group, s.csat, s.csat_band, s.channel,
        s.contact_reason, s.comment, s.sentiment, s.sentiment_band, t.themes, s.matching
    FROM shown AS s
    LEFT JOIN tagged AS t ON t.response_id = s.response_id
)
SELECT * FROM final ORDER BY responded_at DESC NULLS LAST, response_id
