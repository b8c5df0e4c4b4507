-- Keeps the responses of one import in the temp table cx_changed_rows, one row per response (its
-- id, contact, customer, answer time, NPS and CSAT), for the rollup families to find the keys the
-- import changes: taken after the import's rows are written, or before a deleted import's rows are
-- removed. $import_id.
CREATE TEMP TABLE cx_changed_rows AS
SELECT response_id, contact_id, customer_id, responded_at, nps, csat
FROM responses
WHERE import_id = $import_id
