-- One row per accepted new contact with a customer (cx_typed rows without a reject): its __line
-- and its derived facts: when the same customer's previous and next contacts started, in
-- (started_at, contact_id) order, over any reason and over an equal contact_reason (none when the
-- reason is missing), and the ids of the previous and next contact (any reason); computed over
-- the new contacts and the stored contacts of the customers in cx_affected_customers, the same
-- definition as contact_neighbours.sql. Kept in __line order, so that each range of lines
-- insert_contacts.sql joins reads its rows of the table only. Takes no $params.
-- Slots: {{contact}}, {{started}}, {{customer}}, {{reason}}: the t_N of those columns, or
-- __none (a NULL) for a column the file does not have.
CREATE TEMP TABLE cx_new_facts AS
WITH new_rows AS (
    SELECT __line, {{contact}} AS contact_id, {{started}} AS started_at, {{customer}} AS customer_id,
        {{reason}} AS contact_reason
    FROM cx_typed
    CROSS JOIN (SELECT CAST(NULL AS VARCHAR) AS __none) AS nothing
    WHERE {{customer}} IS NOT NULL AND __line NOT IN (SELECT line FROM cx_row_rejects)
), stored AS (
    SELECT CAST(NULL AS BIGINT) AS __line, contact_id, started_at, customer_id, contact_reason
    FROM contacts
    WHERE customer_id IN (SELECT customer_id FROM cx_affected_customers)
), everyone AS (
    SELECT * FROM new_rows
    UNION ALL
    SELECT * FROM stored
), with_facts AS (
    SELECT
        __line,
        LAG(started_at) OVER by_customer AS prev_any_at,
        LEAD(started_at) OVER by_customer AS next_any_at,
        CASE WHEN contact_reason IS NOT NULL THEN LAG(started_at) OVER by_reason END AS prev_same_at,
        CASE WHEN contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END AS next_same_at,
        LAG(contact_id) OVER by_customer AS prev_any_id,
        LEAD(contact_id) OVER by_customer AS next_any_id
    FROM everyone
    WINDOW
        by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id),
        by_reason AS (PARTITION BY customer_id, contact_reason ORDER BY started_at, contact_id)
), final AS (
    SELECT * FROM with_facts WHERE __line IS NOT NULL
)
SELECT * FROM final ORDER BY __line
