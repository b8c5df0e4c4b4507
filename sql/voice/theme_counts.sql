-- One row per theme of the dictionary (is_overall = 0) plus one row for every comment in scope
-- (is_overall = 1, theme NULL): comments, the NPS and CSAT counts behind each figure, comments
-- per NPS group, the mean lexicon sentiment, and (overall row) comments mentioning no theme.
-- $date_from, $date_to, $channels, $reasons, $segment_values as in the metrics.
-- Slots: {{comments}} (comment_rollup, or comment_rows: sql/voice/comment_rows.sql, the responses
-- with a comment, as a CTE), {{segment}} (a column of c or cu, or missing.value (NULL)),
-- {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), comment_rows AS (
    {{> voice/comment_rows}}
), scoped AS (
    -- Sentiments summed in billionths, as whole numbers: a sum of doubles depends on the order
    -- DuckDB's threads add them in, and theme_counts_rolled.sql must give the same mean to the bit.
    SELECT k.response_id, k.nps, k.csat, CAST(round(cs.sentiment * 1e9) AS BIGINT) AS sentiment_nano
    FROM {{comments}} AS k
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    LEFT JOIN comment_sentiment AS cs ON cs.response_id = k.response_id
    WHERE ($date_from IS NULL OR k.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), dictionary AS (
    SELECT DISTINCT theme FROM themes
), mentioned AS (
    SELECT d.theme, s.*
    FROM dictionary AS d
    LEFT JOIN theme_mentions AS m ON m.theme = d.theme
    LEFT JOIN scoped AS s ON s.response_id = m.response_id
), by_theme AS (
    SELECT
        0 AS is_overall, theme,
        count(response_id) AS comments,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps BETWEEN 7 AND 8) AS passives,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        CAST(sum(sentiment_nano) AS DOUBLE) / nullif(count(sentiment_nano), 0) / 1e9 AS sentiment,
        CAST(NULL AS BIGINT) AS untagged
    FROM mentioned
    GROUP BY theme
), overall AS (
    SELECT
        1 AS is_overall, CAST(NULL AS VARCHAR) AS theme,
        count(*) AS comments,
        count(nps) AS nps_n,
        count(*) FILTER (WHERE nps >= 9) AS promoters,
        count(*) FILTER (WHERE nps BETWEEN 7 AND 8) AS passives,
        count(*) FILTER (WHERE nps <= 6) AS detractors,
        count(csat) AS csat_n,
        count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
        CAST(sum(sentiment_nano) AS DOUBLE) / nullif(count(sentiment_nano), 0) / 1e9 AS sentiment,
        count(*) FILTER (WHERE response_id NOT IN (SELECT response_id FROM theme_mentions)) AS untagged
    FROM scoped
)
SELECT * FROM overall
UNION ALL
SELECT * FROM by_theme
