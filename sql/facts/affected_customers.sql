-- One row per customer whose contacts an import adds or removes: the customers whose derived
-- contact facts must be recomputed. $import_id.
INSERT INTO cx_affected_customers
SELECT DISTINCT customer_id
FROM contacts
WHERE import_id = $import_id AND customer_id IS NOT NULL
