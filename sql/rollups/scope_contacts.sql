-- Creates the temp table cx_scope_rows: the contacts of the customers in cx_rollup_customers, with
-- the columns outcome_repeaters_build.sql reads, so that it recounts only those customers. Takes no
-- $params.
CREATE TEMP TABLE cx_scope_rows AS
SELECT customer_id, started_at, prev_any_at, prev_same_at
FROM contacts
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
