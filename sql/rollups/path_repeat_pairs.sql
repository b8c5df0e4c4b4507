-- One row per (previous contact's value, repeat contact's value) pair, as sql/paths/repeat_paths.sql
-- returns them (same order), summed from repeat_path_rollup. $path_by ('contact_reason' |
-- 'channel'), $seg_name ('' or the rolled segment column filtered by), $date_from, $date_to (DATE
-- or NULL), $channels, $reasons, $segment_values (VARCHAR[] or NULL = no filter).
-- Slots: {{to_value}} (r.contact_reason or r.channel, as $path_by), {{repeats}} (the column of
-- the chosen window, r.repeats_wW).
WITH scoped AS (
    SELECT r.from_value, {{to_value}} AS to_value, {{repeats}} AS repeats
    FROM repeat_path_rollup AS r
    WHERE r.path_by = $path_by
      AND r.seg_name = $seg_name
      AND ($date_from IS NULL OR r.day >= CAST($date_from AS DATE))
      AND ($date_to IS NULL OR r.day <= CAST($date_to AS DATE))
      AND ($channels IS NULL OR list_contains($channels, r.channel))
      AND ($reasons IS NULL OR list_contains($reasons, r.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, r.seg_value))
), final AS (
    SELECT from_value, to_value, CAST(sum(repeats) AS BIGINT) AS repeats
    FROM scoped
    GROUP BY from_value, to_value
    HAVING sum(repeats) > 0
)
SELECT * FROM final ORDER BY repeats DESC, from_value NULLS LAST, to_value NULLS LAST
