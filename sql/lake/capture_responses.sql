-- The rows of a lake's responses files appended since its last build, in the temp table
-- cx_changed_rows the rollup families' refreshes read: the columns sql/rollups/change_capture_responses.sql
-- keeps of a workspace's import (a lake's files carry no import_id). Takes no $params.
-- Slot: {{source}}: the appended files of the table, as read.
CREATE TEMP TABLE cx_changed_rows AS
SELECT response_id, contact_id, customer_id, responded_at, nps, csat
FROM {{source}}
