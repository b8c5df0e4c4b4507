-- Creates the temp table cx_touchpoint_touched (as touchpoint_touched_contacts.sql): the customer
-- and day of every contact with a customer that a response added or removed (cx_changed_rows) is
-- about. Its NPS and CSAT counts change, on the rows of its journey. Takes no $params.
CREATE TEMP TABLE cx_touchpoint_touched AS
SELECT DISTINCT
    c.customer_id,
    CAST(c.started_at AS DATE) AS day,
    CAST(NULL AS BIGINT) AS cr,
    CAST(NULL AS INTEGER) AS win
FROM contacts AS c
WHERE c.customer_id IS NOT NULL AND c.contact_id IN (SELECT contact_id FROM cx_changed_rows)
