-- Writes journey_flow_rollup's every-day rows of the groups in cx_touchpoint_flow_diff: the old
-- rows plus the change, summed per group; a group left without contacts has no row, as a full
-- build writes none. Takes no $params.
INSERT INTO journey_flow_rollup
SELECT
    win, kind, true AS all_days, NULL AS day, channel, contact_reason, step, touchpoint, next_touchpoint,
    sum(contacts), sum(judged), sum(fcr_yes_any), sum(fcr_yes_same), sum(escalated),
    sum(nps_n), sum(promoters), sum(detractors), sum(csat_n), sum(csat_satisfied)
FROM cx_touchpoint_flow_diff
GROUP BY win, kind, channel, contact_reason, step, touchpoint, next_touchpoint
HAVING sum(contacts) > 0
