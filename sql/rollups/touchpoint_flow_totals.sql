-- Adds journey_flow_rollup's every-day rows (all_days, day NULL) for every window and kind: its
-- by-day rows summed over the days, in (win, kind) order. Takes no $params.
INSERT INTO journey_flow_rollup
SELECT
    win, kind, true AS all_days, NULL AS day, channel, contact_reason, step, touchpoint, next_touchpoint,
    sum(contacts), sum(judged), sum(fcr_yes_any), sum(fcr_yes_same), sum(escalated),
    sum(nps_n), sum(promoters), sum(detractors), sum(csat_n), sum(csat_satisfied)
FROM journey_flow_rollup
WHERE NOT all_days
GROUP BY win, kind, channel, contact_reason, step, touchpoint, next_touchpoint
ORDER BY win, kind
