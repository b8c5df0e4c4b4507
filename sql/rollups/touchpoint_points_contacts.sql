-- Creates the temp table cx_touchpoint_points: the (customer, instant) points around which a change
-- of contacts (the contacts added or removed, in cx_changed_rows) can alter a journey, for
-- touchpoint_span.sql: one per changed contact with a customer. (When the latest contact moves,
-- the contacts it judges or no longer judges are touchpoint_points_flips.sql's.) Takes no $params.
CREATE TEMP TABLE cx_touchpoint_points AS
SELECT x.customer_id, x.started_at AS point_at
FROM cx_changed_rows AS x
WHERE x.customer_id IS NOT NULL
