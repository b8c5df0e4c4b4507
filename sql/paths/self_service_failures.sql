-- One row per value of a column of the self-service contact (e.g. its reason): self-service
-- contacts with a customer, and failures: those whose customer's next contact is assisted
-- (self_service = false) and starts within 24 hours. $date_from, $date_to, $channels, $reasons,
-- $segment_values (filters on the self-service contact). Slots: {{group}} (a column of c),
-- {{segment}} (a column of c or cu); either may be missing.value (NULL: none chosen). The overall
-- row first, then the groups by value (a fixed order, the same as
-- sql/rollups/path_self_service_counts.sql).
WITH journeys AS (
    SELECT
        {{group}} AS group_value,
        n.contact_id IS NOT NULL AND n.self_service = FALSE
            AND n.started_at <= c.started_at + INTERVAL '1' DAY AS failed
    FROM contacts AS c
    LEFT JOIN contacts AS n ON n.contact_id = c.next_any_id
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE c.self_service AND c.customer_id IS NOT NULL
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), final AS (
    SELECT GROUPING(group_value) AS is_overall, group_value, count(*) AS self_service,
        count(*) FILTER (WHERE failed) AS failures
    FROM journeys
    GROUP BY GROUPING SETS ((), (group_value))
)
SELECT * FROM final ORDER BY is_overall DESC, group_value NULLS LAST
