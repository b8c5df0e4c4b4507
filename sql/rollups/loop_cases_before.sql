-- Creates the temp table cx_loop_cases_before: what loop_case_counts counts of the cases of the
-- customers in cx_rollup_customers as loop_case_rollup holds them before a refresh rewrites them
-- (the day opened and the columns counted by), for loop_case_days.sql to compare with the cases
-- staged after. Takes no $params.
CREATE TEMP TABLE cx_loop_cases_before AS
SELECT
    CAST(opened_at AS DATE) AS day, channel, contact_reason, contact_team, case_kind, saved_state, default_due
FROM loop_case_rollup
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
