-- Creates the temp table cx_touchpoint_points when the latest contact moved: one (customer,
-- instant) point per contact whose "judged" flag flips for a window W of 7 or 30 days (started
-- more than W days before the earlier latest and at most W days before the later one: judged
-- means at least W days before the latest contact), for touchpoint_span.sql.
-- $edge_from, $edge_to (TIMESTAMP: the earlier and later latest contact).
CREATE TEMP TABLE cx_touchpoint_points AS
SELECT c.customer_id, c.started_at AS point_at
FROM contacts AS c
WHERE c.customer_id IS NOT NULL
  AND ((c.started_at > CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * 7
        AND c.started_at <= CAST($edge_to AS TIMESTAMP) - INTERVAL '1' DAY * 7)
    OR (c.started_at > CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * 30
        AND c.started_at <= CAST($edge_to AS TIMESTAMP) - INTERVAL '1' DAY * 30))
