-- Stages the follow-up cases of the loop_cases view whose customer is in cx_rollup_customers in
-- the temp table cx_loop_cases, for loop_cases_build.sql to write sorted after the rows already in
-- loop_case_rollup (loop_rollups.refresh_customers). Takes no $params. As for the whole build
-- (loop_cases_stage.sql), staged first and sorted after: computing and sorting them at once ran out
-- of the default memory_limit (800 MB) for an append of a million contacts to ten million, whose
-- customers hold some 1.6 million cases.
CREATE TEMP TABLE cx_loop_cases AS
SELECT
    case_id, case_kind, source_id, customer_id, opened_at, contact_id, channel, contact_reason,
    contact_team, nps, comment, default_due, saved_state
FROM loop_cases
WHERE customer_id IN (SELECT customer_id FROM cx_rollup_customers)
