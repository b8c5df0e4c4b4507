-- Writes the story's columns of every contact of the customers in cx_rollup_customers into
-- story_contact_rollup, as story_contacts_build.sql writes every customer's (sorted the same way,
-- though after the rows already there). After a change of contacts (story_customers_contacts.sql)
-- most of those customers are the changed contacts' own, whose contacts after the change
-- cx_touchpoint_union holds (touchpoint_union_contacts.sql, staged by rollups.apply_change with
-- these columns): those are read from there, and only the others' (customers of answers naming a
-- changed contact, most often none) from every contact: 0.55 s of a day's append at 10 M
-- contacts read them all from contacts. Takes no $params.
INSERT INTO story_contact_rollup
WITH theirs AS (
    SELECT
        customer_id, contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service,
        transfers, handle_seconds, prev_any_at, next_any_at, prev_same_at, next_same_at
    FROM cx_touchpoint_union
    WHERE in_new
    UNION ALL
    SELECT
        customer_id, contact_id, started_at, channel, contact_reason, resolved, agent, team, self_service,
        transfers, handle_seconds, prev_any_at, next_any_at, prev_same_at, next_same_at
    FROM contacts
    WHERE customer_id IN (
        SELECT customer_id FROM cx_rollup_customers
        WHERE customer_id NOT IN (SELECT customer_id FROM cx_touchpoint_points)
    )
)
SELECT * FROM theirs
ORDER BY customer_id, started_at, contact_id
