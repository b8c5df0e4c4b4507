-- One row per survey comment for the huddle screen: when it was answered, its NPS and CSAT, the
-- contact reason and the comment text, never who wrote it (no customer or response id), newest
-- first, at most $limit. $date_from, $date_to, $channels, $reasons, $segment_values as in the
-- metrics. Slots: {{segment}}.
WITH scoped AS (
    SELECT r.response_id, r.responded_at, r.nps, r.csat, c.contact_reason, r.comment
    FROM responses AS r
    LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
    LEFT JOIN customers AS cu ON cu.customer_id = COALESCE(r.customer_id, c.customer_id)
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE r.comment IS NOT NULL AND trim(r.comment) <> ''
      AND ($date_from IS NULL OR r.responded_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR r.responded_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
),

final AS (
    SELECT response_id, responded_at, nps, csat, contact_reason, comment FROM scoped
)

SELECT responded_at, nps, csat, contact_reason, comment
FROM final
ORDER BY responded_at DESC NULLS LAST, response_id
LIMIT $limit
