-- Adds contact_rollup's rows of the groups in cx_metric_diff (a refresh's change of them,
-- metric_rollups._refresh_contacts) to that change, so that summed per group it holds the new
-- rows. Takes no $params.
INSERT INTO cx_metric_diff
SELECT r.*
FROM contact_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_metric_diff AS d
    WHERE d.day = r.day AND d.seg_name = r.seg_name AND d.channel IS NOT DISTINCT FROM r.channel
      AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason AND d.seg_value IS NOT DISTINCT FROM r.seg_value
)
