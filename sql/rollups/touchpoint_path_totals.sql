-- Adds journey_path_rollup's every-day rows (all_days, day NULL) for one window and kind: its
-- by-day rows summed over the days. $window, $kind ('channel' | 'contact_reason').
INSERT INTO journey_path_rollup
SELECT win, kind, true AS all_days, NULL AS day, channel, contact_reason, p1, p2, p3, p4, p5, steps, sum(journeys)
FROM journey_path_rollup
WHERE win = $window AND kind = $kind AND NOT all_days
GROUP BY win, kind, channel, contact_reason, p1, p2, p3, p4, p5, steps
