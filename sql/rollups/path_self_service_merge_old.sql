-- Adds self_service_rollup's rows of the groups in cx_path_self_service_diff (a refresh's change of
-- them, path_rollups.refresh) to that change, so that summed per group it holds the new rows.
-- Takes no $params.
INSERT INTO cx_path_self_service_diff
SELECT r.*
FROM self_service_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_path_self_service_diff AS d
    WHERE d.seg_name = r.seg_name AND d.day = r.day AND d.seg_value IS NOT DISTINCT FROM r.seg_value
      AND d.channel IS NOT DISTINCT FROM r.channel AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason
)
