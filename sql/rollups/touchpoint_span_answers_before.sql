-- Creates a temp table of the answers (contact, NPS, CSAT) to the contacts of cx_touchpoint_span as
-- they were before a change of responses (in cx_changed_rows): without the responses it added, or
-- with those it removed. The stage's responses slot for that side. $removed (BOOLEAN).
-- Slot: {{table}}: the table made.
CREATE TEMP TABLE {{table}} AS
SELECT r.contact_id, r.nps, r.csat
FROM responses AS r
WHERE r.contact_id IN (SELECT contact_id FROM cx_touchpoint_span)
  AND ($removed OR r.response_id NOT IN (SELECT response_id FROM cx_changed_rows))
UNION ALL
SELECT x.contact_id, x.nps, x.csat
FROM cx_changed_rows AS x
WHERE $removed AND x.contact_id IN (SELECT contact_id FROM cx_touchpoint_span)
