-- One row per contact id that an answer of customer $customer_id names (the answers the customer
-- gave themselves; those without a customer are found through the customer's own contacts).
SELECT DISTINCT contact_id FROM responses WHERE customer_id = $customer_id AND contact_id IS NOT NULL
