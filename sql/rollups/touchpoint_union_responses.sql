-- Creates the temp table cx_touchpoint_union (as touchpoint_union_contacts.sql) after a change of
-- responses: the contacts did not change, so every contact of a customer with a point is on both
-- sides. Takes no $params.
CREATE TEMP TABLE cx_touchpoint_union AS
SELECT
    c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service,
    true AS in_old,
    true AS in_new
FROM contacts AS c
WHERE c.customer_id IN (SELECT customer_id FROM cx_touchpoint_points)
