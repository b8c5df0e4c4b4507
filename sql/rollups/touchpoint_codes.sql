-- Fills journey_touchpoint_codes (emptied first by touchpoint_clear.sql): one row per distinct
-- channel or contact reason of the contacts, and '(none)' (the touchpoint of a NULL value), with
-- a small integer code, 1, 2, ... in value order. The touchpoint rollups store these codes; their
-- queries turn them back into text. Takes no $params.
INSERT INTO journey_touchpoint_codes
SELECT CAST(row_number() OVER (ORDER BY value) AS INTEGER) AS code, value
FROM (
    SELECT channel AS value FROM contacts
    UNION
    SELECT contact_reason FROM contacts
    UNION
    SELECT '(none)'
) AS found
WHERE value IS NOT NULL
