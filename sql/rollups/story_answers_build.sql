-- Writes every survey answer with a customer into story_answer_rollup: the customer is the
-- answer's own, else its contact's (as everywhere); the reason and channel are those of the
-- contact it names, whoever that contact's customer is. Sorted by that customer, then answer time
-- (none last) and id, so a lookup by customer reads one row group. Takes no $params.
INSERT INTO story_answer_rollup
SELECT
    COALESCE(r.customer_id, c.customer_id) AS customer_id, r.response_id, r.responded_at, r.survey,
    r.contact_id, c.contact_reason, c.channel, r.nps, r.csat, r.ces, r.resolved_answer, r.comment
FROM responses AS r
LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
WHERE COALESCE(r.customer_id, c.customer_id) IS NOT NULL
ORDER BY 1, r.responded_at NULLS LAST, r.response_id
