-- Keeps the customers of one import in the temp table cx_changed_rows, one row per customer row
-- (its id), for the rollup families to find the keys the import changes: taken after the import's
-- rows are written, or before a deleted import's rows are removed. $import_id.
CREATE TEMP TABLE cx_changed_rows AS
SELECT customer_id
FROM customers
WHERE import_id = $import_id
