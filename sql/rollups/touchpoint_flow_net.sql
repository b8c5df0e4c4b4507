-- Creates the temp table cx_touchpoint_flow_net: the change of journey_flow_rollup's rows that the
-- temp table cx_touchpoint_flow_diff holds (touchpoint_flow_rows.sql over both sides of an
-- incremental refresh, the side before times -1), summed per by-day row and, over the days, per
-- every-day row (all_days, day NULL); rows whose change is nothing are left out: most of the
-- journeys counted are the same on both sides. Takes no $params.
CREATE TEMP TABLE cx_touchpoint_flow_net AS
SELECT
    win, kind, all_days, day, channel, contact_reason, step, touchpoint, next_touchpoint,
    sum(contacts) AS contacts, sum(judged) AS judged, sum(fcr_yes_any) AS fcr_yes_any,
    sum(fcr_yes_same) AS fcr_yes_same, sum(escalated) AS escalated, sum(nps_n) AS nps_n,
    sum(promoters) AS promoters, sum(detractors) AS detractors, sum(csat_n) AS csat_n,
    sum(csat_satisfied) AS csat_satisfied
FROM (
    SELECT * FROM cx_touchpoint_flow_diff
    UNION ALL
    SELECT
        win, kind, true AS all_days, CAST(NULL AS DATE) AS day, channel, contact_reason, step,
        touchpoint, next_touchpoint,
        contacts, judged, fcr_yes_any, fcr_yes_same, escalated, nps_n, promoters, detractors, csat_n, csat_satisfied
    FROM cx_touchpoint_flow_diff
) AS d
GROUP BY win, kind, all_days, day, channel, contact_reason, step, touchpoint, next_touchpoint
HAVING sum(contacts) <> 0 OR sum(judged) <> 0 OR sum(fcr_yes_any) <> 0 OR sum(fcr_yes_same) <> 0
    OR sum(escalated) <> 0 OR sum(nps_n) <> 0 OR sum(promoters) <> 0 OR sum(detractors) <> 0
    OR sum(csat_n) <> 0 OR sum(csat_satisfied) <> 0
