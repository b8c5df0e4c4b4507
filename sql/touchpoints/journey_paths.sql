-- One row per distinct journey path (the touchpoints of a journey in order, e.g. "web → chat →
-- phone"; after $max_steps touchpoints the rest is shown as "…"), with how many journeys took it,
-- most common first, at most $limit. Journeys and their filters as in journey_flow.sql: $window,
-- $date_from, $date_to, $channels, $reasons, $segment_values; $top_values (VARCHAR[]) and $none
-- as there. Slots: {{touchpoint}} (the touchpoint column of c, the contact), {{segment}} (a column
-- of c or cu, or missing.value). The journeys (flagged, numbered, walked, stepped) are those of
-- journey_flow.sql, written out the same in both files.
WITH flagged AS (
    -- Contacts before $date_from can neither start a chosen journey nor belong to one.
    SELECT
        c.contact_id, c.customer_id, c.started_at, c.channel, c.self_service, c.next_any_at, c.next_same_at,
        COALESCE(CAST({{touchpoint}} AS VARCHAR), $none) AS raw_touchpoint,
        c.prev_any_at IS NULL OR c.prev_any_at < c.started_at - INTERVAL '1' DAY * $window AS starts,
        ($date_to IS NULL OR c.started_at < CAST($date_to AS TIMESTAMP) + INTERVAL '1' DAY)
            AND ($channels IS NULL OR list_contains($channels, c.channel))
            AND ($reasons IS NULL OR list_contains($reasons, c.contact_reason))
            AND ($segment_values IS NULL OR list_contains($segment_values, CAST({{segment}} AS VARCHAR)))
            AS chosen_if_first
    FROM contacts AS c
    LEFT JOIN customers AS cu ON cu.customer_id = c.customer_id
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS value) AS missing
    WHERE c.customer_id IS NOT NULL
      AND ($date_from IS NULL OR c.started_at >= CAST($date_from AS TIMESTAMP))
), numbered AS (
    SELECT *, sum(CAST(starts AS INTEGER)) OVER (PARTITION BY customer_id ORDER BY started_at, contact_id
                                                 ROWS UNBOUNDED PRECEDING) AS journey
    FROM flagged
), walked AS (
    -- A journey is chosen by its first contact; rows before a customer's first start in the
    -- filtered contacts (a journey begun before $date_from) have no start and are never chosen.
    SELECT
        *,
        row_number() OVER by_journey AS step,
        first_value(starts AND chosen_if_first) OVER by_journey AS chosen,
        lead(contact_id) OVER by_journey AS next_id,
        lead(raw_touchpoint) OVER by_journey AS raw_next,
        lead(channel) OVER by_journey AS next_channel,
        lead(self_service) OVER by_journey AS next_self_service
    FROM numbered
    WINDOW by_journey AS (PARTITION BY customer_id, journey ORDER BY started_at, contact_id)
), stepped AS (
    SELECT * FROM walked WHERE chosen
), folded AS (
    SELECT customer_id, journey, step,
        CASE WHEN list_contains($top_values, raw_touchpoint) THEN raw_touchpoint ELSE 'Other' END AS touchpoint
    FROM stepped
), ends AS (
    SELECT
        CASE WHEN count(*) <= $max_steps
             THEN string_agg(touchpoint, ' → ' ORDER BY step)
             ELSE string_agg(touchpoint, ' → ' ORDER BY step) FILTER (WHERE step <= $max_steps) || ' → …'
        END AS path
    FROM folded
    GROUP BY customer_id, journey
), final AS (
    SELECT path, count(*) AS journeys FROM ends GROUP BY path
)
SELECT * FROM final ORDER BY journeys DESC, path LIMIT $limit
