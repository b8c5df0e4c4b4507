-- Writes repeat_path_rollup's rows of the groups in cx_path_repeat_diff: the old rows
-- (path_repeat_merge_old.sql) plus the change, summed per group (whole numbers, so exact); a group
-- left without repeats has no row, as a full build writes none. Takes no $params.
INSERT INTO repeat_path_rollup
SELECT path_by, seg_name, seg_value, day, channel, contact_reason, from_value, sum(repeats_w7), sum(repeats_w30)
FROM cx_path_repeat_diff
GROUP BY path_by, seg_name, seg_value, day, channel, contact_reason, from_value
HAVING sum(repeats_w30) > 0
