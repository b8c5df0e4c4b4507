-- What theme_counts.sql answers, summed from theme_count_rollup while it reflects the current
-- comments, sentiments and mentions and no segment is chosen: one row per theme of the
-- dictionary (is_overall = 0) plus the overall row (is_overall = 1, theme NULL). $date_from,
-- $date_to (DATE or NULL: whole days), $channels, $reasons (VARCHAR[] or NULL) as in the metrics;
-- $segment_values is not taken (a segment is answered from the comments).
WITH scoped AS (
    SELECT *
    FROM theme_count_rollup
    WHERE ($date_from IS NULL OR day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, channel))
      AND ($reasons IS NULL OR list_contains($reasons, contact_reason))
), dictionary AS (
    SELECT DISTINCT theme FROM themes
), by_theme AS (
    SELECT
        0 AS is_overall, d.theme,
        CAST(coalesce(sum(s.comments), 0) AS BIGINT) AS comments,
        CAST(coalesce(sum(s.nps_n), 0) AS BIGINT) AS nps_n,
        CAST(coalesce(sum(s.promoters), 0) AS BIGINT) AS promoters,
        CAST(coalesce(sum(s.passives), 0) AS BIGINT) AS passives,
        CAST(coalesce(sum(s.detractors), 0) AS BIGINT) AS detractors,
        CAST(coalesce(sum(s.csat_n), 0) AS BIGINT) AS csat_n,
        CAST(coalesce(sum(s.csat_satisfied), 0) AS BIGINT) AS csat_satisfied,
        CAST(sum(s.sentiment_sum) AS DOUBLE) / nullif(sum(s.sentiment_n), 0) / 1e9 AS sentiment,
        CAST(NULL AS BIGINT) AS untagged
    FROM dictionary AS d
    LEFT JOIN scoped AS s ON s.theme = d.theme
    GROUP BY d.theme
), overall AS (
    SELECT
        1 AS is_overall, CAST(NULL AS VARCHAR) AS theme,
        CAST(coalesce(sum(comments), 0) AS BIGINT) AS comments,
        CAST(coalesce(sum(nps_n), 0) AS BIGINT) AS nps_n,
        CAST(coalesce(sum(promoters), 0) AS BIGINT) AS promoters,
        CAST(coalesce(sum(passives), 0) AS BIGINT) AS passives,
        CAST(coalesce(sum(detractors), 0) AS BIGINT) AS detractors,
        CAST(coalesce(sum(csat_n), 0) AS BIGINT) AS csat_n,
        CAST(coalesce(sum(csat_satisfied), 0) AS BIGINT) AS csat_satisfied,
        CAST(sum(sentiment_sum) AS DOUBLE) / nullif(sum(sentiment_n), 0) / 1e9 AS sentiment,
        CAST(coalesce(sum(untagged), 0) AS BIGINT) AS untagged
    FROM scoped
    WHERE theme IS NULL
)
SELECT * FROM overall
UNION ALL
SELECT * FROM by_theme
