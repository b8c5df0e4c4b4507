-- Adds journey_flow_rollup's every-day rows of the groups in cx_touchpoint_flow_diff to that diff,
-- so that summed per group it holds the new every-day rows. Takes no $params.
INSERT INTO cx_touchpoint_flow_diff
SELECT r.*
FROM journey_flow_rollup AS r
WHERE r.all_days
  AND EXISTS (
      SELECT 1
      FROM cx_touchpoint_flow_diff AS d
      WHERE d.win = r.win AND d.kind = r.kind AND d.channel IS NOT DISTINCT FROM r.channel
        AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason AND d.step = r.step
        AND d.touchpoint = r.touchpoint AND d.next_touchpoint IS NOT DISTINCT FROM r.next_touchpoint
  )
