-- One row per survey answer of customer $customer_id (given by the customer, or about one of
-- their contacts, $contact_ids: the ids story/contacts.sql found), oldest first, with its NPS
-- group and its contact's reason and channel. The answer's customer is its own customer_id, else
-- its contact's (as everywhere). Two narrow scans of the answers; the contacts table is not read
-- again: the reason and channel come in as $label_ids, $label_reasons, $label_channels (the
-- customer's contacts, already loaded, and any other contact an answer names).
WITH theirs AS (
    SELECT * FROM responses WHERE customer_id = $customer_id
    UNION ALL
    SELECT * FROM responses
    WHERE customer_id IS NULL AND list_contains(CAST($contact_ids AS VARCHAR[]), contact_id)
), labels AS (
    SELECT
        unnest(CAST($label_ids AS VARCHAR[])) AS contact_id,
        unnest(CAST($label_reasons AS VARCHAR[])) AS contact_reason,
        unnest(CAST($label_channels AS VARCHAR[])) AS channel
), final AS (
    SELECT
        r.response_id, r.responded_at, r.survey, r.contact_id, c.contact_reason, c.channel, r.nps,
        CASE WHEN r.nps >= 9 THEN 'promoter' WHEN r.nps >= 7 THEN 'passive' WHEN r.nps >= 0 THEN 'detractor' END
            AS nps_group,
        r.csat, r.ces, r.resolved_answer, r.comment
    FROM theirs AS r
    LEFT JOIN labels AS c ON c.contact_id = r.contact_id
)
SELECT * FROM final ORDER BY responded_at NULLS LAST, response_id
