-- Writes the story's columns of every contact of the customers in cx_rollup_customers into
-- story_contact_rollup, as story_contacts_build.sql writes every customer's (sorted the same way,
-- though after the rows already there). Takes no $params.
INSERT INTO story_contact_rollup
SELECT
    customer_id, contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service,
    transfers, handle_seconds, prev_any_at, next_any_at, prev_same_at, next_same_at
FROM contacts
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
ORDER BY customer_id, started_at, contact_id
