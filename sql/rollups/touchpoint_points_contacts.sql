-- Creates the temp table cx_touchpoint_points: the (customer, instant) points around which a change
-- of contacts (the contacts added or removed, in cx_changed_rows) can alter a journey, for
-- touchpoint_span_*.sql. One per changed contact with a customer; and, when the latest contact
-- moved, one per contact whose "judged" flag flips for a window W of 7 or 30 days (started more
-- than W days before the earlier latest and at most W days before the later one: judged means at
-- least W days before the latest contact).
-- $edge_from, $edge_to (TIMESTAMP: the earlier and later latest contact; NULL when it did not move).
CREATE TEMP TABLE cx_touchpoint_points AS
SELECT x.customer_id, x.started_at AS point_at
FROM cx_changed_rows AS x
WHERE x.customer_id IS NOT NULL
UNION ALL
SELECT c.customer_id, c.started_at
FROM contacts AS c
WHERE c.customer_id IS NOT NULL
  AND ((c.started_at > CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * 7
        AND c.started_at <= CAST($edge_to AS TIMESTAMP) - INTERVAL '1' DAY * 7)
    OR (c.started_at > CAST($edge_from AS TIMESTAMP) - INTERVAL '1' DAY * 30
        AND c.started_at <= CAST($edge_to AS TIMESTAMP) - INTERVAL '1' DAY * 30))
