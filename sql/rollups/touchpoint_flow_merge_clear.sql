-- Removes journey_flow_rollup's rows of the groups in cx_touchpoint_flow_net (copied into it
-- first by touchpoint_flow_merge_old.sql). Takes no $params.
DELETE FROM journey_flow_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_touchpoint_flow_net AS d
    WHERE d.win = r.win AND d.kind = r.kind AND d.all_days = r.all_days AND d.day IS NOT DISTINCT FROM r.day
      AND d.channel IS NOT DISTINCT FROM r.channel AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason
      AND d.step = r.step AND d.touchpoint = r.touchpoint AND d.next_touchpoint IS NOT DISTINCT FROM r.next_touchpoint
)
