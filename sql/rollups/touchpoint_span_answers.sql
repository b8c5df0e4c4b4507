-- Creates a temp table of the answers (contact, NPS, CSAT) to the contacts of cx_touchpoint_span as
-- they are now: the stage's responses slot after a change, and before a change of contacts (which
-- leaves the responses as they were). Takes no $params. Slot: {{table}}: the table made.
CREATE TEMP TABLE {{table}} AS
SELECT r.contact_id, r.nps, r.csat
FROM responses AS r
WHERE r.contact_id IN (SELECT contact_id FROM cx_touchpoint_span)
