-- One row per survey response with a comment (not blank): its customer (its own, else its
-- contact's), its contact, scores, comment, and its contact's channel and reason. Takes no
-- $params. Included (as the CTE comment_rows) in the Voice of the customer queries, which read it
-- when comment_rollup is stale, and in comment_rollup's build, which writes it there.
SELECT
    r.response_id, r.responded_at, COALESCE(r.customer_id, c.customer_id) AS customer_id, r.contact_id,
    r.nps, r.csat, r.comment, c.channel, c.contact_reason
FROM responses AS r
LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
WHERE trim(r.comment) <> ''
