-- One row per repeat contact whose previous contact (any reason) started at most 30 days (the
-- longest window of cxmetrics.rollups.ROLLUP_WINDOWS) before it, joined as
-- sql/paths/repeat_paths.sql joins it: its value of each rolled segment as text, its day, the
-- codes (cx_path_codes) of its channel and reason and of the previous contact's, and the shortest
-- rollup window that still counts it as a repeat (each window tested as the base query tests it).
-- A temp table that path_repeat_rows.sql reads once per segment and path.
-- $days (DATE[]: only the repeats of these days, for a refresh by days; NULL: every day).
-- Slots: {{contacts}} (contacts, or one side of a change: path_side_contacts.sql) and
-- {{neighbours}} (where the previous contact, c.prev_any_id, is found: contacts, or the change's
-- span); {{segment_columns}}: missing.value
-- (NULL, for the copy holding every row once), then the rolled segment columns (c."col",
-- cu."col" ...; text columns, rollups.choose_segments), kept as the list seg_values: copy i reads
-- seg_values[i + 1].
CREATE TEMP TABLE cx_path_repeats AS
SELECT
    [{{segment_columns}}] AS seg_values,
    CAST(c.started_at AS DATE) AS day,
    channel_code.code AS channel_code,
    reason_code.code AS reason_code,
    prev_channel_code.code AS prev_channel_code,
    prev_reason_code.code AS prev_reason_code,
    CASE
        WHEN c.prev_any_at >= c.started_at - INTERVAL '1' DAY * 7 THEN 7
        ELSE 30
    END AS shortest_window
FROM {{contacts}} AS c
JOIN {{neighbours}} AS p ON p.contact_id = c.prev_any_id
LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
LEFT JOIN cx_path_codes AS channel_code ON channel_code.value = c.channel
LEFT JOIN cx_path_codes AS reason_code ON reason_code.value = c.contact_reason
LEFT JOIN cx_path_codes AS prev_channel_code ON prev_channel_code.value = p.channel
LEFT JOIN cx_path_codes AS prev_reason_code ON prev_reason_code.value = p.contact_reason
WHERE c.prev_any_at >= c.started_at - INTERVAL '1' DAY * 30
  AND ($days IS NULL OR list_contains(CAST($days AS DATE[]), CAST(c.started_at AS DATE)))
