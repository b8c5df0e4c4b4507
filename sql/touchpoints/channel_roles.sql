-- One row per channel of the contacts that have a customer (the channels a journey can pass
-- through), named as the touchpoint map names it ('(none)' when missing): how many of its contacts
-- are marked self-service, and how many carry the self_service flag at all. Takes no $params.
SELECT
    COALESCE(CAST(channel AS VARCHAR), '(none)') AS channel,
    count(*) FILTER (WHERE self_service) AS self_service,
    count(self_service) AS known
FROM contacts
WHERE customer_id IS NOT NULL
GROUP BY 1
ORDER BY 1
