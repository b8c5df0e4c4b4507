-- Creates the temp table cx_metric_facts: the contacts whose counts a change of contacts can alter
-- but for the latest contact's move, with their neighbour facts (when the customer's previous and
-- next contacts started, over any reason and over an equal contact_reason) before and after it,
-- and on which sides they are (in_old, in_new). Those of cx_touchpoint_span (touchpoint_span.sql),
-- their facts computed as sql/facts/contact_neighbours.sql stores them but within the span on each
-- side, keeping only those whose facts differ or that are on one side only: contact_rollup_build.sql
-- counts a contact by its own columns, these facts and the latest contact, so the others count
-- the same on both sides. Within the span is enough: a neighbour outside it is more than 30 days
-- away (the longest window of rollups.ROLLUP_WINDOWS), which the build reads as it reads none. Then
-- the changed contacts without a customer (they have no neighbours).
-- $removed (BOOLEAN: the changed contacts, in cx_changed_rows, were removed, else added).
CREATE TEMP TABLE cx_metric_facts AS
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
        CASE WHEN contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END AS next_same_at
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
    n.prev_any_at AS new_prev_any_at, n.next_any_at AS new_next_any_at,
    n.prev_same_at AS new_prev_same_at, n.next_same_at AS new_next_same_at
FROM old_side AS o
FULL OUTER JOIN new_side AS n ON n.contact_id = o.contact_id
WHERE o.contact_id IS NULL OR n.contact_id IS NULL
   OR o.prev_any_at IS DISTINCT FROM n.prev_any_at OR o.next_any_at IS DISTINCT FROM n.next_any_at
   OR o.prev_same_at IS DISTINCT FROM n.prev_same_at OR o.next_same_at IS DISTINCT FROM n.next_same_at
UNION ALL
SELECT
    x.contact_id, $removed AS in_old, NOT $removed AS in_new,
    CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP),
    CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP), CAST(NULL AS TIMESTAMP)
FROM cx_changed_rows AS x
WHERE x.customer_id IS NULL
