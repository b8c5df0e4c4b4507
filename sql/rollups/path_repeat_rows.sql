-- Adds repeat_path_rollup's rows for one path and one segment copy to {{target}} (the table, or a
-- refresh's change of it): one per segment value × day × channel × contact reason × from_value,
-- with the repeats of each rollup window, counted from the temp table of path_repeat_stage.sql
-- (grouped by codes, then turned back into text), times $sign (1, or -1 for the side before a
-- refresh's change); rows with a NULL segment value are left out of a segment's copy (no filter
-- can select them).
-- $path_by ('contact_reason' | 'channel'), $seg_name ('' for the copy holding every repeat once,
-- else the segment column's name), $seg_index (the position of that segment's value in the stage's
-- seg_values; 1, always NULL, for ''), $sign. Slots: {{from_code}} (prev_reason_code or prev_channel_code), {{target}}.
INSERT INTO {{target}}
WITH copied AS (
    SELECT seg_values[$seg_index] AS seg_value, day, channel_code, reason_code, {{from_code}} AS from_code,
        shortest_window
    FROM cx_path_repeats
), grouped AS (
    SELECT
        seg_value,
        day,
        channel_code,
        reason_code,
        from_code,
        $sign * count(*) FILTER (WHERE shortest_window <= 7) AS repeats_w7,
        $sign * count(*) AS repeats_w30
    FROM copied
    WHERE $seg_name = '' OR seg_value IS NOT NULL
    GROUP BY seg_value, day, channel_code, reason_code, from_code
)
SELECT
    $path_by AS path_by,
    $seg_name AS seg_name,
    g.seg_value,
    g.day,
    channel.value AS channel,
    reason.value AS contact_reason,
    from_value.value AS from_value,
    g.repeats_w7,
    g.repeats_w30
FROM grouped AS g
LEFT JOIN cx_path_codes AS channel ON channel.code = g.channel_code
LEFT JOIN cx_path_codes AS reason ON reason.code = g.reason_code
LEFT JOIN cx_path_codes AS from_value ON from_value.code = g.from_code
