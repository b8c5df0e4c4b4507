-- Creates the temp table cx_touchpoint_points (as touchpoint_points_contacts.sql): the customer
-- and start of every contact with a customer that a response added or removed (cx_changed_rows) is
-- about: its NPS and CSAT counts change, on the rows of its journey. Takes no $params.
CREATE TEMP TABLE cx_touchpoint_points AS
SELECT c.customer_id, c.started_at AS point_at
FROM contacts AS c
WHERE c.customer_id IS NOT NULL AND c.contact_id IN (SELECT contact_id FROM cx_changed_rows)
