-- Writes every survey answer of the customers in cx_rollup_customers (its own customer, else its
-- contact's) into story_answer_rollup after a change of contacts, as story_answers_build.sql
-- writes every customer's (sorted the same way, though after the rows already there). Takes no
-- $params. The answers' contacts are looked up among those customers' contacts first: most of the
-- customers are the changed contacts' own (story_customers_contacts.sql), whose contacts after the
-- change cx_touchpoint_union holds (touchpoint_union_contacts.sql, staged by rollups.apply_change);
-- every contact is read only for the others (customers of answers naming a changed contact, and
-- contacts of other customers an answer names: most often none). Joining every answer to every
-- contact (story_answers_add_responses.sql) took 0.5 s of a day's append at 10 M contacts.
INSERT INTO story_answer_rollup
WITH theirs AS (
    SELECT contact_id, customer_id, contact_reason, channel FROM cx_touchpoint_union WHERE in_new
    UNION ALL
    SELECT contact_id, customer_id, contact_reason, channel
    FROM contacts
    WHERE customer_id IN (
        SELECT customer_id FROM cx_rollup_customers
        WHERE customer_id NOT IN (SELECT customer_id FROM cx_touchpoint_points)
    )
), answers AS (
    SELECT r.customer_id AS owner, r.*
    FROM responses AS r
    WHERE r.customer_id IN (SELECT customer_id FROM cx_rollup_customers)
    UNION ALL
    SELECT t.customer_id AS owner, r.*
    FROM responses AS r
    JOIN theirs AS t ON t.contact_id = r.contact_id
    WHERE r.customer_id IS NULL
), named AS (
    SELECT contact_id, contact_reason, channel FROM theirs
    UNION ALL
    SELECT contact_id, contact_reason, channel
    FROM contacts
    WHERE contact_id IN (
        SELECT contact_id FROM answers WHERE contact_id NOT IN (SELECT contact_id FROM theirs)
    )
)
SELECT
    a.owner AS customer_id, a.response_id, a.responded_at, a.survey, a.contact_id, n.contact_reason,
    n.channel, a.nps, a.csat, a.ces, a.resolved_answer, a.comment
FROM answers AS a
LEFT JOIN named AS n ON n.contact_id = a.contact_id
ORDER BY 1, a.responded_at NULLS LAST, a.response_id
