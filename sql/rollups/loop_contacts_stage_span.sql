-- Creates the temp table cx_loop_contacts as loop_contacts_stage.sql does, after a change of
-- contacts (cx_rollup_customers from story_customers_contacts.sql): most of those customers are
-- the changed contacts' own, whose contacts after the change cx_touchpoint_union holds
-- (touchpoint_union_contacts.sql, staged by rollups.apply_change with the story's columns, which
-- hold these): those are read from there, and only the others' (customers of answers naming a
-- changed contact, most often none) from every contact, as story_contacts_add.sql does. Reading
-- them all from contacts took 0.5 s of a day's append at 10 M contacts. Takes no $params.
CREATE TEMP TABLE cx_loop_contacts AS
SELECT contact_id, customer_id, started_at, channel, contact_reason, team, resolved
FROM cx_touchpoint_union
WHERE in_new  -- every customer of the union is one of cx_rollup_customers: the changed contacts' own
UNION ALL
SELECT contact_id, customer_id, started_at, channel, contact_reason, team, resolved
FROM contacts
WHERE customer_id IN (
    SELECT customer_id FROM cx_rollup_customers
    WHERE customer_id NOT IN (SELECT customer_id FROM cx_touchpoint_points)
)
