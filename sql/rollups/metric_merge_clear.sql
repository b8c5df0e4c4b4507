-- Removes contact_rollup's rows of the groups in cx_metric_diff (copied into it first by
-- metric_merge_old.sql). Takes no $params.
DELETE FROM contact_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_metric_diff AS d
    WHERE d.day = r.day AND d.seg_name = r.seg_name AND d.channel IS NOT DISTINCT FROM r.channel
      AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason AND d.seg_value IS NOT DISTINCT FROM r.seg_value
)
