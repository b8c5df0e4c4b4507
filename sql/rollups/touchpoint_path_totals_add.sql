-- Writes journey_path_rollup's every-day rows of the groups in cx_touchpoint_path_diff: the old
-- rows plus the change, summed per group; a group left without journeys has no row, as a full
-- build writes none. Takes no $params.
INSERT INTO journey_path_rollup
SELECT win, kind, true AS all_days, NULL AS day, channel, contact_reason, p1, p2, p3, p4, p5, steps, sum(journeys)
FROM cx_touchpoint_path_diff
GROUP BY win, kind, channel, contact_reason, p1, p2, p3, p4, p5, steps
HAVING sum(journeys) > 0
