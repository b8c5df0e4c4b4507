-- Creates the temp table cx_scope_rows: the responses of the customers in cx_rollup_customers (their
-- own customer_id, as outcome_spans_build.sql reads it), so that it recounts only those customers.
-- Takes no $params.
CREATE TEMP TABLE cx_scope_rows AS
SELECT customer_id, response_id, responded_at, nps, csat
FROM responses
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
