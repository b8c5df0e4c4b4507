-- Creates the temp table cx_touchpoint_span: the contacts of cx_touchpoint_union
-- (touchpoint_union_*.sql) whose journeys touchpoint_stage.sql counts again after a change, on
-- either side of it (in_old, in_new; touchpoint_span_facts.sql computes each side's neighbour
-- facts), with the union's columns. Takes no $params. Slot: {{columns}} (g."col", ...: the
-- columns of the union but in_old and in_new).
--
-- Per customer with a point in cx_touchpoint_points, over the union of their contacts before and
-- after the change in (started_at, contact_id) order: from the last 30-day journey start before
-- their first point (from their first contact when there is none) up to, not including, the first
-- 30-day start after their last point (to their last contact when there is none). A start here
-- has no contact within 30 days before it in the union, so none before or after the change either
-- (each side is a part of the union): it starts a journey of both windows on both sides, and
-- nothing the stage computes for a contact on one side of it reads a contact on the other (a
-- journey ends before it; what the stage reads further, the next contacts' touchpoints and times,
-- is masked by the journey's length or lies more than 30 days on). The contacts before the span
-- and from its end on did not change, nor did their journeys: on both sides they are left out.
CREATE TEMP TABLE cx_touchpoint_span AS
WITH touched AS (
    SELECT customer_id, min(point_at) AS first_at, max(point_at) AS last_at
    FROM cx_touchpoint_points
    GROUP BY customer_id
), gaps AS (
    SELECT *, lag(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, contact_id) AS prev_at
    FROM cx_touchpoint_union
), spans AS (
    SELECT
        t.customer_id,
        max(g.started_at) FILTER (WHERE g.started_at < t.first_at) AS from_at,
        min(g.started_at) FILTER (WHERE g.started_at > t.last_at) AS until_at
    FROM touched AS t
    LEFT JOIN gaps AS g
        ON g.customer_id = t.customer_id
        AND (g.prev_at IS NULL OR g.prev_at < g.started_at - INTERVAL '1' DAY * 30)
    GROUP BY t.customer_id
)
SELECT {{columns}}, g.in_old, g.in_new
FROM gaps AS g
JOIN spans AS s ON s.customer_id = g.customer_id
WHERE (s.from_at IS NULL OR g.started_at >= s.from_at)
  AND (s.until_at IS NULL OR g.started_at < s.until_at)
