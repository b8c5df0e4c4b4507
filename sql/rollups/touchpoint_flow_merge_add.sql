-- Writes journey_flow_rollup's rows of the groups in cx_touchpoint_flow_net: the old rows plus
-- the change, summed per group (whole numbers, so exact); a group left without contacts has no
-- row, as a full build writes none. Takes no $params.
INSERT INTO journey_flow_rollup
SELECT
    win, kind, all_days, day, channel, contact_reason, step, touchpoint, next_touchpoint,
    sum(contacts), sum(judged), sum(fcr_yes_any), sum(fcr_yes_same), sum(escalated),
    sum(nps_n), sum(promoters), sum(detractors), sum(csat_n), sum(csat_satisfied)
FROM cx_touchpoint_flow_net
GROUP BY win, kind, all_days, day, channel, contact_reason, step, touchpoint, next_touchpoint
HAVING sum(contacts) > 0
ORDER BY all_days, day
