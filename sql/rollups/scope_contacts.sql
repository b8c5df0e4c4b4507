-- Creates the temp table cx_scope_rows: the contacts of the customers in cx_rollup_customers, with
-- the columns outcome_repeaters_build.sql reads, so that it recounts only those customers. After a
-- change of contacts those customers are the changed contacts' own (changed_customers.sql), whose
-- contacts after the change cx_touchpoint_union holds (touchpoint_union_contacts.sql, staged by
-- rollups.apply_change with these columns): read from there, not from every contact (0.25 s of a
-- day's append at 10 M contacts). Takes no $params.
CREATE TEMP TABLE cx_scope_rows AS
SELECT customer_id, started_at, prev_any_at, prev_same_at
FROM cx_touchpoint_union
WHERE in_new
