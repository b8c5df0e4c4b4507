-- One row per contact behind a figure: the contacts in the filters whose split-by value equals
-- $value (all when the slot is NULL), newest first, at most $limit, with its repeat flag for
-- window $window. $date_from, $date_to, $channels, $reasons, $segment_values as in the metrics.
-- Slots: {{dimension}} (a column of c or cu, or missing.value (NULL)), {{segment}}.
WITH scoped AS (
    SELECT
        c.contact_id, c.started_at, c.customer_id, c.channel, c.contact_reason, c.agent, c.team,
        c.self_service,
        coalesce(c.customer_id IS NOT NULL AND c.prev_any_at >= c.started_at - INTERVAL '1' DAY * $window, FALSE)
            AS repeat_contact
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($value IS NULL OR CAST({{dimension}} AS VARCHAR) = $value)
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
)
SELECT * FROM scoped ORDER BY started_at DESC, contact_id LIMIT $limit
