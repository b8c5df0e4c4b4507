-- Adds journey_path_rollup's every-day rows (all_days, day NULL) for every window and kind: its
-- by-day rows summed over the days, in (win, kind) order. Takes no $params.
INSERT INTO journey_path_rollup
SELECT win, kind, true AS all_days, NULL AS day, channel, contact_reason, p1, p2, p3, p4, p5, steps, sum(journeys)
FROM journey_path_rollup
WHERE NOT all_days
GROUP BY win, kind, channel, contact_reason, p1, p2, p3, p4, p5, steps
ORDER BY win, kind
