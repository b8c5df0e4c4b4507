-- One row per value of $tokens (the words of comments about to be shown) that is a customer,
-- contact or response id in the data, so the huddle can mask it. Takes $tokens (list of text).
WITH known AS (
    SELECT customer_id AS id FROM customers
    UNION ALL SELECT customer_id FROM contacts WHERE customer_id IS NOT NULL
    UNION ALL SELECT customer_id FROM responses WHERE customer_id IS NOT NULL
    UNION ALL SELECT contact_id FROM contacts
    UNION ALL SELECT response_id FROM responses
),

final AS (
    SELECT DISTINCT id FROM known WHERE list_contains($tokens, id)
)

SELECT id FROM final ORDER BY id
