-- One row per contact of customer $customer_id, oldest first, with whether it is a repeat (the
-- previous contact, of the same reason with $same_reason, started at most $window days before)
-- and whether the customer came back within $window days after it (not resolved first time).
-- Slots: {{contacts}} (story_contact_rollup while the rollups are fresh: the same columns, sorted
-- by customer so the lookup reads one row group; else the contacts table).
WITH mine AS (
    SELECT
        contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service, transfers,
        handle_seconds,
        CASE WHEN $same_reason THEN prev_same_at ELSE prev_any_at END AS prev_at,
        CASE WHEN $same_reason THEN next_same_at ELSE next_any_at END AS next_at
    FROM {{contacts}}
    WHERE customer_id = $customer_id
), final AS (
    SELECT
        contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service, transfers,
        handle_seconds,
        coalesce(prev_at >= started_at - INTERVAL '1' DAY * $window, FALSE) AS repeat_contact,
        coalesce(next_at <= started_at + INTERVAL '1' DAY * $window, FALSE) AS came_back
    FROM mine
)
SELECT * FROM final ORDER BY started_at, contact_id
