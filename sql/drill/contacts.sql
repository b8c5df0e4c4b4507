-- One row per contact behind a figure: the contacts in the filters whose split-by value equals
-- $value (all when the slot is NULL), newest first, at most $limit, with whether it is a repeat
-- and whether it was resolved first time (NULL where contact FCR does not judge it: no customer,
-- or its window has not ended) for window $window and $same_reason, and rows_in_total (the count
-- before the limit). $measure keeps only the contacts a figure counts: 'fcr' (judged for contact
-- FCR), 'repeat_rate' (with a customer), 'self_service' (self-service contacts with a customer),
-- 'repeat_path' (repeats as paths/repeat_paths.sql counts them: the previous contact, any reason,
-- within $window days), NULL (all). $previous (or NULL = all): the previous contact's {{previous}}
-- value, for a cell of the repeat paths. $date_from, $date_to, $channels, $reasons,
-- $segment_values as in the metrics.
-- Slots: {{dimension}} (a column of c or cu, or missing.value (NULL)), {{previous}} (a column of p,
-- the previous contact; any column of p when $previous is NULL), {{segment}}.
WITH latest AS (
    SELECT max(started_at) AS last_started FROM contacts
), scoped AS (
    SELECT
        c.contact_id, c.started_at, c.customer_id, c.channel, c.contact_reason, c.agent, c.team,
        c.self_service, c.prev_any_at,
        CASE WHEN $same_reason THEN c.prev_same_at ELSE c.prev_any_at END AS prev_at,
        CASE WHEN $same_reason THEN c.next_same_at ELSE c.next_any_at END AS next_at
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE ($value IS NULL OR CAST({{dimension}} AS VARCHAR) = $value)
      -- A semi-join, not a join: a drill without $previous then reads one column of contacts again,
      -- instead of joining every contact to its previous one.
      AND ($previous IS NULL OR c.prev_any_id IN (
          SELECT p.contact_id FROM contacts AS p WHERE CAST({{previous}} AS VARCHAR) = $previous))
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
      AND ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
      AND ($channels IS NULL OR list_contains($channels, c.channel))
      AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
      AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
), flagged AS (
    SELECT
        contact_id, started_at, customer_id, channel, contact_reason, agent, team, self_service,
        coalesce(customer_id IS NOT NULL AND prev_at >= started_at - INTERVAL '1' DAY * $window, FALSE)
            AS repeat_contact,
        CASE WHEN customer_id IS NOT NULL AND started_at <= last_started - INTERVAL '1' DAY * $window
             THEN next_at IS NULL OR next_at > started_at + INTERVAL '1' DAY * $window END AS resolved_first_time,
        prev_any_at >= started_at - INTERVAL '1' DAY * $window AS on_repeat_path
    FROM scoped
    CROSS JOIN latest
), counted AS (
    SELECT * FROM flagged
    WHERE $measure IS NULL
       OR ($measure = 'fcr' AND resolved_first_time IS NOT NULL)
       OR ($measure = 'repeat_rate' AND customer_id IS NOT NULL)
       OR ($measure = 'self_service' AND self_service AND customer_id IS NOT NULL)
       OR ($measure = 'repeat_path' AND on_repeat_path)
)
SELECT * EXCLUDE (on_repeat_path), count(*) OVER () AS rows_in_total FROM counted ORDER BY started_at DESC, contact_id LIMIT $limit
