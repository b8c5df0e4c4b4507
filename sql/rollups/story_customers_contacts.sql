-- Creates the temp table cx_rollup_customers: one row per customer whose Customer story rows a change
-- of contacts (the contacts added or removed, in cx_changed_rows) can alter: the contacts' own
-- customers (their contacts and their neighbours' repeat facts), and the customer of every answer
-- naming one of those contacts (its reason and channel come from the contact, and an answer
-- without a customer of its own takes the contact's). The follow-up cases
-- (loop_rollups.refresh_customers) are per customer in the same way. Takes no $params.
CREATE TEMP TABLE cx_rollup_customers AS
SELECT customer_id FROM cx_changed_rows WHERE customer_id IS NOT NULL
UNION
SELECT r.customer_id
FROM responses AS r
WHERE r.customer_id IS NOT NULL AND r.contact_id IN (SELECT contact_id FROM cx_changed_rows)
