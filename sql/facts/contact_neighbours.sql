-- Creates the temp table cx_moved_contacts: every contact of the customers in
-- cx_affected_customers whose facts are no longer right, whole (every column), with those facts
-- set: when that customer's previous and next contacts started, in (started_at, contact_id)
-- order, over any reason and over contacts with an equal contact_reason (none when the reason is
-- missing), and the ids of the previous and next contact (any reason). delete_moved.sql and
-- insert_moved.sql then write them over the stored rows: DuckDB's UPDATE of a few thousand rows
-- scattered over ten million took 3.0 s, the delete and insert of the same rows 1.1 s; contacts
-- whose facts are already right are not written at all. Takes no $params.
CREATE TEMP TABLE cx_moved_contacts AS
SELECT contacts.* REPLACE (
    neighbours.prev_any_at AS prev_any_at,
    neighbours.next_any_at AS next_any_at,
    neighbours.prev_same_at AS prev_same_at,
    neighbours.next_same_at AS next_same_at,
    neighbours.prev_any_id AS prev_any_id,
    neighbours.next_any_id AS next_any_id
)
FROM contacts
JOIN (
    SELECT
        contact_id,
        LAG(started_at) OVER by_customer AS prev_any_at,
        LEAD(started_at) OVER by_customer AS next_any_at,
        LAG(contact_id) OVER by_customer AS prev_any_id,
        LEAD(contact_id) OVER by_customer AS next_any_id,
        CASE WHEN contact_reason IS NOT NULL THEN LAG(started_at) OVER by_reason END AS prev_same_at,
        CASE WHEN contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END AS next_same_at
    FROM contacts
    WHERE customer_id IN (SELECT customer_id FROM cx_affected_customers)
    WINDOW
        by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id),
        by_reason AS (PARTITION BY customer_id, contact_reason ORDER BY started_at, contact_id)
) AS neighbours ON contacts.contact_id = neighbours.contact_id
WHERE contacts.customer_id IN (SELECT customer_id FROM cx_affected_customers)
  AND (contacts.prev_any_at IS DISTINCT FROM neighbours.prev_any_at
    OR contacts.next_any_at IS DISTINCT FROM neighbours.next_any_at
    OR contacts.prev_same_at IS DISTINCT FROM neighbours.prev_same_at
    OR contacts.next_same_at IS DISTINCT FROM neighbours.next_same_at
    OR contacts.prev_any_id IS DISTINCT FROM neighbours.prev_any_id
    OR contacts.next_any_id IS DISTINCT FROM neighbours.next_any_id)
