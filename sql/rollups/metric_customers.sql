-- Creates the temp table cx_metric_customers: the customers of the contacts a refresh of
-- contact_rollup stages (metric_stage.sql), every column, for
-- contact_rollup_build.sql's customers slot. Takes no $params. Slot: {{contacts}}: the staged table.
CREATE TEMP TABLE cx_metric_customers AS
SELECT cu.*
FROM customers AS cu
WHERE cu.customer_id IN (SELECT customer_id FROM {{contacts}})
