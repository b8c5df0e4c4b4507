-- Writes every survey answer of the customers in cx_rollup_customers (its own customer, else its
-- contact's) into story_answer_rollup after a change of responses (story_customers_responses.sql),
-- as story_answers_build.sql writes every customer's (sorted the same way, though after the rows
-- already there). Takes no $params.
INSERT INTO story_answer_rollup
SELECT
    COALESCE(r.customer_id, c.customer_id) AS customer_id, r.response_id, r.responded_at, r.survey,
    r.contact_id, c.contact_reason, c.channel, r.nps, r.csat, r.ces, r.resolved_answer, r.comment
FROM responses AS r
LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
WHERE COALESCE(r.customer_id, c.customer_id) IN (SELECT customer_id FROM cx_rollup_customers)
ORDER BY 1, r.responded_at NULLS LAST, r.response_id
