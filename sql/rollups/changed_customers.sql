-- Creates the temp table cx_rollup_customers: one row per customer of the rows a change added or
-- removed (cx_changed_rows, of contacts, responses or outcomes: their own customer_id). Takes no
-- $params.
CREATE TEMP TABLE cx_rollup_customers AS
SELECT DISTINCT customer_id FROM cx_changed_rows WHERE customer_id IS NOT NULL
