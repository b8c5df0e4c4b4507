-- Creates the temp table cx_path_sides: the contacts whose path rollup rows a change of contacts
-- can alter, once per side of the change they are on (sign -1 before it, 1 after), each with its
-- customer's previous and next contact on that side (prev_any_id, prev_any_at, next_any_id): the
-- contacts slot of path_repeat_stage.sql and path_self_service_stage.sql for a refresh.
-- A contact's path rows read only its own columns, its previous contact (a repeat within the
-- longest window: its time, channel and reason) and its next one (a self-service failure within a
-- day: its time and self-service flag). No contact's columns change, so its rows change only when
-- it is added or removed or its previous or next contact is another one. Those are found within
-- cx_touchpoint_span (touchpoint_span.sql), the neighbours worked out on each side as
-- sql/facts/contact_neighbours.sql stores them but within the span: a neighbour outside it is more
-- than 30 days away, which the stages read as they read none. A contact without a customer has no
-- path row (no neighbours, and a self-service contact without a customer is not counted), and the
-- span has none. Each contact's columns are the span's (a removed one's as cx_changed_rows kept
-- it), which rollups.apply_change had it carry. Takes no $params.
-- Slot: {{columns}} (the contact columns the stages read but the three neighbour facts:
-- c."contact_id", ..., and the rolled segment columns of contacts).
CREATE TEMP TABLE cx_path_sides AS
WITH sides AS (
    SELECT contact_id, customer_id, started_at, -1 AS sign FROM cx_touchpoint_span WHERE in_old
    UNION ALL
    SELECT contact_id, customer_id, started_at, 1 AS sign FROM cx_touchpoint_span WHERE in_new
), facts AS (
    SELECT
        contact_id,
        sign,
        LAG(contact_id) OVER by_customer AS prev_any_id,
        LAG(started_at) OVER by_customer AS prev_any_at,
        LEAD(contact_id) OVER by_customer AS next_any_id
    FROM sides
    WINDOW by_customer AS (PARTITION BY sign, customer_id ORDER BY started_at, contact_id)
), moved AS (
    SELECT f.*
    FROM facts AS f
    LEFT JOIN facts AS other ON other.contact_id = f.contact_id AND other.sign = -f.sign
    WHERE other.contact_id IS NULL
       OR f.prev_any_id IS DISTINCT FROM other.prev_any_id
       OR f.next_any_id IS DISTINCT FROM other.next_any_id
)
SELECT {{columns}}, m.prev_any_id, m.prev_any_at, m.next_any_id, m.sign
FROM cx_touchpoint_span AS c
JOIN moved AS m ON m.contact_id = c.contact_id
