-- The rows of a lake's contacts files appended since its last build, in the temp table
-- cx_changed_rows the rollup families' refreshes read: the columns sql/rollups/change_capture_contacts.sql
-- keeps of a workspace's import (a lake's files carry no import_id). Takes no $params.
-- Slot: {{source}}: the appended files of the table, as read.
CREATE TEMP TABLE cx_changed_rows AS
SELECT contact_id, customer_id, started_at, channel, contact_reason, self_service
FROM {{source}}
