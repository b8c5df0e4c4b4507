-- One row over the whole workspace (no filter): how many contacts carry a customer id, and the first
-- and last day of them. A journey follows one customer, so only these contacts can make one; a
-- selection without journeys is told where they are. No parameters.
SELECT count(*) AS contacts, min(started_at)::DATE AS first_day, max(started_at)::DATE AS last_day
FROM contacts
WHERE customer_id IS NOT NULL AND started_at IS NOT NULL
