-- Keeps the contacts of one import in the temp table cx_changed_rows, one row per contact (its id,
-- customer, start, channel, reason and self-service flag), for the rollup families to find the keys
-- the import changes: taken after the import's rows are written, or before a deleted import's rows
-- are removed (the touchpoint rollups count a removed contact's journey as it was). $import_id.
CREATE TEMP TABLE cx_changed_rows AS
SELECT contact_id, customer_id, started_at, channel, contact_reason, self_service
FROM contacts
WHERE import_id = $import_id
