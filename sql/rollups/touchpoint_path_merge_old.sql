-- Adds journey_path_rollup's rows (by-day and every-day) of the groups in cx_touchpoint_path_net
-- to that change, so that summed per group it holds the new rows. Takes no $params.
INSERT INTO cx_touchpoint_path_net
SELECT r.*
FROM journey_path_rollup AS r
WHERE EXISTS (
    SELECT 1
    FROM cx_touchpoint_path_net AS d
    WHERE d.win = r.win AND d.kind = r.kind AND d.all_days = r.all_days AND d.day IS NOT DISTINCT FROM r.day
      AND d.channel IS NOT DISTINCT FROM r.channel AND d.contact_reason IS NOT DISTINCT FROM r.contact_reason
      AND d.p1 = r.p1 AND d.p2 IS NOT DISTINCT FROM r.p2 AND d.p3 IS NOT DISTINCT FROM r.p3
      AND d.p4 IS NOT DISTINCT FROM r.p4 AND d.p5 IS NOT DISTINCT FROM r.p5 AND d.steps = r.steps
)
