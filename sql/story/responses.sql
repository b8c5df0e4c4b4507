-- One row per survey answer of customer $customer_id (given by the customer, or about one of
-- their contacts), oldest first, with its NPS group and the reason and channel of its contact.
SELECT
    r.response_id, r.responded_at, r.survey, r.contact_id, c.contact_reason, c.channel, r.nps,
    CASE WHEN r.nps >= 9 THEN 'promoter' WHEN r.nps >= 7 THEN 'passive' WHEN r.nps >= 0 THEN 'detractor' END
        AS nps_group,
    r.csat, r.ces, r.resolved_answer, r.comment
FROM responses AS r
LEFT JOIN contacts AS c ON c.contact_id = r.contact_id
WHERE COALESCE(r.customer_id, c.customer_id) = $customer_id
ORDER BY r.responded_at NULLS LAST, r.response_id
