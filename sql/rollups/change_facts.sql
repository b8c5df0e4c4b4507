-- Creates the temp table cx_change_facts after a change of contacts (its rows in cx_changed_rows):
-- the contacts whose neighbours it moves, with their neighbour facts (when the customer's previous
-- and next contacts started, over any reason and over an equal contact_reason, and the ids of the
-- previous and next contact) before and after it, and on which sides they are (in_old, in_new).
-- Those of cx_touchpoint_span (touchpoint_span.sql), their facts computed as
-- sql/facts/contact_neighbours.sql stores them but within the span on each side, keeping only those
-- whose facts differ or that are on one side only: a count that reads a contact's own columns and
-- these facts counts the others the same on both sides. Within the span is enough: a neighbour
-- outside it is more than 30 days away (the longest window of rollups.ROLLUP_WINDOWS), which the
-- counts read as they read none. Then the changed contacts without a customer (they have no
-- neighbours). Staged once per change (touchpoint_rollups.stage_span) for the metric refresh
-- (metric_stage.sql) and the path refresh (path_side_contacts.sql).
-- $removed (BOOLEAN: the changed contacts, in cx_changed_rows, were removed, else added).
CREATE TEMP TABLE cx_change_facts AS
WITH sides AS (
    SELECT contact_id, customer_id, started_at, contact_reason, false AS after_change
    FROM cx_touchpoint_span
    WHERE in_old
    UNION ALL
    SELECT contact_id, customer_id, started_at, contact_reason, true AS after_change
    FROM cx_touchpoint_span
    WHERE in_new
), facts AS (
    SELECT
        contact_id,
        after_change,
        LAG(started_at) OVER by_customer AS prev_any_at,
        LEAD(started_at) OVER by_customer AS next_any_at,
        CASE WHEN contact_reason IS NOT NULL THEN LAG(started_at) OVER by_reason END AS prev_same_at,
        CASE WHEN contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END AS next_same_at,
        LAG(contact_id) OVER by_customer AS prev_any_id,
        LEAD(contact_id) OVER by_customer AS next_any_id
    FROM sides
    WINDOW
        by_customer AS (PARTITION BY after_change, customer_id ORDER BY started_at, contact_id),
        by_reason AS (PARTITION BY after_change, customer_id, contact_reason ORDER BY started_at, contact_id)
), old_side AS (
    SELECT * FROM facts WHERE NOT after_change
), new_side AS (
    SELECT * FROM facts WHERE after_change
)
SELECT
    coalesce(o.contact_id, n.contact_id) AS contact_id,
    o.contact_id IS NOT NULL AS in_old,
    n.contact_id IS NOT NULL AS in_new,
    o.prev_any_at AS old_prev_any_at, o.next_any_at AS old_next_any_at,
    o.prev_same_at AS old_prev_same_at, o.next_same_at AS old_next_same_at,
    o.prev_any_id AS old_prev_any_id, o.next_any_id AS old_next_any_id,
    n.prev_any_at AS new_prev_any_at, n.next_any_at AS new_next_any_at,
    n.prev_same_at AS new_prev_same_at, n.next_same_at AS new_next_same_at,
    n.prev_any_id AS new_prev_any_id, n.next_any_id AS new_next_any_id
FROM old_side AS o
FULL OUTER JOIN new_side AS n ON n.contact_id = o.contact_id
WHERE o.contact_id IS NULL OR n.contact_id IS NULL
   OR o.prev_any_at IS DISTINCT FROM n.prev_any_at OR o.next_any_at IS DISTINCT FROM n.next_any_at
   OR o.prev_same_at IS DISTINCT FROM n.prev_same_at OR o.next_same_at IS DISTINCT FROM n.next_same_at
   OR o.prev_any_id IS DISTINCT FROM n.prev_any_id OR o.next_any_id IS DISTINCT FROM n.next_any_id
UNION ALL
SELECT
    x.contact_id, $removed AS in_old, NOT $removed AS in_new,
    CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP),
    CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR)
FROM cx_changed_rows AS x
WHERE x.customer_id IS NULL
