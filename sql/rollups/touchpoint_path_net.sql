-- Creates the temp table cx_touchpoint_path_net: the change of journey_path_rollup's rows that the
-- temp table cx_touchpoint_path_diff holds, summed per by-day and every-day row, without the rows
-- whose change is nothing, as touchpoint_flow_net.sql does for the flow. Takes no $params.
CREATE TEMP TABLE cx_touchpoint_path_net AS
SELECT win, kind, all_days, day, channel, contact_reason, p1, p2, p3, p4, p5, steps, sum(journeys) AS journeys
FROM (
    SELECT * FROM cx_touchpoint_path_diff
    UNION ALL
    SELECT win, kind, true AS all_days, CAST(NULL AS DATE) AS day, channel, contact_reason, p1, p2, p3, p4, p5, steps, journeys
    FROM cx_touchpoint_path_diff
) AS d
GROUP BY win, kind, all_days, day, channel, contact_reason, p1, p2, p3, p4, p5, steps
HAVING sum(journeys) <> 0
