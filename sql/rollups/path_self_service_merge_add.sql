-- Writes self_service_rollup's rows of the groups in cx_path_self_service_diff: the old rows
-- (path_self_service_merge_old.sql) plus the change, summed per group (whole numbers, so exact); a
-- group left without self-service contacts has no row, as a full build writes none. Takes no
-- $params.
INSERT INTO self_service_rollup
SELECT seg_name, seg_value, day, channel, contact_reason, sum(self_service), sum(failures)
FROM cx_path_self_service_diff
GROUP BY seg_name, seg_value, day, channel, contact_reason
HAVING sum(self_service) > 0
