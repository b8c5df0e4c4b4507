-- One row per self-service contact with a customer, joined as sql/paths/self_service_failures.sql
-- joins it: its value of each rolled segment as text, its day, the codes (cx_path_codes) of its
-- channel and reason, and whether it failed (the customer's next contact is assisted and starts
-- within 24 hours: the base query's test). A temp table that
-- path_self_service_rows.sql reads once per segment. $days (DATE[]: only the contacts of these
-- days, for a refresh by days; NULL: every day). Slots: {{contacts}}, {{neighbours}} (where the
-- next contact, c.next_any_id, is found) and {{segment_columns}}, as in path_repeat_stage.sql.
CREATE TEMP TABLE cx_path_self_service AS
SELECT
    [{{segment_columns}}] AS seg_values,
    CAST(c.started_at AS DATE) AS day,
    channel_code.code AS channel_code,
    reason_code.code AS reason_code,
    n.contact_id IS NOT NULL AND n.self_service = FALSE
        AND n.started_at <= c.started_at + INTERVAL '1' DAY AS failed
FROM {{contacts}} AS c
LEFT JOIN {{neighbours}} AS n ON n.contact_id = c.next_any_id
LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
LEFT JOIN cx_path_codes AS channel_code ON channel_code.value = c.channel
LEFT JOIN cx_path_codes AS reason_code ON reason_code.value = c.contact_reason
WHERE c.self_service AND c.customer_id IS NOT NULL
  AND ($days IS NULL OR list_contains(CAST($days AS DATE[]), CAST(c.started_at AS DATE)))
