-- Adds journey_flow_rollup's rows (by-day and every-day) of the groups in cx_touchpoint_flow_net
-- to that change, so that summed per group it holds the new rows. Takes no $params.
INSERT INTO cx_touchpoint_flow_net
SELECT r.*
FROM journey_flow_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_touchpoint_flow_net AS d
    WHERE d.win = r.win AND d.kind = r.kind AND d.all_days = r.all_days AND d.day IS NOT DISTINCT FROM r.day
      AND d.channel IS NOT DISTINCT FROM r.channel AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason
      AND d.step = r.step AND d.touchpoint = r.touchpoint AND d.next_touchpoint IS NOT DISTINCT FROM r.next_touchpoint
)
