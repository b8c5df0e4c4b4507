-- The contacts of a lake's files appended since its last build, in the temp table cx_changed_rows
-- the rollup families' refreshes read: every column of the lake's contacts with their derived
-- facts, as sql/rollups/change_capture_contacts.sql keeps every column of a workspace's import.
-- Takes no $params. Slot: {{source}}: the appended files of the table, as read.
CREATE TEMP TABLE cx_changed_rows AS
SELECT c.*
FROM contacts AS c
WHERE c.contact_id IN (SELECT contact_id FROM {{source}})
