-- One row: how many follow-up cases are overdue (not closed, their due day before $today) and the
-- earliest due day among them (NULL when none is). Cases as in cases.sql: $today (DATE), $date_from,
-- $date_to (DATE or NULL; when the case opened, whole days), $channels, $reasons, $segment_values
-- (VARCHAR[] or NULL). Slots: {{cases}} (loop_case_rollup or the loop_cases view), {{segment}} (or
-- missing.value, NULL), {{segment_customers}}, {{segment_contacts}} (customers and contacts when the segment is a column of
-- theirs, else no_segment: the relations joined as cu and c).
WITH no_segment AS (
    {{> segments/no_segment}}
), scoped AS (
    SELECT
        COALESCE(f.due_date, k.default_due) AS due_date,
        COALESCE(f.status, 'open') AS status
    FROM {{cases}} AS k
    LEFT JOIN follow_ups AS f ON f.case_id = k.case_id
    LEFT JOIN {{segment_customers}} AS cu ON cu.customer_id = k.customer_id
    LEFT JOIN {{segment_contacts}} AS c ON c.contact_id = k.contact_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($date_from IS NULL OR k.opened_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR k.opened_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, k.channel))
      AND ($reasons IS NULL OR list_contains($reasons, k.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), final AS (
    SELECT count(*) AS overdue, min(due_date) AS oldest_due
    FROM scoped
    WHERE status <> 'closed' AND due_date < $today
)
SELECT * FROM final
