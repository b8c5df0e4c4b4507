-- Creates the temp table cx_touchpoint_span: the contacts whose journeys touchpoint_stage.sql
-- counts again after a change of contacts, as they were before it (in_old) and are after it
-- (in_new), with the columns the stage reads but the neighbour facts (touchpoint_span_facts.sql
-- computes them for either side). $removed (BOOLEAN: the changed contacts in cx_changed_rows were
-- removed, else added).
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
), theirs AS (
    SELECT
        c.customer_id, c.started_at, c.contact_id, c.channel, c.contact_reason, c.self_service,
        NOT $removed AND c.contact_id IN (SELECT contact_id FROM cx_changed_rows) AS added,
        false AS removed
    FROM contacts AS c
    WHERE c.customer_id IN (SELECT customer_id FROM touched)
    UNION ALL
    SELECT
        x.customer_id, x.started_at, x.contact_id, x.channel, x.contact_reason, x.self_service,
        false AS added,
        true AS removed
    FROM cx_changed_rows AS x
    WHERE $removed AND x.customer_id IN (SELECT customer_id FROM touched)
), gaps AS (
    SELECT *, lag(started_at) OVER (PARTITION BY customer_id ORDER BY started_at, contact_id) AS prev_at
    FROM theirs
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
SELECT
    g.customer_id, g.started_at, g.contact_id, g.channel, g.contact_reason, g.self_service,
    NOT g.added AS in_old,
    NOT g.removed AS in_new
FROM gaps AS g
JOIN spans AS s ON s.customer_id = g.customer_id
WHERE (s.from_at IS NULL OR g.started_at >= s.from_at)
  AND (s.until_at IS NULL OR g.started_at < s.until_at)
