-- Writes the story's columns of every contact with a customer into story_contact_rollup, sorted by
-- customer (then start and contact id), so one customer's contacts share a row group or two and a
-- lookup by customer skips the rest on min/max statistics. Takes no $params.
INSERT INTO story_contact_rollup
SELECT
    customer_id, contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service,
    transfers, handle_seconds, prev_any_at, next_any_at, prev_same_at, next_same_at
FROM contacts
WHERE customer_id IS NOT NULL
ORDER BY customer_id, started_at, contact_id
