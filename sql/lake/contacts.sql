-- The lake's contacts with their derived facts, as the importer stores them in a workspace
-- (cxmetrics/store/contact_facts.py): when the same customer's previous and next contacts started, in
-- (started_at, contact_id) order, over any reason and over an equal contact_reason (none when the
-- reason is missing), and the ids of the previous and next contact (any reason). A contact without
-- a customer has none. The same definition as sql/facts/contact_neighbours.sql, over every contact
-- at once (tests/test_lake.py checks the two agree). Takes no $params.
-- Slot: {{source}}: the lake's contacts as read from their Parquet files.
CREATE TEMP TABLE contacts AS
SELECT
    c.*,
    CASE WHEN c.customer_id IS NOT NULL THEN LAG(c.started_at) OVER by_customer END AS prev_any_at,
    CASE WHEN c.customer_id IS NOT NULL THEN LEAD(c.started_at) OVER by_customer END AS next_any_at,
    CASE WHEN c.customer_id IS NOT NULL AND c.contact_reason IS NOT NULL
        THEN LAG(c.started_at) OVER by_reason END AS prev_same_at,
    CASE WHEN c.customer_id IS NOT NULL AND c.contact_reason IS NOT NULL
        THEN LEAD(c.started_at) OVER by_reason END AS next_same_at,
    CASE WHEN c.customer_id IS NOT NULL THEN LAG(c.contact_id) OVER by_customer END AS prev_any_id,
    CASE WHEN c.customer_id IS NOT NULL THEN LEAD(c.contact_id) OVER by_customer END AS next_any_id
FROM {{source}} AS c
WINDOW
    by_customer AS (PARTITION BY c.customer_id ORDER BY c.started_at, c.contact_id),
    by_reason AS (PARTITION BY c.customer_id, c.contact_reason ORDER BY c.started_at, c.contact_id)
