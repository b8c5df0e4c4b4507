-- Creates the temp table cx_touchpoint_latest_before: one row, when the latest contact started
-- before a change: the stage's latest slot for the side before it. $latest (TIMESTAMP).
CREATE TEMP TABLE cx_touchpoint_latest_before AS
SELECT CAST($latest AS TIMESTAMP) AS started_at
