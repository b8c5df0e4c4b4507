-- Writes theme_count_rollup from the comments, their sentiments and their theme mentions: one row
-- per day × channel × contact reason with every comment (theme NULL, with how many mention no
-- theme), and one per day × channel × contact reason × theme with the comments mentioning it.
-- Each count is the one theme_counts.sql and theme_months.sql take over the comments in scope.
-- Takes no $params. Slot: {{comments}} (comment_rollup, or comment_rows: sql/voice/comment_rows.sql
-- as a CTE).
INSERT INTO theme_count_rollup
WITH comment_rows AS (
    {{> voice/comment_rows}}
), rows AS (
    SELECT
        k.response_id, CAST(k.responded_at AS DATE) AS day, k.channel, k.contact_reason, k.nps, k.csat,
        CAST(round(cs.sentiment * 1e9) AS BIGINT) AS sentiment_nano  -- billionths, as theme_counts.sql sums them
    FROM {{comments}} AS k
    LEFT JOIN comment_sentiment AS cs ON cs.response_id = k.response_id
), themed AS (
    -- Every comment once under no theme, then once more under each theme it mentions.
    SELECT r.*, CAST(NULL AS VARCHAR) AS theme,
        r.response_id NOT IN (SELECT response_id FROM theme_mentions) AS untagged
    FROM rows AS r
    UNION ALL
    SELECT r.*, m.theme, NULL
    FROM rows AS r
    JOIN theme_mentions AS m ON m.response_id = r.response_id
)
SELECT
    day, channel, contact_reason, theme,
    count(*) AS comments,
    count(nps) AS nps_n,
    count(*) FILTER (WHERE nps >= 9) AS promoters,
    count(*) FILTER (WHERE nps BETWEEN 7 AND 8) AS passives,
    count(*) FILTER (WHERE nps <= 6) AS detractors,
    count(csat) AS csat_n,
    count(*) FILTER (WHERE csat >= 4) AS csat_satisfied,
    CAST(sum(sentiment_nano) AS BIGINT) AS sentiment_sum,
    count(sentiment_nano) AS sentiment_n,
    CASE WHEN theme IS NULL THEN count(*) FILTER (WHERE untagged) END AS untagged
FROM themed
GROUP BY day, channel, contact_reason, theme
