-- Creates the temp table cx_loop_contacts: the contacts of the customers in cx_rollup_customers,
-- with the columns a follow-up case reads of them, for loop_cases_stage_customers.sql, after a
-- change of answers or outcome months (after a change of contacts, loop_contacts_stage_span.sql
-- takes most of them from the change's span instead). Takes no $params.
CREATE TEMP TABLE cx_loop_contacts AS
SELECT contact_id, customer_id, started_at, channel, contact_reason, team, resolved
FROM contacts
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
