-- Adds journey_path_rollup's by-day rows of the keys in cx_touchpoint_keys to the temp table
-- cx_touchpoint_path_diff as every-day rows (day NULL), their journeys times $sign, as
-- touchpoint_flow_diff.sql does for the flow. $sign (-1 or 1).
INSERT INTO cx_touchpoint_path_diff
SELECT
    r.win, r.kind, true AS all_days, CAST(NULL AS DATE) AS day, r.channel, r.contact_reason,
    r.p1, r.p2, r.p3, r.p4, r.p5, r.steps, $sign * r.journeys
FROM journey_path_rollup AS r
WHERE NOT r.all_days
  AND EXISTS (
      SELECT 1
      FROM cx_touchpoint_keys AS k
      WHERE k.win = r.win AND k.day = r.day
        AND k.channel IS NOT DISTINCT FROM r.channel AND k.contact_reason IS NOT DISTINCT FROM r.contact_reason
  )
