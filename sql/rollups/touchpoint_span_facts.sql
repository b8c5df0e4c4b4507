-- Creates a temp table of the contacts of cx_touchpoint_span on one side of the change, with the
-- neighbour facts touchpoint_stage.sql reads, computed as sql/facts/contact_neighbours.sql stores
-- them but within the span: at its edges a contact's neighbour outside it is more than 30 days
-- away, which the stage reads as it reads none (touchpoint_span.sql). The stage's contacts
-- slot. $old (BOOLEAN: the side before the change, else after). Slot: {{table}}: the table made.
CREATE TEMP TABLE {{table}} AS
SELECT
    customer_id, started_at, contact_id, channel, contact_reason, self_service,
    LAG(started_at) OVER by_customer AS prev_any_at,
    LEAD(started_at) OVER by_customer AS next_any_at,
    CASE WHEN contact_reason IS NOT NULL THEN LEAD(started_at) OVER by_reason END AS next_same_at
FROM cx_touchpoint_span
WHERE CASE WHEN $old THEN in_old ELSE in_new END
WINDOW
    by_customer AS (PARTITION BY customer_id ORDER BY started_at, contact_id),
    by_reason AS (PARTITION BY customer_id, contact_reason ORDER BY started_at, contact_id)
