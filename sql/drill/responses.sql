-- One row per survey response behind a figure: responses in the filters whose split-by value
-- equals $value (all when the slot is NULL), newest first, at most $limit. $date_from,
-- $date_to, $channels, $reasons, $segment_values as in the metrics.
-- Slots: {{dimension}} (a column of c or cu, or missing.value (NULL)), {{segment}}.
WITH scoped AS (
    SELECT r.response_id, r.responded_at, r.customer_id, r.contact_id, r.nps, r.csat, r.ces,
        r.resolved_answer, r.comment, c.channel, c.contact_reason
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    LEFT JOIN customers AS cu ON cu.customer_id = COALESCE(r.customer_id, c.customer_id)
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($value IS NULL OR CAST({{dimension}} AS VARCHAR) = $value)
      AND ($date_from IS NULL OR r.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR r.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
)
SELECT * FROM scoped ORDER BY responded_at DESC NULLS LAST, response_id LIMIT $limit
