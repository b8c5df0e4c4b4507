-- The steps of the chosen journeys: one row per contact of a journey whose first contact is in the
-- filters, with its step, touchpoint and the next contact's. A journey is a chain of one customer's
-- contacts, each starting at most $window days (W) after the one before: a contact starts one when
-- its stored previous contact is not within W before it (prev_any_at); a running count of starts
-- numbers each customer's journeys and row_number the steps. Journeys are chosen by their first
-- contact: $date_from, $date_to (DATE or NULL, whole days), $channels, $reasons, $segment_values
-- (VARCHAR[] or NULL) as in the metrics. Contacts without a customer are in none. $none: the name of
-- a missing touchpoint (touchpoints.NONE). Slots: the touchpoint column of c and the segment (a
-- column of c or cu, or missing.value), as in the files that include this one as their CTE
-- stepped (journey_flow.sql, journey_paths.sql, drill/journeys.sql).
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
)
SELECT * FROM walked WHERE chosen
