-- One row per survey response with a comment (not blank): its customer (its own, else its
-- contact's), its contact, scores, comment, and its contact's channel and reason. Takes no
-- $params. Embedded as a subquery (the slot named comments) in the Voice of the customer queries
-- when comment_rollup is stale, and written into comment_rollup by its build.
SELECT
    r.response_id, r.responded_at, COALESCE(r.customer_id, c.customer_id) AS customer_id, r.contact_id,
    r.nps, r.csat, r.comment, c.channel, c.contact_reason
FROM responses AS r
LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
WHERE trim(r.comment) <> ''
