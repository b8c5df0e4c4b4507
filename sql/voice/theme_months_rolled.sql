-- What theme_months.sql answers, summed from theme_count_rollup while it reflects the current
-- comments and mentions and no segment is chosen: one row per theme × month (first day) with
-- comments in scope, answers without a date left out. $date_from, $date_to (DATE or NULL: whole
-- days), $channels, $reasons (VARCHAR[] or NULL) as in the metrics; $segment_values is not taken.
WITH scoped AS (
    SELECT CAST(date_trunc('month', day) AS DATE) AS month, theme, comments, detractors
    FROM theme_count_rollup
    WHERE day IS NOT NULL
      AND ($date_from IS NULL OR day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, channel))
      AND ($reasons IS NULL OR list_contains($reasons, contact_reason))
), months AS (
    SELECT month, CAST(sum(comments) AS BIGINT) AS comments, CAST(sum(detractors) AS BIGINT) AS detractor_comments
    FROM scoped WHERE theme IS NULL GROUP BY month
), hits AS (
    SELECT theme, month, CAST(sum(comments) AS BIGINT) AS mentions,
        CAST(sum(detractors) AS BIGINT) AS detractor_mentions
    FROM scoped WHERE theme IS NOT NULL GROUP BY theme, month
), final AS (
    SELECT d.theme, mo.month, mo.comments, coalesce(h.mentions, 0) AS mentions,
        mo.detractor_comments, coalesce(h.detractor_mentions, 0) AS detractor_mentions
    FROM (SELECT DISTINCT theme FROM themes) AS d
    CROSS JOIN months AS mo
    LEFT JOIN hits AS h ON h.theme = d.theme AND h.month = mo.month
)
SELECT * FROM final ORDER BY theme, month
