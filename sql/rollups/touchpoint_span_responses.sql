-- Creates the temp table cx_touchpoint_span (as touchpoint_span_contacts.sql) after a change of
-- responses: the contacts did not change, so every contact of a customer with a point is on both
-- sides, from the last 30-day journey start before their first point to the first after their
-- last (that file says why nothing outside bears on the journeys inside). Takes no $params.
CREATE TEMP TABLE cx_touchpoint_span AS
WITH touched AS (
    SELECT customer_id, min(point_at) AS first_at, max(point_at) AS last_at
    FROM cx_touchpoint_points
    GROUP BY customer_id
), theirs AS (
    SELECT c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service, c.prev_any_at
    FROM contacts AS c
    WHERE c.customer_id IN (SELECT customer_id FROM touched)
), spans AS (
    SELECT
        t.customer_id,
        max(c.started_at) FILTER (WHERE c.started_at < t.first_at) AS from_at,
        min(c.started_at) FILTER (WHERE c.started_at > t.last_at) AS until_at
    FROM touched AS t
    LEFT JOIN theirs AS c
        ON c.customer_id = t.customer_id
        AND (c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * 30)
    GROUP BY t.customer_id
)
SELECT
    c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service,
    true AS in_old,
    true AS in_new
FROM theirs AS c
JOIN spans AS s ON s.customer_id = c.customer_id
WHERE (s.from_at IS NULL OR c.started_at >= s.from_at)
  AND (s.until_at IS NULL OR c.started_at < s.until_at)
