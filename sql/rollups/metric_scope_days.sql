-- Creates the temp table cx_metric_scope: the contacts of the days an incremental refresh counts
-- again ($days), every column, read from contacts once so that contact_rollup_build.sql's passes
-- (one per rolled segment, thirteen with twelve segments) read these rows instead of every
-- contact each. $days (DATE[]).
CREATE TEMP TABLE cx_metric_scope AS
SELECT *
FROM contacts
WHERE list_contains(CAST($days AS DATE[]), CAST(started_at AS DATE))
