-- Adds self_service_rollup's rows for one segment copy to {{target}} (the table, or a refresh's
-- change of it): one per segment value × day × channel × contact reason, with the self-service
-- contacts and failures counted from the temp table of path_self_service_stage.sql (grouped by
-- codes, then turned back into text), times $sign (1, or -1 for the side before a refresh's change). A segment's copy
-- keeps the rows whose value is NULL: split by that segment, the copy must still add up to every
-- self-service contact (the overall figure).
-- $seg_name ('' for the copy holding every contact once, else the segment column's name).
-- $seg_index (the position of that segment's value in the stage's seg_values; 1, always NULL, for '').
-- $sign. Slot: {{target}}.
INSERT INTO {{target}}
WITH copied AS (
    SELECT seg_values[$seg_index] AS seg_value, day, channel_code, reason_code, failed
    FROM cx_path_self_service
), grouped AS (
    SELECT
        seg_value,
        day,
        channel_code,
        reason_code,
        $sign * count(*) AS self_service,
        $sign * count(*) FILTER (WHERE failed) AS failures
    FROM copied
    GROUP BY seg_value, day, channel_code, reason_code
)
SELECT
    $seg_name AS seg_name,
    g.seg_value,
    g.day,
    channel.value AS channel,
    reason.value AS contact_reason,
    g.self_service,
    g.failures
FROM grouped AS g
LEFT JOIN cx_path_codes AS channel ON channel.code = g.channel_code
LEFT JOIN cx_path_codes AS reason ON reason.code = g.reason_code
