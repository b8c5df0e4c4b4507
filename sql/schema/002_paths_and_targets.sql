-- Version 2: which contact came before and after each contact (for the path of repeats and
-- self-service failures), and the targets managers set for each headline metric. No $params.
ALTER TABLE contacts ADD COLUMN prev_any_id VARCHAR;
ALTER TABLE contacts ADD COLUMN next_any_id VARCHAR;

UPDATE contacts
SET prev_any_id = neighbours.prev_any_id, next_any_id = neighbours.next_any_id
FROM (
    SELECT
        contact_id,
        LAG(contact_id) OVER by_customer AS prev_any_id,
        LEAD(contact_id) OVER by_customer AS next_any_id
    FROM contacts
    WHERE customer_id IS NOT NULL
    WINDOW by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id)
) AS neighbours
WHERE contacts.contact_id = neighbours.contact_id;

CREATE TABLE targets (
    metric     VARCHAR PRIMARY KEY,   -- a key of cxmetrics.core.definitions.DEFINITIONS
    target     DOUBLE NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
