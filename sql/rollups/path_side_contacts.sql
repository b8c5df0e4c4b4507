-- Creates the temp table cx_path_sides: the contacts whose path rollup rows a change of contacts
-- can alter, once per side of the change they are on (sign -1 before it, 1 after), each with its
-- customer's previous and next contact on that side (prev_any_id, prev_any_at, next_any_id): the
-- contacts slot of path_repeat_stage.sql and path_self_service_stage.sql for a refresh.
-- A contact's path rows read only its own columns, its previous contact (a repeat within the
-- longest window: its time, channel and reason) and its next one (a self-service failure within a
-- day: its time and self-service flag). No contact's columns change, so its rows change only when
-- it is added or removed or its previous or next contact is another one: those of cx_change_facts
-- (change_facts.sql: the contacts of the change's span whose neighbour facts differ on its two
-- sides, which holds them and, if their same-reason neighbours alone differ, some whose rows are
-- the same on both sides and cancel out). A contact without a customer has no path row (no
-- neighbours, and a self-service contact without a customer is not counted): cx_change_facts has
-- the changed ones, the span, which gives each contact its columns, none. Those columns are the
-- span's (a removed contact's as cx_changed_rows kept it), which rollups.apply_change had it
-- carry. Takes no $params.
-- Slot: {{columns}} (the contact columns the stages read but the three neighbour facts:
-- c."contact_id", ..., and the rolled segment columns of contacts).
CREATE TEMP TABLE cx_path_sides AS
WITH sides AS (
    SELECT contact_id, -1 AS sign, old_prev_any_id AS prev_any_id, old_prev_any_at AS prev_any_at,
        old_next_any_id AS next_any_id
    FROM cx_change_facts
    WHERE in_old
    UNION ALL
    SELECT contact_id, 1 AS sign, new_prev_any_id, new_prev_any_at, new_next_any_id
    FROM cx_change_facts
    WHERE in_new
)
SELECT {{columns}}, m.prev_any_id, m.prev_any_at, m.next_any_id, m.sign
FROM cx_touchpoint_span AS c
JOIN sides AS m ON m.contact_id = c.contact_id
