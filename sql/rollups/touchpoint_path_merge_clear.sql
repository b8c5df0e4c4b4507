-- Removes journey_path_rollup's rows of the groups in cx_touchpoint_path_net (copied into it
-- first by touchpoint_path_merge_old.sql). Takes no $params.
DELETE FROM journey_path_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_touchpoint_path_net AS d
    WHERE d.win = r.win AND d.kind = r.kind AND d.all_days = r.all_days AND d.day IS NOT DISTINCT FROM r.day
      AND d.channel IS NOT DISTINCT FROM r.channel AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason
      AND d.p1 = r.p1 AND d.p2 IS NOT DISTINCT FROM r.p2 AND d.p3 IS NOT DISTINCT FROM r.p3
      AND d.p4 IS NOT DISTINCT FROM r.p4 AND d.p5 IS NOT DISTINCT FROM r.p5 AND d.steps = r.steps
)
