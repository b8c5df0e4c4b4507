-- One row at most: a customer id of this workspace to show as the lookup's example: the one with
-- the latest contact, else the latest answer, else any customer (so the hint is an id that opens a
-- story here, not the sample's). No parameters.
SELECT customer_id FROM (
    SELECT customer_id, started_at AS happened_at, 0 AS source FROM contacts WHERE customer_id IS NOT NULL
    UNION ALL
    SELECT customer_id, responded_at AS happened_at, 1 AS source FROM responses WHERE customer_id IS NOT NULL
    UNION ALL
    SELECT customer_id, NULL AS happened_at, 2 AS source FROM customers
)
ORDER BY source, happened_at DESC NULLS LAST, customer_id
LIMIT 1
