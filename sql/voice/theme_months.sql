-- One row per theme × month (first day) that has comments in scope: comments that month,
-- those mentioning the theme, and the same among detractors. Responses without a date are left
-- out. $date_from, $date_to, $channels, $reasons, $segment_values as in the metrics.
-- Slots: {{comments}} (comment_rollup, or comment_rows: sql/voice/comment_rows.sql, the responses
-- with a comment, as a CTE), {{segment}} (a column of c or cu, or missing.value (NULL)),
-- {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), comment_rows AS (
    {{> voice/comment_rows}}
), scoped AS (
    SELECT k.response_id, k.nps, CAST(date_trunc('month', k.responded_at) AS DATE) AS month
    FROM {{comments}} AS k
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE k.responded_at IS NOT NULL
      AND ($date_from IS NULL OR k.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), months AS (
    SELECT month, count(*) AS comments, count(*) FILTER (WHERE nps <= 6) AS detractor_comments
    FROM scoped GROUP BY month
), hits AS (
    SELECT m.theme, s.month, count(*) AS mentions, count(*) FILTER (WHERE s.nps <= 6) AS detractor_mentions
    FROM scoped AS s JOIN theme_mentions AS m ON m.response_id = s.response_id
    GROUP BY m.theme, s.month
), final AS (
    SELECT d.theme, mo.month, mo.comments, coalesce(h.mentions, 0) AS mentions,
        mo.detractor_comments, coalesce(h.detractor_mentions, 0) AS detractor_mentions
    FROM (SELECT DISTINCT theme FROM themes) AS d
    CROSS JOIN months AS mo
    LEFT JOIN hits AS h ON h.theme = d.theme AND h.month = mo.month
)
SELECT * FROM final ORDER BY theme, month
