-- Creates the temp table cx_touchpoint_union after a change of contacts (the contacts added or
-- removed, in cx_changed_rows): every contact, before and after the change together, of the
-- customers with a point in cx_touchpoint_points, with the columns touchpoint_stage.sql reads but
-- the neighbour facts, and on which side of the change it is: in_old (not added by it), in_new
-- (not removed by it). touchpoint_span.sql takes the span of them counted again.
-- $removed (BOOLEAN: the changed contacts were removed, else added).
CREATE TEMP TABLE cx_touchpoint_union AS
SELECT
    c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service,
    $removed OR c.contact_id NOT IN (SELECT contact_id FROM cx_changed_rows) AS in_old,
    true AS in_new
FROM contacts AS c
WHERE c.customer_id IN (SELECT customer_id FROM cx_touchpoint_points)
UNION ALL
SELECT
    x.customer_id, x.started_at, x.contact_id, x.channel, x.contact_reason, x.self_service,
    true AS in_old,
    false AS in_new
FROM cx_changed_rows AS x
WHERE $removed AND x.customer_id IN (SELECT customer_id FROM cx_touchpoint_points)
