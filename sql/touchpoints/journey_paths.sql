-- One row per distinct journey path (the touchpoints of a journey in order, e.g. "web → chat →
-- phone"; after $max_steps touchpoints the rest is shown as "…"), with how many journeys took it,
-- most common first, at most $limit. Journeys and their filters as in journey_flow.sql: $window,
-- $date_from, $date_to, $channels, $reasons, $segment_values; $top_values (VARCHAR[]) as there.
-- Slots: {{touchpoint}} (a column of c, the contact), {{segment}}.
WITH RECURSIVE starts AS (
    SELECT c.contact_id
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    WHERE c.customer_id IS NOT NULL
      AND (c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * $window)
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), named AS (
    SELECT
        c.contact_id, c.started_at, c.next_any_id,
        CASE WHEN list_contains($top_values, {{touchpoint}}) THEN {{touchpoint}} ELSE 'Other' END AS touchpoint
    FROM contacts AS c
    WHERE c.customer_id IS NOT NULL
), steps (contact_id, step, path) AS (
    SELECT n.contact_id, 1, n.touchpoint
    FROM starts AS s
    JOIN named AS n ON n.contact_id = s.contact_id
    UNION ALL
    SELECT
        nxt.contact_id, s.step + 1,
        CASE WHEN s.step < $max_steps THEN s.path || ' → ' || nxt.touchpoint
             WHEN s.step = $max_steps THEN s.path || ' → …'
             ELSE s.path END
    FROM steps AS s
    JOIN named AS cur ON cur.contact_id = s.contact_id
    JOIN named AS nxt ON nxt.contact_id = cur.next_any_id
    WHERE nxt.started_at <= cur.started_at + INTERVAL '1' DAY * $window
), ends AS (
    SELECT s.path
    FROM steps AS s
    JOIN named AS cur ON cur.contact_id = s.contact_id
    LEFT JOIN named AS nxt
        ON nxt.contact_id = cur.next_any_id AND nxt.started_at <= cur.started_at + INTERVAL '1' DAY * $window
    WHERE nxt.contact_id IS NULL
), final AS (
    SELECT path, count(*) AS journeys FROM ends GROUP BY path
)
SELECT * FROM final ORDER BY journeys DESC, path LIMIT $limit
