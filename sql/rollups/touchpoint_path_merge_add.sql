-- Writes journey_path_rollup's rows of the groups in cx_touchpoint_path_net: the old rows plus the
-- change, summed per group; a group left without journeys has no row, as a full build writes none.
-- Takes no $params.
INSERT INTO journey_path_rollup
SELECT win, kind, all_days, day, channel, contact_reason, p1, p2, p3, p4, p5, steps, sum(journeys)
FROM cx_touchpoint_path_net
GROUP BY win, kind, all_days, day, channel, contact_reason, p1, p2, p3, p4, p5, steps
HAVING sum(journeys) > 0
ORDER BY all_days, day
