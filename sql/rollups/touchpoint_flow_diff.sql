-- Adds journey_flow_rollup's by-day rows of the keys in cx_touchpoint_keys to the temp table
-- cx_touchpoint_flow_diff as every-day rows (day NULL), their counts times $sign: -1 before those
-- rows are counted again, 1 after. The every-day rows are then their old value plus the sum of the
-- diff (touchpoint_flow_totals_*.sql): exact, being whole numbers. $sign (-1 or 1).
INSERT INTO cx_touchpoint_flow_diff
SELECT
    r.win, r.kind, true AS all_days, CAST(NULL AS DATE) AS day, r.channel, r.contact_reason, r.step,
    r.touchpoint, r.next_touchpoint,
    $sign * r.contacts, $sign * r.judged, $sign * r.fcr_yes_any, $sign * r.fcr_yes_same, $sign * r.escalated,
    $sign * r.nps_n, $sign * r.promoters, $sign * r.detractors, $sign * r.csat_n, $sign * r.csat_satisfied
FROM journey_flow_rollup AS r
WHERE NOT r.all_days
  AND EXISTS (
      SELECT 1
      FROM cx_touchpoint_keys AS k
      WHERE k.win = r.win AND k.day = r.day
        AND k.channel IS NOT DISTINCT FROM r.channel AND k.contact_reason IS NOT DISTINCT FROM r.contact_reason
  )
