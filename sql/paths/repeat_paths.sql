-- One row per (previous contact's value, repeat contact's value) pair: how many repeat contacts
-- came back through that value after that one. A repeat: the customer's previous contact (any
-- reason) started at most W days before. $window (days), $date_from, $date_to, $channels,
-- $reasons, $segment_values (filters on the repeat contact; NULL = no filter).
-- Slots: {{from_value}} (a column of p, the previous contact), {{to_value}} (the same column of
-- c, the repeat), {{segment}} (a column of c or cu, or missing.value (NULL)). Most repeats first; ties by the
-- values, so the order is the same every time (and the same as sql/rollups/path_repeat_pairs.sql).
WITH repeats AS (
    SELECT {{from_value}} AS from_value, {{to_value}} AS to_value
    FROM contacts AS c
    JOIN contacts AS p ON p.contact_id = c.prev_any_id
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE c.prev_any_at >= c.started_at - INTERVAL '1' DAY * $window
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), final AS (
    SELECT from_value, to_value, count(*) AS repeats
    FROM repeats
    GROUP BY from_value, to_value
)
SELECT * FROM final ORDER BY repeats DESC, from_value NULLS LAST, to_value NULLS LAST
