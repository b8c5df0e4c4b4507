-- Removes repeat_path_rollup's rows of the groups in cx_path_repeat_diff (copied into it first by
-- path_repeat_merge_old.sql). Takes no $params.
DELETE FROM repeat_path_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_path_repeat_diff AS d
    WHERE d.path_by = r.path_by AND d.seg_name = r.seg_name AND d.day = r.day
      AND d.seg_value IS NOT DISTINCT FROM r.seg_value AND d.channel IS NOT DISTINCT FROM r.channel
      AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason AND d.from_value IS NOT DISTINCT FROM r.from_value
)
