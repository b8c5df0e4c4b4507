-- Creates the temp table cx_rollup_customers: one row per customer whose Customer story answers a
-- change of responses (the responses added or removed, in cx_changed_rows) can alter: each
-- answer's own customer, else that of the contact it names. The follow-up cases
-- (loop_rollups.refresh_customers) are per customer in the same way. Takes no $params.
CREATE TEMP TABLE cx_rollup_customers AS
SELECT DISTINCT COALESCE(k.customer_id, c.customer_id) AS customer_id
FROM cx_changed_rows AS k
LEFT JOIN contacts AS c ON c.contact_id = k.contact_id
WHERE COALESCE(k.customer_id, c.customer_id) IS NOT NULL
