-- One row: whether the channels and contact reasons of the contacts (with '(none)') are no longer
-- the values journey_touchpoint_codes holds. The codes are numbered in value order, so a value added
-- or gone renumbers the others and every touchpoint rollup row is keyed wrong: the rollups are then
-- rebuilt whole. Takes no $params.
WITH found AS (
    SELECT channel AS value FROM contacts
    UNION
    SELECT contact_reason FROM contacts
    UNION
    SELECT '(none)'
), kept AS (
    SELECT value FROM found WHERE value IS NOT NULL
), added AS (
    SELECT value FROM kept EXCEPT SELECT value FROM journey_touchpoint_codes
), gone AS (
    SELECT value FROM journey_touchpoint_codes EXCEPT SELECT value FROM kept
)
SELECT (SELECT count(*) FROM added) + (SELECT count(*) FROM gone) > 0 AS changed
