-- Creates the temp table cx_touchpoint_union after a change of contacts (the contacts added or
-- removed, in cx_changed_rows): every contact, before and after the change together, of the
-- customers with a point in cx_touchpoint_points, with the columns {{columns}} names, and on which
-- side of the change it is: in_old (not added by it), in_new (not removed by it).
-- touchpoint_span.sql takes the span of them counted again. A removed contact's columns are read
-- from cx_changed_rows (change_capture_contacts.sql keeps every column of the rows a delete
-- removes).
-- $removed (BOOLEAN: the changed contacts were removed, else added). Slot: {{columns}} (c."col",
-- ...: at least the columns touchpoint_stage.sql reads but the neighbour facts, and those the
-- metric and path refreshes read: touchpoint_rollups.stage_span).
CREATE TEMP TABLE cx_touchpoint_union AS
SELECT
    {{columns}},
    $removed OR c.contact_id NOT IN (SELECT contact_id FROM cx_changed_rows) AS in_old,
    true AS in_new
FROM contacts AS c
WHERE c.customer_id IN (SELECT customer_id FROM cx_touchpoint_points)
UNION ALL
SELECT
    {{columns}},
    true AS in_old,
    false AS in_new
FROM cx_changed_rows AS c
WHERE $removed AND c.customer_id IN (SELECT customer_id FROM cx_touchpoint_points)
