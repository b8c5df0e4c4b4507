-- Keeps the contacts of one import in the temp table cx_changed_rows, every column, for the rollup
-- families to find the keys the import changes: taken after the import's rows are written, or
-- before a deleted import's rows are removed (the touchpoint and metric rollups count a removed
-- contact as it was). $import_id.
CREATE TEMP TABLE cx_changed_rows AS
SELECT *
FROM contacts
WHERE import_id = $import_id
